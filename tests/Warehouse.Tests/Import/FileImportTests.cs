using System.Text;
using Dapper;
using Warehouse.Database;
using Warehouse.Import;
using Warehouse.Tests.Infrastructure;

namespace Warehouse.Tests.Import;

/// <summary>Real-shaped seller files (BOM, quoted commas, thousands separators, currency symbols, blank trailing rows, a title starting with '=') into staging.</summary>
public sealed class FileImportTests(WarehouseFixture fixture) : IClassFixture<WarehouseFixture>, IDisposable
{
    private const string UsShop = "7495610000000001";
    private readonly string folder = Directory.CreateTempSubdirectory("warehouse-import-").FullName;

    public void Dispose() => Directory.Delete(folder, recursive: true);

    [Theory]
    [ClassData(typeof(Engines))]
    public async Task A_Seller_Center_order_export_loads_orders_and_lines_and_a_second_import_changes_nothing(Engine engine)
    {
        var database = await CatalogueAsync(engine);
        var (skuA, skuB) = await TwoSkusAsync(database);
        var file = Write("orders.csv", $"""
            Order ID,Order Status,Order Substatus,Cancelation/Return Type,SKU ID,Seller SKU,Product Name,Variation,Quantity,Sku Quantity of return,SKU Unit Original Price,SKU Subtotal Before Discount,SKU Platform Discount,SKU Seller Discount,SKU Subtotal After Discount,Shipping Fee After Discount,Original Shipping Fee,Shipping Fee Seller Discount,Shipping Fee Platform Discount,Taxes,Order Amount,Order Refund Amount,Created Time,Paid Time,Cancelled Time,Buyer Username,Product Category,Recipient
            576001,Completed,Delivered,,{skuA},A-1,"=HYPERLINK(""x"") Phone Case",Black,2,0,$617.25,"$1,234.50",$0.00,$10.00,"$1,224.50",$0.00,$5.99,$5.99,$0.00,$85.72,"$1,310.22",$0.00,11/02/2026 09:15:00 PM,11/02/2026 09:16:10 PM,,buyer.one,Phone Accessories,"Doe, Jane"
            576002,Cancelled,,Cancel,{skuA},A-1,"Case, blue",Blue,1,0,$20.00,$20.00,$2.00,$0.00,$20.00,$5.99,$5.99,$0.00,$0.00,$1.40,$27.39,$27.39,11/03/2026 08:00:00 AM,11/03/2026 08:00:30 AM,11/03/2026 10:00:00 AM,buyer.two,Phone Accessories,"Roe, Rich"
            576002,Cancelled,,Cancel,{skuB},B-1,Charger,,1,0,$15.00,$15.00,$0.00,$1.50,$13.50,$5.99,$5.99,$0.00,$0.00,$1.40,$27.39,$27.39,11/03/2026 08:00:00 AM,11/03/2026 08:00:30 AM,11/03/2026 10:00:00 AM,buyer.two,Phone Accessories,"Roe, Rich"
            ,,,,,,,,,,,,,,,,,,,,,,,,,,,
            ,,,,,,,,,,,,,,,,,,,,,,,,,,,

            """, bom: true);
        var importer = new FileImporter(database);
        var options = new ImportOptions(ShopId: UsShop, DateFormat: "MM/dd/yyyy hh:mm:ss tt");

        var first = await importer.ImportAsync(file, await Pipeline.StartRunAsync(database, "import"), options, TestContext.Current.CancellationToken);
        var second = await importer.ImportAsync(file, await Pipeline.StartRunAsync(database, "import"), options, TestContext.Current.CancellationToken);

        Assert.Equal("order-export", first.Kind);
        Assert.Empty(first.Rejects);
        Assert.Equal(3, first.RowsRead);
        Assert.Equal(8, first.RowsWritten); // 2 orders + 3 lines + 576002's cancellation after payment and its 2 lines
        Assert.Equal(0, second.RowsWritten);
        await using var connection = await database.OpenAsync(TestContext.Current.CancellationToken);
        var line = await connection.QuerySingleAsync<(string Name, int Quantity, decimal Original, decimal Sale)>(
            "SELECT product_name, quantity, original_price, sale_price FROM stg.order_line_item WHERE order_id = '576001'");
        Assert.Equal(("=HYPERLINK(\"x\") Phone Case", 2, 617.25m, 612.25m), line);
        var order = await connection.QuerySingleAsync<(decimal Total, decimal SubTotal, long Created, string Currency)>(
            "SELECT total_amount, sub_total, create_time, currency FROM stg.shop_order WHERE order_id = '576001'");
        Assert.Equal((1310.22m, 1224.50m, new DateTimeOffset(2026, 11, 3, 5, 15, 0, TimeSpan.Zero).ToUnixTimeSeconds(), "USD"), order); // 9:15 PM PST = 05:15 UTC
        Assert.Equal(33.50m, await connection.ExecuteScalarAsync<decimal>("SELECT sub_total FROM stg.shop_order WHERE order_id = '576002'"));
    }

    [Fact]
    public async Task An_Ads_Manager_export_is_read_through_the_header_aliases_and_bad_rows_are_named()
    {
        var database = await CatalogueAsync(Engine.Postgres);
        var file = Write("ads.csv", """
            By Day,Campaign name,Campaign ID,Ad group name,Ad group ID,Ad name,Ad ID,Total cost,Impressions,Clicks (destination),Conversions,Purchases,Purchase value
            2026-11-01,"Sale, Nov",1800,Broad,1810,"=cmd|' /C calc'!A0",1820,"$1,020.40","12,345",310,12,11,"$2,450.00"
            2026-11-02,"Sale, Nov",1800,Broad,1810,Spark,1820,$20.00,900,20,1,1,$45.00
            2026-11-03,"Sale, Nov",1800,Broad,1810,Spark,1820,twenty,900,20,1,1,$45.00
            """);
        var runId = await Pipeline.StartRunAsync(database, "import");

        var strict = await Assert.ThrowsAsync<WarehouseException>(() => new FileImporter(database).ImportAsync(file, runId, new ImportOptions(AdvertiserId: "7312"), TestContext.Current.CancellationToken));
        var lenient = await new FileImporter(database, maxRejectRate: 0.5m).ImportAsync(file, runId, new ImportOptions(AdvertiserId: "7312"), TestContext.Current.CancellationToken);

        Assert.Contains("nothing loaded from this file", strict.Message, StringComparison.Ordinal);
        Assert.Equal("ads-export", lenient.Kind);
        var reject = Assert.Single(lenient.Rejects);
        Assert.Equal((file, 4L, "Total cost"), (reject.FileOrPage, reject.RowNumber!.Value, reject.FieldName!));
        await using var connection = await database.OpenAsync(TestContext.Current.CancellationToken);
        Assert.Equal((1040.40m, 13245L), await connection.QuerySingleAsync<(decimal, long)>("SELECT SUM(spend), SUM(impressions) FROM stg.ad_report_daily"));
        Assert.Equal("Spark", await connection.ExecuteScalarAsync<string>("SELECT ad_name FROM stg.ad WHERE ad_id = '1820'")); // the last good row of the ad wins
        Assert.Equal(2, await connection.ExecuteScalarAsync<int>("SELECT COUNT(*) FROM etl.reject WHERE field_name = 'Total cost' AND row_number = 4"));
    }

    [Fact]
    public async Task The_sellers_own_files_load_by_their_documented_headers()
    {
        var database = await CatalogueAsync(Engine.Postgres);
        await using var connection = await database.OpenAsync(TestContext.Current.CancellationToken);
        var sellerSku = await connection.ExecuteScalarAsync<string>($"SELECT MIN(seller_sku) FROM stg.product_sku WHERE shop_id = '{UsShop}'");
        var costs = Write("costs.csv", $"seller_sku,effective_from,unit_cost\n{sellerSku},2026-11-01,$4.25\n");
        var touchpoints = Write("touch.csv", "event_time,buyer_user_id,ad_id,type\n2026-11-02T14:03:00-08:00,7001,1820,click\n2026-11-02T22:03:00Z,7001,1820,view\n");
        var settings = Write("settings.csv", "effective_from,commission_rate,payment_rate,time_zone,currency,date_format\n2026-11-01,6%,0,America/Los_Angeles,USD,MM/dd/yyyy hh:mm:ss tt\n");
        var map = Write("map.csv", $"campaign_id,adgroup_id,ad_id,seller_sku\n1800,,,{sellerSku}\n");
        var importer = new FileImporter(database);
        var runId = await Pipeline.StartRunAsync(database, "import");
        var options = new ImportOptions(ShopId: UsShop, AdvertiserId: "7312");

        var kinds = new List<string>();
        foreach (var file in new[] { costs, touchpoints, settings, map })
        {
            var result = await importer.ImportAsync(file, runId, options, TestContext.Current.CancellationToken);
            Assert.Empty(result.Rejects);
            kinds.Add(result.Kind);
        }

        Assert.Equal(["sku-cost", "touchpoint", "cost-setting", "ad-product-map"], kinds);
        Assert.Equal(4.25m, await connection.ExecuteScalarAsync<decimal>("SELECT unit_cost FROM stg.sku_cost"));
        Assert.Equal(0.06m, await connection.ExecuteScalarAsync<decimal>("SELECT commission_rate FROM stg.cost_setting"));
        Assert.Equal(1, await connection.ExecuteScalarAsync<int>("SELECT COUNT(DISTINCT event_time) FROM stg.touchpoint")); // the same instant, two offsets
        Assert.Equal(1, await connection.ExecuteScalarAsync<int>("SELECT COUNT(*) FROM stg.ad_product_map WHERE sku_id <> '' AND ad_id = ''"));
    }

    [Fact]
    public async Task The_same_SKU_twice_in_one_order_gets_two_distinct_line_ids_and_a_reimport_changes_nothing()
    {
        var database = await CatalogueAsync(Engine.Postgres);
        var (skuA, skuB) = await TwoSkusAsync(database);
        var header = "Order ID,Order Status,SKU ID,Seller SKU,Product Name,Variation,Quantity,SKU Unit Original Price,SKU Subtotal Before Discount,SKU Platform Discount,SKU Seller Discount,SKU Subtotal After Discount,Order Amount,Created Time,Paid Time,Buyer Username";
        var file = Write("orders.csv", $"""
            {header}
            577001,Completed,{skuA},A-1,Case,Black,1,$20.00,$20.00,$0.00,$0.00,$20.00,$53.00,11/02/2026 09:15:00 PM,11/02/2026 09:16:10 PM,buyer.one
            577001,Completed,{skuB},B-1,Charger,,1,$15.00,$15.00,$0.00,$0.00,$15.00,$53.00,11/02/2026 09:15:00 PM,11/02/2026 09:16:10 PM,buyer.one
            577001,Completed,{skuA},A-1,Case,Black,1,$20.00,$20.00,$0.00,$2.00,$18.00,$53.00,11/02/2026 09:15:00 PM,11/02/2026 09:16:10 PM,buyer.one

            """);
        var importer = new FileImporter(database);
        var options = new ImportOptions(ShopId: UsShop, DateFormat: "MM/dd/yyyy hh:mm:ss tt");

        var first = await importer.ImportAsync(file, await Pipeline.StartRunAsync(database, "import"), options, TestContext.Current.CancellationToken);
        var second = await importer.ImportAsync(file, await Pipeline.StartRunAsync(database, "import"), options, TestContext.Current.CancellationToken);

        Assert.Empty(first.Rejects);
        Assert.Equal(4, first.RowsWritten); // the order + 3 lines
        Assert.Equal(0, second.RowsWritten);
        await using var connection = await database.OpenAsync(TestContext.Current.CancellationToken);
        var lines = (await connection.QueryAsync<(string LineId, string SkuId, decimal SellerDiscount)>(
            "SELECT line_item_id, sku_id, seller_discount FROM stg.order_line_item WHERE order_id = '577001' ORDER BY line_item_id")).ToList();
        Assert.Equal([(skuA, skuA, 0m), (skuA + "#2", skuA, 2.00m), (skuB, skuB, 0m)], lines);
        Assert.Equal(53.00m, await connection.ExecuteScalarAsync<decimal>("SELECT sub_total FROM stg.shop_order WHERE order_id = '577001'"));
    }

    [Theory]
    [ClassData(typeof(Engines))]
    public async Task A_cost_settings_file_sets_the_shops_time_zone_and_currency_which_an_order_export_then_uses(Engine engine)
    {
        var database = await CatalogueAsync(engine);
        var (skuA, _) = await TwoSkusAsync(database);
        var settings = Write("settings.csv", $"shop_id,effective_from,commission_rate,time_zone,currency,date_format\n{UsShop},2026-11-01,6%,America/New_York,usd,MM/dd/yyyy hh:mm:ss tt\n");
        var importer = new FileImporter(database);
        string name;
        await using (var before = await database.OpenAsync(TestContext.Current.CancellationToken))
        {
            name = await before.ExecuteScalarAsync<string>($"SELECT shop_name FROM stg.shop WHERE shop_id = '{UsShop}'") ?? "";
        }

        var first = await importer.ImportAsync(settings, await Pipeline.StartRunAsync(database, "import"), new ImportOptions(), TestContext.Current.CancellationToken);
        var again = await importer.ImportAsync(settings, await Pipeline.StartRunAsync(database, "import"), new ImportOptions(), TestContext.Current.CancellationToken);

        Assert.Empty(first.Rejects);
        Assert.Equal(2, first.RowsWritten); // the cost setting and the shop's changed row
        Assert.Equal(0, again.RowsWritten);
        await using var connection = await database.OpenAsync(TestContext.Current.CancellationToken);
        Assert.Equal(("America/New_York", "USD", name), await connection.QuerySingleAsync<(string, string, string)>(
            $"SELECT time_zone, currency, shop_name FROM stg.shop WHERE shop_id = '{UsShop}'"));

        // An order export read after it converts the shop's local times with the new zone: 9:15 PM EST = 02:15 UTC.
        var orders = Write("orders.csv", $"""
            Order ID,Order Status,SKU ID,Product Name,Quantity,SKU Unit Original Price,SKU Subtotal After Discount,Order Amount,Created Time
            578001,Completed,{skuA},Case,1,$20.00,$20.00,$20.00,11/02/2026 09:15:00 PM

            """);
        await importer.ImportAsync(orders, await Pipeline.StartRunAsync(database, "import"), new ImportOptions(ShopId: UsShop, DateFormat: "MM/dd/yyyy hh:mm:ss tt"), TestContext.Current.CancellationToken);
        Assert.Equal(new DateTimeOffset(2026, 11, 3, 2, 15, 0, TimeSpan.Zero).ToUnixTimeSeconds(),
            await connection.ExecuteScalarAsync<long>("SELECT create_time FROM stg.shop_order WHERE order_id = '578001'"));

        var unknown = Write("unknown.csv", "shop_id,effective_from,commission_rate,time_zone\n999,2026-11-01,6%,Mars/Olympus\n");
        var unknownRun = await Pipeline.StartRunAsync(database, "import");
        var error = await Assert.ThrowsAsync<WarehouseException>(() => importer.ImportAsync(unknown, unknownRun, new ImportOptions(), TestContext.Current.CancellationToken));
        Assert.Contains("shop 999 is not in stg.shop", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_file_with_an_unknown_header_or_encoding_stops_with_one_message_and_loads_nothing()
    {
        var database = await CatalogueAsync(Engine.Postgres);
        var unknown = Write("mystery.csv", "Foo,Bar\n1,2\n");
        var latin1 = Path.Combine(folder, "latin1.csv");
        File.WriteAllBytes(latin1, [.. Encoding.ASCII.GetBytes("seller_sku,effective_from,unit_cost\nCAF"), 0xC9, .. Encoding.ASCII.GetBytes(",2026-11-01,4.00\n")]);
        var runId = await Pipeline.StartRunAsync(database, "import");

        var header = await Assert.ThrowsAsync<WarehouseException>(() => new FileImporter(database).ImportAsync(unknown, runId, new ImportOptions(), TestContext.Current.CancellationToken));
        var encoding = await Assert.ThrowsAsync<WarehouseException>(() => new FileImporter(database).ImportAsync(latin1, runId, new ImportOptions(ShopId: UsShop), TestContext.Current.CancellationToken));

        Assert.StartsWith($"{unknown}: line 1: the header matches no known file kind", header.Message, StringComparison.Ordinal);
        Assert.Contains("not UTF-8", encoding.Message, StringComparison.Ordinal);
        Assert.Equal(0, await SkuCostCount(database));
    }

    [Theory]
    [ClassData(typeof(Engines))]
    public async Task A_shipping_rate_card_loads_by_its_header_and_a_band_below_one_unit_is_named(Engine engine)
    {
        var database = await CatalogueAsync(engine);
        var card = Write("rate card.csv", "effective_from,min_units,cost_per_order\n2026-11-01,1,$4.95\n2026-11-01,3,$7.40\n2026-11-01,0,$1.00\n");
        var importer = new FileImporter(database, maxRejectRate: 0.5m);

        var first = await importer.ImportAsync(card, await Pipeline.StartRunAsync(database, "import"), new ImportOptions(ShopId: UsShop), TestContext.Current.CancellationToken);
        var second = await importer.ImportAsync(card, await Pipeline.StartRunAsync(database, "import"), new ImportOptions(ShopId: UsShop), TestContext.Current.CancellationToken);

        Assert.Equal(("shipping-rate", 2L, 0L), (first.Kind, first.RowsWritten, second.RowsWritten));
        var reject = Assert.Single(first.Rejects);
        Assert.Equal((4L, "min_units"), (reject.RowNumber, reject.FieldName));
        await using var connection = await database.OpenAsync(TestContext.Current.CancellationToken);
        Assert.Equal(7.40m, await connection.ExecuteScalarAsync<decimal>("SELECT cost_per_order FROM stg.shipping_rate WHERE min_units = 3"));
    }

    [Theory]
    [ClassData(typeof(Engines))]
    public async Task An_expense_workbook_loads_from_xlsx_with_text_kept_as_text_and_a_wrong_currency_or_unknown_shop_rejected(Engine engine)
    {
        var database = await CatalogueAsync(engine);
        var file = Path.Combine(folder, "expenses.xlsx");
        using (var workbook = new ClosedXML.Excel.XLWorkbook())
        {
            var sheet = workbook.AddWorksheet("Expenses");
            string[] header = ["shop_id", "category", "description", "date_from", "date_to", "amount", "currency"];
            for (var column = 0; column < header.Length; column++)
            {
                sheet.Cell(1, column + 1).Value = header[column];
            }

            void Row(int row, string shop, string category, string description, DateTime from, DateTime to, decimal amount, string currency)
            {
                sheet.Cell(row, 1).SetValue(shop);
                sheet.Cell(row, 2).SetValue(category);
                sheet.Cell(row, 3).SetValue(description);
                sheet.Cell(row, 4).SetValue(from);
                sheet.Cell(row, 5).SetValue(to);
                sheet.Cell(row, 6).SetValue(amount);
                sheet.Cell(row, 7).SetValue(currency);
            }

            Row(2, UsShop, "Software", "=SUM(A1:A9) tools", new DateTime(2026, 11, 1), new DateTime(2026, 11, 30), 1234.56m, "USD");
            Row(3, UsShop, "Agency fee", "Retainer", new DateTime(2026, 11, 1), new DateTime(2026, 11, 30), 1500m, "GBP");
            Row(4, "no-such-shop", "Rent", "Unit 4", new DateTime(2026, 11, 1), new DateTime(2026, 11, 30), 900m, "USD");
            Row(5, UsShop, "Content", "Photo shoot", new DateTime(2026, 11, 12), new DateTime(2026, 11, 12), 650m, "USD");
            workbook.SaveAs(file);
        }

        var importer = new FileImporter(database, maxRejectRate: 0.5m);
        var firstRun = await Pipeline.StartRunAsync(database, "import");
        var first = await importer.ImportAsync(file, firstRun, new ImportOptions(), TestContext.Current.CancellationToken);
        var again = await importer.ImportAsync(file, await Pipeline.StartRunAsync(database, "import"), new ImportOptions(), TestContext.Current.CancellationToken);

        Assert.Equal(("expense", 4L, 2L, 0L), (first.Kind, first.RowsRead, first.RowsWritten, again.RowsWritten));
        Assert.Equal([(3L, "currency"), (4L, "shop_id")], first.Rejects.Select(r => (r.RowNumber ?? 0, r.FieldName ?? "")).Order());
        await using var connection = await database.OpenAsync(TestContext.Current.CancellationToken);
        var software = await connection.QuerySingleAsync<(string Description, decimal Amount, string To)>(
            "SELECT description, amount, CAST(date_to AS varchar(10)) FROM stg.expense WHERE category = 'Software'");
        Assert.Equal(("=SUM(A1:A9) tools", 1234.56m, "2026-11-30"), software);
        Assert.Equal(2, await connection.ExecuteScalarAsync<int>("SELECT COUNT(*) FROM etl.reject WHERE etl_run_id = @firstRun AND file_or_page LIKE '%expenses.xlsx'", new { firstRun }));
    }

    private static async Task<int> SkuCostCount(WarehouseDatabase database)
    {
        await using var connection = await database.OpenAsync();
        return await connection.ExecuteScalarAsync<int>("SELECT COUNT(*) FROM stg.sku_cost");
    }

    private async Task<WarehouseDatabase> CatalogueAsync(Engine engine)
    {
        var database = await fixture.CleanDatabaseAsync(engine);
        var sample = Directory.CreateTempSubdirectory("warehouse-catalogue-").FullName;
        foreach (var table in new[] { "shop.csv", "product_sku.csv" })
        {
            File.Copy(Path.Combine(Pipeline.SmallSampleFiles, table), Path.Combine(sample, table));
        }

        await Pipeline.LoadAsync(database, sample);
        return database;
    }

    private static async Task<(string, string)> TwoSkusAsync(WarehouseDatabase database)
    {
        await using var connection = await database.OpenAsync();
        var skus = (await connection.QueryAsync<string>($"SELECT sku_id FROM stg.product_sku WHERE shop_id = '{UsShop}' ORDER BY sku_id")).ToList();
        return (skus[0], skus[1]);
    }

    private string Write(string name, string text, bool bom = false)
    {
        var path = Path.Combine(folder, name);
        File.WriteAllText(path, text, new UTF8Encoding(bom));
        return path;
    }
}
