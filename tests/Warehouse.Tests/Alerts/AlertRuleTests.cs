using Dapper;
using Warehouse.Database;
using Warehouse.Tests.Infrastructure;
using Warehouse.Tests.ProfitEngine;
using Warehouse.Transform;

namespace Warehouse.Tests.Alerts;

/// <summary>
/// Profit model section 8 on every engine: each rule at its threshold and one step either side, and one
/// episode per rule and subject across re-runs, restatements and recovery. The latest day D is 2026-11-29
/// (a Sunday); every order sells at 200.00 with a 6 % referral fee and no unit cost: 188.00 before ads.
/// </summary>
public sealed class AlertRuleTests(WarehouseFixture fixture) : IClassFixture<WarehouseFixture>
{
    internal static readonly DateOnly D = new(2026, 11, 29);

    public sealed record Alert
    {
        public long AlertId { get; init; }
        public string RuleCode { get; init; } = "";
        public string? SkuId { get; init; }
        public string? CampaignId { get; init; }
        public string Severity { get; init; } = "";
        public decimal? MeasuredValue { get; init; }
        public decimal? BaselineValue { get; init; }
        public decimal? ThresholdValue { get; init; }
        public decimal? MoneyAmount { get; init; }
        public string Message { get; init; } = "";
        public object OpenedOnValue { get; init; } = DateOnly.MinValue;
        public object LastSeenOnValue { get; init; } = DateOnly.MinValue;
        public object? ResolvedOnValue { get; init; }
        public DateOnly? OpenedOn => Warehouse.Alerts.AlertLine.Day(OpenedOnValue);
        public DateOnly? ResolvedOn => Warehouse.Alerts.AlertLine.Day(ResolvedOnValue);
    }

    internal static async Task<List<Alert>> AlertsAsync(WarehouseDatabase database, string rule)
    {
        await using var connection = await database.OpenAsync();
        return (await connection.QueryAsync<Alert>(
            """
            SELECT alert_id AS AlertId, rule_code AS RuleCode, sku_id AS SkuId, campaign_id AS CampaignId, severity AS Severity,
                   measured_value AS MeasuredValue, baseline_value AS BaselineValue, threshold_value AS ThresholdValue, money_amount AS MoneyAmount,
                   alert_message AS Message, opened_on AS OpenedOnValue, last_seen_on AS LastSeenOnValue, resolved_on AS ResolvedOnValue
            FROM rpt.alert WHERE rule_code = @rule ORDER BY alert_id
            """, new { rule })).ToList();
    }

    internal static Scenario Order(Scenario scenario, string id, string sku, DateOnly day) =>
        scenario.Order(id, Scenario.Epoch(day, 10), "buyer-" + id, 0m, new Scenario.Line(sku, 200m));

    internal static Scenario SpendOn(Scenario scenario, string sku, DateOnly day, decimal spend)
    {
        scenario.Ad("C-" + sku, "AD-" + sku).MapAdToSku("C-" + sku, "AD-" + sku, sku);
        return scenario.Spend("AD-" + sku, day, spend);
    }

    /// <summary>
    /// One order on D (188.00 before ads) and ads on D: 188.01 loses 0.01, 188.00 loses nothing, 187.99 makes 0.01.
    /// LOSS also sold on D-7, outside the 7-day window. TESTING: 1 order, exactly the 100.00 test budget, 47.00 - 100.00 < 0.
    /// </summary>
    internal static Scenario LossScenario(decimal lossSpend = 188.01m)
    {
        var scenario = new Scenario()
            .Sku("P1", "LOSS", unitCost: 0m).Sku("P2", "EVEN", unitCost: 0m).Sku("P3", "GAIN", unitCost: 0m).Sku("P4", "TESTING", unitCost: 0m);
        Order(scenario, "L1", "LOSS", D);
        Order(scenario, "L0", "LOSS", D.AddDays(-7));
        Order(scenario, "E1", "EVEN", D);
        Order(scenario, "G1", "GAIN", D);
        scenario.Order("T1", Scenario.Epoch(D, 10), "buyer-T1", 0m, new Scenario.Line("TESTING", 50m));
        SpendOn(scenario, "LOSS", D, lossSpend);
        SpendOn(scenario, "EVEN", D, 188.00m);
        SpendOn(scenario, "GAIN", D, 187.99m);
        return SpendOn(scenario, "TESTING", D, 100.00m);
    }

    [Theory]
    [ClassData(typeof(Engines))]
    public async Task A_sku_losing_a_cent_after_ads_over_7_days_alerts_with_the_money_lost_and_one_breaking_even_does_not(Engine engine)
    {
        var run = await ScenarioRun.TransformAsync(fixture, engine, LossScenario());

        var alert = Assert.Single(await AlertsAsync(run.Database, "sku_loss"));
        Assert.Equal("LOSS", alert.SkuId);
        Assert.Equal("high", alert.Severity);
        // 188.00 - 188.01 over D-6..D; the sale on D-7 is outside the window
        Assert.Equal(-0.01m, alert.MeasuredValue);
        Assert.Equal(188.00m, alert.BaselineValue);
        Assert.Equal(0m, alert.ThresholdValue);
        Assert.Equal(0.01m, alert.MoneyAmount);
        Assert.Equal("Product P1 lost 0.01 after 188.01 of ads in the last 7 days; pause or cut its campaigns", alert.Message);
        Assert.Equal(D, alert.OpenedOn);
        Assert.Null(alert.ResolvedOn);
    }

    [Theory]
    [ClassData(typeof(Engines))]
    public async Task Re_running_the_transform_opens_nothing_new_a_restated_day_updates_the_episode_and_recovery_resolves_it(Engine engine)
    {
        var run = await ScenarioRun.TransformAsync(fixture, engine, LossScenario());
        var first = Assert.Single(await AlertsAsync(run.Database, "sku_loss"));

        await Pipeline.TransformAsync(run.Database);
        var again = Assert.Single(await AlertsAsync(run.Database, "sku_loss"));
        Assert.Equal(first, again);

        // D's spend restated to 200.00 and only D recomputed: the same episode, now 12.00 lost
        await Pipeline.LoadAsync(run.Database, LossScenario(200.00m).Write());
        await Pipeline.TransformAsync(run.Database, new TransformOptions(D, D));
        var restated = Assert.Single(await AlertsAsync(run.Database, "sku_loss"));
        Assert.Equal(first.AlertId, restated.AlertId);
        Assert.Equal(12.00m, restated.MoneyAmount);
        Assert.Equal("Product P1 lost 12.00 after 200.00 of ads in the last 7 days; pause or cut its campaigns", restated.Message);
        Assert.Null(restated.ResolvedOn);

        // restated to 150.00: 38.00 made, the episode is resolved on D, and a re-run changes nothing
        await Pipeline.LoadAsync(run.Database, LossScenario(150.00m).Write());
        await Pipeline.TransformAsync(run.Database, new TransformOptions(D, D));
        await Pipeline.TransformAsync(run.Database);
        var resolved = Assert.Single(await AlertsAsync(run.Database, "sku_loss"));
        Assert.Equal(first.AlertId, resolved.AlertId);
        Assert.Equal(D, resolved.ResolvedOn);
    }

    /// <summary>
    /// Five campaigns with the same 28 trailing days, 90.00 and 110.00 on alternate days (mean 100.00, standard
    /// deviation 10.00), then on D: 124.99 (z 2.499), 125.00 (z 2.5), 125.01, 75.00 (z -2.5) and 75.01 (z -2.499).
    /// ZERO spent 50.00 on each of the 7 days before D and nothing on D; GAP the same but skipped D-3.
    /// </summary>
    [Theory]
    [ClassData(typeof(Engines))]
    public async Task Campaign_spend_at_z_2_5_either_way_alerts_a_step_inside_does_not_and_a_daily_campaign_going_to_zero_alerts(Engine engine)
    {
        var scenario = new Scenario().Sku("P1", "SKU1", unitCost: 0m);
        Order(scenario, "O1", "SKU1", D);
        var today = new Dictionary<string, decimal> { ["UP_IN"] = 124.99m, ["UP_AT"] = 125.00m, ["UP_OUT"] = 125.01m, ["DOWN_AT"] = 75.00m, ["DOWN_IN"] = 75.01m };
        foreach (var (campaign, spend) in today)
        {
            scenario.Ad(campaign, "AD-" + campaign).MapAdToSku(campaign, "AD-" + campaign, "SKU1");
            for (var back = 1; back <= 28; back++)
            {
                scenario.Spend("AD-" + campaign, D.AddDays(-back), back % 2 == 0 ? 90.00m : 110.00m);
            }

            scenario.Spend("AD-" + campaign, D, spend);
        }

        foreach (var campaign in new[] { "ZERO", "GAP" })
        {
            scenario.Ad(campaign, "AD-" + campaign).MapAdToSku(campaign, "AD-" + campaign, "SKU1");
            for (var back = 1; back <= 7; back++)
            {
                if (campaign == "ZERO" || back != 3)
                {
                    scenario.Spend("AD-" + campaign, D.AddDays(-back), 50.00m);
                }
            }
        }

        var run = await ScenarioRun.TransformAsync(fixture, engine, scenario);

        var spikes = (await AlertsAsync(run.Database, "campaign_spend_spike")).ToDictionary(a => a.CampaignId!);
        Assert.Equal(["DOWN_AT", "UP_AT", "UP_OUT"], spikes.Keys.Order(StringComparer.Ordinal));
        Assert.Equal((2.50m, 100.00m, 2.5m, 25.00m), (spikes["UP_AT"].MeasuredValue, spikes["UP_AT"].BaselineValue, spikes["UP_AT"].ThresholdValue, spikes["UP_AT"].MoneyAmount));
        Assert.Equal(-2.50m, spikes["DOWN_AT"].MeasuredValue);
        Assert.Equal(-25.00m, spikes["DOWN_AT"].MoneyAmount);
        Assert.Equal("Campaign UP_AT spent 125.00 on 2026-11-29 against 100.00 a day over the last 28 days (z = 2.5); check its budget and bids", spikes["UP_AT"].Message);

        var zero = Assert.Single(await AlertsAsync(run.Database, "campaign_to_zero"));
        Assert.Equal("ZERO", zero.CampaignId);
        Assert.Equal(50.00m, zero.BaselineValue);
        Assert.Equal("Campaign ZERO spent every day of the last 7 days (50.00 a day) and nothing on 2026-11-29; check its budget, payment method and ad approvals", zero.Message);
    }

    /// <summary>
    /// Stock: 14 units sold in the last 14 days = 1 a day. HERO (20 orders, 600.00 of ads) with 20 on hand has 20 days of cover,
    /// one below lead time 14 + safety 7; with 21 on hand exactly 21 (no alert). Unallocated: 100.00 of 2100.00 spend unmapped (4.8 %).
    /// </summary>
    [Theory]
    [ClassData(typeof(Engines))]
    public async Task A_hero_with_a_day_less_cover_than_lead_time_plus_safety_gets_a_restock_alert_with_the_quantity(Engine engine)
    {
        var scenario = new Scenario().Sku("P1", "SHORT", unitCost: 30m, inventory: 20).Sku("P2", "ENOUGH", unitCost: 30m, inventory: 21);
        foreach (var sku in new[] { "SHORT", "ENOUGH" })
        {
            for (var i = 0; i < 20; i++)
            {
                // 6 early orders, 14 in the last 14 days, one a day
                var day = i < 6 ? D.AddDays(-27 + i) : D.AddDays(-(i - 6));
                scenario.Order($"{sku}-{i}", Scenario.Epoch(day, 10), $"{sku}-b{i}", 0m, new Scenario.Line(sku, 100m));
            }

            SpendOn(scenario, sku, D.AddDays(-7), 600.00m);
        }

        var run = await ScenarioRun.TransformAsync(fixture, engine, scenario);

        var alert = Assert.Single(await AlertsAsync(run.Database, "restock"));
        Assert.Equal("SHORT", alert.SkuId);
        Assert.Equal((20.0m, 1.0m, 21m), (alert.MeasuredValue, alert.BaselineValue, alert.ThresholdValue));
        // 1 a day x (14 + 7 + 28) - 20 on hand = 29, at 30.00 a unit
        Assert.Equal("Product P1 (hero) has 20.0 days of stock left, below lead time + safety of 21 days; reorder 29 units (870.00 at cost)", alert.Message);
        Assert.Equal(870.00m, alert.MoneyAmount);
        Assert.Equal("high", alert.Severity);
    }
}
