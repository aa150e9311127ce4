using System.Globalization;
using ClosedXML.Excel;
using static Warehouse.Reports.SheetWriter;

namespace Warehouse.Reports;

/// <summary>
/// The "Budget plan" sheet (profit model "Budget plan"): per shop, per campaign and per SKU, next week's
/// ad spend. The plan's change comes from the warehouse; planned spend, the expected contribution and
/// every total are live formulas (totals over the visible rows, so a filter re-totals them).
/// Amounts are in each shop's own currency: a plan moves one shop's money.
/// </summary>
internal static class BudgetPlanSheet
{
    private static readonly SheetTable<BudgetPlanLine> SkuColumns = new(
    [
        new("shop", "Shop", 18, null, l => l.ShopName),
        new("sku", "SKU ID", 20, null, l => l.SkuId),
        new("product", "Product", 36, null, l => l.ProductName),
        new("tier", "Tier", 10, null, l => l.Tier),
        new("rule", "Rule", 14, null, l => l.PlanRule),
        new("reason", "Reason", 70, null, l => l.Reason, Wrap: true),
        new("roi", "Trailing ROI", 10, Ratio, l => l.Roi),
        new("current", "Current weekly spend", 14, Money, l => l.CurrentSpend),
        new("change", "Change", 14, Money, l => l.ChangeAmount),
        new("planned", "Planned weekly spend", 14, Money, Formula: c => $"{c("current")}+{c("change")}"),
        new("pace_cap", "Pace cap (most extra)", 14, Money, l => l.PaceCap),
        new("stock_cap", "Stock cap (most extra)", 14, Money, l => l.StockCap),
        new("units_per_money", "Units per ad money", 12, "0.0000", l => l.UnitsPerAdMoney),
        new("available", "Units after lead-time demand", 12, "0.0", l => l.AvailableUnits),
        new("restock", "Restock first (units)", 11, Integer, l => l.RestockUnits),
        new("rate", "Attributed contribution per ad money", 14, Ratio, l => l.AttributedContributionRate),
        new("factor", "Return factor", 10, Ratio, l => l.ReturnFactor),
        new("current_caa", "Contribution after ads, current week", 16, Money, l => l.CurrentContributionAfterAds),
        new("expected_change", "Expected change in contribution", 16, Money,
            Formula: c => $"IF({c("change")}>0,{c("change")}*{c("roi")}*{c("factor")},IF({c("change")}<0,-{c("change")}*(1-{c("rate")}),0))"),
        new("expected_caa", "Expected contribution after ads", 16, Money, Formula: c => $"{c("current_caa")}+{c("expected_change")}"),
    ]);

    public static void Write(IXLWorksheet sheet, ReportData data, BulkRows bulk)
    {
        var plan = data.Plan ?? new BudgetPlan([], [], []);
        Title(sheet, "Budget plan",
            "Next week's ad spend per SKU from the latest review period (profit model \"Budget plan\"): losers cut, testing capped, the money freed to heroes then winners by ROI, " +
            "each raised at most the pace cap and the stock cap; what no SKU can take stays unplaced. Amounts in each shop's own currency.");
        sheet.Cell(3, 1).Text(
            "Expected change: extra spend x trailing ROI x return factor; a cut saves its spend but loses the contribution its ads brought: -change x (1 - attributed contribution per ad money).")
            .Style.Font.Italic = true;

        // per SKU (written first: the shop and campaign blocks above refer to its cells)
        var row = 5;
        var shopHeaderRow = row + 1;
        var campaignLabelRow = shopHeaderRow + Math.Max(plan.Shops.Count, 1) + 2;
        var campaignHeaderRow = campaignLabelRow + 1;
        var skuLabelRow = campaignHeaderRow + Math.Max(plan.Campaigns.Count, 1) + 2;
        var totalsRow = skuLabelRow + 1;
        var skuHeaderRow = totalsRow + 1;
        var lastRow = SkuColumns.Write(sheet, skuHeaderRow, plan.Lines, bulk);
        SkuColumns.AsTable(sheet, skuHeaderRow, lastRow, "BudgetPlan", bulk);
        var end = Math.Max(lastRow, skuHeaderRow + 1);
        string Range(string key) => $"{SkuColumns.LetterOf(key)}{skuHeaderRow + 1}:{SkuColumns.LetterOf(key)}{end}";
        sheet.Cell(skuLabelRow, 1).Label("Per SKU", bold: true);
        sheet.Cell(totalsRow, 1).Label("Total (rows the filter shows)", bold: true);
        foreach (var key in new[] { "current", "change", "planned", "current_caa", "expected_change", "expected_caa" })
        {
            sheet.Cell(totalsRow, SkuColumns.IndexOf(key)).Formula($"SUBTOTAL(9,{Range(key)})").Style.Font.Bold = true;
        }

        // per shop: the budget, the planned total summed from the SKU rows, and what stays unplaced
        sheet.Cell(row, 1).Label("Per shop", bold: true);
        Header(sheet, shopHeaderRow, 1, "Shop", "Currency", "Review period ends", "Budget", "Current weekly spend", "Planned weekly spend",
            "Unplaced", "Pace (max change)", "Return factor", "Test budget", "Losers", "Expected contribution after ads");
        var r = shopHeaderRow + 1;
        foreach (var shop in plan.Shops)
        {
            sheet.Cell(r, 1).Text(shop.ShopName);
            sheet.Cell(r, 2).Text(shop.Currency);
            sheet.Cell(r, 3).Text(DateOnly.ParseExact(shop.PeriodEndDateKey.ToString(CultureInfo.InvariantCulture), "yyyyMMdd", CultureInfo.InvariantCulture).ToString("yyyy-MM-dd", CultureInfo.InvariantCulture));
            sheet.Cell(r, 4).Number(shop.Budget);
            sheet.Cell(r, 5).Formula($"SUMIFS({Range("current")},{Range("shop")},A{r})");
            sheet.Cell(r, 6).Formula($"SUMIFS({Range("planned")},{Range("shop")},A{r})");
            sheet.Cell(r, 7).Formula($"D{r}-F{r}");
            sheet.Cell(r, 8).Number(shop.MaxChange, Percent);
            sheet.Cell(r, 9).Number(shop.ReturnFactor, Ratio);
            sheet.Cell(r, 10).Number(shop.TestBudget);
            sheet.Cell(r, 11).Text(shop.KeepTestingLosers ? "kept on the test budget" : "cut to zero");
            sheet.Cell(r, 12).Formula($"SUMIFS({Range("expected_caa")},{Range("shop")},A{r})");
            r++;
        }

        if (plan.Shops.Count == 0)
        {
            sheet.Cell(r, 1).Text("no plan yet: run `warehouse transform` or `warehouse plan`");
        }

        // per campaign: the budgets to change in Ads Manager
        sheet.Cell(campaignLabelRow, 1).Label("Per campaign (the SKUs' changes through each campaign's share of their weekly spend)", bold: true);
        Header(sheet, campaignHeaderRow, 1, "Shop", "Campaign ID", "Campaign", "Type", "Current weekly spend", "Change", "Planned weekly spend");
        r = campaignHeaderRow + 1;
        foreach (var campaign in plan.Campaigns)
        {
            sheet.Cell(r, 1).Text(plan.Shops.FirstOrDefault(s => s.ShopId == campaign.ShopId)?.ShopName ?? campaign.ShopId);
            sheet.Cell(r, 2).Text(campaign.CampaignId);
            sheet.Cell(r, 3).Text(campaign.CampaignName);
            sheet.Cell(r, 4).Text(campaign.CampaignType);
            sheet.Cell(r, 5).Number(campaign.CurrentSpend);
            sheet.Cell(r, 6).Number(campaign.ChangeAmount);
            sheet.Cell(r, 7).Formula($"E{r}+F{r}");
            r++;
        }

    }
}
