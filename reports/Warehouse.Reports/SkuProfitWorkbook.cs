using ClosedXML.Excel;

namespace Warehouse.Reports;

/// <summary>
/// The finance workbook: a Summary of the period and an SKU P&amp;L whose derived columns are Excel
/// formulas over the row's own cells, so finance can audit the math. Text from TikTok is written
/// as text, never as a formula.
/// </summary>
public static class SkuProfitWorkbook
{
    private const string Money = "#,##0.00;[Red]-#,##0.00";
    private const string Percent = "0.0%";
    private const string Ratio = "0.00";

    public static void Write(string path, ReportRequest request, IReadOnlyList<SkuProfitLine> lines)
    {
        using var workbook = new XLWorkbook();
        WriteSummary(workbook.AddWorksheet("Summary"), request, lines);
        WriteSkuProfitAndLoss(workbook.AddWorksheet("SKU P&L"), lines);
        Directory.CreateDirectory(Path.GetDirectoryName(Path.GetFullPath(path))!);
        workbook.SaveAs(path);
    }

    private static void WriteSummary(IXLWorksheet sheet, ReportRequest request, IReadOnlyList<SkuProfitLine> lines)
    {
        sheet.Cell(1, 1).SetValue("SKU profit summary");
        sheet.Cell(1, 1).Style.Font.Bold = true;
        sheet.Cell(2, 1).SetValue("Period");
        sheet.Cell(2, 2).SetValue($"{request.From:yyyy-MM-dd} to {request.To:yyyy-MM-dd}");
        sheet.Cell(3, 1).SetValue("Shop");
        sheet.Cell(3, 2).SetValue(request.ShopId ?? "all shops");

        var figures = new (string Name, decimal Value)[]
        {
            ("GMV", lines.Sum(l => l.Gmv)),
            ("Refunds", lines.Sum(l => l.RefundAmount)),
            ("Net revenue", lines.Sum(l => l.NetRevenue)),
            ("Platform fees", lines.Sum(l => l.PlatformFee + l.TransactionFee)),
            ("Affiliate commission", lines.Sum(l => l.AffiliateCommission)),
            ("Shipping", lines.Sum(l => l.ShippingCost)),
            ("COGS", lines.Sum(l => l.Cogs)),
            ("Other variable cost", lines.Sum(l => l.OtherVariableCost)),
            ("Contribution before ads", lines.Sum(l => l.ContributionBeforeAds)),
            ("Ad spend", lines.Sum(l => l.AdSpend)),
            ("Contribution after ads", lines.Sum(l => l.ContributionAfterAds)),
        };

        var row = 5;
        foreach (var (name, value) in figures)
        {
            sheet.Cell(row, 1).SetValue(name);
            sheet.Cell(row, 2).SetValue(value);
            sheet.Cell(row, 2).Style.NumberFormat.Format = Money;
            row++;
        }

        sheet.Cell(row, 1).SetValue("Blended ROAS (GMV / ad spend)");
        sheet.Cell(row, 2).FormulaA1 = "IF(B14=0,\"\",B5/B14)";
        sheet.Cell(row, 2).Style.NumberFormat.Format = Ratio;
        row++;
        sheet.Cell(row, 1).SetValue("ROI (contribution after ads / ad spend)");
        sheet.Cell(row, 2).FormulaA1 = "IF(B14=0,\"\",B15/B14)";
        sheet.Cell(row, 2).Style.NumberFormat.Format = Ratio;
        row++;
        sheet.Cell(row, 1).SetValue("SKUs losing money after ads");
        sheet.Cell(row, 2).SetValue(lines.Count(l => l.ProductKey != 0 && l.ContributionAfterAds < 0));

        sheet.Column(1).Width = 40;
        sheet.Column(2).Width = 22;
    }

    private static readonly string[] Headers =
    [
        "Shop", "SKU ID", "Seller SKU", "Product", "Orders", "Units", "GMV", "Refunds", "Net revenue", "Platform fee",
        "Transaction fee", "Affiliate commission", "Shipping", "COGS", "Other variable cost", "Ad spend", "Attributed GMV",
        "Contribution before ads", "Contribution after ads", "Contribution margin", "ROAS", "ROI", "Break-even ROAS",
    ];

    private static void WriteSkuProfitAndLoss(IXLWorksheet sheet, IReadOnlyList<SkuProfitLine> lines)
    {
        for (var c = 0; c < Headers.Length; c++)
        {
            sheet.Cell(1, c + 1).SetValue(Headers[c]);
        }

        var row = 2;
        foreach (var line in lines)
        {
            sheet.Cell(row, 1).SetValue(line.ShopName);
            sheet.Cell(row, 2).SetValue(line.SkuId);
            sheet.Cell(row, 3).SetValue(line.SellerSku ?? "");
            sheet.Cell(row, 4).SetValue(line.ProductName);
            sheet.Cell(row, 5).SetValue(line.Orders);
            sheet.Cell(row, 6).SetValue(line.Units);
            var amounts = new[]
            {
                line.Gmv, line.RefundAmount, line.NetRevenue, line.PlatformFee, line.TransactionFee, line.AffiliateCommission,
                line.ShippingCost, line.Cogs, line.OtherVariableCost, line.AdSpend, line.AttributedGmv,
            };
            for (var i = 0; i < amounts.Length; i++)
            {
                sheet.Cell(row, 7 + i).SetValue(amounts[i]);
            }

            // Derived figures are formulas over this row's own cells (profit model sections 1 and 5).
            sheet.Cell(row, 18).FormulaA1 = $"I{row}-J{row}-K{row}-L{row}-M{row}-N{row}-O{row}";
            sheet.Cell(row, 19).FormulaA1 = $"R{row}-P{row}";
            sheet.Cell(row, 20).FormulaA1 = $"IF(I{row}=0,\"\",R{row}/I{row})";
            sheet.Cell(row, 21).FormulaA1 = $"IF(P{row}=0,\"\",Q{row}/P{row})";
            sheet.Cell(row, 22).FormulaA1 = $"IF(P{row}=0,\"\",S{row}/P{row})";
            sheet.Cell(row, 23).FormulaA1 = $"IF(R{row}<=0,\"\",G{row}/R{row})";
            row++;
        }

        var lastRow = Math.Max(row - 1, 2);
        sheet.Range(2, 7, lastRow, 19).Style.NumberFormat.Format = Money;
        sheet.Range(2, 20, lastRow, 20).Style.NumberFormat.Format = Percent;
        sheet.Range(2, 21, lastRow, 23).Style.NumberFormat.Format = Ratio;
        var table = sheet.Range(1, 1, lastRow, Headers.Length).CreateTable("SkuProfitAndLoss");
        table.ShowAutoFilter = true;
        sheet.SheetView.FreezeRows(1);
        sheet.Range(2, 19, lastRow, 19).AddConditionalFormat().WhenLessThan(0).Fill.SetBackgroundColor(XLColor.FromHtml("#F8CBAD"));
        sheet.Range(2, 19, lastRow, 19).AddConditionalFormat().WhenGreaterThan(0).Fill.SetBackgroundColor(XLColor.FromHtml("#C6EFCE"));

        // Widths by hand: AdjustToContents needs libgdiplus.
        sheet.Column(1).Width = 18;
        sheet.Column(2).Width = 20;
        sheet.Column(3).Width = 16;
        sheet.Column(4).Width = 40;
        for (var c = 5; c <= Headers.Length; c++)
        {
            sheet.Column(c).Width = 15;
        }
    }
}
