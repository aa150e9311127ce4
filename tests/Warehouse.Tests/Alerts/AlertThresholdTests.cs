using Dapper;
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
    /// Seven heroes, three orders a day (the rule's minimum on D, alert_hero_min_orders) from D-28 to D and ads every day on their own campaign.
    /// Margin: unit cost 56.20, orders of 140.50 before D: (140.50 - 8.43 - 56.20) / 140.50 = 54.0 %, 10.00 of ads a day.
    /// On D at 100.00 an order: (100.00 - 6.00 - 56.20) / 100.00 = 37.8 % = 54.0 % x 0.70, exactly 30 % down (no alert);
    /// at 99.99 a step more (alert), at 100.01 a step less (none). Their ROAS falls 42.15 -> ~30.00, under 30 %.
    /// MARGIN_FEW falls as MARGIN_OUT but sells two orders on D: too few to judge, no alert.
    /// ROAS: no unit cost, orders of 200.00 on 60.00 of ads a day: ROAS 10.00; on D 3 x 140.00 on 60.00 is 7.00, exactly 30 % down
    /// (no alert); 139.99 alerts, 140.01 does not. Their margin stays 94 %.
    /// </summary>
    [Theory]
    [ClassData(typeof(Engines))]
    public async Task A_hero_whose_margin_or_blended_roas_of_the_day_falls_more_than_30_percent_below_its_28_day_baseline_alerts(Engine engine)
    {
        var scenario = new Scenario();
        var heroes = new (string Product, string Sku, decimal UnitCost, decimal Price, decimal PriceOnD, int OrdersOnD, decimal Spend)[]
        {
            ("P1", "MARGIN_OUT", 56.20m, 140.50m, 99.99m, 3, 10.00m),
            ("P2", "MARGIN_AT", 56.20m, 140.50m, 100.00m, 3, 10.00m),
            ("P3", "MARGIN_IN", 56.20m, 140.50m, 100.01m, 3, 10.00m),
            ("P7", "MARGIN_FEW", 56.20m, 140.50m, 99.99m, 2, 10.00m),
            ("P4", "ROAS_OUT", 0m, 200.00m, 139.99m, 3, 60.00m),
            ("P5", "ROAS_AT", 0m, 200.00m, 140.00m, 3, 60.00m),
            ("P6", "ROAS_IN", 0m, 200.00m, 140.01m, 3, 60.00m),
        };
        foreach (var hero in heroes)
        {
            scenario.Sku(hero.Product, hero.Sku, unitCost: hero.UnitCost, inventory: 1000);
            scenario.Ad("C-" + hero.Sku, "AD-" + hero.Sku).MapAdToSku("C-" + hero.Sku, "AD-" + hero.Sku, hero.Sku);
            for (var back = 0; back <= 28; back++)
            {
                var day = AlertRuleTests.D.AddDays(-back);
                for (var order = 0; order < (back == 0 ? hero.OrdersOnD : 3); order++)
                {
                    scenario.Order($"{hero.Sku}-{back}-{order}", Scenario.Epoch(day, 10 + order), $"{hero.Sku}-b{back}-{order}", 0m,
                        new Scenario.Line(hero.Sku, back == 0 ? hero.PriceOnD : hero.Price));
                }

                scenario.Spend("AD-" + hero.Sku, day, hero.Spend);
            }
        }

        var run = await ScenarioRun.TransformAsync(fixture, engine, scenario);
        Assert.All(await run.LatestPeriodAsync(), period => Assert.Equal("hero", period.Value.Tier));

        var margin = Assert.Single(await AlertsAsync(run.Database, "hero_margin_drop"));
        Assert.Equal("MARGIN_OUT", margin.SkuId);
        Assert.Equal("warning", margin.Severity);
        // 3 x 37.79 / 3 x 99.99 against 3 x 2124.36 / 3 x 3934.00; at 54 % the day would have kept 161.98
        Assert.Equal((0.3779m, 0.5400m, 0.30m, 48.61m), (margin.MeasuredValue, margin.BaselineValue, margin.ThresholdValue, margin.MoneyAmount));
        Assert.Equal("Product P1 (hero) kept 113.37 of 299.97 on 2026-11-29, a 37.8% margin against 54.0% over the last 28 days; check its price, discounts, refunds and costs", margin.Message);

        var roas = Assert.Single(await AlertsAsync(run.Database, "hero_roas_drop"));
        Assert.Equal("ROAS_OUT", roas.SkuId);
        // 419.97 / 60.00 against 16800.00 / 1680.00; ROAS 10 needed 42.00 of the 60.00
        Assert.Equal((6.9995m, 10.0000m, 0.30m, 18.00m), (roas.MeasuredValue, roas.BaselineValue, roas.ThresholdValue, roas.MoneyAmount));
        Assert.Equal("Product P4 (hero) sold 419.97 on 60.00 of ads on 2026-11-29, blended ROAS 7.00 against 10.00 over the last 28 days; check its campaigns, bids and creatives", roas.Message);
    }

    /// <summary>
    /// Review periods end on Sundays: the previous one 2026-11-22 (D-7), the latest D. Every SKU sold one order a day on D-25..D-7
    /// (19 orders, 19 x 188.00 before ads) with 150.00 of ads on D-10: winner in the previous period.
    /// HERO_AT sells once more on D (20 orders, the hero minimum): hero, alert; HERO_OUT twice (21): alert; HERO_IN not (19): winner.
    /// LOSER_* sold one order (188.00) with 150.00 of ads on D-10 (winner, 38.00) and spend on D: 38.01 makes -0.01 after ads
    /// (loser, alert), 38.00 makes 0.00 (marginal, none), 37.99 makes 0.01 (marginal, none).
    /// </summary>
    [Theory]
    [ClassData(typeof(Engines))]
    public async Task A_tier_change_to_hero_at_20_orders_and_to_loser_at_a_cent_below_zero_alerts_and_a_step_short_does_not(Engine engine)
    {
        var scenario = new Scenario();
        var heroes = new[] { ("P1", "HERO_IN", 0), ("P2", "HERO_AT", 1), ("P3", "HERO_OUT", 2) };
        foreach (var (product, sku, onD) in heroes)
        {
            scenario.Sku(product, sku, unitCost: 0m, inventory: 1000);
            for (var back = 7; back <= 25; back++)
            {
                Order(scenario, $"{sku}-{back}", sku, D.AddDays(-back));
            }

            for (var i = 0; i < onD; i++)
            {
                Order(scenario, $"{sku}-D{i}", sku, D);
            }

            SpendOn(scenario, sku, D.AddDays(-10), 150.00m);
        }

        var losers = new[] { ("P4", "LOSER_OUT", 38.01m), ("P5", "LOSER_AT", 38.00m), ("P6", "LOSER_IN", 37.99m) };
        foreach (var (product, sku, spendOnD) in losers)
        {
            scenario.Sku(product, sku, unitCost: 0m, inventory: 1000);
            Order(scenario, sku + "-1", sku, D.AddDays(-10));
            SpendOn(scenario, sku, D.AddDays(-10), 150.00m);
            scenario.Spend("AD-" + sku, D, spendOnD);
        }

        var run = await ScenarioRun.TransformAsync(fixture, engine, scenario);
        var tiers = await run.LatestPeriodAsync();
        Assert.Equal(("winner", "hero", "hero"), (tiers["HERO_IN"].Tier, tiers["HERO_AT"].Tier, tiers["HERO_OUT"].Tier));
        Assert.Equal(("loser", "marginal", "marginal"), (tiers["LOSER_OUT"].Tier, tiers["LOSER_AT"].Tier, tiers["LOSER_IN"].Tier));

        var toHero = (await AlertsAsync(run.Database, "tier_to_hero")).ToDictionary(a => a.SkuId!);
        Assert.Equal(["HERO_AT", "HERO_OUT"], toHero.Keys.Order(StringComparer.Ordinal));
        // 20 x 188.00 - 150.00 after ads; the previous period's 19 x 188.00 - 150.00
        Assert.Equal(("info", 3610.00m, 3422.00m, (decimal?)null, 3610.00m),
            (toHero["HERO_AT"].Severity, toHero["HERO_AT"].MeasuredValue, toHero["HERO_AT"].BaselineValue, toHero["HERO_AT"].ThresholdValue, toHero["HERO_AT"].MoneyAmount));
        Assert.StartsWith("Product P2 turned hero (was winner): hero: ", toHero["HERO_AT"].Message);

        var toLoser = Assert.Single(await AlertsAsync(run.Database, "tier_to_loser"));
        Assert.Equal("LOSER_OUT", toLoser.SkuId);
        Assert.Equal(("high", -0.01m, 38.00m, 0.01m), (toLoser.Severity, toLoser.MeasuredValue, toLoser.BaselineValue, toLoser.MoneyAmount));
        Assert.StartsWith("Product P4 turned loser (was winner): loser: contribution after ads -0.01", toLoser.Message);
    }

    /// <summary>
    /// Ads over D-2..D (3 days) on SKUs that sold nothing in those days: 20.01 alerts (sku and campaign), 20.00 (the floor) and
    /// 19.99 do not. SOLD got 30.00 and one order on D clicked from its ad: attributed, no alert. 100.00 on D-3 is outside the days.
    /// </summary>
    [Theory]
    [ClassData(typeof(Engines))]
    public async Task Spend_above_20_over_3_days_with_no_attributed_order_alerts_for_the_sku_and_its_campaign_and_spend_at_the_floor_does_not(Engine engine)
    {
        var scenario = new Scenario().Sku("P1", "NS_OUT", unitCost: 0m).Sku("P2", "NS_AT", unitCost: 0m).Sku("P3", "NS_IN", unitCost: 0m)
            .Sku("P4", "SOLD", unitCost: 0m).Sku("P5", "OLD", unitCost: 0m);
        SpendOn(scenario, "NS_OUT", D.AddDays(-2), 10.00m).Spend("AD-NS_OUT", D, 10.01m);
        SpendOn(scenario, "NS_AT", D.AddDays(-1), 20.00m);
        SpendOn(scenario, "NS_IN", D, 19.99m);
        SpendOn(scenario, "OLD", D.AddDays(-3), 100.00m);
        SpendOn(scenario, "SOLD", D, 30.00m);
        Order(scenario, "S1", "SOLD", D).Touch("buyer-S1", "AD-SOLD", "click", Scenario.Epoch(D, 9));

        var run = await ScenarioRun.TransformAsync(fixture, engine, scenario);

        var sku = Assert.Single(await AlertsAsync(run.Database, "sku_spend_no_sales"));
        Assert.Equal("NS_OUT", sku.SkuId);
        Assert.Equal(("warning", 0m, 20.01m, 20.00m, 20.01m), (sku.Severity, sku.MeasuredValue, sku.BaselineValue, sku.ThresholdValue, sku.MoneyAmount));
        Assert.Equal("Product P1 got 20.01 of ads in the last 3 days and no attributed order; check its ad-to-product mapping and tracking", sku.Message);

        var campaign = Assert.Single(await AlertsAsync(run.Database, "campaign_spend_no_sales"));
        Assert.Equal("C-NS_OUT", campaign.CampaignId);
        Assert.Equal((0m, 20.01m, 20.00m, 20.01m), (campaign.MeasuredValue, campaign.BaselineValue, campaign.ThresholdValue, campaign.MoneyAmount));
        Assert.Equal("Campaign C-NS_OUT spent 20.01 in the last 3 days with no attributed order; check its ad-to-product mapping and tracking", campaign.Message);
    }

    /// <summary>
    /// Settled orders (200.00, 12.00 commission: 188.00 computed) whose TikTok settlement differs by 0.04, 0.05 (the tolerance)
    /// and 0.06: only 0.06 is flagged. An order paid on D-28 differing by 1.00 is outside the 28 days (D-27..D).
    /// </summary>
    [Theory]
    [ClassData(typeof(Engines))]
    public async Task A_settlement_a_cent_beyond_the_005_tolerance_alerts_and_one_at_or_inside_it_does_not(Engine engine)
    {
        var scenario = new Scenario().Sku("P1", "SKU1", unitCost: 0m);
        var orders = new[] { ("O1", 0, 0.04m), ("O2", 1, 0.05m), ("O3", 2, 0.06m), ("O4", 28, 1.00m) };
        foreach (var (id, back, difference) in orders)
        {
            Order(scenario, id, "SKU1", D.AddDays(-back));
            scenario.OrderSettlement(id, Scenario.Epoch(D, 20), revenue: 200.00m, commission: -12.00m, sellerShipping: 0m, difference: difference);
        }

        var run = await ScenarioRun.TransformAsync(fixture, engine, scenario);

        var alert = Assert.Single(await AlertsAsync(run.Database, "settlement_difference"));
        Assert.Equal(("warning", 0.06m, 1m, 0.05m, 0.06m), (alert.Severity, alert.MeasuredValue, alert.BaselineValue, alert.ThresholdValue, alert.MoneyAmount));
        Assert.Equal("Scenario shop: 1 settled orders of the last 28 days differ from TikTok's settlement by more than 0.05, 0.06 in all; see rpt.sku_settlement", alert.Message);
    }

    /// <summary>
    /// Three shops' worth of money checks, one run each (step -1, 0 = at the threshold, +1), the reporting currency EUR so the
    /// USD shop needs a rate. Unallocated: 5.00 unmapped beside 95.01 / 95.00 / 94.99 mapped over D-6..D (4.9995 %, 5 %,
    /// 5.0005 % of all spend; 1000.00 unmapped on D-7 is outside). Orders end 1 / 2 / 3 days before D (2 allowed), settlements
    /// 20 / 21 / 22 (21 allowed), ad spend on D. The USD rate is dated D-1 / D / D+1 (none on or before D in the last).
    /// Only the step past each threshold alerts.
    /// </summary>
    [Theory]
    [ClassData(typeof(Engines))]
    public async Task Unallocated_share_stale_sources_and_a_missing_fx_rate_alert_one_step_past_their_thresholds_and_not_at_them(Engine engine)
    {
        foreach (var step in new[] { -1, 0, 1 })
        {
            var scenario = new Scenario().Sku("P1", "SKU1", unitCost: 0m);
            Order(scenario, "O1", "SKU1", D.AddDays(-2 - step));
            Order(scenario, "O2", "SKU1", D.AddDays(-21 - step));
            scenario.OrderSettlement("O2", Scenario.Epoch(D, 20), revenue: 200.00m, commission: -12.00m, sellerShipping: 0m);
            SpendOn(scenario, "SKU1", D, 95.00m - step * 0.01m);
            scenario.Ad("C-UNMAPPED", "AD-UNMAPPED").Spend("AD-UNMAPPED", D.AddDays(-3), 5.00m).Spend("AD-UNMAPPED", D.AddDays(-7), 1000.00m);
            scenario.Add("fx_rate", new() { ["currency"] = "USD", ["rate_date"] = D.AddDays(step).ToString("yyyy-MM-dd"), ["rate_to_reporting"] = "0.95" });

            var database = await fixture.CleanDatabaseAsync(engine);
            await using (var connection = await database.OpenAsync())
            {
                await connection.ExecuteAsync("UPDATE etl.setting SET setting_value = 'EUR' WHERE setting_name = 'reporting_currency'");
            }

            await Pipeline.LoadAsync(database, scenario.Write());
            await Pipeline.TransformAsync(database);

            var unallocated = await AlertsAsync(database, "unallocated_spend");
            var stale = (await AlertsAsync(database, "stale_source")).Select(a => a.Message).ToList();
            var fx = await AlertsAsync(database, "missing_fx");
            if (step <= 0)
            {
                Assert.Empty(unallocated);
                Assert.Empty(stale);
                Assert.Empty(fx);
                continue;
            }

            var share = Assert.Single(unallocated);
            // 5.00 / 99.99
            Assert.Equal(("warning", 0.0500m, 99.99m, 0.05m, 5.00m), (share.Severity, share.MeasuredValue, share.BaselineValue, share.ThresholdValue, share.MoneyAmount));
            Assert.Equal("Scenario shop: 5.00 of 99.99 ad spend in the last 7 days (5.0%) maps to no SKU; add the campaigns to the ad-to-product map", share.Message);
            Assert.Equal(
                [
                    "Scenario shop: orders end on 2026-11-26, 3 days before 2026-11-29; check the extract or the export of that source",
                    "Scenario shop: settlements end on 2026-11-07, 22 days before 2026-11-29; check the extract or the export of that source",
                ],
                stale.Order(StringComparer.Ordinal));
            Assert.Equal("Scenario shop: no USD to EUR rate on or before 2026-11-29; cross-shop totals leave this shop out until fx_rate has one", Assert.Single(fx).Message);
        }
    }
}
