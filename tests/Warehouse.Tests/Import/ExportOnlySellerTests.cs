using Dapper;
using Warehouse.Database;
using Warehouse.Import;
using Warehouse.Tests.Infrastructure;

namespace Warehouse.Tests.Import;

/// <summary>
/// Issue 11: a seller with no API app, one US shop, only Seller Center and Ads Manager downloads (no staging CSV anywhere):
/// the shop declared as `warehouse shop add` does, the folder imported as `warehouse import DIR` does (the scheduled
/// seller-files step), then the transform. Every figure is worked by hand below.
/// </summary>
public sealed class ExportOnlySellerTests(WarehouseFixture fixture) : IClassFixture<WarehouseFixture>, IDisposable
{
    private const string ShopId = "7001";
    private const string Advertiser = "ADV1";
    private readonly string folder = Directory.CreateTempSubdirectory("warehouse-exports-").FullName;

    public void Dispose() => Directory.Delete(folder, recursive: true);

    // All orders paid on Monday 11/02/2026 in Los Angeles. Unit costs: MUG-1 (S1) 10.00, PLATE-2 (S2) 8.00.
    // A1  S1 x1 at 40.00, returned and refunded 40.00 (restockable)
    // A2  S2 x2 at 25.00, 1 of 2 returned: order export says 25.00 refunded, the returns export 24.00 (returns win)
    // A3  S1 x1 at 40.00, refund only of 15.00 (goods kept)
    // A4  S2 x1 at 25.00, cancelled before payment (no revenue)
    // A5  S1 x1 at 40.00, cancelled after payment, refunded 40.00
    // A6  S1 x1 at 40.00 + S2 x2 at 25.00 with a 5.00 seller discount on S2: no refund
    // A7  S2 x1 at 25.00, refunded 25.00 in the order export, the returns export and the income export: counted once
    private const string OrderExport = """
        Order ID,Order Status,Order Substatus,Cancelation/Return Type,Normal or Pre-order,SKU ID,Seller SKU,Product Name,Variation,Quantity,Sku Quantity of return,SKU Unit Original Price,SKU Subtotal Before Discount,SKU Platform Discount,SKU Seller Discount,SKU Subtotal After Discount,Shipping Fee After Discount,Original Shipping Fee,Shipping Fee Seller Discount,Shipping Fee Platform Discount,Taxes,Order Amount,Order Refund Amount,Created Time,Paid Time,Cancelled Time,Buyer Username
        A1,Completed,Completed,Return/Refund,Normal,S1,MUG-1,Stoneware mug,Blue,1,1,$40.00,$40.00,$0.00,$0.00,$40.00,$0.00,$0.00,$0.00,$0.00,$0.00,$40.00,$40.00,11/02/2026 09:00:00 AM,11/02/2026 09:01:00 AM,,buyer1
        A2,Completed,Completed,Return/Refund,Normal,S2,PLATE-2,Dinner plate,White,2,1,$25.00,$50.00,$0.00,$0.00,$50.00,$0.00,$0.00,$0.00,$0.00,$0.00,$50.00,$25.00,11/02/2026 10:00:00 AM,11/02/2026 10:01:00 AM,,buyer2
        A3,Completed,Completed,Refund only,Normal,S1,MUG-1,Stoneware mug,Blue,1,0,$40.00,$40.00,$0.00,$0.00,$40.00,$0.00,$0.00,$0.00,$0.00,$0.00,$40.00,$15.00,11/02/2026 11:00:00 AM,11/02/2026 11:01:00 AM,,buyer3
        A4,Cancelled,Cancelled,Cancel,Normal,S2,PLATE-2,Dinner plate,White,1,0,$25.00,$25.00,$0.00,$0.00,$25.00,$0.00,$0.00,$0.00,$0.00,$0.00,$25.00,$0.00,11/02/2026 12:00:00 PM,,11/02/2026 12:30:00 PM,buyer4
        A5,Cancelled,Cancelled,Cancel,Normal,S1,MUG-1,Stoneware mug,Blue,1,0,$40.00,$40.00,$0.00,$0.00,$40.00,$0.00,$0.00,$0.00,$0.00,$0.00,$40.00,$40.00,11/02/2026 01:00:00 PM,11/02/2026 01:01:00 PM,11/02/2026 03:00:00 PM,buyer5
        A6,Completed,Completed,,Normal,S1,MUG-1,Stoneware mug,Blue,1,0,$40.00,$40.00,$0.00,$0.00,$40.00,$0.00,$0.00,$0.00,$0.00,$0.00,$85.00,$0.00,11/02/2026 02:00:00 PM,11/02/2026 02:01:00 PM,,buyer6
        A6,Completed,Completed,,Normal,S2,PLATE-2,Dinner plate,White,2,0,$25.00,$50.00,$0.00,$5.00,$45.00,$0.00,$0.00,$0.00,$0.00,$0.00,$85.00,$0.00,11/02/2026 02:00:00 PM,11/02/2026 02:01:00 PM,,buyer6
        A7,Completed,Completed,Return/Refund,Normal,S2,PLATE-2,Dinner plate,White,1,1,$25.00,$25.00,$0.00,$0.00,$25.00,$0.00,$0.00,$0.00,$0.00,$0.00,$25.00,$25.00,11/02/2026 04:00:00 PM,11/02/2026 04:01:00 PM,,buyer7

        """;

    private const string ReturnsExport = """
        Return Order ID,Order ID,SKU ID,Seller SKU,Product Name,Return Type,Return Status,Return Quantity,Refund Amount,Time Requested
        R2,A2,S2,PLATE-2,Dinner plate,Return and refund,Completed,1,$24.00,11/05/2026 10:00:00 AM
        R7,A7,S2,PLATE-2,Dinner plate,Return and refund,Completed,1,$25.00,11/05/2026 11:00:00 AM

        """;

    private const string IncomeExport = """
        Order/adjustment ID,Type,Order created time,Order settled time,Currency,Total settlement amount,Total revenue,Subtotal after seller discounts,Platform discounts,Refund subtotal after seller discounts,Total fees,Transaction fee,TikTok Shop commission fee,SFP service fee,Seller shipping fee,Actual shipping fee,Platform shipping fee discount,Customer shipping fee,Affiliate commission,Affiliate partner commission,Affiliate Shop Ads commission
        A7,Order,11/02/2026 04:00:00 PM,11/12/2026 08:00:00 AM,USD,-$0.30,$25.00,$25.00,$0.00,-$25.00,-$0.30,$0.00,-$0.30,$0.00,$0.00,$0.00,$0.00,$0.00,$0.00,$0.00,$0.00

        """;

    // Ads Manager, campaign level (no ad or ad group column), and the seller's map of that campaign to both SKUs.
    private const string AdsReport = """
        Date,Campaign name,Campaign ID,Cost,Impressions,Clicks,Conversions
        2026-11-02,Kitchen launch,C1,$30.00,"1,200",40,3

        """;

    private const string AdMap = "campaign_id,seller_sku\nC1,MUG-1\nC1,PLATE-2\n";

    private const string SkuCosts = "seller_sku,effective_from,unit_cost\nMUG-1,2026-10-01,10.00\nPLATE-2,2026-10-01,8.00\n";

    [Theory]
    [ClassData(typeof(Engines))]
    public async Task A_folder_of_downloads_gives_the_hand_worked_figures_counts_each_refund_once_and_imports_twice_without_change(Engine engine)
    {
        var database = await fixture.CleanDatabaseAsync(engine);
        WriteFolder();

        Assert.Equal(2, await DeclareShopAsync(database));
        var first = await ImportFolderAsync(database);
        await Pipeline.TransformAsync(database);

        // Kinds detected from headers, loaded in dependency order: orders (which add the SKUs) before what names seller SKUs.
        Assert.Equal(
            ["order-export", "returns-export", "income-export", "sku-cost", "ad-product-map", "ads-export"],
            first.Select(f => f.Kind));
        Assert.All(first, f => Assert.Equal(0, f.RowsRejected));

        await using var connection = await database.OpenAsync(TestContext.Current.CancellationToken);
        var lines = (await connection.QueryAsync<(string OrderId, string Sku, bool IsRevenue, decimal Gmv, decimal Refund, decimal NetRevenue, int Restocked, decimal Cogs)>(
            """
            SELECT line.order_id, product.seller_sku, line.is_revenue, line.gmv, line.refund_amount, line.net_revenue, line.restocked_units, line.cogs
            FROM fact.order_line AS line JOIN dim.product AS product ON product.product_key = line.product_key
            ORDER BY line.order_id, product.seller_sku
            """)).ToDictionary(l => l.OrderId + " " + l.Sku);

        // A1 fully refunded and restockable: net 40 - 40 = 0; the mug came back, so no COGS.
        Assert.Equal((true, 40.00m, 40.00m, 0.00m, 1, 0.00m), Figures(lines["A1 MUG-1"]));
        // A2 1 of 2 returned: the returns export's 24.00 beats the order export's 25.00; net 50 - 24 = 26; COGS 8 x (2 - 1) = 8.
        Assert.Equal((true, 50.00m, 24.00m, 26.00m, 1, 8.00m), Figures(lines["A2 PLATE-2"]));
        // A3 refund only: net 40 - 15 = 25; goods kept by the buyer, COGS 10.
        Assert.Equal((true, 40.00m, 15.00m, 25.00m, 0, 10.00m), Figures(lines["A3 MUG-1"]));
        // A4 cancelled before payment: no revenue, the unit never left.
        Assert.Equal((false, 0.00m, 0.00m, 0.00m, 1, 0.00m), Figures(lines["A4 PLATE-2"]));
        // A5 cancelled after payment: refunded its gmv, net 0, restocked.
        Assert.Equal((true, 40.00m, 40.00m, 0.00m, 1, 0.00m), Figures(lines["A5 MUG-1"]));
        // A6 two SKUs: 40 and 50 - 5 = 45; COGS 10 and 8 x 2 = 16.
        Assert.Equal((true, 40.00m, 0.00m, 40.00m, 0, 10.00m), Figures(lines["A6 MUG-1"]));
        Assert.Equal((true, 45.00m, 0.00m, 45.00m, 0, 16.00m), Figures(lines["A6 PLATE-2"]));
        // A7 carried by three sources, counted once: 25 - 25 = 0, restocked.
        Assert.Equal((true, 25.00m, 25.00m, 0.00m, 1, 0.00m), Figures(lines["A7 PLATE-2"]));

        // Per SKU: MUG-1 gmv 40 x 4 = 160, refunds 40 + 15 + 40 = 95, net 65, COGS 20; PLATE-2 gmv 50 + 45 + 25 = 120,
        // refunds 24 + 25 = 49, net 71, COGS 24. Campaign C1's 30.00 (mapped to both at campaign level, no attributed sales)
        // splits over their sales that day by revenue, 160 : 120: 17.142857 and 12.857143, floored 17.14 + 12.85 = 29.99,
        // the last cent to the larger remainder (PLATE-2): 17.14 and 12.86.
        var skus = (await connection.QueryAsync<(string Sku, decimal Gmv, decimal Refund, decimal NetRevenue, decimal Cogs, decimal AdSpend)>(
            """
            SELECT product.seller_sku, SUM(daily.gmv), SUM(daily.refund_amount), SUM(daily.net_revenue), SUM(daily.cogs), SUM(daily.ad_spend)
            FROM fact.sku_daily AS daily JOIN dim.product AS product ON product.product_key = daily.product_key
            GROUP BY product.seller_sku ORDER BY product.seller_sku
            """)).ToList();
        Assert.Equal([("MUG-1", 160.00m, 95.00m, 65.00m, 20.00m, 17.14m), ("PLATE-2", 120.00m, 49.00m, 71.00m, 24.00m, 12.86m)], skus);
        Assert.Equal(0m, await connection.ExecuteScalarAsync<decimal>("SELECT COALESCE(SUM(ad_spend), 0) FROM fact.sku_daily WHERE product_key = 0"));

        // The disagreement is visible: A2's order export (25.00) against the 24.00 counted; A7's three sources agree.
        var refunds = (await connection.QueryAsync<(string OrderId, string Source, decimal SourceAmount, decimal Counted, bool Flagged)>(
            """
            SELECT order_id, source_name, source_amount, warehouse_amount, is_flagged
            FROM rpt.reconciliation WHERE check_name = 'refund' ORDER BY order_id, source_name
            """)).ToList();
        Assert.Equal(
        [
            ("A2", "order export (stg.return_order, stg.cancellation)", 25.00m, 24.00m, true),
            ("A2", "returns: API or returns export (stg.return_order, stg.cancellation)", 24.00m, 24.00m, false),
            ("A7", "income export (stg.order_settlement)", 25.00m, 25.00m, false),
            ("A7", "order export (stg.return_order, stg.cancellation)", 25.00m, 25.00m, false),
            ("A7", "returns: API or returns export (stg.return_order, stg.cancellation)", 25.00m, 25.00m, false),
        ], refunds);

        // Importing the same folder again (and declaring the shop again) changes nothing.
        var before = await ChecksumsAsync(connection);
        Assert.Equal(0, await DeclareShopAsync(database));
        var second = await ImportFolderAsync(database);
        await Pipeline.TransformAsync(database);
        Assert.All(second, f => Assert.Equal(0, f.RowsWritten));
        Assert.Equal(before, await ChecksumsAsync(connection));
    }

    [Theory]
    [ClassData(typeof(Engines))]
    public async Task A_product_export_after_the_orders_fills_the_product_ids_and_changes_no_figure(Engine engine)
    {
        var database = await fixture.CleanDatabaseAsync(engine);
        WriteFolder();
        await DeclareShopAsync(database);
        await ImportFolderAsync(database);
        await Pipeline.TransformAsync(database);
        await using var connection = await database.OpenAsync(TestContext.Current.CancellationToken);
        // Before the catalogue: the SKUs came from the order export, with stand-in product ids.
        Assert.Equal(["sku:S1", "sku:S2"], await connection.QueryAsync<string>("SELECT product_id FROM dim.product WHERE product_key <> 0 ORDER BY sku_id"));
        var before = await FiguresAsync(connection);

        // As Seller Center's XLSX: TikTok's headers, the second SKU's product id left blank (the product above), stock as numbers.
        var products = Path.Combine(Directory.CreateTempSubdirectory("warehouse-products-").FullName, "Product_list.xlsx");
        using (var workbook = new ClosedXML.Excel.XLWorkbook())
        {
            var sheet = workbook.AddWorksheet("Products");
            string[][] rows =
            [
                ["Product ID", "Product Name", "SKU ID", "Seller SKU", "Variation", "Price", "Quantity"],
                ["P100", "Stoneware mug", "S1", "MUG-1", "Blue", "$40.00", "120"],
                ["P200", "Dinner plate", "S2", "PLATE-2", "White", "$25.00", "80"],
                ["", "", "S3", "PLATE-3", "Black", "$25.00", "5"],
            ];
            for (var r = 0; r < rows.Length; r++)
            {
                for (var c = 0; c < rows[r].Length; c++)
                {
                    sheet.Cell(r + 1, c + 1).Value = rows[r][c];
                }
            }

            workbook.SaveAs(products);
        }

        var imported = await new FileImporter(database).ImportAsync(products, await Pipeline.StartRunAsync(database, "import"), new ImportOptions(ShopId: ShopId), TestContext.Current.CancellationToken);
        await Pipeline.TransformAsync(database);

        Assert.Equal(("product-export", 3L), (imported.Kind, imported.RowsRead));
        Assert.Equal(["P100", "P200", "P200"], await connection.QueryAsync<string>("SELECT product_id FROM dim.product WHERE product_key <> 0 ORDER BY sku_id"));
        Assert.Equal(["P100", "P200"], await connection.QueryAsync<string>("SELECT DISTINCT product.product_id FROM fact.order_line AS line JOIN dim.product AS product ON product.product_key = line.product_key ORDER BY 1"));
        Assert.Equal(before, await FiguresAsync(connection));
        Directory.Delete(Path.GetDirectoryName(products)!, recursive: true);
    }

    [Fact]
    public void A_wrong_currency_time_zone_or_format_is_refused_with_one_message_naming_it()
    {
        Assert.Equal(("currency", "'USX' is not an ISO 4217 currency code (such as USD, GBP, EUR)"), Refusal(ShopDeclaration.Check(ShopId, "Kitchen", "US", "USX", "America/Los_Angeles", "MM/dd/yyyy hh:mm:ss tt")));
        Assert.Equal(("time_zone", "'PST' is not an IANA time zone (such as America/Los_Angeles, Europe/London)"), Refusal(ShopDeclaration.Check(ShopId, "Kitchen", "US", "USD", "PST", "MM/dd/yyyy hh:mm:ss tt")));
        Assert.Equal("date_format", Refusal(ShopDeclaration.Check(ShopId, "Kitchen", "US", "USD", "America/Los_Angeles", "hh:mm")).Field);
        var (shop, _, _) = ShopDeclaration.Check(" 7001 ", "Kitchen", "us", "usd", "America/Los_Angeles", "dd/MM/yyyy HH:mm:ss");
        Assert.Equal(new ShopDeclaration("7001", "Kitchen", "US", "USD", "America/Los_Angeles", "dd/MM/yyyy HH:mm:ss"), shop);
    }

    [Fact]
    public async Task Re_declaring_a_shop_updates_it_and_the_list_shows_its_export_format()
    {
        var database = await fixture.CleanDatabaseAsync(Engine.Postgres);
        var registry = new ShopRegistry(database);
        await registry.AddAsync(ShopDeclaration.Check(ShopId, "Kitchen", "US", "USD", "America/Los_Angeles", "MM/dd/yyyy hh:mm:ss tt").Shop!, await Pipeline.StartRunAsync(database, "shop add"), TestContext.Current.CancellationToken);
        var written = await registry.AddAsync(ShopDeclaration.Check(ShopId, "Kitchen UK", "GB", "GBP", "Europe/London", "dd/MM/yyyy HH:mm:ss").Shop!, await Pipeline.StartRunAsync(database, "shop add"), TestContext.Current.CancellationToken);

        Assert.Equal(2, written);
        Assert.Equal(new ShopRegistry.ListedShop(ShopId, "Kitchen UK", "GB", "GBP", "Europe/London", "dd/MM/yyyy HH:mm:ss"), Assert.Single(await registry.ListAsync(TestContext.Current.CancellationToken)));
    }

    [Fact]
    public async Task A_shops_file_in_the_folder_declares_the_shop_before_its_exports_load()
    {
        var database = await fixture.CleanDatabaseAsync(Engine.Postgres);
        File.WriteAllText(Path.Combine(folder, "Order_export_20261102.csv"), OrderExport);
        File.WriteAllText(Path.Combine(folder, "shops.csv"), "shop_id,shop_name,region,currency,time_zone,date_format\n7001,Kitchen Goods US,US,USD,America/Los_Angeles,MM/dd/yyyy hh:mm:ss tt\n7002,Bad,US,USX,America/Los_Angeles,MM/dd/yyyy\n");

        var files = await ImportFolderAsync(database, maxRejectRate: 0.5m);

        // The shops file first; the bad shop is named and the good one loads; its exports read their times with its format and zone.
        Assert.Equal([("shop", 2L, 1L), ("order-export", 8L, 0L)], files.Select(f => (f.Kind, f.RowsRead, f.RowsRejected)));
        await using var connection = await database.OpenAsync(TestContext.Current.CancellationToken);
        Assert.Equal(("currency", 3L), await connection.QuerySingleAsync<(string, long)>("SELECT field_name, row_number FROM etl.reject WHERE file_or_page LIKE '%shops.csv'"));
        Assert.Equal("MM/dd/yyyy hh:mm:ss tt", await connection.ExecuteScalarAsync<string>("SELECT date_format FROM stg.shop_export_format WHERE shop_id = '7001'"));
        // A1 paid 11/02/2026 09:01 AM in Los Angeles (PST, UTC-8) = 17:01 UTC.
        Assert.Equal(new DateTimeOffset(2026, 11, 2, 17, 1, 0, TimeSpan.Zero).ToUnixTimeSeconds(),
            await connection.ExecuteScalarAsync<long>("SELECT paid_time FROM stg.shop_order WHERE order_id = 'A1'"));
    }

    [Fact]
    public async Task An_ads_report_naming_an_unknown_campaign_without_its_id_is_a_named_reject()
    {
        var database = await fixture.CleanDatabaseAsync(Engine.Postgres);
        var file = Path.Combine(folder, "ads.csv");
        // A campaign-level report with ids makes C1 known; a later one by name only resolves it, and names an unknown one.
        File.WriteAllText(file, "Date,Campaign name,Campaign ID,Cost\n2026-11-02,Kitchen launch,C1,$30.00\n");
        var importer = new FileImporter(database, maxRejectRate: 1m);
        var options = new ImportOptions(ShopId: ShopId, AdvertiserId: Advertiser);
        await importer.ImportAsync(file, await Pipeline.StartRunAsync(database, "import"), options, TestContext.Current.CancellationToken);
        File.WriteAllText(file, "By Day,Campaign name,Cost\n2026-11-03,Kitchen launch,$12.00\n2026-11-03,Winter sale,$5.00\n");

        var result = await importer.ImportAsync(file, await Pipeline.StartRunAsync(database, "import"), options, TestContext.Current.CancellationToken);

        var reject = Assert.Single(result.Rejects);
        Assert.Equal((3L, "Campaign name"), (reject.RowNumber, reject.FieldName));
        Assert.Contains("'Winter sale' is not a known campaign of advertiser ADV1", reject.Reason, StringComparison.Ordinal);
        await using var connection = await database.OpenAsync(TestContext.Current.CancellationToken);
        Assert.Equal([("campaign:C1", "2026-11-02", 30.00m), ("campaign:C1", "2026-11-03", 12.00m)],
            await connection.QueryAsync<(string, string, decimal)>("SELECT ad_id, CAST(stat_time_day AS varchar(10)), spend FROM stg.ad_report_daily ORDER BY stat_time_day"));
    }

    [Theory]
    [ClassData(typeof(Engines))]
    public async Task Ad_group_level_spend_maps_through_map_rows_at_its_level_or_above_never_below(Engine engine)
    {
        var database = await fixture.CleanDatabaseAsync(engine);
        WriteFolder();
        File.Delete(Path.Combine(folder, "Ads_campaign_report.csv"));
        File.Delete(Path.Combine(folder, "ad_map.csv"));
        // Ad group rows of campaign C1 (no ad column): G1 by id, G2 by id. The map: G1 to MUG-1 (ad group level),
        // the whole campaign to PLATE-2, and ad A9 of G2 to MUG-1 (ad level: below G2's rows, so it does not apply to them).
        File.WriteAllText(Path.Combine(folder, "Ads_adgroup_report.csv"), """
            By Day,Campaign name,Campaign ID,Ad group name,Ad group ID,Cost
            2026-11-02,Kitchen launch,C1,Mugs,G1,$12.50
            2026-11-02,Kitchen launch,C1,Plates,G2,$7.25

            """);
        File.WriteAllText(Path.Combine(folder, "ad_map.csv"), "campaign_id,adgroup_id,ad_id,seller_sku\nC1,G1,,MUG-1\nC1,,,PLATE-2\nC1,G2,A9,MUG-1\n");
        await DeclareShopAsync(database);
        await ImportFolderAsync(database);
        await Pipeline.TransformAsync(database);

        // G1: its own ad group map wins over the campaign's: 12.50 to MUG-1. G2: no map at its level, the campaign's: 7.25 to PLATE-2.
        await using var connection = await database.OpenAsync(TestContext.Current.CancellationToken);
        var spend = (await connection.QueryAsync<(string Sku, decimal Spend)>(
            """
            SELECT COALESCE(product.seller_sku, '(unallocated)'), SUM(spend.ad_spend)
            FROM fact.sku_ad_spend AS spend LEFT JOIN dim.product AS product ON product.product_key = spend.product_key AND spend.product_key <> 0
            GROUP BY COALESCE(product.seller_sku, '(unallocated)') ORDER BY 1
            """)).ToList();
        Assert.Equal([("MUG-1", 12.50m), ("PLATE-2", 7.25m)], spend);
        Assert.Equal(["(ad group-level spend)", "(ad group-level spend)"],
            await connection.QueryAsync<string>("SELECT ad_name FROM stg.ad WHERE ad_id IN ('adgroup:G1', 'adgroup:G2') ORDER BY ad_id"));
    }

    [Theory]
    [ClassData(typeof(Engines))]
    public async Task GMV_Max_product_and_campaign_exports_tie_out_and_the_untied_spend_is_reported_unallocated(Engine engine)
    {
        var database = await fixture.CleanDatabaseAsync(engine);
        WriteFolder();
        File.Delete(Path.Combine(folder, "Ads_campaign_report.csv"));
        File.Delete(Path.Combine(folder, "ad_map.csv"));
        // The catalogue (product ids), GMV Max campaign GM1's product report (P100 9.00 + P200 6.00 = 15.00) and its
        // campaign report (16.50): 1.50 the product rows do not explain.
        File.WriteAllText(Path.Combine(folder, "Products.csv"), "Product ID,Product Name,SKU ID,Seller SKU,Variation,Price,Quantity\nP100,Stoneware mug,S1,MUG-1,Blue,$40.00,120\nP200,Dinner plate,S2,PLATE-2,White,$25.00,80\n");
        File.WriteAllText(Path.Combine(folder, "GMV_Max_products.csv"), "Date,Campaign ID,Campaign name,Product ID,Cost,Gross revenue,Orders\n2026-11-02,GM1,Always on,P100,$9.00,$80.00,2\n2026-11-02,GM1,Always on,P200,$6.00,$45.00,1\n");
        File.WriteAllText(Path.Combine(folder, "GMV_Max_campaign.csv"), "Date,Campaign ID,Campaign name,Cost,Gross revenue,Orders\n2026-11-02,GM1,Always on,$16.50,$125.00,3\n");
        await DeclareShopAsync(database);
        var files = await ImportFolderAsync(database);
        await Pipeline.TransformAsync(database);

        Assert.Equal(["product-export", "gmv-max-export", "gmv-max-campaign-export"], files.Select(f => f.Kind).Where(k => k.StartsWith("product", StringComparison.Ordinal) || k.StartsWith("gmv", StringComparison.Ordinal)));
        await using var connection = await database.OpenAsync(TestContext.Current.CancellationToken);
        Assert.Equal(("7001", 15.00m, 16.50m, 1.50m), await connection.QuerySingleAsync<(string, decimal, decimal, decimal)>(
            "SELECT shop.shop_id, tieout.product_cost, tieout.campaign_cost, tieout.difference FROM rpt.gmv_max_tieout AS tieout JOIN dim.shop AS shop ON shop.shop_key = tieout.shop_key"));
        // P100 has one SKU (9.00), P200 one (6.00); the untied 1.50 to Unallocated: 16.50 in all, none dropped.
        var spend = (await connection.QueryAsync<(string Sku, decimal Spend)>(
            """
            SELECT COALESCE(product.seller_sku, '(unallocated)'), SUM(spend.ad_spend)
            FROM fact.sku_ad_spend AS spend LEFT JOIN dim.product AS product ON product.product_key = spend.product_key AND spend.product_key <> 0
            GROUP BY COALESCE(product.seller_sku, '(unallocated)') ORDER BY 1
            """)).ToList();
        Assert.Equal([("(unallocated)", 1.50m), ("MUG-1", 9.00m), ("PLATE-2", 6.00m)], spend);
    }

    // The order export is the shop's latest word on the orders it lists. Week 1: B1 returned and refunded 40.00,
    // B2 refund only 15.00, B3 cancelled after payment. Week 2's export lists B1 again with its return rejected
    // (0 returned, 0 refunded) and B3 still cancelled; B2 is not in it. B1's return goes, B2's and B3's stay.
    [Theory]
    [ClassData(typeof(Engines))]
    public async Task A_later_order_export_no_longer_showing_a_return_removes_it_and_the_next_transform_restates_that_order_only(Engine engine)
    {
        var database = await fixture.CleanDatabaseAsync(engine);
        var (shop, _, _) = ShopDeclaration.Check(ShopId, "Kitchen Goods US", "US", "USD", "America/Los_Angeles", "MM/dd/yyyy hh:mm:ss tt");
        var declared = await Pipeline.StartRunAsync(database, "shop add");
        await new ShopRegistry(database).AddAsync(shop!, declared, TestContext.Current.CancellationToken);
        await EndRunAsync(database, declared);
        var header = OrderExport.Split('\n')[0].TrimEnd('\r');
        const string b1Returned = "B1,Completed,Completed,Return/Refund,Normal,S1,MUG-1,Stoneware mug,Blue,1,1,$40.00,$40.00,$0.00,$0.00,$40.00,$0.00,$0.00,$0.00,$0.00,$0.00,$40.00,$40.00,11/02/2026 09:00:00 AM,11/02/2026 09:01:00 AM,,buyer1";
        const string b1Rejected = "B1,Completed,Completed,,Normal,S1,MUG-1,Stoneware mug,Blue,1,0,$40.00,$40.00,$0.00,$0.00,$40.00,$0.00,$0.00,$0.00,$0.00,$0.00,$40.00,$0.00,11/02/2026 09:00:00 AM,11/02/2026 09:01:00 AM,,buyer1";
        const string b2RefundOnly = "B2,Completed,Completed,Refund only,Normal,S1,MUG-1,Stoneware mug,Blue,1,0,$40.00,$40.00,$0.00,$0.00,$40.00,$0.00,$0.00,$0.00,$0.00,$0.00,$40.00,$15.00,11/02/2026 11:00:00 AM,11/02/2026 11:01:00 AM,,buyer3";
        const string b3Cancelled = "B3,Cancelled,Cancelled,Cancel,Normal,S1,MUG-1,Stoneware mug,Blue,1,0,$40.00,$40.00,$0.00,$0.00,$40.00,$0.00,$0.00,$0.00,$0.00,$0.00,$40.00,$40.00,11/02/2026 01:00:00 PM,11/02/2026 01:01:00 PM,11/02/2026 03:00:00 PM,buyer5";
        File.WriteAllText(Path.Combine(folder, "costs.csv"), "seller_sku,effective_from,unit_cost\nMUG-1,2026-10-01,10.00\n");
        File.WriteAllText(Path.Combine(folder, "Order_export_week1.csv"), string.Join("\n", header, b1Returned, b2RefundOnly, b3Cancelled) + "\n");
        await ImportAndEndAsync(database);
        await Pipeline.TransformAsync(database);
        await using var connection = await database.OpenAsync(TestContext.Current.CancellationToken);
        Assert.Equal((true, 40.00m, 40.00m, 0.00m, 1, 0.00m), Figures((await LinesAsync(connection))["B1"]));

        File.Delete(Path.Combine(folder, "Order_export_week1.csv"));
        File.WriteAllText(Path.Combine(folder, "Order_export_week2.csv"), string.Join("\n", header, b1Rejected, b3Cancelled) + "\n");
        await ImportAndEndAsync(database);
        Assert.Equal(["order-export:B2"], await connection.QueryAsync<string>("SELECT return_id FROM stg.return_order ORDER BY return_id"));
        Assert.Equal(0, await connection.ExecuteScalarAsync<int>("SELECT COUNT(*) FROM stg.return_line_item WHERE order_id = 'B1'"));
        Assert.Equal([("return_order", "B1")], await connection.QueryAsync<(string, string)>("SELECT table_name, order_id FROM etl.staging_deletion"));
        var transform = await Pipeline.TransformAsync(database);

        var lines = await LinesAsync(connection);
        Assert.Equal((true, 40.00m, 0.00m, 40.00m, 0, 10.00m), Figures(lines["B1"])); // kept by the buyer: net 40, COGS 10
        Assert.Equal((true, 40.00m, 15.00m, 25.00m, 0, 10.00m), Figures(lines["B2"])); // not in week 2's file: unchanged
        Assert.Equal((true, 40.00m, 40.00m, 0.00m, 1, 0.00m), Figures(lines["B3"]));  // still cancelled after payment
        var recomputed = await connection.ExecuteScalarAsync<string>(
            "SELECT message FROM etl.run_step WHERE run_id = @transform AND step_name = 'etl.prepare_transform'", new { transform });
        Assert.StartsWith("incremental", recomputed, StringComparison.Ordinal);

        // The incremental run ends where a full rebuild of the same staging ends.
        var incremental = await FiguresAsync(connection);
        await Pipeline.TransformAsync(database, new Warehouse.Transform.TransformOptions(Full: true));
        Assert.Equal(incremental, await FiguresAsync(connection));
    }

    private async Task ImportAndEndAsync(WarehouseDatabase database)
    {
        var runId = await Pipeline.StartRunAsync(database, "import");
        var results = await new SellerFiles(database).LoadAsync(folder, runId, new ImportOptions(ShopId: ShopId, AdvertiserId: Advertiser), cancellationToken: TestContext.Current.CancellationToken);
        Assert.All(results, f => Assert.Equal(0, f.RowsRejected));
        await EndRunAsync(database, runId);
    }

    private static async Task EndRunAsync(WarehouseDatabase database, long runId)
    {
        await using var connection = await database.OpenAsync();
        await new Warehouse.Control.RunLog(database).EndAsync(connection, runId, null);
    }

    private static async Task<Dictionary<string, (string OrderId, string Sku, bool IsRevenue, decimal Gmv, decimal Refund, decimal NetRevenue, int Restocked, decimal Cogs)>> LinesAsync(System.Data.Common.DbConnection connection) =>
        (await connection.QueryAsync<(string OrderId, string Sku, bool IsRevenue, decimal Gmv, decimal Refund, decimal NetRevenue, int Restocked, decimal Cogs)>(
            """
            SELECT line.order_id, product.seller_sku, line.is_revenue, line.gmv, line.refund_amount, line.net_revenue, line.restocked_units, line.cogs
            FROM fact.order_line AS line JOIN dim.product AS product ON product.product_key = line.product_key
            """)).ToDictionary(l => l.OrderId);

    private static (bool, decimal, decimal, decimal, int, decimal) Figures((string OrderId, string Sku, bool IsRevenue, decimal Gmv, decimal Refund, decimal NetRevenue, int Restocked, decimal Cogs) line) =>
        (line.IsRevenue, line.Gmv, line.Refund, line.NetRevenue, line.Restocked, line.Cogs);

    private static (string? Field, string? Reason) Refusal((ShopDeclaration? Shop, string? Field, string? Reason) check) => (check.Field, check.Reason);

    private void WriteFolder()
    {
        File.WriteAllText(Path.Combine(folder, "Order_export_20261102.csv"), OrderExport);
        File.WriteAllText(Path.Combine(folder, "Returns_20261105.csv"), ReturnsExport);
        File.WriteAllText(Path.Combine(folder, "income_20261101-20261115.csv"), IncomeExport);
        File.WriteAllText(Path.Combine(folder, "Ads_campaign_report.csv"), AdsReport);
        File.WriteAllText(Path.Combine(folder, "ad_map.csv"), AdMap);
        File.WriteAllText(Path.Combine(folder, "costs.csv"), SkuCosts);
    }

    private static async Task<long> DeclareShopAsync(WarehouseDatabase database)
    {
        var (shop, _, _) = ShopDeclaration.Check(ShopId, "Kitchen Goods US", "US", "USD", "America/Los_Angeles", "MM/dd/yyyy hh:mm:ss tt");
        return await new ShopRegistry(database).AddAsync(shop!, await Pipeline.StartRunAsync(database, "shop add"), TestContext.Current.CancellationToken);
    }

    private async Task<IReadOnlyList<SellerFiles.FileResult>> ImportFolderAsync(WarehouseDatabase database, decimal maxRejectRate = 0.01m) =>
        await new SellerFiles(database, maxRejectRate).LoadAsync(folder, await Pipeline.StartRunAsync(database, "import"), new ImportOptions(ShopId: ShopId, AdvertiserId: Advertiser), cancellationToken: TestContext.Current.CancellationToken);

    private static async Task<string> FiguresAsync(System.Data.Common.DbConnection connection) =>
        await Pipeline.ChecksumAsync(connection, "fact.sku_daily", "date_key, shop_key, product_key, traffic_source_key") + " / "
        + await Pipeline.ChecksumAsync(connection, "fact.sku_ad_spend", "date_key, campaign_key, product_key, spend_source") + " / "
        + await Pipeline.ChecksumAsync(connection, "fact.order_line", "order_id, line_item_id");

    private static async Task<string> ChecksumsAsync(System.Data.Common.DbConnection connection)
    {
        var tables = new Dictionary<string, string>
        {
            ["stg.shop"] = "shop_id", ["stg.shop_export_format"] = "shop_id", ["stg.shop_order"] = "order_id", ["stg.order_line_item"] = "order_id, line_item_id",
            ["stg.return_order"] = "return_id", ["stg.return_line_item"] = "return_id, return_line_item_id", ["stg.cancellation"] = "cancel_id",
            ["stg.cancellation_line_item"] = "cancel_id, order_line_item_id", ["stg.order_settlement"] = "settlement_id, settlement_type",
            ["stg.campaign"] = "campaign_id", ["stg.adgroup"] = "adgroup_id", ["stg.ad"] = "ad_id", ["stg.ad_report_daily"] = "ad_id, stat_time_day",
            ["stg.ad_product_map"] = "campaign_id, adgroup_id, ad_id, product_id, sku_id", ["stg.sku_cost"] = "sku_id, effective_from",
        };
        var sums = new List<string>();
        foreach (var (table, orderBy) in tables)
        {
            sums.Add(table + ": " + await Pipeline.ChecksumAsync(connection, table, orderBy));
        }

        return string.Join("\n", sums) + "\n" + await FiguresAsync(connection);
    }
}
