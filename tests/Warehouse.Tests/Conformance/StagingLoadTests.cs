using Dapper;
using Warehouse.Database;
using Warehouse.Tests.Infrastructure;

namespace Warehouse.Tests.Conformance;

public sealed class StagingLoadTests(WarehouseFixture fixture) : IClassFixture<WarehouseFixture>
{
    private static readonly string[] StagingChecks = ["stg.shop_order|shop_id, order_id", "stg.order_line_item|shop_id, order_id, line_item_id", "stg.sku_statement_transaction|shop_id, statement_id, order_id, sku_id", "stg.ad_report_daily|advertiser_id, ad_id, stat_time_day"];

    [Theory]
    [ClassData(typeof(Engines))]
    public async Task Loading_the_same_folder_twice_leaves_staging_as_after_one_load(Engine engine)
    {
        var database = await fixture.CleanDatabaseAsync(engine);
        var first = await Pipeline.LoadAsync(database, Pipeline.SmallSampleFiles);
        var afterOne = await StagingChecksumsAsync(database, includeRunId: true);

        var second = await Pipeline.LoadAsync(database, Pipeline.SmallSampleFiles);

        Assert.Equal(afterOne, await StagingChecksumsAsync(database, includeRunId: true));
        Assert.True(first.Sum(f => f.RowsWritten) > 5_000, $"the first load writes the sample ({first.Sum(f => f.RowsWritten)} rows)");
        Assert.Equal(0, second.Sum(f => f.RowsWritten));
        Assert.Equal(first.Sum(f => f.RowsRead), second.Sum(f => f.RowsRead));
    }

    [Theory]
    [ClassData(typeof(Engines))]
    public async Task A_bad_field_is_rejected_with_file_line_and_column_and_the_good_rows_load(Engine engine)
    {
        var database = await fixture.CleanDatabaseAsync(engine);
        var folder = CopyOf(Pipeline.SmallSampleFiles, "shop_order.csv", "order_line_item.csv", "shop.csv");
        var orders = Path.Combine(folder, "shop_order.csv");
        var lines = File.ReadAllLines(orders);
        var header = lines[0].Split(',');
        var totalColumn = Array.IndexOf(header, "total_amount");
        var broken = lines[5].Split(',');
        broken[totalColumn] = "12,34x";
        lines[5] = string.Join(',', broken.Select(f => f.Contains(',') ? $"\"{f}\"" : f));
        File.WriteAllLines(orders, lines);

        var results = await Pipeline.LoadAsync(database, folder);

        var orderFile = results.Single(r => r.Table == "shop_order");
        Assert.Equal(1, orderFile.RowsRejected);
        Assert.Equal(lines.Length - 2, orderFile.RowsWritten);
        await using var connection = await database.OpenAsync();
        var reject = await connection.QuerySingleAsync<(string File, long Row, string Field, string Reason)>(
            "SELECT file_or_page, row_number, field_name, reason FROM etl.reject");
        Assert.Equal(orders, reject.File);
        Assert.Equal(6, reject.Row);
        Assert.Equal("total_amount", reject.Field);
        Assert.Contains("12,34x", reject.Reason, StringComparison.Ordinal);
    }

    [Theory]
    [ClassData(typeof(Engines))]
    public async Task A_file_with_too_many_bad_rows_loads_nothing_and_keeps_what_was_loaded(Engine engine)
    {
        var database = await fixture.CleanDatabaseAsync(engine);
        var folder = CopyOf(Pipeline.SmallSampleFiles, "shop.csv");
        await Pipeline.LoadAsync(database, folder);
        File.AppendAllText(Path.Combine(folder, "shop.csv"), "9999,Broken shop,US,USD,America/Los_Angeles\nnot-a-shop,,,,\n");

        var error = await Assert.ThrowsAsync<WarehouseException>(() => Pipeline.LoadAsync(database, folder));

        Assert.Contains("shop.csv", error.Message, StringComparison.Ordinal);
        Assert.Contains("nothing loaded", error.Message, StringComparison.Ordinal);
        await using var connection = await database.OpenAsync();
        Assert.Equal(2, await connection.ExecuteScalarAsync<int>("SELECT COUNT(*) FROM stg.shop"));
        Assert.True(await connection.ExecuteScalarAsync<int>("SELECT COUNT(*) FROM etl.reject WHERE field_name = 'shop_name'") >= 1);
    }

    [Theory]
    [ClassData(typeof(Engines))]
    public async Task A_file_with_an_unknown_column_stops_with_the_file_and_column(Engine engine)
    {
        var database = await fixture.CleanDatabaseAsync(engine);
        var folder = CopyOf(Pipeline.SmallSampleFiles, "shop.csv");
        var shops = Path.Combine(folder, "shop.csv");
        var lines = File.ReadAllLines(shops);
        lines[0] = lines[0].Replace("region", "regoin", StringComparison.Ordinal);
        File.WriteAllLines(shops, lines);

        var error = await Assert.ThrowsAsync<WarehouseException>(() => Pipeline.LoadAsync(database, folder));

        Assert.Equal($"{shops}: line 1: unknown column 'regoin' for stg.shop", error.Message[..error.Message.IndexOf(" (", StringComparison.Ordinal)]);
        await using var connection = await database.OpenAsync();
        Assert.Equal(0, await connection.ExecuteScalarAsync<int>("SELECT COUNT(*) FROM stg.shop"));
    }

    private static string CopyOf(string folder, params string[] files)
    {
        var copy = Path.Combine(Path.GetTempPath(), "warehouse-tests", $"copy-{Guid.NewGuid():N}");
        Directory.CreateDirectory(copy);
        foreach (var file in files)
        {
            File.Copy(Path.Combine(folder, file), Path.Combine(copy, file));
        }

        return copy;
    }

    private static async Task<string> StagingChecksumsAsync(WarehouseDatabase database, bool includeRunId)
    {
        await using var connection = await database.OpenAsync();
        var sums = new List<string>();
        foreach (var check in StagingChecks)
        {
            var (table, order) = (check.Split('|')[0], check.Split('|')[1]);
            sums.Add(table + ": " + await Pipeline.ChecksumAsync(connection, table, order));
            if (includeRunId)
            {
                sums.Add(table + " runs: " + await connection.ExecuteScalarAsync<long>($"SELECT COUNT(DISTINCT etl_run_id) FROM {table}"));
            }
        }

        return string.Join("\n", sums);
    }
}
