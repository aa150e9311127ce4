using System.Data.Common;
using ClosedXML.Excel;
using Dapper;
using Warehouse.Cli;
using Warehouse.Database;
using Warehouse.Report;
using Warehouse.Reports;
using Warehouse.Tests.Infrastructure;

namespace Warehouse.Tests.Reports;

/// <summary>
/// Reporting currency (profit model: "cross-shop totals use the reporting currency through a dated FX
/// table"): a US shop in USD and a GB shop in GBP with figures and rates chosen by hand. The all-shops
/// workbook converts each day at that day's rate before summing; one shop's workbook stays in its own
/// currency; a day without a rate is never taken as 1.
/// </summary>
public sealed class CurrencyWorkbookTests(WarehouseFixture fixture) : IClassFixture<WarehouseFixture>
{
    private const decimal Cent = 0.005m;

    // ISO week 2026-W47: Monday 2026-11-16 to Sunday 2026-11-22.
    private static readonly ReportRequest AllShops = new(new DateOnly(2026, 11, 16), new DateOnly(2026, 11, 22), null, 77);
    private const string UsShop = "FX-US-0001";
    private const string GbShop = "FX-GB-0002";

    [Theory]
    [ClassData(typeof(Engines))]
    public async Task The_all_shops_workbook_converts_each_day_at_its_rate_before_summing(Engine engine)
    {
        var database = await PlantAsync(engine, withFirstGbpRate: true);
        await using var connection = await database.OpenAsync();
        var path = await WriteAsync(connection, AllShops);

        using var workbook = new XLWorkbook(path);
        // By hand. Rates: GBP 1.25 from 2026-11-15, 1.30 from 2026-11-18 (so the 17th converts at 1.25, the 19th at 1.30); USD at 1.
        //   GMV           US 100.00 x 1  + GB  80.00 x 1.25 + GB 45.00 x 1.30 = 100.00 + 100.00 + 58.50   = 258.50
        //   Net revenue   US  90.00 x 1  + GB  80.00 x 1.25 + GB 45.00 x 1.30 =  90.00 + 100.00 + 58.50   = 248.50
        //   Ad spend      US  20.00 x 1  + GB  10.00 x 1.25 + GB 12.50 x 1.30 =  20.00 +  12.50 + 16.25   =  48.75
        //   Contribution before ads  49.75 + 45.20 x 1.25 + 23.72 x 1.30     =  49.75 +  56.50 + 30.836  = 137.086
        //   Contribution after ads   29.75 + 35.20 x 1.25 + 11.22 x 1.30     =  29.75 +  44.00 + 14.586  =  88.336 (= 137.086 - 48.75)
        // Added as they stand (dollars plus pounds) the GMV would be 100 + 80 + 45 = 225.00: the workbook must not say that.
        var summary = workbook.Worksheet("Summary");
        Assert.Equal("GMV", summary.Cell(5, 1).GetString());
        AssertCents(258.50m, Number(summary.Cell(5, 2)), "Summary GMV");
        AssertCents(248.50m, Number(summary.Cell(6, 2)), "Summary net revenue");
        AssertCents(137.086m, Number(summary.Cell(13, 2)), "Summary contribution before ads");
        AssertCents(48.75m, Number(summary.Cell(14, 2)), "Summary ad spend");
        AssertCents(88.336m, Number(summary.Cell(15, 2)), "Summary contribution after ads");
        Assert.Contains("Amounts in USD, the reporting currency", summary.Cell(2, 1).GetString(), StringComparison.Ordinal);
        Assert.Contains("GBP at 1.2500 to 1.3000", summary.Cell(3, 1).GetString(), StringComparison.Ordinal);

        // The SKU P&L: the GB SKU's row is its two days, each converted; its formulas stay over the row.
        var pl = workbook.Worksheet("SKU P&L");
        var gb = RowOf(pl, "GB-SKU");
        AssertCents(158.50m, Number(gb, "GMV"), "GB SKU GMV");                            // 100.00 + 58.50
        AssertCents(158.50m, Number(gb, "Net revenue"), "GB SKU net revenue");            // no refunds
        AssertCents(87.336m, Number(gb, "Contribution before ads"), "GB SKU contribution before ads"); // 45.20 x 1.25 + 23.72 x 1.30 = 56.50 + 30.836
        AssertCents(58.586m, Number(gb, "Contribution after ads"), "GB SKU contribution after ads"); // 44.00 + 14.586
        AssertCents(28.75m, Number(gb, "Ad spend"), "GB SKU ad spend");                  // 12.50 + 16.25
        Assert.Equal($"{Letter(pl, "List amount")}{gb.RowNumber()}-{Letter(pl, "Seller discount")}{gb.RowNumber()}", Cell(gb, "GMV").FormulaA1);
        var us = RowOf(pl, "US-SKU");
        AssertCents(100.00m, Number(us, "GMV"), "US SKU GMV");
        AssertCents(29.75m, Number(us, "Contribution after ads"), "US SKU contribution after ads");

        // GMV to bank: its totals row is the converted total as well.
        var bank = workbook.Worksheet("GMV to bank");
        AssertCents(258.50m, Number(bank.Cell(7, 3)), "GMV to bank GMV subtotal");
        AssertCents(88.336m, Number(bank.Cell(19, 3)), "GMV to bank contribution after ads");

        // Assumptions says so, with the rates used.
        var assumptions = workbook.Worksheet("Assumptions");
        var cells = assumptions.CellsUsed().ToList();
        Assert.Contains(cells, c => c.GetString().StartsWith("Currency: USD (setting reporting_currency)", StringComparison.Ordinal));
        var rateRow = cells.Single(c => c.GetString() == "2026-11-17" && c.Address.ColumnNumber == 2).Address.RowNumber;
        Assert.Equal("GBP", assumptions.Cell(rateRow, 1).GetString());
        Assert.Equal(1.25m, Number(assumptions.Cell(rateRow, 3)));
        Assert.Equal("2026-11-15", assumptions.Cell(rateRow, 4).GetString());
        Assert.Equal(1.30m, Number(assumptions.Cell(rateRow + 2, 3)));                   // 2026-11-19
    }

    [Theory]
    [ClassData(typeof(Engines))]
    public async Task One_shops_workbook_stays_in_the_shops_currency(Engine engine)
    {
        var database = await PlantAsync(engine, withFirstGbpRate: true);
        await using var connection = await database.OpenAsync();
        var path = await WriteAsync(connection, AllShops with { ShopId = GbShop });

        using var workbook = new XLWorkbook(path);
        // Pounds as the shop sold: GMV 80.00 + 45.00 = 125.00, ad spend 10.00 + 12.50 = 22.50,
        // contribution after ads 35.20 + 11.22 = 46.42; no rate is applied.
        var summary = workbook.Worksheet("Summary");
        AssertCents(125.00m, Number(summary.Cell(5, 2)), "GB GMV");
        AssertCents(22.50m, Number(summary.Cell(14, 2)), "GB ad spend");
        AssertCents(46.42m, Number(summary.Cell(15, 2)), "GB contribution after ads");
        Assert.Contains("Amounts in GBP, the shop's currency (not converted)", summary.Cell(2, 1).GetString(), StringComparison.Ordinal);
        Assert.Contains("Amounts in GBP", workbook.Worksheet("SKU P&L").Cell(2, 1).GetString(), StringComparison.Ordinal);
        var gb = RowOf(workbook.Worksheet("SKU P&L"), "GB-SKU");
        AssertCents(125.00m, Number(gb, "GMV"), "GB SKU GMV");
        Assert.DoesNotContain(workbook.Worksheet("Assumptions").CellsUsed(), c => c.GetString().StartsWith("Exchange rates used", StringComparison.Ordinal));
    }

    [Theory]
    [ClassData(typeof(Engines))]
    public async Task A_day_without_a_rate_is_never_converted_at_1(Engine engine)
    {
        // Without the 2026-11-15 rate, GBP has no rate on or before the 16th and 17th: the GB row of the 17th cannot be converted.
        var database = await PlantAsync(engine, withFirstGbpRate: false);
        await using var connection = await database.OpenAsync();

        var rates = (await connection.QueryAsync<(string ShopId, int DateKey, decimal? Rate)>(
            "SELECT shop_id, date_key, fx_rate_to_reporting FROM rpt.sku_daily ORDER BY date_key")).ToList();
        var expected = new (string, int, decimal?)[] { (UsShop, 20261116, 1m), (GbShop, 20261117, null), (GbShop, 20261119, 1.30m) };
        Assert.Equal(expected, rates.Select(r => (r.ShopId, r.DateKey, r.Rate)));

        var flagged = await connection.QuerySingleAsync<(string ShopId, int DateKey, decimal Gmv, bool Flagged)>(
            "SELECT shop_id, date_key, source_amount, is_flagged FROM rpt.reconciliation WHERE check_name = 'fx_rate'");
        Assert.Equal((GbShop, 20261117, 80.00m, true), flagged);

        var error = await Assert.ThrowsAsync<MissingFxRateException>(() => WriteAsync(connection, AllShops));
        Assert.Contains($"shop {GbShop}", error.Message, StringComparison.Ordinal);
        Assert.Contains("no GBP to USD rate on or before 2026-11-17", error.Message, StringComparison.Ordinal);
        Assert.Contains("fx_rate.csv", error.Message, StringComparison.Ordinal);

        // One shop's workbook needs no rate and is still written.
        var path = await WriteAsync(connection, AllShops with { ShopId = GbShop });
        using var workbook = new XLWorkbook(path);
        AssertCents(125.00m, Number(workbook.Worksheet("Summary").Cell(5, 2)), "GB GMV");
    }

    // ---------------------------------------------------------------- the planted shops

    private async Task<WarehouseDatabase> PlantAsync(Engine engine, bool withFirstGbpRate)
    {
        var database = await fixture.CleanDatabaseAsync(engine);
        await using var connection = await database.OpenAsync();
        await connection.ExecuteAsync(
            """
            INSERT INTO dim.shop (shop_id, shop_name, region, currency, time_zone, etl_run_id)
            VALUES (@us, 'FX shop US', 'US', 'USD', 'America/Los_Angeles', 0), (@gb, 'FX shop GB', 'GB', 'GBP', 'Europe/London', 0);
            INSERT INTO dim.product (shop_id, product_id, sku_id, seller_sku, product_name, sku_name, category, etl_run_id)
            VALUES (@us, 'US-PRODUCT', 'US-SKU', NULL, 'US mug', NULL, NULL, 0), (@gb, 'GB-PRODUCT', 'GB-SKU', NULL, 'GB mug', NULL, NULL, 0);
            """,
            new { us = UsShop, gb = GbShop });
        var usShop = await connection.ExecuteScalarAsync<int>("SELECT shop_key FROM dim.shop WHERE shop_id = @UsShop", new { UsShop });
        var gbShop = await connection.ExecuteScalarAsync<int>("SELECT shop_key FROM dim.shop WHERE shop_id = @GbShop", new { GbShop });
        var usSku = await connection.ExecuteScalarAsync<int>("SELECT product_key FROM dim.product WHERE sku_id = 'US-SKU'");
        var gbSku = await connection.ExecuteScalarAsync<int>("SELECT product_key FROM dim.product WHERE sku_id = 'GB-SKU'");

        //                  day       shop    sku    list    seller  gmv     refund net     platf  trans  affil  ship   cogs   other  cba     ads    caa
        await DayAsync(connection, 20261116, usShop, usSku, 120.00m, 20.00m, 100.00m, 10.00m, 90.00m, 5.40m, 0.00m, 0.00m, 4.50m, 30.00m, 0.35m, 49.75m, 20.00m, 29.75m);
        await DayAsync(connection, 20261117, gbShop, gbSku, 80.00m, 0.00m, 80.00m, 0.00m, 80.00m, 7.20m, 0.40m, 0.00m, 3.20m, 24.00m, 0.00m, 45.20m, 10.00m, 35.20m);
        await DayAsync(connection, 20261119, gbShop, gbSku, 50.00m, 5.00m, 45.00m, 0.00m, 45.00m, 4.05m, 0.23m, 2.00m, 0.00m, 15.00m, 0.00m, 23.72m, 12.50m, 11.22m);

        // A rate applies from its date until the next one; an older rate before the report must not matter.
        var rates = new List<(string Currency, DateTime Day, decimal Rate)> { ("GBP", new DateTime(2026, 11, 18), 1.30m), ("GBP", new DateTime(2026, 11, 23), 9.99m) };
        if (withFirstGbpRate)
        {
            rates.Add(("GBP", new DateTime(2026, 11, 15), 1.25m));
        }

        foreach (var (currency, day, rate) in rates)
        {
            await connection.ExecuteAsync(
                "INSERT INTO stg.fx_rate (currency, rate_date, rate_to_reporting, etl_run_id) VALUES (@currency, @day, @rate, 0)",
                new { currency, day, rate });
        }

        return database;
    }

    private static Task DayAsync(DbConnection connection, int day, int shop, int product, decimal list, decimal sellerDiscount, decimal gmv,
        decimal refund, decimal net, decimal platformFee, decimal transactionFee, decimal affiliate, decimal shipping, decimal cogs, decimal other,
        decimal cba, decimal adSpend, decimal caa)
    {
        Assert.Equal(list - sellerDiscount, gmv);
        Assert.Equal(gmv - refund, net);
        Assert.Equal(net - platformFee - transactionFee - affiliate - shipping - cogs - other, cba);
        Assert.Equal(cba - adSpend, caa);
        return connection.ExecuteAsync(
            """
            INSERT INTO fact.sku_daily (date_key, shop_key, product_key, traffic_source_key, orders, units, list_amount, seller_discount,
                platform_discount, gmv, refund_amount, net_revenue, platform_fee, transaction_fee, affiliate_commission, shipping_cost,
                cogs, other_variable_cost, contribution_before_ads, ad_spend, contribution_after_ads, attributed_gmv, attributed_orders,
                estimated_fee_revenue, tiktok_settlement_amount, settled_net_revenue, etl_run_id)
            VALUES (@day, @shop, @product, 2, 1, 1, @list, @sellerDiscount, 0, @gmv, @refund, @net, @platformFee, @transactionFee, @affiliate,
                @shipping, @cogs, @other, @cba, @adSpend, @caa, @gmv, 1, 0, 0, 0, 0)
            """,
            new { day, shop, product, list, sellerDiscount, gmv, refund, net, platformFee, transactionFee, affiliate, shipping, cogs, other, cba, adSpend, caa });
    }

    private static async Task<string> WriteAsync(DbConnection connection, ReportRequest request)
    {
        var path = Path.Combine(Path.GetTempPath(), "warehouse-tests", $"fx-{Guid.NewGuid():N}", request.DefaultFileName);
        return await ReportPeriod.WriteAsync(connection, request, path);
    }

    // ---------------------------------------------------------------- helpers

    private static IXLRangeRow RowOf(IXLWorksheet sheet, string sku) =>
        sheet.Tables.Single().DataRange.Rows().Single(r => Cell(r, "SKU ID").GetString() == sku);

    private static IXLCell Cell(IXLRangeRow row, string header)
    {
        var column = row.Worksheet.Tables.Single().HeadersRow().Cells().Single(c => c.GetString() == header).Address.ColumnNumber;
        return row.Worksheet.Cell(row.RowNumber(), column);
    }

    private static string Letter(IXLWorksheet sheet, string header) =>
        sheet.Tables.Single().HeadersRow().Cells().Single(c => c.GetString() == header).Address.ColumnLetter;

    private static decimal? Number(IXLRangeRow row, string header) => Number(Cell(row, header));

    private static decimal? Number(IXLCell cell) => cell.Value switch
    {
        double d => (decimal)d,
        int i => i,
        decimal m => m,
        string s when s.Length == 0 => null,
        var other => throw new InvalidOperationException($"{cell.Worksheet.Name}!{cell.Address}: not a number: '{other}'"),
    };

    private static void AssertCents(decimal expected, decimal? actual, string what) =>
        Assert.True(actual is { } a && Math.Abs(a - expected) < Cent, $"{what}: expected {expected}, workbook has {actual}");
}
