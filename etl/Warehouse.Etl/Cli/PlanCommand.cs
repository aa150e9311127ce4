using System.CommandLine;
using System.Globalization;
using Spectre.Console;
using Warehouse.Database;
using Warehouse.Plan;
using Warehouse.Report;
using Warehouse.Reports;

namespace Warehouse.Cli;

/// <summary>
/// `warehouse plan`: next week's ad budget per SKU and campaign from the latest review period (profit
/// model "Budget plan"), stored in fact.budget_plan* (rpt.budget_plan*); prints the biggest moves and the
/// balanced totals, and with --out writes the weekly workbook with its "Budget plan" sheet.
/// </summary>
public static class PlanCommand
{
    public static Command Create()
    {
        var week = new Option<string?>("--week") { Description = "ISO week, e.g. 2026-W49: the review period ending on or before its Sunday (default: the latest)" };
        var shop = new Option<string?>("--shop") { Description = "One shop id (default: all shops)" };
        var budget = new Option<decimal?>("--budget") { Description = "Next week's ad budget of the shop (default: the current week's total)" };
        var maxChange = new Option<decimal?>("--max-change") { Description = "Pace: the largest weekly raise of a SKU as a share of its spend (default: setting plan_max_change, 0.3)" };
        var output = new Option<string?>("--out") { Description = "Also write the workbook (with the Budget plan sheet) of the plan's current week to this path" };
        var top = new Option<int>("--top") { Description = "Moves to print", DefaultValueFactory = _ => 15 };
        var command = new Command("plan", "Plan next week's ad budget: losers to heroes, capped by pace and stock") { week, shop, budget, maxChange, output, top };
        command.SetAction(async parse =>
        {
            var weekText = parse.GetValue(week);
            DateOnly? asOf = weekText is null ? null : ReportPeriod.Range(null, null, weekText).To;
            var request = new BudgetPlanRequest(asOf, parse.GetValue(shop), parse.GetValue(budget), parse.GetValue(maxChange));
            var path = parse.GetValue(output);
            var arguments = string.Join(' ', new[]
            {
                weekText is null ? null : "--week " + weekText,
                request.ShopId is null ? null : "--shop " + request.ShopId,
                request.Budget is null ? null : "--budget " + request.Budget.Value.ToString(CultureInfo.InvariantCulture),
                request.MaxChange is null ? null : "--max-change " + request.MaxChange.Value.ToString(CultureInfo.InvariantCulture),
                path is null ? null : "--out " + path,
            }.Where(a => a is not null));
            var context = new CliContext();
            var plan = await context.RunAsync("plan", arguments, async (connection, runId) =>
            {
                await BudgetPlanner.ComputeAsync(context.Database, connection, runId, request);
                var read = await BudgetPlan.ReadAsync(connection, request.ShopId);
                if (read.Shops.Count == 0)
                {
                    throw new WarehouseException("no review period to plan from: run `warehouse transform` first");
                }

                if (path is not null)
                {
                    // the workbook of the plan's current week: the 7 days ending on the review period's last day
                    var end = DateOnly.ParseExact(read.Shops.Max(s => s.PeriodEndDateKey).ToString(CultureInfo.InvariantCulture), "yyyyMMdd", CultureInfo.InvariantCulture);
                    await ReportPeriod.WriteAsync(connection, new ReportRequest(end.AddDays(-6), end, request.ShopId, runId), path);
                }

                return read;
            });
            Print(plan, parse.GetValue(top));
            if (path is not null)
            {
                Console.WriteLine($"workbook: {Path.GetFullPath(path)}");
            }
        });
        return command;
    }

    private static string Amount(decimal value) => value.ToString("N2", CultureInfo.InvariantCulture);

    private static void Print(BudgetPlan plan, int top)
    {
        if (Console.IsOutputRedirected)
        {
            AnsiConsole.Profile.Width = 180;
        }

        var moves = new Table().Title($"Top {top} moves (largest changes first)").Border(TableBorder.Rounded);
        foreach (var header in new[] { "Shop", "SKU", "Product", "Tier", "Current", "Planned", "Change", "Expected contribution change", "Why" })
        {
            moves.AddColumn(header);
        }

        foreach (var line in plan.Lines.Where(l => l.ChangeAmount != 0 || l.PlanRule == "restock_first")
                     .OrderByDescending(l => Math.Abs(l.ChangeAmount)).ThenBy(l => l.ShopId, StringComparer.Ordinal).ThenBy(l => l.SkuId, StringComparer.Ordinal).Take(top))
        {
            moves.AddRow(Markup.Escape(line.ShopName), Markup.Escape(line.SkuId), Markup.Escape(Shorten(line.ProductName, 28)), line.Tier,
                Amount(line.CurrentSpend), Amount(line.PlannedSpend), Amount(line.ChangeAmount), Amount(line.ExpectedContributionChange),
                Markup.Escape(Shorten(line.Reason, 80)));
        }

        AnsiConsole.Write(moves);

        var totals = new Table().Title("Totals per shop (weekly; budget = planned + unplaced, to the cent)").Border(TableBorder.Rounded);
        foreach (var header in new[] { "Shop", "Currency", "Budget", "Current spend", "Planned spend", "Unplaced", "Balanced", "Pace", "Return factor", "Contribution after ads now", "Expected under the plan" })
        {
            totals.AddColumn(header);
        }

        foreach (var shop in plan.Shops)
        {
            var planned = plan.Lines.Where(l => l.ShopId == shop.ShopId).Sum(l => l.PlannedSpend);
            var balanced = planned + shop.Unplaced == shop.Budget;
            totals.AddRow(Markup.Escape(shop.ShopName), shop.Currency, Amount(shop.Budget), Amount(shop.CurrentSpend), Amount(planned),
                Amount(shop.Unplaced), balanced ? "yes" : "[red]NO[/]", shop.MaxChange.ToString("0.###", CultureInfo.InvariantCulture),
                shop.ReturnFactor.ToString("0.###", CultureInfo.InvariantCulture), Amount(shop.CurrentContributionAfterAds), Amount(shop.ExpectedContributionAfterAds));
        }

        AnsiConsole.Write(totals);
        var campaigns = plan.Campaigns.Count(c => c.ChangeAmount != 0);
        AnsiConsole.MarkupLine($"[grey]{campaigns} campaign budgets to change: rpt.budget_plan_campaign (or the workbook's Budget plan sheet). " +
                               "Expected change = extra spend x trailing ROI x return factor; a cut saves its spend less the contribution its ads brought.[/]");
    }

    private static string Shorten(string text, int length) => text.Length <= length ? text : text[..(length - 1)] + "…";
}
