using Warehouse.Database;
using Warehouse.Tests.Infrastructure;
using Warehouse.Tests.ProfitEngine;
using static Warehouse.Tests.Alerts.AlertRuleTests;

namespace Warehouse.Tests.Alerts;

/// <summary>
/// Profit model section 8, the rules not covered by <see cref="AlertRuleTests"/>, each at its threshold and one
/// step either side, with hand-worked numbers. D is 2026-11-29; every order pays a 6 % referral fee.
/// </summary>
public sealed class AlertThresholdTests(WarehouseFixture fixture) : IClassFixture<WarehouseFixture>
{
    /// <summary>
    /// Six heroes, one order a day from D-28 to D and ads every day on their own campaign.
    /// Margin: unit cost 56.20, 140.50 a day before D: (140.50 - 8.43 - 56.20) / 140.50 = 54.0 %, 10.00 of ads a day.
    /// On D at 100.00: (100.00 - 6.00 - 56.20) / 100.00 = 37.8 % = 54.0 % x 0.70, exactly 30 % down (no alert);
    /// at 99.99 a step more (alert), at 100.01 a step less (none). Their ROAS falls 14.05 -> ~10.00, under 30 %.
    /// ROAS: no unit cost, 200.00 a day on 20.00 of ads: ROAS 10.00; on D 140.00 on 20.00 is 7.00, exactly 30 % down
    /// (no alert); 139.99 alerts, 140.01 does not. Their margin stays 94 %.
    /// </summary>
    [Theory]
    [ClassData(typeof(Engines))]
    public async Task A_hero_whose_margin_or_blended_roas_of_the_day_falls_more_than_30_percent_below_its_28_day_baseline_alerts(Engine engine)
    {
        var scenario = new Scenario();
        var heroes = new (string Product, string Sku, decimal UnitCost, decimal Price, decimal PriceOnD, decimal Spend)[]
        {
            ("P1", "MARGIN_OUT", 56.20m, 140.50m, 99.99m, 10.00m),
            ("P2", "MARGIN_AT", 56.20m, 140.50m, 100.00m, 10.00m),
            ("P3", "MARGIN_IN", 56.20m, 140.50m, 100.01m, 10.00m),
            ("P4", "ROAS_OUT", 0m, 200.00m, 139.99m, 20.00m),
            ("P5", "ROAS_AT", 0m, 200.00m, 140.00m, 20.00m),
            ("P6", "ROAS_IN", 0m, 200.00m, 140.01m, 20.00m),
        };
        foreach (var hero in heroes)
        {
            scenario.Sku(hero.Product, hero.Sku, unitCost: hero.UnitCost, inventory: 1000);
            scenario.Ad("C-" + hero.Sku, "AD-" + hero.Sku).MapAdToSku("C-" + hero.Sku, "AD-" + hero.Sku, hero.Sku);
            for (var back = 0; back <= 28; back++)
            {
                var day = AlertRuleTests.D.AddDays(-back);
                scenario.Order($"{hero.Sku}-{back}", Scenario.Epoch(day, 10), $"{hero.Sku}-b{back}", 0m,
                    new Scenario.Line(hero.Sku, back == 0 ? hero.PriceOnD : hero.Price));
                scenario.Spend("AD-" + hero.Sku, day, hero.Spend);
            }
        }

        var run = await ScenarioRun.TransformAsync(fixture, engine, scenario);
        Assert.All(await run.LatestPeriodAsync(), period => Assert.Equal("hero", period.Value.Tier));

        var margin = Assert.Single(await AlertsAsync(run.Database, "hero_margin_drop"));
        Assert.Equal("MARGIN_OUT", margin.SkuId);
        Assert.Equal("warning", margin.Severity);
        // 37.79 / 99.99 against 2124.36 / 3934.00; at 54 % the day would have kept 53.99
        Assert.Equal((0.3779m, 0.5400m, 0.30m, 16.20m), (margin.MeasuredValue, margin.BaselineValue, margin.ThresholdValue, margin.MoneyAmount));
        Assert.Equal("Product P1 (hero) kept 37.79 of 99.99 on 2026-11-29, a 37.8% margin against 54.0% over the last 28 days; check its price, discounts, refunds and costs", margin.Message);

        var roas = Assert.Single(await AlertsAsync(run.Database, "hero_roas_drop"));
        Assert.Equal("ROAS_OUT", roas.SkuId);
        // 139.99 / 20.00 against 5600.00 / 560.00; ROAS 10 needed 14.00 of the 20.00
        Assert.Equal((6.9995m, 10.0000m, 0.30m, 6.00m), (roas.MeasuredValue, roas.BaselineValue, roas.ThresholdValue, roas.MoneyAmount));
        Assert.Equal("Product P4 (hero) sold 139.99 on 20.00 of ads on 2026-11-29, blended ROAS 7.00 against 10.00 over the last 28 days; check its campaigns, bids and creatives", roas.Message);
    }
}
