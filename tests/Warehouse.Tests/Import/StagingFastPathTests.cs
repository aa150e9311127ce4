using Dapper;
using Warehouse.Database;
using Warehouse.Stage;
using Warehouse.Tests.Infrastructure;

namespace Warehouse.Tests.Import;

/// <summary>
/// A file loaded into an empty staging table is copied straight into it; into a table with rows it goes through a
/// temporary table and the upsert. Both must leave the same staging, the same rows written and the same rejects.
/// </summary>
public sealed class StagingFastPathTests(WarehouseFixture fixture) : IClassFixture<WarehouseFixture>, IDisposable
{
    private readonly string folder = Directory.CreateTempSubdirectory("warehouse-fastpath-").FullName;

    public void Dispose() => Directory.Delete(folder, recursive: true);

    [Theory]
    [ClassData(typeof(Engines))]
    public async Task Half_of_every_file_then_the_whole_file_leaves_staging_as_the_whole_file_into_empty_tables(Engine engine)
    {
        // The first half goes straight into the empty tables, the whole file then through the upsert (half its keys exist).
        var half = Path.Combine(folder, "half");
        Directory.CreateDirectory(half);
        var expectedNew = new Dictionary<string, long>(StringComparer.Ordinal);
        foreach (var file in Directory.GetFiles(Pipeline.SmallSampleFiles, "*.csv"))
        {
            var lines = await File.ReadAllLinesAsync(file, TestContext.Current.CancellationToken);
            var rows = lines.Length - 1;
            await File.WriteAllLinesAsync(Path.Combine(half, Path.GetFileName(file)), lines.Take(1 + (rows / 2)), TestContext.Current.CancellationToken);
            expectedNew[Path.GetFileNameWithoutExtension(file)] = rows - (rows / 2);
        }

        var database = await fixture.CleanDatabaseAsync(engine);
        var whole = await Pipeline.LoadAsync(database, Pipeline.SmallSampleFiles);
        var straight = await ChecksumsAsync(database);

        database = await fixture.CleanDatabaseAsync(engine);
        await Pipeline.LoadAsync(database, half);
        var rest = await Pipeline.LoadAsync(database, Pipeline.SmallSampleFiles);
        var upserted = await ChecksumsAsync(database);

        Assert.Equal(straight, upserted);
        Assert.Equal(whole.Select(r => (r.Table, r.RowsRead)), whole.Select(r => (r.Table, r.RowsWritten)));
        Assert.Equal(expectedNew, rest.ToDictionary(r => r.Table, r => r.RowsWritten));

        // The rows of the first load keep its run; the second load's run is on exactly the rows it wrote.
        var secondRun = await LastRunAsync(database);
        await using var connection = await database.OpenAsync();
        foreach (var result in rest)
        {
            Assert.Equal(result.RowsWritten, await connection.ExecuteScalarAsync<long>($"SELECT COUNT(*) FROM stg.{result.Table} WHERE etl_run_id = {secondRun}"));
        }

        // And the same folder once more changes nothing.
        var again = await Pipeline.LoadAsync(database, Pipeline.SmallSampleFiles);
        Assert.Equal(0, again.Sum(r => r.RowsWritten));
        Assert.Equal(upserted, await ChecksumsAsync(database));
    }

    [Theory]
    [ClassData(typeof(Engines))]
    public async Task A_file_repeating_a_key_into_an_empty_table_keeps_the_last_row_and_its_rejects_once(Engine engine)
    {
        var database = await fixture.CleanDatabaseAsync(engine);
        var lines = await File.ReadAllLinesAsync(Path.Combine(Pipeline.SmallSampleFiles, "shop.csv"), TestContext.Current.CancellationToken);
        var header = lines[0].Split(',');
        var nameColumn = Array.IndexOf(header, "shop_name");
        var renamed = lines[1].Split(',');
        renamed[nameColumn] = "Renamed shop";
        var broken = lines[1].Split(',');
        broken[Array.IndexOf(header, "currency")] = "TOOLONG";
        var file = Path.Combine(folder, "shop.csv");
        await File.WriteAllLinesAsync(file, [.. lines, string.Join(',', broken), string.Join(',', renamed)], TestContext.Current.CancellationToken);

        var result = Assert.Single(await Pipeline.LoadAsync(database, folder, maxRejectRate: 0.5m));

        Assert.Equal((lines.Length + 1L, lines.Length - 1L, 1L), (result.RowsRead, result.RowsWritten, result.RowsRejected));
        await using var connection = await database.OpenAsync();
        Assert.Equal(lines.Length - 1, await connection.ExecuteScalarAsync<int>("SELECT COUNT(*) FROM stg.shop"));
        Assert.Equal("Renamed shop", await connection.ExecuteScalarAsync<string>($"SELECT shop_name FROM stg.shop WHERE shop_id = '{renamed[0]}'"));
        var reject = await connection.QuerySingleAsync<(long Row, string Field)>("SELECT row_number, field_name FROM etl.reject");
        Assert.Equal((lines.Length + 1L, "currency"), reject);
    }

    [Theory]
    [ClassData(typeof(Engines))]
    public async Task Too_many_bad_rows_into_an_empty_table_load_nothing_and_keep_the_rejects(Engine engine)
    {
        var database = await fixture.CleanDatabaseAsync(engine);
        var lines = await File.ReadAllLinesAsync(Path.Combine(Pipeline.SmallSampleFiles, "shop.csv"), TestContext.Current.CancellationToken);
        await File.WriteAllLinesAsync(Path.Combine(folder, "shop.csv"), [.. lines, "9999,Broken shop,US,USD,America/Los_Angeles", "not-a-shop,,,,"], TestContext.Current.CancellationToken);

        var error = await Assert.ThrowsAsync<WarehouseException>(() => Pipeline.LoadAsync(database, folder));

        Assert.Contains("nothing loaded", error.Message, StringComparison.Ordinal);
        await using var connection = await database.OpenAsync();
        Assert.Equal(0, await connection.ExecuteScalarAsync<int>("SELECT COUNT(*) FROM stg.shop"));
        Assert.Equal(1, await connection.ExecuteScalarAsync<int>("SELECT COUNT(*) FROM etl.reject WHERE field_name = 'shop_name'"));
    }

    [Fact]
    public async Task The_binary_copy_writes_every_staging_type_as_PostgreSQL_reads_it()
    {
        var database = await fixture.CleanDatabaseAsync(Engine.Postgres);
        decimal[] numbers =
        [
            0m, 0.0000m, 1m, -1m, 45.99m, -45.99m, 0.0001m, -0.0001m, 0.5m, 10000m, 9999.9999m, 10000.0001m, 20000.0002m,
            100000000m, 1.50000000m, 12.3400m, 123456789012345.6789m, -999999999999999.9999m, 0.1234m, 1234.5m,
        ];
        string?[] texts = ["", "7495610000000001", "Café ✓ 😀, \"quoted\"\nline", null];
        DateOnly[] dates = [new(2000, 1, 1), new(1999, 12, 31), new(2026, 11, 26), new(1970, 1, 1)];
        var rows = numbers.Select((n, i) => new object?[]
        {
            n, texts[i % texts.Length], i - 10, (long)i * -1_000_000_000_000L, dates[i % dates.Length], i % 2 == 0, i % 3 == 0 ? null : n,
        }).ToList();
        StagingColumn[] columns =
        [
            new("n", ColumnKind.Decimal, false, false, null), new("t", ColumnKind.Text, true, false, null), new("i", ColumnKind.Integer, false, false, null),
            new("l", ColumnKind.BigInteger, false, false, null), new("d", ColumnKind.Date, false, false, null), new("b", ColumnKind.Boolean, false, false, null),
            new("m", ColumnKind.Decimal, true, false, null),
        ];

        await using var connection = await database.OpenAsync();
        await using var transaction = await connection.BeginTransactionAsync(TestContext.Current.CancellationToken);
        await connection.ExecuteAsync("CREATE TEMP TABLE copied (n numeric(19,4), t varchar(100), i integer, l bigint, d date, b boolean, m numeric)", transaction: transaction);
        var copied = await new StagingWriter(Engine.Postgres).CopyAsync(connection, transaction, "copied", columns, rows, TestContext.Current.CancellationToken);

        Assert.Equal(rows.Count, copied);
        var read = (await connection.QueryAsync<(decimal N, string? T, int I, long L, string D, bool B, decimal? M, string NText, string? MText)>(
            "SELECT n, t, i, l, d::text, b, m, n::text, m::text FROM copied ORDER BY i", transaction: transaction)).ToList();
        Assert.Equal(rows.Select(r => ((decimal)r[0]!, (string?)r[1], (int)r[2]!, (long)r[3]!, ((DateOnly)r[4]!).ToString("yyyy-MM-dd", System.Globalization.CultureInfo.InvariantCulture), (bool)r[5]!, (decimal?)r[6])),
            read.Select(r => (r.N, r.T, r.I, r.L, r.D, r.B, r.M)));
        Assert.Equal(numbers.Select(n => n.ToString("F4", System.Globalization.CultureInfo.InvariantCulture)), read.Select(r => r.NText));
        Assert.Equal(rows.Select(r => (r[6] as decimal?)?.ToString(System.Globalization.CultureInfo.InvariantCulture)), read.Select(r => r.MText));
    }

    private static async Task<long> LastRunAsync(WarehouseDatabase database)
    {
        await using var connection = await database.OpenAsync();
        return await connection.ExecuteScalarAsync<long>("SELECT MAX(run_id) FROM etl.run");
    }

    private static async Task<string> ChecksumsAsync(WarehouseDatabase database)
    {
        await using var connection = await database.OpenAsync();
        var tables = await StagingTable.ReadAllAsync(connection);
        var sums = new List<string>();
        foreach (var table in tables.Values.OrderBy(t => t.Name, StringComparer.Ordinal))
        {
            sums.Add($"{table.Name}: {await Pipeline.ChecksumAsync(connection, $"stg.{table.Name}", string.Join(", ", table.KeyColumns.Select(c => c.Name)))}");
        }

        return string.Join("\n", sums);
    }
}
