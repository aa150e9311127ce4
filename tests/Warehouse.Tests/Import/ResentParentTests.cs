using System.Globalization;
using CsvHelper;
using Dapper;
using Warehouse.Database;
using Warehouse.Stage;
using Warehouse.Tests.Infrastructure;

namespace Warehouse.Tests.Import;

/// <summary>
/// A parent re-sent (an order, a return, a cancellation, a statement, a product) brings all its children: children
/// of a parent in the load that the load no longer has are removed, and nobody else's children are touched.
/// </summary>
public sealed class ResentParentTests(WarehouseFixture fixture) : IClassFixture<WarehouseFixture>, IDisposable
{
    private readonly string folder = Directory.CreateTempSubdirectory("warehouse-resent-").FullName;

    public void Dispose() => Directory.Delete(folder, recursive: true);

    [Theory]
    [ClassData(typeof(Engines))]
    public async Task A_parent_re_sent_with_fewer_children_loses_the_missing_ones_in_every_child_table(Engine engine)
    {
        var database = await fixture.CleanDatabaseAsync(engine);
        await Pipeline.LoadAsync(database, Pipeline.SmallSampleFiles);

        foreach (var (table, parentKey) in StagingWriter.ParentKeys.OrderBy(p => p.Key, StringComparer.Ordinal))
        {
            // The first parent with at least two children, re-sent without its last child.
            var (header, rows) = ReadCsv(Path.Combine(Pipeline.SmallSampleFiles, table + ".csv"));
            var parentColumns = parentKey.Select(c => Array.IndexOf(header, c)).ToArray();
            var family = rows.GroupBy(r => string.Join('|', parentColumns.Select(i => r[i])), StringComparer.Ordinal)
                .OrderBy(g => g.Key, StringComparer.Ordinal).First(g => g.Count() >= 2).ToList();
            var resent = Path.Combine(folder, table);
            Directory.CreateDirectory(resent);
            await File.WriteAllLinesAsync(Path.Combine(resent, table + ".csv"), [string.Join(',', header), .. family.SkipLast(1).Select(Csv)], TestContext.Current.CancellationToken);
            var where = string.Join(" AND ", parentKey.Select((c, i) => $"{c} = '{family[0][parentColumns[i]]}'"));
            var before = await CountAsync(database, $"SELECT COUNT(*) FROM stg.{table}");

            var result = Assert.Single(await Pipeline.LoadAsync(database, resent));

            Assert.Equal(0, result.RowsWritten); // the rows sent again are unchanged
            Assert.Equal(before - 1, await CountAsync(database, $"SELECT COUNT(*) FROM stg.{table}"));
            Assert.Equal(family.Count - 1, await CountAsync(database, $"SELECT COUNT(*) FROM stg.{table} WHERE {where}"));
        }
    }

    [Theory]
    [ClassData(typeof(Engines))]
    public async Task An_order_re_sent_with_two_lines_where_staging_had_three_keeps_two_and_other_orders_keep_theirs(Engine engine)
    {
        var database = await fixture.CleanDatabaseAsync(engine);
        var scenario = new Scenario().Sku("P1", "A", 1m).Sku("P2", "B", 1m)
            .Order("O1", Scenario.Epoch(Scenario.Day), "b1", 0m, new Scenario.Line("A", 10m), new Scenario.Line("B", 10m), new Scenario.Line("A", 10m))
            .Order("O2", Scenario.Epoch(Scenario.Day), "b2", 0m, new Scenario.Line("B", 10m));
        await Pipeline.LoadAsync(database, scenario.Write());

        // O1 again, its second line changed and its third gone; O2 not in the file.
        var (header, rows) = ReadCsv(Path.Combine(scenario.Write(), "order_line_item.csv"));
        var lineId = Array.IndexOf(header, "line_item_id");
        var price = Array.IndexOf(header, "sale_price");
        var o1 = rows.Where(r => r[lineId].StartsWith("O1-", StringComparison.Ordinal)).Take(2).ToList();
        o1[1][price] = "9.5";
        var resent = Path.Combine(folder, "o1");
        Directory.CreateDirectory(resent);
        await File.WriteAllLinesAsync(Path.Combine(resent, "order_line_item.csv"), [string.Join(',', header), .. o1.Select(Csv)], TestContext.Current.CancellationToken);

        await Pipeline.LoadAsync(database, resent);

        await using var connection = await database.OpenAsync(TestContext.Current.CancellationToken);
        var staged = (await connection.QueryAsync<(string Order, string Line, decimal Price)>("SELECT order_id, line_item_id, sale_price FROM stg.order_line_item ORDER BY order_id, line_item_id")).ToList();
        Assert.Equal([("O1", o1[0][lineId], 10m), ("O1", o1[1][lineId], 9.5m), ("O2", scenario.LineIdOf("O2", "B"), 10m)], staged);
    }

    [Theory]
    [ClassData(typeof(Engines))]
    public async Task An_API_page_re_sending_an_order_with_two_of_its_three_lines_removes_the_third_in_the_same_transaction(Engine engine)
    {
        var database = await fixture.CleanDatabaseAsync(engine);
        var runId = await Pipeline.StartRunAsync(database, "extract");
        await using var connection = await database.OpenAsync(TestContext.Current.CancellationToken);
        var tables = await StagingTable.ReadAllAsync(connection);

        async Task<long> PageAsync(params string[] lineIds)
        {
            var page = new Warehouse.Extract.StagingBatch(tables, "POST /order/202309/orders/search");
            foreach (var (order, line) in lineIds.Select(l => (l.Split('/')[0], l.Split('/')[1])))
            {
                page.Add("order_line_item", new Dictionary<string, string?>
                {
                    ["shop_id"] = "S1", ["order_id"] = order, ["line_item_id"] = line, ["product_id"] = "P1", ["product_name"] = "Case", ["sku_id"] = "A",
                    ["currency"] = "USD", ["quantity"] = "1", ["original_price"] = "10", ["sale_price"] = "10", ["platform_discount"] = "0", ["seller_discount"] = "0", ["is_gift"] = "false",
                });
            }

            await using var transaction = await connection.BeginTransactionAsync(TestContext.Current.CancellationToken);
            var written = await page.WriteAsync(connection, transaction, new StagingWriter(engine), runId, TestContext.Current.CancellationToken);
            await transaction.CommitAsync(TestContext.Current.CancellationToken);
            return written;
        }

        Assert.Equal(4, await PageAsync("O1/L1", "O1/L2", "O1/L3", "O2/L1"));
        Assert.Equal(0, await PageAsync("O1/L1", "O1/L2")); // O1 again with two lines; O2 not on this page

        var staged = (await connection.QueryAsync<(string Order, string Line)>("SELECT order_id, line_item_id FROM stg.order_line_item ORDER BY order_id, line_item_id")).ToList();
        Assert.Equal([("O1", "L1"), ("O1", "L2"), ("O2", "L1")], staged);
    }

    private static (string[] Header, List<string[]> Rows) ReadCsv(string file)
    {
        using var reader = new StreamReader(file);
        using var csv = new CsvReader(reader, CultureInfo.InvariantCulture);
        csv.Read();
        csv.ReadHeader();
        var header = csv.HeaderRecord!;
        var rows = new List<string[]>();
        while (csv.Read())
        {
            rows.Add(Enumerable.Range(0, header.Length).Select(i => csv.GetField(i) ?? "").ToArray());
        }

        return (header, rows);
    }

    private static string Csv(string[] fields) =>
        string.Join(',', fields.Select(f => f.Contains(',') || f.Contains('"') ? $"\"{f.Replace("\"", "\"\"")}\"" : f));

    private static async Task<long> CountAsync(WarehouseDatabase database, string sql)
    {
        await using var connection = await database.OpenAsync();
        return await connection.ExecuteScalarAsync<long>(sql);
    }
}
