using System.IO.Compression;
using ClosedXML.Excel;
using Warehouse.Reports;

namespace Warehouse.Tests.Reports;

/// <summary>
/// The workbook's table rows after the first are streamed into the file ClosedXML saved (no database
/// needed here): every row must look exactly like the first one ClosedXML wrote (formats, formulas,
/// text kept inert with the quote prefix, wrapping), and the tables and filters must span them all.
/// </summary>
public sealed class StreamedRowsTests : IDisposable
{
    private const int Skus = 300;
    private readonly string path = Path.Combine(Path.GetTempPath(), $"streamed-rows-{Guid.NewGuid():N}.xlsx");

    public void Dispose() => File.Delete(path);

    [Fact]
    public void Streamed_rows_match_the_first_row_and_the_tables_span_them()
    {
        SkuProfitWorkbook.Write(path, Data());
        using var workbook = new XLWorkbook(path);

        var skuSheet = workbook.Worksheet("SKU P&L");
        var table = skuSheet.Tables.Single();
        Assert.Equal($"A3:{table.RangeAddress.LastAddress.ColumnLetter}{3 + Skus}", table.RangeAddress.ToString());
        Assert.Equal(Skus, table.DataRange.RowCount());
        var (first, last) = (table.DataRange.FirstRow(), table.DataRange.LastRow());
        for (var column = 1; column <= table.ColumnCount(); column++)
        {
            var (a, b) = (first.Cell(column), last.Cell(column));
            Assert.Equal(a.Style.NumberFormat.Format, b.Style.NumberFormat.Format);
            Assert.Equal(a.HasFormula, b.HasFormula);
            Assert.Equal(a.DataType, b.DataType);
            if (a.HasFormula)
            {
                Assert.Equal(a.FormulaR1C1, b.FormulaR1C1);
            }
        }

        var gmv = SkuProfitWorkbook.SkuProfitColumn("GMV");
        var lastLine = Data().Lines[^1];
        Assert.Equal(lastLine.ListAmount - lastLine.SellerDiscount, Convert.ToDecimal(last.Cell(gmv).Value, System.Globalization.CultureInfo.InvariantCulture));
        Assert.Equal(lastLine.SkuId, last.Cell(SkuProfitWorkbook.SkuProfitColumn("SKU ID")).GetString());

        // A formula-looking title in a streamed row stays text, with the quote prefix; an ordinary one has none.
        foreach (var row in table.DataRange.Rows())
        {
            var product = row.Cell(SkuProfitWorkbook.SkuProfitColumn("Product"));
            Assert.False(product.HasFormula);
            Assert.Equal(XLDataType.Text, product.DataType);
            Assert.Equal(product.GetString()[0] is '=' or '+' or '-' or '@', product.Style.IncludeQuotePrefix);
        }

        Assert.Contains(table.DataRange.Rows(), r => r.Cell(SkuProfitWorkbook.SkuProfitColumn("Product")).GetString().StartsWith("=HYPERLINK", StringComparison.Ordinal));
        Assert.Equal("  leading and trailing spaces  ", skuSheet.Cell(3 + 42, SkuProfitWorkbook.SkuProfitColumn("Seller SKU")).GetString());

        var tiers = workbook.Worksheet("Tiers & actions");
        Assert.Equal(Skus, tiers.Tables.Single().DataRange.RowCount());
        Assert.All(tiers.Tables.Single().DataRange.Rows(), r => Assert.True(r.Cell(6).Style.Alignment.WrapText));

        var gmvToBank = workbook.Worksheet("GMV to bank");
        var totalsRow = SkuProfitWorkbook.GmvToBankTotalsRow(Skus);
        Assert.Equal("Total", gmvToBank.Cell(totalsRow, 1).GetString());
        Assert.Equal($"A25:V{totalsRow - 1}", gmvToBank.AutoFilter.Range.RangeAddress.ToString());
        Assert.Equal(Skus, Enumerable.Range(26, Skus).Count(r => gmvToBank.Cell(r, 2).GetString() == $"SKU-{r - 25:D5}"));

        Assert.Equal(Skus, workbook.Worksheet("Settled vs estimated").Tables.Single().DataRange.RowCount());

        // The calculation chain ClosedXML wrote would name only its own formulas: it is left out.
        using var zip = ZipFile.OpenRead(path);
        Assert.DoesNotContain(zip.Entries, e => e.FullName.EndsWith("calcChain.xml", StringComparison.Ordinal));
    }

    private static ReportData Data()
    {
        var monday = new DateOnly(2026, 11, 16);
        var lines = Enumerable.Range(1, Skus).Select(i => new SkuProfitLine
        {
            ProductKey = i, ShopId = "S1", ShopName = "Shop one", SkuId = $"SKU-{i:D5}",
            SellerSku = i == 42 ? "  leading and trailing spaces  " : i % 50 == 0 ? "+SUM(A1)" : $"S-{i}",
            ProductName = i % 37 == 0 ? "=HYPERLINK(\"http://evil.example\",\"click\")" : i % 41 == 0 ? "-minus & <angle>" : $"Mug {i}",
            Orders = i, Units = i + 1, ListAmount = 100m + i, SellerDiscount = 1.25m * (i % 7), PlatformDiscount = 0.5m,
            RefundAmount = i % 3, PlatformFee = 6.1234m, TransactionFee = 1.5m, AffiliateCommission = 2m, ShippingCost = 3m,
            Cogs = 40m, OtherVariableCost = 1m, AdSpend = i % 4 == 0 ? 0m : 12.5m, AttributedGmv = 20m, AttributedOrders = i % 5,
            Tier = i % 2 == 0 ? "winner" : null,
        }).ToList();
        var tiers = lines.Select(l => new SkuTierLine
        {
            ProductKey = l.ProductKey, ShopName = l.ShopName, SkuId = l.SkuId, ProductName = l.ProductName, Tier = "winner",
            Action = "Scale", Reason = "@reason that looks like a formula and is long enough to wrap in its column", Orders = l.Orders,
            NetRevenue = 10m, AdSpend = 1m, ContributionAfterAds = 2m, ContributionMargin = l.ProductKey % 2 == 0 ? null : 0.2m,
            Roi = 2m, OnHandUnits = 5, AvgDailyUnits = 0.5m, DaysOfCover = null, RestockUnits = 3, IsOverstock = l.ProductKey % 3 == 0,
        }).ToList();
        var settlements = lines.Select(l => new SkuSettlementLine
        {
            ProductKey = l.ProductKey, OrderLines = 2, SettledOrderLines = 1, EstimatedOrderLines = 1, NetRevenue = 10m,
            SettledNetRevenue = 5m, EstimatedNetRevenue = l.ProductKey, EstimatedFees = 1m,
        }).ToList();
        var totals = new PeriodTotals { Gmv = 1000m, NetRevenue = 900m, AdSpend = 100m, ContributionAfterAds = 50m };
        return new ReportData(
            new ReportRequest(monday, monday.AddDays(6), null, 1), totals, totals, totals, lines,
            new ReviewPeriod(20261122, monday.AddDays(-21), monday.AddDays(6)), tiers, [], settlements,
            new SettlementCheckTotals(), [new SettingLine("reporting_currency", "USD", "the reporting currency")], [],
            new ReportCurrency("USD", true, "USD"), []);
    }
}
