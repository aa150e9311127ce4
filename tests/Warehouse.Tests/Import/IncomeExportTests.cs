using System.Text;
using Dapper;
using Warehouse.Database;
using Warehouse.Import;
using Warehouse.Tests.Infrastructure;

namespace Warehouse.Tests.Import;

/// <summary>The Seller Center income (settlement) export into stg.order_settlement, and the transform settling the order's lines from it.</summary>
public sealed class IncomeExportTests(WarehouseFixture fixture) : IClassFixture<WarehouseFixture>, IDisposable
{
    private readonly string folder = Directory.CreateTempSubdirectory("warehouse-income-").FullName;

    public void Dispose() => Directory.Delete(folder, recursive: true);

    [Theory]
    [ClassData(typeof(Engines))]
    public async Task An_income_export_loads_orders_and_adjustments_and_a_transform_after_it_marks_the_orders_lines_settled(Engine engine)
    {
        // The shop, its catalogue and order O1 (two lines, 1,000.00 + 234.50) as the API would have staged them; the shop is in UTC.
        var scenario = new Scenario()
            .Sku("P1", "A", unitCost: 300.00m).Sku("P2", "B", unitCost: 50.00m)
            .Order("O1", Scenario.Epoch(Scenario.Day), "buyer1", 0m, new Scenario.Line("A", 1000.00m), new Scenario.Line("B", 234.50m))
            .Order("O2", Scenario.Epoch(Scenario.Day, 13), "buyer2", 0m, new Scenario.Line("A", 1000.00m));
        var database = await fixture.CleanDatabaseAsync(engine);
        await Pipeline.LoadAsync(database, scenario.Write());

        // As Seller Center writes it: a BOM, quoted thousands, currency symbols, fees negative, an adjustment of O1, blank trailing rows.
        var file = Path.Combine(folder, "income_20261101-20261115.csv");
        File.WriteAllText(file, """
            Order/adjustment ID,Type,Order created time,Order settled time,Currency,Total settlement amount,Total revenue,Subtotal after seller discounts,Platform discounts,Refund subtotal after seller discounts,Total fees,Transaction fee,TikTok Shop commission fee,SFP service fee,Seller shipping fee,Actual shipping fee,Platform shipping fee discount,Customer shipping fee,Affiliate commission,Affiliate partner commission,Affiliate Shop Ads commission,Related order ID
            O1,Order,11/02/2026 11:59:00 AM,11/11/2026 08:00:00 AM,USD,"$1,150.43","$1,234.50","$1,234.50",$0.00,$0.00,-$74.07,-$37.04,-$37.03,$0.00,-$10.00,-$10.00,$0.00,$0.00,$0.00,$0.00,$0.00,
            ADJ-77,Logistics reimbursement,,11/12/2026 09:30:00 AM,USD,$5.00,$0.00,$0.00,$0.00,$0.00,$0.00,$0.00,$0.00,$0.00,$5.00,,,,,,,O1
            ,,,,,,,,,,,,,,,,,,,,,
            ,,,,,,,,,,,,,,,,,,,,,

            """, new UTF8Encoding(encoderShouldEmitUTF8Identifier: true));
        var options = new ImportOptions(ShopId: Scenario.ShopId, DateFormat: "MM/dd/yyyy hh:mm:ss tt");
        var importer = new FileImporter(database);

        var first = await importer.ImportAsync(file, await Pipeline.StartRunAsync(database, "import"), options, TestContext.Current.CancellationToken);
        var second = await importer.ImportAsync(file, await Pipeline.StartRunAsync(database, "import"), options, TestContext.Current.CancellationToken);

        Assert.Equal("income-export", first.Kind);
        Assert.Empty(first.Rejects);
        Assert.Equal((2L, 2L), (first.RowsRead, first.RowsWritten));
        Assert.Equal(0, second.RowsWritten);
        await using (var connection = await database.OpenAsync(TestContext.Current.CancellationToken))
        {
            var rows = (await connection.QueryAsync<(string Id, string Type, string OrderId, long? Created, long Settled, decimal Total, decimal Commission, decimal Shipping, decimal Actual)>(
                """
                SELECT settlement_id, settlement_type, order_id, order_create_time, settled_time, total_settlement_amount, tiktok_shop_commission_fee, seller_shipping_fee, actual_shipping_fee
                FROM stg.order_settlement ORDER BY settlement_id
                """)).ToList();
            Assert.Equal(2, rows.Count);
            Assert.Equal(("ADJ-77", "Logistics reimbursement", "O1", (long?)null, Epoch(2026, 11, 12, 9, 30), 5.00m, 0m, 5.00m, 0m), rows[0]);
            Assert.Equal(("O1", "Order", "O1", (long?)Epoch(2026, 11, 2, 11, 59), Epoch(2026, 11, 11, 8, 0), 1150.43m, -37.03m, -10.00m, -10.00m), rows[1]);
        }

        await Pipeline.TransformAsync(database);

        await using var facts = await database.OpenAsync(TestContext.Current.CancellationToken);
        var lines = (await facts.QueryAsync<(string OrderId, string FeeBasis, decimal PlatformFee, decimal TransactionFee)>(
            "SELECT order_id, fee_basis, platform_fee, transaction_fee FROM fact.order_line ORDER BY order_id, line_item_id")).ToList();
        Assert.Equal(["settled", "settled"], lines.Where(l => l.OrderId == "O1").Select(l => l.FeeBasis));
        Assert.Equal((37.03m, 37.04m), (lines.Where(l => l.OrderId == "O1").Sum(l => l.PlatformFee), lines.Where(l => l.OrderId == "O1").Sum(l => l.TransactionFee)));
        Assert.NotEqual("settled", Assert.Single(lines, l => l.OrderId == "O2").FeeBasis); // not in the export: still estimated
    }

    [Fact]
    public async Task An_income_export_row_without_a_settled_time_is_named_and_the_file_loads_nothing()
    {
        var database = await fixture.CleanDatabaseAsync(Engine.Postgres);
        await Pipeline.LoadAsync(database, new Scenario().Write());
        var file = Path.Combine(folder, "income.csv");
        File.WriteAllText(file, "Order/adjustment ID,Type,Order settled time,Currency,Total settlement amount\nO1,Order,,USD,$10.00\nO2,Order,11/12/2026 09:30:00 AM,USD,$5.00\n");

        var runId = await Pipeline.StartRunAsync(database, "import");
        var error = await Assert.ThrowsAsync<WarehouseException>(() => new FileImporter(database).ImportAsync(
            file, runId, new ImportOptions(ShopId: Scenario.ShopId, DateFormat: "MM/dd/yyyy hh:mm:ss tt"), TestContext.Current.CancellationToken));

        Assert.Contains("row 2, column Order settled time: a value is required", error.Message, StringComparison.Ordinal);
        await using var connection = await database.OpenAsync(TestContext.Current.CancellationToken);
        Assert.Equal(0, await connection.ExecuteScalarAsync<int>("SELECT COUNT(*) FROM stg.order_settlement"));
    }

    private static long Epoch(int year, int month, int day, int hour, int minute) =>
        new DateTimeOffset(year, month, day, hour, minute, 0, TimeSpan.Zero).ToUnixTimeSeconds();
}
