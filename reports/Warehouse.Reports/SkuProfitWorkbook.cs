using System.Globalization;
using ClosedXML.Excel;
using static Warehouse.Reports.SheetWriter;

namespace Warehouse.Reports;

/// <summary>
/// The finance workbook: Summary, GMV to bank, SKU P&amp;L, Tiers &amp; actions, Campaigns, Settled vs
/// estimated, Budget plan, Assumptions. Every number comes from the rpt views; derived figures are Excel formulas
/// over cells of the same row (or over the totals), so finance can audit the math. Text from TikTok
/// is written as text, never as a formula.
/// </summary>
public static class SkuProfitWorkbook
{
    public static readonly string[] SheetNames =
        ["Summary", "GMV to bank", "SKU P&L", "Tiers & actions", "Campaigns", "Settled vs estimated", "Budget plan", "Alerts", "Assumptions"];

    /// <summary>The SKU P&amp;L columns; derived ones are formulas over the row's own cells (profit model sections 1 and 5).</summary>
    public static IReadOnlyList<string> SkuProfitHeaders => SkuProfitColumns.Columns.Select(c => c.Header).ToList();

    private const int SkuProfitHeaderRow = 3;
    private const int GmvToBankHeaderRow = 25;

    public static void Write(string path, ReportData data)
    {
        // ClosedXML writes everything but the bulk of the table rows, which are streamed into the
        // saved file afterwards (BulkRows): same cells, a fraction of the time and memory.
        var bulk = new BulkRows();
        using (var workbook = new XLWorkbook())
        {
            WriteSummary(workbook.AddWorksheet(SheetNames[0]), data);
            WriteGmvToBank(workbook.AddWorksheet(SheetNames[1]), data, bulk);
            WriteSkuProfitAndLoss(workbook.AddWorksheet(SheetNames[2]), data, bulk);
            WriteTiers(workbook.AddWorksheet(SheetNames[3]), data, bulk);
            WriteCampaigns(workbook.AddWorksheet(SheetNames[4]), data, bulk);
            WriteSettledVsEstimated(workbook.AddWorksheet(SheetNames[5]), data, bulk);
            BudgetPlanSheet.Write(workbook.AddWorksheet(SheetNames[6]), data, bulk);
            WriteAlerts(workbook.AddWorksheet(SheetNames[7]), data, bulk);
            WriteAssumptions(workbook.AddWorksheet(SheetNames[8]), data);
            Finish(workbook, data, path);
        }

        bulk.WriteInto(path);
    }

    private static void Finish(XLWorkbook workbook, ReportData data, string path)
    {
        foreach (var sheet in workbook.Worksheets)
        {
            // Printed (or turned into PDF) a sheet keeps its columns together: landscape, one page wide.
            sheet.PageSetup.PageOrientation = XLPageOrientation.Landscape;
            sheet.PageSetup.FitToPages(1, 0);
        }

        workbook.Properties.Title = $"SKU profit {data.Request.Label}";
        workbook.Properties.Subject = PeriodText(data.Request);
        Directory.CreateDirectory(Path.GetDirectoryName(Path.GetFullPath(path))!);
        workbook.SaveAs(path);
    }

    // ---------------------------------------------------------------- Summary

    private static void WriteSummary(IXLWorksheet sheet, ReportData data)
    {
        var request = data.Request;
        Title(sheet, "SKU profit summary", PeriodText(request) + ". " + data.Currency.Describe);
        sheet.Cell(3, 1).Text(ConversionText(data)).Style.Font.Bold = data.Currency.Converted;
        var period = request.Days == 7 ? "week" : "period";
        Header(sheet, 4, 1, "Figure", $"This {period}", $"Prior {period}", "Change", "Change %", $"Prior 4-{period} average", "vs 4-" + period + " average");

        var figures = new (string Name, Func<PeriodTotals, decimal> Value)[]
        {
            ("GMV", t => t.Gmv),
            ("Net revenue", t => t.NetRevenue),
            ("Fees (platform + transaction)", t => t.PlatformFee + t.TransactionFee),
            ("Shipping", t => t.ShippingCost),
            ("Refunds", t => t.RefundAmount),
            ("Affiliate commission", t => t.AffiliateCommission),
            ("COGS", t => t.Cogs),
            ("Other variable cost", t => t.OtherVariableCost),
            ("Contribution before ads", t => t.ContributionBeforeAds),
            ("Ad spend", t => t.AdSpend),
            ("Contribution after ads", t => t.ContributionAfterAds),
            ("Fixed & manual expenses", t => t.FixedExpenses),
            ("Net profit (after fixed expenses)", t => t.NetProfit),
        };

        var row = 5;
        var rowOf = new Dictionary<string, int>();
        foreach (var (name, value) in figures)
        {
            sheet.Cell(row, 1).Label(name, bold: name.StartsWith("Contribution", StringComparison.Ordinal) || name.StartsWith("Net profit", StringComparison.Ordinal));
            sheet.Cell(row, 2).Number(value(data.Current));
            sheet.Cell(row, 3).Number(value(data.Prior));
            sheet.Cell(row, 6).Number(Math.Round(value(data.PriorFourAverage), 4));
            rowOf[name] = row++;
        }

        foreach (var (name, numerator) in new[] { ("Blended ROAS (GMV / ad spend)", "GMV"), ("ROI (contribution after ads / ad spend)", "Contribution after ads") })
        {
            sheet.Cell(row, 1).Label(name);
            foreach (var column in new[] { "B", "C", "F" })
            {
                sheet.Cell($"{column}{row}").Formula(
                    $"IF({column}{rowOf["Ad spend"]}=0,\"\",{column}{rowOf[numerator]}/{column}{rowOf["Ad spend"]})", Ratio);
            }

            rowOf[name] = row++;
        }

        for (var r = 5; r < row; r++)
        {
            var format = r >= rowOf["Blended ROAS (GMV / ad spend)"] ? Ratio : Money;
            sheet.Cell(r, 4).Formula($"IF(OR(B{r}=\"\",C{r}=\"\"),\"\",B{r}-C{r})", format);
            sheet.Cell(r, 5).Formula($"IF(OR(B{r}=\"\",C{r}=\"\",C{r}=0),\"\",(B{r}-C{r})/ABS(C{r}))", Percent);
            sheet.Cell(r, 7).Formula($"IF(OR(B{r}=\"\",F{r}=\"\",F{r}=0),\"\",(B{r}-F{r})/ABS(F{r}))", Percent);
        }

        var (priorFrom, priorTo) = request.Prior(1);
        var (fourFrom, _) = request.Prior(4);
        sheet.Cell(row, 1).Text($"Prior {period}: {priorFrom:yyyy-MM-dd} to {priorTo:yyyy-MM-dd}; prior 4: {fourFrom:yyyy-MM-dd} to {priorTo:yyyy-MM-dd}, summed and divided by 4.")
            .Style.Font.Italic = true;
        row += 2;

        // SKUs per tier, in the review period that ends on or before the report's last day.
        var review = data.Review is { } p ? $"review period {p.Start:yyyy-MM-dd} to {p.End:yyyy-MM-dd}" : "no review period yet";
        sheet.Cell(row++, 1).Label($"SKUs per tier ({review})", bold: true);
        Header(sheet, row++, 1, "Tier", "SKUs", "Net revenue", "Ad spend", "Contribution after ads");
        foreach (var tier in new[] { "hero", "winner", "marginal", "testing", "loser", "organic" })
        {
            var skus = data.Tiers.Where(t => t.Tier == tier).ToList();
            sheet.Cell(row, 1).Text(tier);
            sheet.Cell(row, 2).Number(skus.Count, Integer);
            sheet.Cell(row, 3).Number(skus.Sum(s => s.NetRevenue));
            sheet.Cell(row, 4).Number(skus.Sum(s => s.AdSpend));
            sheet.Cell(row, 5).Number(skus.Sum(s => s.ContributionAfterAds));
            row++;
        }

        row++;
        sheet.Cell(row++, 1).Label($"Five biggest profit leaks this {period} (SKUs losing money after ads)", bold: true);
        Header(sheet, row++, 1, "SKU", "Product", "Shop", "Ad spend", "Contribution before ads", "Contribution after ads", "Tier");
        var leaks = data.Lines.Where(l => l.ProductKey != 0 && l.AdSpend > 0 && l.ContributionAfterAds < 0)
            .OrderBy(l => l.ContributionAfterAds).ThenBy(l => l.SkuId, StringComparer.Ordinal).Take(5).ToList();
        foreach (var leak in leaks)
        {
            sheet.Cell(row, 1).Text(leak.SkuId);
            sheet.Cell(row, 2).Text(leak.ProductName);
            sheet.Cell(row, 3).Text(leak.ShopName);
            sheet.Cell(row, 4).Number(leak.AdSpend);
            sheet.Cell(row, 5).Number(leak.ContributionBeforeAds);
            sheet.Cell(row, 6).Number(leak.ContributionAfterAds);
            sheet.Cell(row, 7).Text(leak.Tier ?? "");
            row++;
        }

        if (leaks.Count == 0)
        {
            sheet.Cell(row++, 1).Text("none: no SKU with ad spend lost money");
        }

        row++;
        sheet.Cell(row++, 1).Label($"Five best scale candidates ({review})", bold: true);
        Header(sheet, row++, 1, "SKU", "Product", "Shop", "Tier", "Contribution after ads", "ROI", "Days of cover", "Restock units", "Action");
        var candidates = data.Tiers.Where(t => t.Tier is "hero" or "winner")
            .OrderBy(t => t.Tier == "hero" ? 0 : 1).ThenByDescending(t => t.ContributionAfterAds).ThenBy(t => t.SkuId, StringComparer.Ordinal)
            .Take(5).ToList();
        foreach (var candidate in candidates)
        {
            sheet.Cell(row, 1).Text(candidate.SkuId);
            sheet.Cell(row, 2).Text(candidate.ProductName);
            sheet.Cell(row, 3).Text(candidate.ShopName);
            sheet.Cell(row, 4).Text(candidate.Tier);
            sheet.Cell(row, 5).Number(candidate.ContributionAfterAds);
            sheet.Cell(row, 6).Number(candidate.Roi, Ratio);
            sheet.Cell(row, 7).Number(candidate.DaysOfCover, SheetWriter.Days);
            sheet.Cell(row, 8).Number(candidate.RestockUnits, Integer);
            sheet.Cell(row, 9).Text(candidate.Action);
            row++;
        }

        if (candidates.Count == 0)
        {
            sheet.Cell(row, 1).Text("none: no hero or winner in the review period");
        }

        double[] widths = [44, 40, 18, 16, 22, 22, 16, 14, 40];
        for (var c = 0; c < widths.Length; c++)
        {
            sheet.Column(c + 1).Width = widths[c];
        }
    }

    /// <summary>What was converted, with which rates (the range of each currency's daily rates), or that nothing was.</summary>
    public static string ConversionText(ReportData data)
    {
        var currency = data.Currency;
        if (!currency.Converted)
        {
            return $"Currency: {currency.Code}, the shop's own; nothing is converted.";
        }

        var ranges = data.Rates.Where(r => r.Rate is not null).GroupBy(r => r.Currency, StringComparer.Ordinal)
            .Select(g => $"{g.Key} at {g.Min(r => r.Rate)!.Value.ToString("0.0000####", CultureInfo.InvariantCulture)} to {g.Max(r => r.Rate)!.Value.ToString("0.0000####", CultureInfo.InvariantCulture)}")
            .ToList();
        var rates = ranges.Count == 0 ? "" : $" ({string.Join(", ", ranges)} {currency.Code} per unit, one rate a day, listed on Assumptions)";
        return $"Currency: {currency.Code} (setting reporting_currency). Every amount of every shop is converted to {currency.Code} at its own day's rate{rates} before it is summed; {currency.Code} itself at 1.";
    }

    // ---------------------------------------------------------------- GMV to bank

    private static readonly SheetTable<GmvToBankRow> GmvToBankColumns = new(
    [
        new("shop", "Shop", 18, null, r => r.Line.ShopName),
        new("sku", "SKU ID", 20, null, r => r.Line.SkuId),
        new("product", "Product", 36, null, r => r.Line.ProductName),
        new("list", "List amount", 14, Money, r => r.Line.ListAmount),
        new("seller_discount", "Seller discount", 14, Money, r => r.Line.SellerDiscount),
        new("gmv", "GMV", 14, Money, Formula: c => $"{c("list")}-{c("seller_discount")}"),
        new("refunds", "Refunds", 14, Money, r => r.Line.RefundAmount),
        new("net_revenue", "Net revenue", 14, Money, Formula: c => $"{c("gmv")}-{c("refunds")}"),
        new("platform_fee", "Platform fee", 14, Money, r => r.Line.PlatformFee),
        new("transaction_fee", "Transaction fee", 14, Money, r => r.Line.TransactionFee),
        new("shipping", "Shipping", 14, Money, r => r.Line.ShippingCost),
        new("affiliate", "Affiliate commission", 14, Money, r => r.Line.AffiliateCommission),
        new("payout", "Payout from TikTok (computed)", 16, Money,
            Formula: c => $"{c("net_revenue")}-{c("platform_fee")}-{c("transaction_fee")}-{c("shipping")}-{c("affiliate")}"),
        new("cogs", "COGS", 14, Money, r => r.Line.Cogs),
        new("other", "Other variable cost", 14, Money, r => r.Line.OtherVariableCost),
        new("cba", "Contribution before ads", 16, Money, Formula: c => $"{c("payout")}-{c("cogs")}-{c("other")}"),
        new("ad_spend", "Ad spend", 14, Money, r => r.Line.AdSpend),
        new("caa", "Contribution after ads", 16, Money, Formula: c => $"{c("cba")}-{c("ad_spend")}"),
        new("settled_net_revenue", "Settled net revenue", 16, Money, r => r.Settlement?.SettledNetRevenue ?? 0m),
        new("computed_settlement", "Computed settlement (settled)", 16, Money, r => r.Settlement?.ComputedSettlementAmount ?? 0m),
        new("tiktok_settlement", "TikTok settlement (settled)", 16, Money, r => r.Settlement?.TiktokSettlementAmount ?? 0m),
        new("settlement_difference", "Difference (TikTok - computed)", 16, Money,
            Formula: c => $"{c("tiktok_settlement")}-{c("computed_settlement")}"),
    ]);

    private sealed record GmvToBankRow(SkuProfitLine Line, SkuSettlementLine? Settlement);

    /// <summary>The row of the GMV-to-bank totals, for a given number of SKU rows.</summary>
    public static int GmvToBankTotalsRow(int skuRows) => GmvToBankHeaderRow + Math.Max(skuRows, 1) + 1;

    private static void WriteGmvToBank(IXLWorksheet sheet, ReportData data, BulkRows bulk)
    {
        Title(sheet, "From GMV to the bank", PeriodText(data.Request) + ". Deductions are negative; the SKU rows below add up to the totals row. " + data.Currency.Describe);
        var settlements = data.Settlements.ToDictionary(s => s.ProductKey);
        var rows = data.Lines.Select(l => new GmvToBankRow(l, settlements.GetValueOrDefault(l.ProductKey))).ToList();

        var lastRow = GmvToBankColumns.Write(sheet, GmvToBankHeaderRow, rows, bulk);
        var firstRow = GmvToBankHeaderRow + 1;
        var totalsRow = GmvToBankTotalsRow(rows.Count);
        sheet.Cell(totalsRow, 1).Label("Total", bold: true);
        for (var c = GmvToBankColumns.IndexOf("list"); c <= GmvToBankColumns.Count; c++)
        {
            var letter = Letter(c);
            sheet.Cell(totalsRow, c).Formula($"SUM({letter}{firstRow}:{letter}{Math.Max(lastRow, firstRow)})").Style.Font.Bold = true;
        }

        sheet.Range(totalsRow, 1, totalsRow, GmvToBankColumns.Count).Style.Border.TopBorder = XLBorderStyleValues.Thin;
        sheet.Range(GmvToBankHeaderRow, 1, Math.Max(lastRow, firstRow), GmvToBankColumns.Count).SetAutoFilter();
        sheet.Cell(GmvToBankHeaderRow - 1, 1).Label("Per SKU", bold: true);

        // The waterfall: each step refers to the totals row, the running total is a formula.
        string Total(string key) => $"{GmvToBankColumns.LetterOf(key)}{totalsRow}";
        Header(sheet, 4, 1, "Step", "Amount", "Running total", "% of GMV");
        var steps = new (string Label, string? Amount)[]
        {
            ("List price value", Total("list")),
            ("- Seller-funded discounts", "-" + Total("seller_discount")),
            ("= GMV", null),
            ("- Refunds", "-" + Total("refunds")),
            ("= Net revenue", null),
            ("- Platform fee (referral commission + refund administration)", "-" + Total("platform_fee")),
            ("- Transaction fee (payment processing)", "-" + Total("transaction_fee")),
            ("- Shipping (seller-borne)", "-" + Total("shipping")),
            ("- Affiliate commission", "-" + Total("affiliate")),
            ("= Payout from TikTok (computed)", null),
            ("- COGS", "-" + Total("cogs")),
            ("- Other variable cost", "-" + Total("other")),
            ("= Contribution before ads", null),
            ("- Ad spend", "-" + Total("ad_spend")),
            ("= Contribution after ads", null),
            ("- Fixed & manual expenses (the shops', no SKU's)", (-data.Current.FixedExpenses).ToString(System.Globalization.CultureInfo.InvariantCulture)),
            ("= Net profit", null),
        };
        var row = 5;
        const int gmvRow = 7;
        foreach (var (label, amount) in steps)
        {
            var subtotal = amount is null;
            sheet.Cell(row, 1).Label(label, bold: subtotal);
            if (amount is not null)
            {
                sheet.Cell(row, 2).Formula(amount);
            }

            sheet.Cell(row, 3).Formula(row == 5 ? $"B{row}" : subtotal ? $"C{row - 1}" : $"C{row - 1}+B{row}").Style.Font.Bold = subtotal;
            sheet.Cell(row, 4).Formula($"IF($C${gmvRow}=0,\"\",C{row}/$C${gmvRow})", Percent);
            row++;
        }

        sheet.Cell(row, 1).Text("Each subtotal down to contribution after ads equals the matching column of the totals row below; fixed expenses belong to no SKU (rpt.shop_expense_daily).").Style.Font.Italic = true;

        // Beside it: TikTok's own settlement of the settled orders.
        Header(sheet, 4, 6, "TikTok settlement of the settled orders", "Amount");
        var beside = new (string Label, string Formula, string Format)[]
        {
            ("Settled net revenue", "=" + Total("settled_net_revenue"), Money),
            ("Computed settlement (net revenue - fees - affiliate - shipping)", "=" + Total("computed_settlement"), Money),
            ("TikTok settlement (what TikTok pays out)", "=" + Total("tiktok_settlement"), Money),
            ("Difference (TikTok - computed)", "=" + Total("settlement_difference"), Money),
        };
        row = 5;
        foreach (var (label, formula, format) in beside)
        {
            sheet.Cell(row, 6).Label(label);
            sheet.Cell(row, 7).Formula(formula.TrimStart('='), format);
            row++;
        }

        sheet.Cell(row, 6).Label("Settled orders checked (per order)");
        sheet.Cell(row++, 7).Number(data.SettlementChecks.Orders, Integer);
        sheet.Cell(row, 6).Label("Orders beyond the settlement tolerance");
        sheet.Cell(row++, 7).Number(data.SettlementChecks.FlaggedOrders, Integer);
        sheet.Cell(row, 6).Label("TikTok settlement, per-order check");
        sheet.Cell(row++, 7).Number(data.SettlementChecks.TiktokSettlementAmount);
        sheet.Cell(row, 6).Label("Computed settlement, per-order check");
        sheet.Cell(row++, 7).Number(data.SettlementChecks.ComputedSettlementAmount);
        sheet.Cell(row, 6).Label("Share of net revenue already settled");
        sheet.Cell(row, 7).Formula($"IF({Total("net_revenue")}=0,\"\",{Total("settled_net_revenue")}/{Total("net_revenue")})", Percent);

        sheet.Column(1).Width = Math.Max(sheet.Column(1).Width, 52);
        sheet.Column(6).Width = Math.Max(sheet.Column(6).Width, 50);
        sheet.Column(7).Width = Math.Max(sheet.Column(7).Width, 18);
        sheet.SheetView.FreezeRows(0);
    }

    // ---------------------------------------------------------------- SKU P&L

    internal static readonly SheetTable<SkuProfitLine> SkuProfitColumns = new(
    [
        new("shop", "Shop", 18, null, l => l.ShopName),
        new("sku", "SKU ID", 20, null, l => l.SkuId),
        new("seller_sku", "Seller SKU", 16, null, l => l.SellerSku ?? ""),
        new("product", "Product", 40, null, l => l.ProductName),
        new("tier", "Tier (review period)", 12, null, l => l.Tier ?? ""),
        new("orders", "Orders", 9, Integer, l => l.Orders),
        new("units", "Units", 9, Integer, l => l.Units),
        new("list", "List amount", 14, Money, l => l.ListAmount),
        new("seller_discount", "Seller discount", 14, Money, l => l.SellerDiscount),
        new("platform_discount", "Platform discount", 14, Money, l => l.PlatformDiscount),
        new("gmv", "GMV", 14, Money, Formula: c => $"{c("list")}-{c("seller_discount")}"),
        new("refunds", "Refunds", 14, Money, l => l.RefundAmount),
        new("net_revenue", "Net revenue", 14, Money, Formula: c => $"{c("gmv")}-{c("refunds")}"),
        new("platform_fee", "Platform fee", 14, Money, l => l.PlatformFee),
        new("transaction_fee", "Transaction fee", 14, Money, l => l.TransactionFee),
        new("affiliate", "Affiliate commission", 14, Money, l => l.AffiliateCommission),
        new("shipping", "Shipping", 14, Money, l => l.ShippingCost),
        new("cogs", "COGS", 14, Money, l => l.Cogs),
        new("other", "Other variable cost", 14, Money, l => l.OtherVariableCost),
        new("cba", "Contribution before ads", 16, Money,
            Formula: c => $"{c("net_revenue")}-{c("platform_fee")}-{c("transaction_fee")}-{c("affiliate")}-{c("shipping")}-{c("cogs")}-{c("other")}"),
        new("ad_spend", "Ad spend", 14, Money, l => l.AdSpend),
        new("caa", "Contribution after ads", 16, Money, Formula: c => $"{c("cba")}-{c("ad_spend")}"),
        new("attributed_gmv", "Attributed GMV", 14, Money, l => l.AttributedGmv),
        new("attributed_orders", "Attributed orders", 11, Integer, l => l.AttributedOrders),
        new("margin", "Contribution margin", 12, Percent, Formula: c => $"IF({c("net_revenue")}=0,\"\",{c("cba")}/{c("net_revenue")})"),
        new("roas", "ROAS", 9, Ratio, Formula: c => $"IF({c("ad_spend")}=0,\"\",{c("attributed_gmv")}/{c("ad_spend")})"),
        new("blended_roas", "Blended ROAS", 10, Ratio, Formula: c => $"IF({c("ad_spend")}=0,\"\",{c("gmv")}/{c("ad_spend")})"),
        new("roi", "ROI", 9, Ratio, Formula: c => $"IF({c("ad_spend")}=0,\"\",{c("caa")}/{c("ad_spend")})"),
        new("break_even_roas", "Break-even ROAS", 11, Ratio, Formula: c => $"IF({c("cba")}<=0,\"\",{c("gmv")}/{c("cba")})"),
        new("cpa", "CPA", 10, Money, Formula: c => $"IF({c("attributed_orders")}=0,\"\",{c("ad_spend")}/{c("attributed_orders")})"),
        new("refund_rate", "Refund rate", 10, Percent, Formula: c => $"IF({c("gmv")}=0,\"\",{c("refunds")}/{c("gmv")})"),
    ]);

    /// <summary>The column (1-based) of an SKU P&amp;L header, for tests and readers.</summary>
    public static int SkuProfitColumn(string header) => SkuProfitHeaders.ToList().IndexOf(header) + 1;

    public static int SkuProfitFirstRow => SkuProfitHeaderRow + 1;

    private static void WriteSkuProfitAndLoss(IXLWorksheet sheet, ReportData data, BulkRows bulk)
    {
        Title(sheet, "SKU P&L", PeriodText(data.Request) + ". Amounts are sums from the warehouse; GMV, net revenue, contributions and ratios are formulas over the row. " + data.Currency.Describe);
        var lastRow = SkuProfitColumns.Write(sheet, SkuProfitHeaderRow, data.Lines, bulk);
        SkuProfitColumns.AsTable(sheet, SkuProfitHeaderRow, lastRow, "SkuProfitAndLoss", bulk);
        sheet.SheetView.FreezeColumns(SkuProfitColumns.IndexOf("product"));
        if (lastRow > SkuProfitHeaderRow)
        {
            var caa = SkuProfitColumns.IndexOf("caa");
            var range = sheet.Range(SkuProfitHeaderRow + 1, caa, lastRow, caa);
            range.AddConditionalFormat().WhenLessThan(0).Fill.SetBackgroundColor(XLColor.FromHtml("#F8CBAD"));
            range.AddConditionalFormat().WhenGreaterThan(0).Fill.SetBackgroundColor(XLColor.FromHtml("#C6EFCE"));
        }
    }

    // ---------------------------------------------------------------- Tiers & actions

    private static readonly SheetTable<SkuTierLine> TierColumns = new(
    [
        new("shop", "Shop", 18, null, t => t.ShopName),
        new("sku", "SKU ID", 20, null, t => t.SkuId),
        new("product", "Product", 36, null, t => t.ProductName),
        new("tier", "Tier", 10, null, t => t.Tier),
        new("action", "Action", 36, null, t => t.Action),
        new("reason", "Reason", 80, null, t => t.Reason, Wrap: true),
        new("orders", "Orders", 9, Integer, t => t.Orders),
        new("net_revenue", "Net revenue", 14, Money, t => t.NetRevenue),
        new("ad_spend", "Ad spend", 14, Money, t => t.AdSpend),
        new("caa", "Contribution after ads", 16, Money, t => t.ContributionAfterAds),
        new("margin", "Contribution margin", 12, Percent, t => t.ContributionMargin),
        new("roi", "ROI", 9, Ratio, t => t.Roi),
        new("on_hand", "On hand", 10, Integer, t => t.OnHandUnits),
        new("avg_daily", "Average daily units", 12, "0.00", t => t.AvgDailyUnits),
        new("cover", "Days of cover", 11, SheetWriter.Days, t => t.DaysOfCover),
        new("restock", "Restock quantity", 11, Integer, t => t.RestockUnits),
        new("overstock", "Overstock", 10, null, t => t.IsOverstock),
    ]);

    private static void WriteTiers(IXLWorksheet sheet, ReportData data, BulkRows bulk)
    {
        var subtitle = data.Review is { } p
            ? $"Review period {p.Start:yyyy-MM-dd} to {p.End:yyyy-MM-dd} (the latest ending on or before {data.Request.To:yyyy-MM-dd}); rules of profit model section 6."
            : "No review period ends on or before the report's last day yet.";
        var amounts = data.Currency.Converted
            ? $" Amounts in {data.Currency.Code}, converted day by day; the reasons quote each shop's own currency, in which the tier was decided."
            : " " + data.Currency.Describe;
        Title(sheet, "Tiers and actions", subtitle + amounts);
        var lastRow = TierColumns.Write(sheet, 3, data.Tiers, bulk);
        TierColumns.AsTable(sheet, 3, lastRow, "TiersAndActions", bulk);
    }

    // ---------------------------------------------------------------- Campaigns

    private static readonly SheetTable<CampaignLine> CampaignColumns = new(
    [
        new("shop", "Shop", 18, null, c => c.ShopName),
        new("advertiser", "Advertiser ID", 16, null, c => c.AdvertiserId),
        new("campaign_id", "Campaign ID", 18, null, c => c.CampaignId),
        new("campaign", "Campaign", 36, null, c => c.CampaignName),
        new("type", "Type", 10, null, c => c.CampaignType),
        new("ads", "Ads", 6, Integer, c => c.Ads),
        new("spend", "Spend", 14, Money, c => c.Spend),
        new("allocated", "Allocated to SKUs", 14, Money, c => c.AllocatedSpend - c.UnallocatedSpend),
        new("unallocated", "Unallocated", 14, Money, c => c.UnallocatedSpend),
        new("skus", "Allocated SKUs", 10, Integer, c => c.AllocatedSkus),
        new("method", "Allocation method", 12, null, c => c.AllocationMethod),
        new("rules", "Allocation rules", 30, null, c => c.AllocationRules),
        new("attributed_gmv", "Attributed GMV", 14, Money, c => c.AttributedGmv),
        new("attributed_orders", "Attributed orders", 10, Integer, c => c.AttributedOrders),
        new("roas", "ROAS", 9, Ratio, Formula: c => $"IF({c("spend")}=0,\"\",{c("attributed_gmv")}/{c("spend")})"),
        new("reported_gmv", "TikTok-reported GMV", 14, Money, c => c.TiktokReportedGmv),
    ]);

    private static void WriteCampaigns(IXLWorksheet sheet, ReportData data, BulkRows bulk)
    {
        Title(sheet, "Campaigns", PeriodText(data.Request) + ". Spend as TikTok reports it, its allocation to SKUs (profit model section 3) and the GMV attributed to it (section 2). " + data.Currency.Describe);
        const int headerRow = 5;
        var lastRow = CampaignColumns.Write(sheet, headerRow, data.Campaigns, bulk);
        CampaignColumns.AsTable(sheet, headerRow, lastRow, "Campaigns", bulk);
        sheet.Cell(3, 1).Label("Total", bold: true);
        foreach (var key in new[] { "spend", "allocated", "unallocated", "attributed_gmv", "attributed_orders", "reported_gmv" })
        {
            var letter = CampaignColumns.LetterOf(key);
            sheet.Cell(3, CampaignColumns.IndexOf(key))
                .Formula($"SUM({letter}{headerRow + 1}:{letter}{Math.Max(lastRow, headerRow + 1)})", key == "attributed_orders" ? Integer : Money)
                .Style.Font.Bold = true;
        }

        var roas = CampaignColumns.IndexOf("roas");
        sheet.Cell(3, roas).Formula(
            $"IF({CampaignColumns.LetterOf("spend")}3=0,\"\",{CampaignColumns.LetterOf("attributed_gmv")}3/{CampaignColumns.LetterOf("spend")}3)", Ratio);
    }

    // ---------------------------------------------------------------- Settled vs estimated

    private sealed record SettledRow(SkuProfitLine Line, SkuSettlementLine Settlement);

    private static readonly SheetTable<SettledRow> SettledColumns = new(
    [
        new("shop", "Shop", 18, null, r => r.Line.ShopName),
        new("sku", "SKU ID", 20, null, r => r.Line.SkuId),
        new("product", "Product", 36, null, r => r.Line.ProductName),
        new("net_revenue", "Net revenue", 14, Money, r => r.Settlement.NetRevenue),
        new("settled", "Settled net revenue", 14, Money, r => r.Settlement.SettledNetRevenue),
        new("estimated", "Net revenue with estimated fees", 16, Money, r => r.Settlement.EstimatedNetRevenue),
        new("share", "Share estimated", 10, Percent, Formula: c => $"IF({c("net_revenue")}=0,\"\",{c("estimated")}/{c("net_revenue")})"),
        new("estimated_fees", "Estimated fees", 14, Money, r => r.Settlement.EstimatedFees),
        new("settled_lines", "Settled lines", 10, Integer, r => r.Settlement.SettledOrderLines),
        new("estimated_lines", "Estimated lines", 10, Integer, r => r.Settlement.EstimatedOrderLines),
    ]);

    private static void WriteSettledVsEstimated(IXLWorksheet sheet, ReportData data, BulkRows bulk)
    {
        Title(sheet, "Settled vs estimated", PeriodText(data.Request) + ". Fees are TikTok's own once an order is settled; before that they are estimates (profit model section 1). " + data.Currency.Describe);
        var lines = data.Lines.ToDictionary(l => l.ProductKey);
        var rows = data.Settlements
            .Where(s => lines.ContainsKey(s.ProductKey))
            .Select(s => new SettledRow(lines[s.ProductKey], s))
            .OrderByDescending(r => r.Settlement.EstimatedNetRevenue).ThenBy(r => r.Line.SkuId, StringComparer.Ordinal)
            .ToList();
        const int headerRow = 7;
        var lastRow = SettledColumns.Write(sheet, headerRow, rows, bulk);
        SettledColumns.AsTable(sheet, headerRow, lastRow, "SettledVsEstimated", bulk);
        var end = Math.Max(lastRow, headerRow + 1);
        string Sum(string key) => $"SUM({SettledColumns.LetterOf(key)}{headerRow + 1}:{SettledColumns.LetterOf(key)}{end})";
        sheet.Cell(3, 1).Label("Net revenue");
        sheet.Cell(3, 2).Formula(Sum("net_revenue"));
        sheet.Cell(4, 1).Label("Net revenue whose fees are still estimates");
        sheet.Cell(4, 2).Formula(Sum("estimated"));
        sheet.Cell(5, 1).Label("Share of revenue with estimated fees", bold: true);
        sheet.Cell(5, 2).Formula("IF(B3=0,\"\",B4/B3)", Percent).Style.Font.Bold = true;
        sheet.Column(1).Width = Math.Max(sheet.Column(1).Width, 42);
    }

    // ---------------------------------------------------------------- Alerts

    private static readonly SheetTable<AlertEpisodeLine> AlertColumns = new(
    [
        new("shop", "Shop", 18, null, a => a.ShopName),
        new("severity", "Severity", 9, null, a => a.Severity),
        new("rule", "Rule", 22, null, a => a.RuleCode),
        new("sku", "SKU ID", 20, null, a => a.SkuId),
        new("campaign", "Campaign ID", 18, null, a => a.CampaignId),
        new("opened", "Opened", 11, Date, a => AlertEpisodeLine.Day(a.OpenedOn)),
        new("last_seen", "Last seen", 11, Date, a => AlertEpisodeLine.Day(a.LastSeenOn)),
        new("resolved", "Resolved", 11, Date, a => AlertEpisodeLine.Day(a.ResolvedOn)),
        new("money", "Money", 14, Money, a => a.MoneyAmount),
        new("currency", "Currency", 8, null, a => a.Currency),
        new("message", "Alert", 90, null, a => a.Message, Wrap: true),
    ]);

    private static void WriteAlerts(IXLWorksheet sheet, ReportData data, BulkRows bulk)
    {
        Title(sheet, "Alerts", PeriodText(data.Request) + ". The monitoring episodes open during the period (profit model section 8), most severe first; money in each shop's own currency.");
        const int headerRow = 4;
        var lastRow = AlertColumns.Write(sheet, headerRow, data.Alerts ?? [], bulk);
        AlertColumns.AsTable(sheet, headerRow, lastRow, "Alerts", bulk);
    }

    // ---------------------------------------------------------------- Assumptions

    public static readonly IReadOnlyList<(string Figure, string Definition)> Definitions =
    [
        ("list_amount", "original price x quantity"),
        ("seller_discount", "seller-funded discount on the line, including its share of order-level seller vouchers"),
        ("platform_discount", "TikTok-funded discount; TikTok reimburses it, so it stays revenue to the seller"),
        ("gmv", "list_amount - seller_discount: what the buyer paid plus the platform subsidy, before refunds and fees"),
        ("refund_amount", "product amount refunded on the line (returns, refund-only, cancellations after payment)"),
        ("net_revenue", "gmv - refund_amount"),
        ("platform_fee", "referral commission plus refund administration fee: TikTok's settlement where settled, else estimated from the commission rate"),
        ("transaction_fee", "payment processing: settlement value, else net_revenue x payment_rate"),
        ("affiliate_commission", "creator commission: settlement value or the affiliate order feed"),
        ("shipping_cost", "seller-borne shipping: settlement value, else the seller's rate card (else the flat cost per order); split from the order to its lines"),
        ("cogs", "unit cost as of the paid date x (quantity - restocked units)"),
        ("other_variable_cost", "per-unit packaging and handling plus per-order fees from the cost settings"),
        ("payout from TikTok (computed)", "net_revenue - platform_fee - transaction_fee - shipping_cost - affiliate_commission"),
        ("contribution_before_ads", "net_revenue - platform_fee - transaction_fee - affiliate_commission - shipping_cost - cogs - other_variable_cost"),
        ("ad_spend", "ad spend allocated to the SKU (profit model section 3); unmapped spend sits on Unknown / Unallocated"),
        ("contribution_after_ads", "contribution_before_ads - ad_spend"),
        ("fixed_expenses", "the seller's fixed and manual expenses (software, salaries, agency fees), spread evenly over the days they cover; no SKU's"),
        ("net_profit", "contribution_after_ads - fixed_expenses"),
        ("shipping rate card", "an unsettled order pays the highest units band it reaches on the seller's card in force on its paid date"),
        ("contribution_margin", "contribution_before_ads / net_revenue"),
        ("roas", "attributed_gmv / ad_spend (empty when there is no spend)"),
        ("blended_roas", "gmv / ad_spend over all traffic sources (MER)"),
        ("roi", "contribution_after_ads / ad_spend"),
        ("break_even_roas", "gmv / contribution_before_ads: the ROAS at which ads stop paying (empty when contribution <= 0)"),
        ("cpa", "ad_spend / attributed_orders"),
        ("refund_rate", "refund_amount / gmv"),
        ("attributed_gmv", "gmv of paid_ads lines: a touchpoint within the click or view window, else the ad TikTok reports"),
        ("settled / estimated", "a line is settled once TikTok's statement carries it; until then its fees are estimates"),
        ("tier", "organic, testing, loser, hero, marginal, winner: first rule that matches over the review period (section 6)"),
        ("days_of_cover", "on-hand units / average daily units over the stock window"),
        ("fx_rate_to_reporting", "units of the reporting currency per unit of the shop's currency on the row's day: the latest stg.fx_rate on or before the day; 1 for the reporting currency itself; a missing rate stays missing (never 1)"),
    ];

    private static void WriteAssumptions(IXLWorksheet sheet, ReportData data)
    {
        var request = data.Request;
        Title(sheet, "Assumptions", "Every setting, the run, data freshness and the definition of each figure.");
        var row = 4;
        foreach (var (label, value) in new[]
        {
            ("Period", $"{request.From:yyyy-MM-dd} to {request.To:yyyy-MM-dd} ({request.Label}, {request.Days} days, shop-local days)"),
            ("Shop", request.ShopId ?? "all shops"),
            ("Currency", data.Currency.Describe),
            ("Conversion", ConversionText(data)),
            ("Run id", request.RunId?.ToString(CultureInfo.InvariantCulture) ?? "(none)"),
            ("Written at (UTC)", DateTime.UtcNow.ToString("yyyy-MM-dd HH:mm:ss", CultureInfo.InvariantCulture)),
            ("Tier review period", data.Review is { } p ? $"{p.Start:yyyy-MM-dd} to {p.End:yyyy-MM-dd}" : "(none yet)"),
            ("Source", "rpt views of the warehouse: rpt.sku_daily, rpt.sku_profit, rpt.campaign_profit, rpt.sku_ad_spend, rpt.sku_settlement, rpt.reconciliation, rpt.fx_rate, rpt.setting, rpt.data_freshness, rpt.budget_plan, rpt.budget_plan_campaign, rpt.budget_plan_shop"),
        })
        {
            sheet.Cell(row, 1).Label(label, bold: true);
            sheet.Cell(row, 2).Text(value);
            row++;
        }

        row++;
        sheet.Cell(row++, 1).Label("Settings (etl.setting; per-shop rates and costs from the cost_setting file override them)", bold: true);
        Header(sheet, row++, 1, "Setting", "Value", "Meaning");
        foreach (var setting in data.Settings)
        {
            sheet.Cell(row, 1).Text(setting.SettingName);
            sheet.Cell(row, 2).Text(setting.SettingValue);
            sheet.Cell(row, 3).Text(setting.Description);
            row++;
        }

        if (data.Currency.Converted)
        {
            row++;
            sheet.Cell(row++, 1).Label($"Exchange rates used (rpt.fx_rate: units of {data.Currency.Code} per unit; a rate applies from its date until the next one)", bold: true);
            Header(sheet, row++, 1, "Currency", "Day", $"Rate to {data.Currency.Code}", "Rate dated");
            foreach (var rate in data.Rates)
            {
                sheet.Cell(row, 1).Text(rate.Currency);
                sheet.Cell(row, 2).Text(SkuProfitQueries.ToDate(rate.Day).ToString("yyyy-MM-dd", CultureInfo.InvariantCulture));
                sheet.Cell(row, 3).Number(rate.Rate, FxRate);
                sheet.Cell(row, 4).Text(rate.RateDate is { } dated ? SkuProfitQueries.ToDate(dated).ToString("yyyy-MM-dd", CultureInfo.InvariantCulture) : "");
                row++;
            }

            if (data.Rates.Count == 0)
            {
                sheet.Cell(row++, 1).Text($"none needed: every shop is in {data.Currency.Code}");
            }
        }

        row++;
        sheet.Cell(row++, 1).Label("Data freshness (latest day in the published facts)", bold: true);
        Header(sheet, row++, 1, "Source", "Shop", "Latest day", "Run id", "Run ended at");
        foreach (var fresh in data.Freshness)
        {
            sheet.Cell(row, 1).Text(fresh.SourceName);
            sheet.Cell(row, 2).Text(fresh.ShopName ?? "");
            sheet.Cell(row, 3).Text(SkuProfitQueries.ToDate(fresh.LatestDate).ToString("yyyy-MM-dd", CultureInfo.InvariantCulture));
            sheet.Cell(row, 4).Number(fresh.LatestRunId, "0");
            sheet.Cell(row, 5).Text(fresh.LatestRunEndedAt ?? "");
            row++;
        }

        row++;
        sheet.Cell(row++, 1).Label("Definitions (profit model)", bold: true);
        Header(sheet, row++, 1, "Figure", "Definition");
        foreach (var (figure, definition) in Definitions)
        {
            sheet.Cell(row, 1).Text(figure);
            sheet.Cell(row, 2).Text(definition);
            row++;
        }

        sheet.Column(1).Width = 34;
        sheet.Column(2).Width = 60;
        sheet.Column(3).Width = 90;
        sheet.Column(4).Width = 10;
        sheet.Column(5).Width = 34;
    }
}
