using Warehouse.Database;
using Warehouse.Tests.Infrastructure;

namespace Warehouse.Tests.ProfitEngine;

/// <summary>
/// Profit model section 6 over one 28-day review period (2026-11-02 .. 2026-11-29). Every SKU sells
/// at 100.00 with a 6 % referral fee, so one order's contribution before ads is 94.00 - unit cost.
/// </summary>
public sealed class TierTests(WarehouseFixture fixture) : IClassFixture<WarehouseFixture>
{
    private static readonly DateOnly First = new(2026, 11, 2);

    private static Scenario Orders(Scenario scenario, string sku, int earlyOrders, int lateOrders)
    {
        // early orders in the first 14 days, late orders one a day in the last 14 (the stock window)
        for (var i = 0; i < earlyOrders; i++)
        {
            scenario.Order($"{sku}-E{i}", Scenario.Epoch(First.AddDays(i % 14), 10), $"{sku}-buyer-e{i}", 0m, new Scenario.Line(sku, 100m));
        }

        for (var i = 0; i < lateOrders; i++)
        {
            scenario.Order($"{sku}-L{i}", Scenario.Epoch(First.AddDays(27 - (i % 14)), 10), $"{sku}-buyer-l{i}", 0m, new Scenario.Line(sku, 100m));
        }

        return scenario;
    }

    private static Scenario WithSpend(Scenario scenario, string sku, decimal spend) =>
        scenario.Ad("C-" + sku, "AD-" + sku).MapAdToSku("C-" + sku, "AD-" + sku, sku).Spend("AD-" + sku, First.AddDays(20), spend);

    [Theory]
    [ClassData(typeof(Engines))]
    public async Task Each_tier_rule_fires_at_its_boundary_with_the_reason_in_words(Engine engine)
    {
        var scenario = new Scenario()
            .Sku("P1", "ORGANIC", unitCost: 50m)
            .Sku("P2", "TESTING", unitCost: 50m)
            .Sku("P3", "OVER_BUDGET", unitCost: 50m, inventory: 500)
            .Sku("P4", "HERO", unitCost: 30m, inventory: 5)
            .Sku("P5", "NINETEEN", unitCost: 30m, inventory: 1000)
            .Sku("P6", "MARGINAL", unitCost: 30m)
            .Sku("P7", "WINNER", unitCost: 30m);
        Orders(scenario, "ORGANIC", 0, 1);
        WithSpend(Orders(scenario, "TESTING", 0, 1), "TESTING", 100.00m);
        WithSpend(Orders(scenario, "OVER_BUDGET", 0, 1), "OVER_BUDGET", 100.01m);
        WithSpend(Orders(scenario, "HERO", 6, 14), "HERO", 600.00m);
        WithSpend(Orders(scenario, "NINETEEN", 5, 14), "NINETEEN", 600.00m);
        WithSpend(Orders(scenario, "MARGINAL", 6, 14), "MARGINAL", 1250.00m);
        WithSpend(Orders(scenario, "WINNER", 6, 14), "WINNER", 1000.00m);

        var run = await ScenarioRun.TransformAsync(fixture, engine, scenario);
        var period = await run.LatestPeriodAsync();

        Assert.Equal(("organic", "organic: no ad spend in the period"), (period["ORGANIC"].Tier, period["ORGANIC"].Reason));
        // 1 order and exactly the 100.00 test budget
        Assert.Equal("testing", period["TESTING"].Tier);
        Assert.Equal("testing: 1 orders < 20 and ad spend 100.00 <= test budget 100.00", period["TESTING"].Reason);
        // one cent over the budget: judged, and 94.00 - 50.00 - 100.01 = -56.01 loses money
        Assert.Equal("loser", period["OVER_BUDGET"].Tier);
        Assert.Equal("loser: contribution after ads -56.01 < 0 (contribution before ads 44.00, ad spend 100.01)", period["OVER_BUDGET"].Reason);
        Assert.Equal("Cut or pause ads; check organic-only viability", period["OVER_BUDGET"].Action);
        // 20 orders x 64.00 = 1280.00 - 600.00 = 680.00; margin 1280/2000 = 64 %; ROI 680/600 = 1.13
        Assert.Equal("hero", period["HERO"].Tier);
        Assert.Equal("hero: contribution after ads 680.00 > 0, margin 64.0% >= 25.0%, ROI 1.13 >= 1.00, 20 orders >= 20", period["HERO"].Reason);
        // the same economics with 19 orders is not a hero: 1216.00 - 600.00 = 616.00 > 5 % of 1900.00
        Assert.Equal("winner", period["NINETEEN"].Tier);
        // 1280.00 - 1250.00 = 30.00, within 5 % of 2000.00 = 100.00
        Assert.Equal("marginal", period["MARGINAL"].Tier);
        // 1280.00 - 1000.00 = 280.00 > 100.00, ROI 0.28 < 1
        Assert.Equal("winner", period["WINNER"].Tier);
    }

    [Theory]
    [ClassData(typeof(Engines))]
    public async Task A_hero_short_of_stock_gets_a_restock_line_and_a_loser_with_a_years_stock_an_overstock_warning(Engine engine)
    {
        var scenario = new Scenario()
            .Sku("P4", "HERO", unitCost: 30m, inventory: 5)
            .Sku("P3", "OVER_BUDGET", unitCost: 50m, inventory: 500);
        WithSpend(Orders(scenario, "HERO", 6, 14), "HERO", 600.00m);
        WithSpend(Orders(scenario, "OVER_BUDGET", 0, 1), "OVER_BUDGET", 100.01m);

        var run = await ScenarioRun.TransformAsync(fixture, engine, scenario);
        var period = await run.LatestPeriodAsync();

        // 14 units in the last 14 days = 1 a day; 5 on hand = 5 days of cover < 14 lead + 7 safety;
        // restock to cover lead time + safety + one review period: 1 x (14 + 7 + 28) - 5 = 44
        Assert.Equal(5.0m, period["HERO"].DaysOfCover);
        Assert.Equal(44, period["HERO"].RestockUnits);
        Assert.False(period["HERO"].IsOverstock);
        // 1 unit in 14 days: 500 on hand is 7000 days of cover > 90
        Assert.True(period["OVER_BUDGET"].IsOverstock);
        Assert.Equal(0, period["OVER_BUDGET"].RestockUnits);
    }

    [Theory]
    [ClassData(typeof(Engines))]
    public async Task The_restock_quantity_is_exact_when_the_daily_rate_is_not_a_whole_number(Engine engine)
    {
        var scenario = new Scenario().Sku("P8", "WINNER", unitCost: 30m, inventory: 1);
        // 19 orders (15 early, 4 in the last 14 days), 600.00 spend: 19 x 64.00 - 600.00 = 616.00 > 0, not a hero (19 < 20)
        WithSpend(Orders(scenario, "WINNER", 15, 4), "WINNER", 600.00m);

        var run = await ScenarioRun.TransformAsync(fixture, engine, scenario);
        var winner = (await run.LatestPeriodAsync())["WINNER"];

        // 4 units in 14 days; 1 on hand = 1 x 14 / 4 = 3.5 days of cover < 21;
        // restock 4 x (14 + 7 + 28) / 14 = 14 units of need, minus the 1 on hand = 13
        Assert.Equal("winner", winner.Tier);
        Assert.Equal(3.5m, winner.DaysOfCover);
        Assert.Equal(13, winner.RestockUnits);
    }
}
