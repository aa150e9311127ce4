using ClosedXML.Excel;
using Dapper;
using Warehouse.Database;
using Warehouse.Reports;
using Warehouse.Tests.Infrastructure;

namespace Warehouse.Tests.Reports;

/// <summary>
/// The finance workbook (all shops, so in the reporting currency: the rpt views' amounts times their
/// fx_rate_to_reporting), reopened from disk with ClosedXML: its sheets, its formulas evaluated and
/// compared with the rpt views to the cent, a planted SKU against figures worked out by hand, and
/// text from TikTok kept inert.
/// </summary>
public sealed class WorkbookTests(ReportFixture fixture) : IClassFixture<ReportFixture>
{
    private const decimal Cent = 0.005m;

    [Theory]
    [ClassData(typeof(Engines))]
    public async Task The_workbook_has_every_sheet_and_the_default_file_name(Engine engine)
    {
        var report = await fixture.ReportAsync(engine);

        using var workbook = new XLWorkbook(report.Path);

        Assert.Equal(SkuProfitWorkbook.SheetNames, workbook.Worksheets.Select(s => s.Name));
        Assert.Equal($"sku-profit-all-{report.Week}.xlsx", Path.GetFileName(report.Path));
        Assert.Equal(report.Week, report.Request.Label);
        Assert.Equal(DayOfWeek.Monday, report.Request.From.DayOfWeek);
        var table = Assert.Single(workbook.Worksheet("SKU P&L").Tables);
        Assert.Equal("SkuProfitAndLoss", table.Name);
        Assert.True(table.ShowAutoFilter);
        Assert.Equal(3, workbook.Worksheet("SKU P&L").SheetView.SplitRow);
    }

    [Theory]
    [ClassData(typeof(Engines))]
    public async Task The_freshness_table_writes_each_runs_end_in_UTC_the_same_way_on_every_engine(Engine engine)
    {
        var report = await fixture.ReportAsync(engine);
        using var workbook = new XLWorkbook(report.Path);
        var sheet = workbook.Worksheet("Assumptions");
        var header = sheet.CellsUsed(c => c.GetString() == "Run ended at").Single();

        var cell = sheet.Cell(header.Address.RowNumber + 1, header.Address.ColumnNumber);
        var runId = (long)sheet.Cell(cell.Address.RowNumber, header.Address.ColumnNumber - 1).GetDouble();

        await using var connection = await report.Database.OpenAsync(TestContext.Current.CancellationToken);
        var ended = await connection.ExecuteScalarAsync<object>("SELECT ended_at FROM etl.run WHERE run_id = @runId", new { runId });
        var utc = ended is DateTimeOffset offset ? offset.UtcDateTime : ((DateTime)ended!).ToUniversalTime();
        Assert.Equal(utc.ToString("yyyy-MM-dd HH:mm:ss", System.Globalization.CultureInfo.InvariantCulture) + " UTC", cell.GetString());
    }

    [Theory]
    [ClassData(typeof(Engines))]
    public async Task The_scenario_SKU_row_has_the_figures_worked_out_by_hand(Engine engine)
    {
        var report = await fixture.ReportAsync(engine);
        using var workbook = new XLWorkbook(report.Path);
        var sheet = workbook.Worksheet("SKU P&L");

        var row = RowOf(sheet, "SKU ID", ReportFixture.ScenarioSku);

        Assert.Equal(3m, Number(row, "Orders"));
        Assert.Equal(4m, Number(row, "Units"));
        Assert.Equal(200.00m, Number(row, "List amount"));
        Assert.Equal(20.00m, Number(row, "Seller discount"));
        Assert.Equal(180.00m, Number(row, "GMV"));                       // 200 - 20
        Assert.Equal(30.00m, Number(row, "Refunds"));
        Assert.Equal(150.00m, Number(row, "Net revenue"));               // 180 - 30
        Assert.Equal(9.00m, Number(row, "Platform fee"));
        Assert.Equal(1.50m, Number(row, "Transaction fee"));
        Assert.Equal(12.00m, Number(row, "Affiliate commission"));
        Assert.Equal(8.00m, Number(row, "Shipping"));
        Assert.Equal(40.00m, Number(row, "COGS"));
        Assert.Equal(2.50m, Number(row, "Other variable cost"));
        Assert.Equal(77.00m, Number(row, "Contribution before ads"));   // 150 - 9 - 1.5 - 12 - 8 - 40 - 2.5
        Assert.Equal(25.00m, Number(row, "Ad spend"));
        Assert.Equal(52.00m, Number(row, "Contribution after ads"));    // 77 - 25
        Assert.Equal(100.00m, Number(row, "Attributed GMV"));
        Assert.Equal(0.5133m, Math.Round(Number(row, "Contribution margin")!.Value, 4)); // 77 / 150
        Assert.Equal(4.00m, Number(row, "ROAS"));                        // 100 / 25
        Assert.Equal(7.20m, Number(row, "Blended ROAS"));                // 180 / 25
        Assert.Equal(2.08m, Number(row, "ROI"));                         // 52 / 25
        Assert.Equal(2.3377m, Math.Round(Number(row, "Break-even ROAS")!.Value, 4)); // 180 / 77
        Assert.Equal(12.50m, Number(row, "CPA"));                        // 25 / 2
        Assert.Equal(0.1667m, Math.Round(Number(row, "Refund rate")!.Value, 4)); // 30 / 180
        Assert.Equal($"H{row.RowNumber()}-I{row.RowNumber()}", Cell(row, "GMV").FormulaA1);
        Assert.Equal("0.0%;[Red]-0.0%", Cell(row, "Contribution margin").Style.NumberFormat.Format);
        Assert.Equal("#,##0.00;[Red]-#,##0.00", Cell(row, "Contribution after ads").Style.NumberFormat.Format);
    }

    [Theory]
    [ClassData(typeof(Engines))]
    public async Task Every_formula_of_the_SKU_PL_computes_what_the_rpt_views_hold(Engine engine)
    {
        var report = await fixture.ReportAsync(engine);
        await using var connection = await report.Database.OpenAsync();
        var expected = (await connection.QueryAsync(
            """
            SELECT sku_id, SUM(gmv * fx_rate_to_reporting) AS gmv, SUM(net_revenue * fx_rate_to_reporting) AS net_revenue,
                   SUM(contribution_before_ads * fx_rate_to_reporting) AS cba, SUM(contribution_after_ads * fx_rate_to_reporting) AS caa,
                   SUM(ad_spend * fx_rate_to_reporting) AS ad_spend, SUM(attributed_gmv * fx_rate_to_reporting) AS attributed_gmv,
                   SUM(refund_amount * fx_rate_to_reporting) AS refunds
            FROM rpt.sku_daily
            WHERE date_key BETWEEN @from AND @to
            GROUP BY product_key, sku_id
            """, new { from = report.Request.FromKey, to = report.Request.ToKey }))
            .ToDictionary(r => (string)r.sku_id, r => (IDictionary<string, object>)r);
        using var workbook = new XLWorkbook(report.Path);
        var sheet = workbook.Worksheet("SKU P&L");

        var rows = DataRows(sheet).ToList();

        Assert.Equal(expected.Count, rows.Count);
        Assert.True(rows.Count > 20, $"only {rows.Count} SKU rows");
        foreach (var row in rows)
        {
            var sku = Cell(row, "SKU ID").GetString();
            var db = expected[sku];
            var (gmv, net, cba, caa, spend, attributed, refunds) = (D(db["gmv"]), D(db["net_revenue"]), D(db["cba"]), D(db["caa"]),
                D(db["ad_spend"]), D(db["attributed_gmv"]), D(db["refunds"]));
            AssertCents(gmv, Number(row, "GMV"), sku, "GMV");
            AssertCents(net, Number(row, "Net revenue"), sku, "Net revenue");
            AssertCents(cba, Number(row, "Contribution before ads"), sku, "Contribution before ads");
            AssertCents(caa, Number(row, "Contribution after ads"), sku, "Contribution after ads");
            AssertRatio(net == 0 ? null : cba / net, Number(row, "Contribution margin"), sku, "Contribution margin");
            AssertRatio(spend == 0 ? null : attributed / spend, Number(row, "ROAS"), sku, "ROAS");
            AssertRatio(spend == 0 ? null : gmv / spend, Number(row, "Blended ROAS"), sku, "Blended ROAS");
            AssertRatio(spend == 0 ? null : caa / spend, Number(row, "ROI"), sku, "ROI");
            AssertRatio(cba <= 0 ? null : gmv / cba, Number(row, "Break-even ROAS"), sku, "Break-even ROAS");
            AssertRatio(gmv == 0 ? null : refunds / gmv, Number(row, "Refund rate"), sku, "Refund rate");
            Assert.True(Cell(row, "Contribution after ads").HasFormula);
        }
    }

    [Theory]
    [ClassData(typeof(Engines))]
    public async Task A_title_that_looks_like_a_formula_stays_text(Engine engine)
    {
        var report = await fixture.ReportAsync(engine);
        using var workbook = new XLWorkbook(report.Path);

        var titles = workbook.Worksheets
            .SelectMany(sheet => sheet.CellsUsed(c => c.DataType == XLDataType.Text || c.HasFormula))
            .Where(c => c.HasFormula ? c.FormulaA1.Contains("HYPERLINK", StringComparison.OrdinalIgnoreCase) : c.GetString().Contains("HYPERLINK", StringComparison.Ordinal))
            .ToList();

        Assert.NotEmpty(titles);
        Assert.All(titles, cell =>
        {
            Assert.False(cell.HasFormula, $"{cell.Worksheet.Name}!{cell.Address} became a formula: {cell.FormulaA1}");
            Assert.Equal(XLDataType.Text, cell.DataType);
            Assert.True(cell.Style.IncludeQuotePrefix, $"{cell.Worksheet.Name}!{cell.Address} has no quote prefix");
        });
        var sheet = workbook.Worksheet("SKU P&L");
        var row = RowOf(sheet, "SKU ID", ReportFixture.ScenarioSku);
        Assert.Equal(ReportFixture.ScenarioTitle, Cell(row, "Product").GetString());
        Assert.Equal("+SUM(A1)", Cell(row, "Seller SKU").GetString());
        Assert.False(Cell(row, "Seller SKU").HasFormula);
        // The sample's own formula-looking title (etl/Warehouse.Etl/Sample/CatalogWords.cs) is there too, as text.
        Assert.Contains(titles, c => c.GetString() == Warehouse.Sample.CatalogWords.FormulaTitle);
    }

    [Theory]
    [ClassData(typeof(Engines))]
    public async Task The_GMV_to_bank_totals_row_is_the_sum_of_the_SKU_rows_and_of_the_rpt_views(Engine engine)
    {
        var report = await fixture.ReportAsync(engine);
        using var workbook = new XLWorkbook(report.Path);
        var sheet = workbook.Worksheet("GMV to bank");
        var skuRows = workbook.Worksheet("SKU P&L").Tables.Single().DataRange.RowCount();
        var totalsRow = SkuProfitWorkbook.GmvToBankTotalsRow(skuRows);
        const int headerRow = 25;
        Assert.Equal("Total", sheet.Cell(totalsRow, 1).GetString());
        await using var connection = await report.Database.OpenAsync();
        var totals = (IDictionary<string, object>)await connection.QuerySingleAsync(
            """
            SELECT SUM(gmv * fx_rate_to_reporting) AS gmv, SUM(net_revenue * fx_rate_to_reporting) AS net_revenue,
                   SUM(contribution_before_ads * fx_rate_to_reporting) AS cba, SUM(ad_spend * fx_rate_to_reporting) AS ad_spend,
                   SUM(contribution_after_ads * fx_rate_to_reporting) AS caa, SUM(cogs * fx_rate_to_reporting) AS cogs
            FROM rpt.sku_daily WHERE date_key BETWEEN @from AND @to
            """, new { from = report.Request.FromKey, to = report.Request.ToKey });

        for (var column = 4; column <= sheet.LastColumnUsed()!.ColumnNumber(); column++)
        {
            var header = sheet.Cell(headerRow, column).GetString();
            var sum = Enumerable.Range(headerRow + 1, totalsRow - headerRow - 1).Sum(r => Number(sheet.Cell(r, column)) ?? 0m);
            AssertCents(sum, Number(sheet.Cell(totalsRow, column)), "totals row", header);
        }

        decimal Total(string header) => Number(sheet.Cell(totalsRow, HeaderColumn(sheet, headerRow, header)))!.Value;
        AssertCents(D(totals["gmv"]), Total("GMV"), "rpt.sku_daily", "GMV");
        AssertCents(D(totals["net_revenue"]), Total("Net revenue"), "rpt.sku_daily", "Net revenue");
        AssertCents(D(totals["cba"]), Total("Contribution before ads"), "rpt.sku_daily", "Contribution before ads");
        AssertCents(D(totals["caa"]), Total("Contribution after ads"), "rpt.sku_daily", "Contribution after ads");

        // The waterfall ends where the totals row does, and its GMV subtotal is the GMV total.
        Assert.Equal("= GMV", sheet.Cell(7, 1).GetString());
        AssertCents(D(totals["gmv"]), Number(sheet.Cell(7, 3)), "waterfall", "GMV");
        Assert.Equal("= Contribution after ads", sheet.Cell(19, 1).GetString());
        AssertCents(D(totals["caa"]), Number(sheet.Cell(19, 3)), "waterfall", "contribution after ads");

        // Below it, the shops' fixed expenses of the week (the sample's software, agency fee and photo shoot) and net profit.
        var expenses = await connection.ExecuteScalarAsync<decimal>(
            "SELECT SUM(expense_amount * fx_rate_to_reporting) FROM rpt.shop_expense_daily WHERE date_key BETWEEN @from AND @to",
            new { from = report.Request.FromKey, to = report.Request.ToKey });
        Assert.True(expenses > 0, "the sample has fixed expenses every day");
        AssertCents(-expenses, Number(sheet.Cell(20, 2)), "waterfall", "fixed expenses");
        Assert.Equal("= Net profit", sheet.Cell(21, 1).GetString());
        AssertCents(D(totals["caa"]) - expenses, Number(sheet.Cell(21, 3)), "waterfall", "net profit");
        var summary = workbook.Worksheet("Summary");
        Assert.Equal(("Fixed & manual expenses", "Net profit (after fixed expenses)"), (summary.Cell(16, 1).GetString(), summary.Cell(17, 1).GetString()));
        AssertCents(expenses, Number(summary.Cell(16, 2)), "Summary", "fixed expenses");
        AssertCents(D(totals["caa"]) - expenses, Number(summary.Cell(17, 2)), "Summary", "net profit");

        // Beside it: TikTok's settlement of the settled orders equals the per-order checks of rpt.reconciliation.
        var settlement = await connection.QuerySingleAsync<(decimal Tiktok, decimal Computed)>(
            """
            SELECT COALESCE(SUM(source_amount * fx_rate_to_reporting), 0), COALESCE(SUM(warehouse_amount * fx_rate_to_reporting), 0) FROM rpt.reconciliation
            WHERE check_name = 'settlement' AND date_key BETWEEN @from AND @to
            """, new { from = report.Request.FromKey, to = report.Request.ToKey });
        AssertCents(settlement.Computed, Number(sheet.Cell(6, 7)), "settlement", "computed");
        AssertCents(settlement.Tiktok, Number(sheet.Cell(7, 7)), "settlement", "TikTok");
    }

    [Theory]
    [ClassData(typeof(Engines))]
    public async Task Summary_campaigns_and_settled_sheets_match_the_rpt_views(Engine engine)
    {
        var report = await fixture.ReportAsync(engine);
        await using var connection = await report.Database.OpenAsync();
        var parameters = new { from = report.Request.FromKey, to = report.Request.ToKey };
        using var workbook = new XLWorkbook(report.Path);

        var summary = workbook.Worksheet("Summary");
        var gmv = await connection.ExecuteScalarAsync<decimal>("SELECT SUM(gmv * fx_rate_to_reporting) FROM rpt.sku_daily WHERE date_key BETWEEN @from AND @to", parameters);
        var spend = await connection.ExecuteScalarAsync<decimal>("SELECT SUM(ad_spend * fx_rate_to_reporting) FROM rpt.sku_daily WHERE date_key BETWEEN @from AND @to", parameters);
        var priorGmv = await connection.ExecuteScalarAsync<decimal?>(
            "SELECT SUM(gmv * fx_rate_to_reporting) FROM rpt.sku_daily WHERE date_key BETWEEN @from AND @to",
            new { from = ReportRequest.Key(report.Request.From.AddDays(-7)), to = ReportRequest.Key(report.Request.To.AddDays(-7)) }) ?? 0m;
        Assert.Equal("GMV", summary.Cell(5, 1).GetString());
        AssertCents(gmv, Number(summary.Cell(5, 2)), "Summary", "GMV");
        AssertCents(priorGmv, Number(summary.Cell(5, 3)), "Summary", "prior GMV");
        AssertCents(gmv - priorGmv, Number(summary.Cell(5, 4)), "Summary", "GMV change");
        Assert.Equal("Blended ROAS (GMV / ad spend)", summary.Cell(18, 1).GetString());
        AssertRatio(gmv / spend, Number(summary.Cell(18, 2)), "Summary", "blended ROAS");

        var campaigns = workbook.Worksheet("Campaigns");
        var campaignSpend = await connection.ExecuteScalarAsync<decimal>("SELECT SUM(spend * fx_rate_to_reporting) FROM rpt.campaign_profit WHERE date_key BETWEEN @from AND @to", parameters);
        var attributed = await connection.ExecuteScalarAsync<decimal>("SELECT SUM(attributed_gmv * fx_rate_to_reporting) FROM rpt.campaign_profit WHERE date_key BETWEEN @from AND @to", parameters);
        AssertCents(campaignSpend, Number(campaigns.Cell(3, HeaderColumn(campaigns, 5, "Spend"))), "Campaigns", "spend");
        AssertCents(attributed, Number(campaigns.Cell(3, HeaderColumn(campaigns, 5, "Attributed GMV"))), "Campaigns", "attributed GMV");
        Assert.Contains(DataRows(campaigns, "Campaigns"), r => Number(Cell(r, "Allocated SKUs")) > 1 && Cell(r, "Allocation method").GetString() == "revenue");

        var settled = workbook.Worksheet("Settled vs estimated");
        var estimated = await connection.ExecuteScalarAsync<decimal>(
            "SELECT SUM(estimated_net_revenue * fx_rate_to_reporting) FROM rpt.sku_settlement WHERE date_key BETWEEN @from AND @to", parameters);
        AssertCents(estimated, Number(settled.Cell(4, 2)), "Settled vs estimated", "estimated");
        Assert.InRange(Number(settled.Cell(5, 2))!.Value, 0.01m, 1m);

        var tiers = workbook.Worksheet("Tiers & actions");
        Assert.Contains(DataRows(tiers, "TiersAndActions"), r => Cell(r, "Tier").GetString() == "loser" && Cell(r, "Reason").GetString().Length > 10);
        var assumptions = workbook.Worksheet("Assumptions");
        Assert.Contains(assumptions.CellsUsed(), c => c.GetString() == "commission_rate");
        Assert.Contains(assumptions.CellsUsed(), c => c.GetString() == "4242");
        Assert.Contains(assumptions.CellsUsed(), c => c.GetString() == "orders");
    }

    // ---------------------------------------------------------------- helpers

    private static IEnumerable<IXLRangeRow> DataRows(IXLWorksheet sheet, string? table = null) =>
        (table is null ? sheet.Tables.Single() : sheet.Table(table)).DataRange.Rows().Where(r => !r.Cell(1).IsEmpty() || !r.Cell(2).IsEmpty());

    private static IXLRangeRow RowOf(IXLWorksheet sheet, string header, string value) =>
        DataRows(sheet).Single(r => Cell(r, header).GetString() == value);

    private static IXLCell Cell(IXLRangeRow row, string header)
    {
        var table = row.Worksheet.Tables.Single(t => t.RangeAddress.FirstAddress.RowNumber < row.RowNumber() && t.RangeAddress.LastAddress.RowNumber >= row.RowNumber());
        var column = table.HeadersRow().Cells().Single(c => c.GetString() == header).Address.ColumnNumber;
        return row.Worksheet.Cell(row.RowNumber(), column);
    }

    private static int HeaderColumn(IXLWorksheet sheet, int headerRow, string header) =>
        sheet.Row(headerRow).CellsUsed().Single(c => c.GetString() == header).Address.ColumnNumber;

    private static decimal? Number(IXLRangeRow row, string header) => Number(Cell(row, header));

    private static decimal? Number(IXLCell cell) => cell.Value switch
    {
        double d => (decimal)d,
        int i => i,
        decimal m => m,
        string s when s.Length == 0 => null,
        var other => throw new InvalidOperationException($"{cell.Worksheet.Name}!{cell.Address}: not a number: '{other}' ({other?.GetType().Name})"),
    };

    private static decimal D(object value) => Convert.ToDecimal(value, System.Globalization.CultureInfo.InvariantCulture);

    private static void AssertCents(decimal expected, decimal? actual, string what, string figure) =>
        Assert.True(actual is { } a && Math.Abs(a - expected) < Cent, $"{what} {figure}: expected {expected}, workbook has {actual}");

    private static void AssertRatio(decimal? expected, decimal? actual, string what, string figure) =>
        Assert.True(expected is null ? actual is null : actual is { } a && Math.Abs(a - expected.Value) < 0.000001m,
            $"{what} {figure}: expected {expected}, workbook has {actual}");
}
