using ClosedXML.Excel;
using Dapper;
using Warehouse.Control;
using Warehouse.Database;
using Warehouse.Plan;
using Warehouse.Report;
using Warehouse.Reports;
using Warehouse.Tests.Infrastructure;

namespace Warehouse.Tests.ProfitEngine;

/// <summary>
/// The budget plan (profit model "Budget plan") over the latest review period, which ends on the last
/// day with data; the current week is its last 7 days, where all the spend is (2026-11-25). Every SKU sells at
/// 100.00 with a 6 % referral fee, so one order's contribution before ads is 94.00 - unit cost.
/// Defaults: weekly test budget 25.00, pace 0.3, return factor 0.7, losers cut to zero, lead time 14 days.
/// </summary>
public sealed class BudgetPlanTests(WarehouseFixture fixture) : IClassFixture<WarehouseFixture>
{
    private static readonly DateOnly First = new(2026, 11, 2);
    private static readonly DateOnly SpendDay = new(2026, 11, 25);

    /// <summary>n orders, one a day from the first day of the period (day i % 28).</summary>
    private static Scenario Orders(Scenario scenario, string sku, int orders)
    {
        for (var i = 0; i < orders; i++)
        {
            scenario.Order($"{sku}-{i}", Scenario.Epoch(First.AddDays(i % 28), 10), $"{sku}-buyer-{i}", 0m, new Scenario.Line(sku, 100m));
        }

        return scenario;
    }

    private static Scenario WithSpend(Scenario scenario, string sku, decimal spend) =>
        scenario.Ad("C-" + sku, "AD-" + sku).MapAdToSku("C-" + sku, "AD-" + sku, sku).Spend("AD-" + sku, SpendDay, spend);

    /// <summary>
    /// LOSER: 1 order (44.00) bought through its ad, 200.00 spend: -156.00, a loser.
    /// HERO: 20 orders x 64.00 = 1280.00 - 400.00 = 880.00, margin 64 %, ROI 2.2.
    /// WINNER: 19 orders (not a hero) x 64.00 = 1216.00 - 500.00 = 716.00, ROI 1.432.
    /// TESTING: 1 order, 60.00 spend (at most the 100.00 period test budget).
    /// </summary>
    private static Scenario FourSkuShop(int heroInventory = 1000, string heroTitle = "Product P2")
    {
        var scenario = new Scenario()
            .Add("product", new() { ["shop_id"] = Scenario.ShopId, ["product_id"] = "P2", ["title"] = heroTitle, ["status"] = "ACTIVATE", ["create_time"] = "0", ["update_time"] = "0" })
            .Sku("P1", "LOSER", unitCost: 50m)
            .Sku("P2", "HERO", unitCost: 30m, inventory: heroInventory)
            .Sku("P3", "WINNER", unitCost: 30m, inventory: 1000)
            .Sku("P4", "TESTING", unitCost: 50m);
        WithSpend(scenario, "LOSER", 200.00m);
        scenario.Touch("LOSER-buyer", "AD-LOSER", "click", Scenario.Epoch(First.AddDays(24), 9));
        scenario.Order("LOSER-0", Scenario.Epoch(First.AddDays(25), 10), "LOSER-buyer", 0m, new Scenario.Line("LOSER", 100m));
        WithSpend(Orders(scenario, "HERO", 20), "HERO", 400.00m);
        WithSpend(Orders(scenario, "WINNER", 19), "WINNER", 500.00m);
        WithSpend(Orders(scenario, "TESTING", 1), "TESTING", 60.00m);
        return scenario;
    }

    private static async Task<BudgetPlan> PlanAsync(ScenarioRun run, decimal? budget = null, decimal? maxChange = null)
    {
        await using var connection = await run.Database.OpenAsync();
        if (budget is not null || maxChange is not null)
        {
            var runId = await new RunLog(run.Database).StartAsync(connection, "plan", "test");
            await BudgetPlanner.ComputeAsync(run.Database, connection, runId, new BudgetPlanRequest(ShopId: Scenario.ShopId, Budget: budget, MaxChange: maxChange));
        }

        return await BudgetPlan.ReadAsync(connection, null);
    }

    [Theory]
    [ClassData(typeof(Engines))]
    public async Task The_losers_money_goes_to_the_hero_up_to_the_pace_cap_and_the_rest_to_the_winner(Engine engine)
    {
        var run = await ScenarioRun.TransformAsync(fixture, engine, FourSkuShop());
        var plan = await PlanAsync(run);
        var sku = plan.Lines.ToDictionary(l => l.SkuId);

        Assert.Equal(("loser", "hero", "winner", "testing"), (sku["LOSER"].Tier, sku["HERO"].Tier, sku["WINNER"].Tier, sku["TESTING"].Tier));
        // loser 200.00 -> 0 and testing 60.00 -> the 25.00 test budget: pool = 200.00 + 35.00 = 235.00
        Assert.Equal((200.00m, 0m, -200.00m, "loser_cut"), (sku["LOSER"].CurrentSpend, sku["LOSER"].PlannedSpend, sku["LOSER"].ChangeAmount, sku["LOSER"].PlanRule));
        Assert.Equal((25.00m, -35.00m, "testing_cap"), (sku["TESTING"].PlannedSpend, sku["TESTING"].ChangeAmount, sku["TESTING"].PlanRule));
        // hero first: at most 0.3 x 400.00 = 120.00; the winner takes the other 115.00 (its cap is 150.00)
        Assert.Equal((520.00m, 120.00m, "hero_raise"), (sku["HERO"].PlannedSpend, sku["HERO"].ChangeAmount, sku["HERO"].PlanRule));
        Assert.Equal("hero, ROI 2.20: +120.00 from the pool (pace cap 120.00 = 30.0% of 400.00)", sku["HERO"].Reason);
        Assert.Equal((615.00m, 115.00m, "winner_raise", 150.00m), (sku["WINNER"].PlannedSpend, sku["WINNER"].ChangeAmount, sku["WINNER"].PlanRule, sku["WINNER"].PaceCap));
        // expected: hero 120.00 x 2.2 x 0.7 = 184.80; winner 115.00 x 1.432 x 0.7 = 115.276;
        // loser: its ad brought 44.00 of contribution on 200.00 of spend (rate 0.22): cutting 200.00 gains 200.00 x 0.78 = 156.00;
        // testing: no paid orders, so cutting 35.00 gains 35.00
        Assert.Equal(184.80m, sku["HERO"].ExpectedContributionChange);
        Assert.Equal(115.276m, sku["WINNER"].ExpectedContributionChange);
        Assert.Equal((0.22m, 156.00m), (sku["LOSER"].AttributedContributionRate!.Value, sku["LOSER"].ExpectedContributionChange));
        Assert.Equal(35.00m, sku["TESTING"].ExpectedContributionChange);
        // the latest review period ends on the last day with data, 2026-11-27, so the current week is 11-21 .. 27:
        // the loser's order and HERO's 20th (11-21): 44.00 + 64.00 - 200.00 - 400.00 - 500.00 - 60.00 = -1052.00;
        // under the plan 491.076 better
        var shop = Assert.Single(plan.Shops);
        Assert.Equal((1160.00m, 1160.00m, 1160.00m, 0m), (shop.Budget, shop.CurrentSpend, shop.PlannedSpend, shop.Unplaced));
        Assert.Equal((-1052.00m, 491.076m, -560.924m), (shop.CurrentContributionAfterAds, shop.ExpectedContributionChange, shop.ExpectedContributionAfterAds));
        // each campaign spends on one SKU: it carries that SKU's change
        var campaign = plan.Campaigns.ToDictionary(c => c.CampaignId);
        Assert.Equal((200.00m, -200.00m, 0m), (campaign["C-LOSER"].CurrentSpend, campaign["C-LOSER"].ChangeAmount, campaign["C-LOSER"].PlannedSpend));
        Assert.Equal(120.00m, campaign["C-HERO"].ChangeAmount);
        Assert.Equal(115.00m, campaign["C-WINNER"].ChangeAmount);
    }

    [Theory]
    [ClassData(typeof(Engines))]
    public async Task Where_stock_binds_the_plan_says_restock_first_and_the_money_stays_in_the_pool(Engine engine)
    {
        // HERO: 28 orders, one a day: 28 x 64.00 - 400.00 = 1392.00, ROI 3.48; 1 unit a day x 14 lead days = 14 units of
        // lead-time demand; 20 on hand leave 6 units; 28 units per 400.00 = 0.07 units per ad money, so the stock
        // allows 6 / 0.07 = 85.71 of extra spend, below the 120.00 pace cap.
        var scenario = new Scenario()
            .Sku("P1", "LOSER", unitCost: 50m)
            .Sku("P2", "HERO", unitCost: 30m, inventory: 20)
            .Sku("P3", "WINNER", unitCost: 30m, inventory: 1000);
        WithSpend(scenario, "LOSER", 200.00m);
        Orders(scenario, "LOSER", 1);
        WithSpend(Orders(scenario, "HERO", 28), "HERO", 400.00m);
        WithSpend(Orders(scenario, "WINNER", 19), "WINNER", 500.00m);

        var run = await ScenarioRun.TransformAsync(fixture, engine, scenario);
        var sku = (await PlanAsync(run)).Lines.ToDictionary(l => l.SkuId);

        Assert.Equal("hero", sku["HERO"].Tier);
        Assert.Equal((85.71m, 120.00m, 6m, 0.07m), (sku["HERO"].StockCap, sku["HERO"].PaceCap, sku["HERO"].AvailableUnits, sku["HERO"].UnitsPerAdMoney));
        Assert.Equal((85.71m, "restock_first"), (sku["HERO"].ChangeAmount, sku["HERO"].PlanRule));
        // the pace cap wanted 120.00 x 0.07 = 8.4 units, the stock has 6: (120.00 - 85.71) x 0.07 = 2.4003 -> 3 units
        Assert.Equal(3, sku["HERO"].RestockUnits);
        Assert.Equal("restock first: stock allows +85.71 of the pace cap +120.00 (6.0 units after lead-time demand); restock 3 units; the rest stays in the pool",
            sku["HERO"].Reason);
        // the 200.00 - 85.71 = 114.29 left goes to the winner
        Assert.Equal((114.29m, "winner_raise"), (sku["WINNER"].ChangeAmount, sku["WINNER"].PlanRule));
    }

    [Theory]
    [ClassData(typeof(Engines))]
    public async Task A_budget_larger_than_can_be_placed_leaves_the_rest_unplaced_and_reported(Engine engine)
    {
        var run = await ScenarioRun.TransformAsync(fixture, engine, FourSkuShop());
        var plan = await PlanAsync(run, budget: 2000.00m);
        var sku = plan.Lines.ToDictionary(l => l.SkuId);

        // kept: 0 + 400.00 + 500.00 + 25.00 = 925.00; pool 1075.00; hero +120.00, winner +150.00 (both at pace)
        Assert.Equal((120.00m, 150.00m), (sku["HERO"].ChangeAmount, sku["WINNER"].ChangeAmount));
        Assert.Equal(0m, sku["LOSER"].PlannedSpend);
        var shop = Assert.Single(plan.Shops);
        Assert.Equal((2000.00m, 1195.00m, 805.00m), (shop.Budget, shop.PlannedSpend, shop.Unplaced));
    }

    [Theory]
    [ClassData(typeof(Engines))]
    public async Task The_plan_conserves_the_budget_to_the_cent_with_awkward_amounts(Engine engine)
    {
        var scenario = new Scenario()
            .Sku("P1", "LOSER", unitCost: 50m)
            .Sku("P2", "HERO", unitCost: 30m, inventory: 1000)
            .Sku("P3", "WINNER", unitCost: 30m, inventory: 1000)
            .Sku("P4", "TESTING", unitCost: 50m);
        WithSpend(Orders(scenario, "LOSER", 1), "LOSER", 133.37m);
        WithSpend(Orders(scenario, "HERO", 25), "HERO", 333.33m);
        WithSpend(Orders(scenario, "WINNER", 19), "WINNER", 777.77m);
        WithSpend(Orders(scenario, "TESTING", 1), "TESTING", 99.99m);
        var run = await ScenarioRun.TransformAsync(fixture, engine, scenario);

        var plan = await PlanAsync(run, budget: 1234.57m, maxChange: 0.333m);
        var sku = plan.Lines.ToDictionary(l => l.SkuId);

        // kept: 0 + 333.33 + 777.77 + 25.00 = 1136.10; pool 1234.57 - 1136.10 = 98.47;
        // hero's cap floor(0.333 x 333.33 = 110.99889) = 110.99 takes all 98.47; the winner gets nothing
        Assert.Equal((98.47m, "hero_raise"), (sku["HERO"].ChangeAmount, sku["HERO"].PlanRule));
        Assert.Equal(110.99m, sku["HERO"].PaceCap);
        Assert.Equal((0m, "keep"), (sku["WINNER"].ChangeAmount, sku["WINNER"].PlanRule));
        var shop = Assert.Single(plan.Shops);
        Assert.Equal((1234.57m, 1234.57m, 0m), (shop.Budget, shop.PlannedSpend, shop.Unplaced));
        Assert.Equal(shop.Budget, plan.Lines.Sum(l => l.PlannedSpend) + shop.Unplaced);
        Assert.Equal(plan.Lines.Sum(l => l.ChangeAmount), plan.Campaigns.Sum(c => c.ChangeAmount));
        Assert.Equal(shop.CurrentSpend, plan.Campaigns.Sum(c => c.CurrentSpend));
    }

    [Theory]
    [ClassData(typeof(Engines))]
    public async Task A_campaign_mapped_to_two_skus_gets_the_sum_of_their_changes(Engine engine)
    {
        // SHARED spends 800.00 on a day neither SKU sells, so it splits equally: 400.00 each.
        // HERO: 20 x 64.00 - 400.00 = 880.00 (ROI 2.2); WINNER: 19 x 64.00 - 400.00 = 816.00 (ROI 2.04).
        // The loser frees 250.00: hero +120.00 (pace), winner +120.00 (pace), 10.00 unplaced.
        var scenario = new Scenario()
            .Sku("P1", "LOSER", unitCost: 50m)
            .Sku("P2", "HERO", unitCost: 30m, inventory: 1000)
            .Sku("P3", "WINNER", unitCost: 30m, inventory: 1000);
        WithSpend(Orders(scenario, "LOSER", 1), "LOSER", 250.00m);
        Orders(scenario, "HERO", 20);
        Orders(scenario, "WINNER", 19);
        scenario.Ad("C-SHARED", "AD-SHARED").MapAdToSku("C-SHARED", "AD-SHARED", "HERO").MapAdToSku("C-SHARED", "AD-SHARED", "WINNER")
            .Spend("AD-SHARED", SpendDay, 800.00m);
        var run = await ScenarioRun.TransformAsync(fixture, engine, scenario);

        var plan = await PlanAsync(run);
        var sku = plan.Lines.ToDictionary(l => l.SkuId);
        var campaign = plan.Campaigns.ToDictionary(c => c.CampaignId);

        Assert.Equal((400.00m, 400.00m), (sku["HERO"].CurrentSpend, sku["WINNER"].CurrentSpend));
        Assert.Equal((120.00m, 120.00m), (sku["HERO"].ChangeAmount, sku["WINNER"].ChangeAmount));
        Assert.Equal((800.00m, 240.00m, 1040.00m), (campaign["C-SHARED"].CurrentSpend, campaign["C-SHARED"].ChangeAmount, campaign["C-SHARED"].PlannedSpend));
        Assert.Equal(-250.00m, campaign["C-LOSER"].ChangeAmount);
        Assert.Equal(10.00m, Assert.Single(plan.Shops).Unplaced);
    }

    [Theory]
    [ClassData(typeof(Engines))]
    public async Task The_workbooks_budget_plan_sheet_computes_planned_spend_and_expected_contribution_with_live_formulas(Engine engine)
    {
        const string title = "=HYPERLINK(\"http://x\",\"Lamp\")";
        var run = await ScenarioRun.TransformAsync(fixture, engine, FourSkuShop(heroTitle: title));
        var path = Path.Combine(Path.GetTempPath(), "warehouse-tests", $"plan-{Guid.NewGuid():N}.xlsx");
        await using (var connection = await run.Database.OpenAsync())
        {
            await ReportPeriod.WriteAsync(connection, new ReportRequest(new DateOnly(2026, 11, 21), new DateOnly(2026, 11, 27), Scenario.ShopId, null), path);
        }

        using var workbook = new XLWorkbook(path);
        workbook.RecalculateAllFormulas();  // ClosedXML's own engine computes what Excel will
        var sheet = workbook.Worksheet("Budget plan");
        var header = sheet.Column(2).CellsUsed().First(c => c.GetString() == "SKU ID").Address.RowNumber;
        int RowOf(string sku) => sheet.Column(2).CellsUsed().First(c => c.GetString() == sku).Address.RowNumber;
        var hero = RowOf("HERO");
        var winner = RowOf("WINNER");

        // the product title is text, never a formula
        Assert.False(sheet.Cell(hero, 3).HasFormula);
        Assert.Equal(title, sheet.Cell(hero, 3).GetString());
        // planned = current + change; expected change = change x ROI x factor (a raise) or -change x (1 - rate) (a cut)
        foreach (var row in new[] { hero, winner, RowOf("LOSER") })
        {
            Assert.Equal($"H{row}+I{row}", sheet.Cell(row, 10).FormulaA1);
            Assert.Equal($"IF(I{row}>0,I{row}*G{row}*Q{row},IF(I{row}<0,-I{row}*(1-P{row}),0))", sheet.Cell(row, 19).FormulaA1);
            Assert.Equal($"R{row}+S{row}", sheet.Cell(row, 20).FormulaA1);
        }

        Assert.Equal(520.00, sheet.Cell(hero, 10).GetDouble(), 6);
        Assert.Equal(184.80, sheet.Cell(hero, 19).GetDouble(), 6);
        Assert.Equal(115.276, sheet.Cell(winner, 19).GetDouble(), 6);
        Assert.Equal(156.00, sheet.Cell(RowOf("LOSER"), 19).GetDouble(), 6);
        // totals over the visible rows, and the shop's budget = planned + unplaced
        Assert.StartsWith("SUBTOTAL(9,J", sheet.Cell(header - 1, 10).FormulaA1, StringComparison.Ordinal);
        Assert.Equal(1160.00, sheet.Cell(header - 1, 10).GetDouble(), 6);
        Assert.Equal(491.076, sheet.Cell(header - 1, 19).GetDouble(), 6);
        var shopRow = sheet.Column(4).CellsUsed().First(c => c.GetString() == "Budget").Address.RowNumber + 1;
        Assert.Equal((1160.00, 1160.00, 0.0), (sheet.Cell(shopRow, 4).GetDouble(), sheet.Cell(shopRow, 6).GetDouble(), sheet.Cell(shopRow, 7).GetDouble()));
    }

    [Theory]
    [ClassData(typeof(Engines))]
    public async Task Losers_kept_testing_keep_the_test_budget_and_free_only_the_rest(Engine engine)
    {
        var run = await ScenarioRun.TransformAsync(fixture, engine, FourSkuShop());
        BudgetPlan plan;
        await using (var connection = await run.Database.OpenAsync())
        {
            // settings outlive the fixture's clean-up: put the default back whatever happens
            try
            {
                await connection.ExecuteAsync("UPDATE etl.setting SET setting_value = '1' WHERE setting_name = 'plan_keep_testing_losers'");
                await BudgetPlanner.ComputeAsync(run.Database, connection, 1, new BudgetPlanRequest());
                plan = await BudgetPlan.ReadAsync(connection, null);
            }
            finally
            {
                await connection.ExecuteAsync("UPDATE etl.setting SET setting_value = '0' WHERE setting_name = 'plan_keep_testing_losers'");
            }
        }

        var sku = plan.Lines.ToDictionary(l => l.SkuId);

        // loser 200.00 -> 25.00, testing 60.00 -> 25.00: pool 175.00 + 35.00 = 210.00; hero +120.00, winner +90.00
        Assert.Equal((25.00m, "loser_test"), (sku["LOSER"].PlannedSpend, sku["LOSER"].PlanRule));
        Assert.Equal((120.00m, 90.00m), (sku["HERO"].ChangeAmount, sku["WINNER"].ChangeAmount));
    }

    [Theory]
    [ClassData(typeof(Engines))]
    public async Task A_budget_below_what_the_skus_keep_cuts_winners_before_heroes(Engine engine)
    {
        var run = await ScenarioRun.TransformAsync(fixture, engine, FourSkuShop());
        var plan = await PlanAsync(run, budget: 500.00m);
        var sku = plan.Lines.ToDictionary(l => l.SkuId);

        // kept: 0 + 400.00 + 500.00 + 25.00 = 925.00 > 500.00: the 425.00 comes off the winner; the hero keeps 400.00
        Assert.Equal((75.00m, -425.00m, "budget_cut"), (sku["WINNER"].PlannedSpend, sku["WINNER"].ChangeAmount, sku["WINNER"].PlanRule));
        Assert.Equal((400.00m, "keep"), (sku["HERO"].PlannedSpend, sku["HERO"].PlanRule));
        var shop = Assert.Single(plan.Shops);
        Assert.Equal((500.00m, 500.00m, 0m), (shop.Budget, shop.PlannedSpend, shop.Unplaced));
    }
}
