using Warehouse.Database;
using Warehouse.Tests.Infrastructure;
using Warehouse.Transform;

namespace Warehouse.Tests.ProfitEngine;

/// <summary>Profit model section 2: touchpoints, windows, click beats view, latest click wins.</summary>
public sealed class AttributionTests(WarehouseFixture fixture) : IClassFixture<WarehouseFixture>
{
    private const int Organic = 1;
    private const int PaidAds = 2;
    private const int Hour = 3600;
    private const int DayLength = 24 * Hour;

    [Theory]
    [ClassData(typeof(Engines))]
    public async Task A_click_6_days_23_hours_before_payment_counts_and_7_days_1_hour_does_not(Engine engine)
    {
        var paid = Scenario.Epoch(Scenario.Day.AddDays(10));
        var scenario = new Scenario()
            .Sku("P1", "A", unitCost: 5m).Ad("C1", "AD1")
            .Order("INSIDE", paid, "buyer1", 0m, new Scenario.Line("A", 20m))
            .Order("OUTSIDE", paid, "buyer2", 0m, new Scenario.Line("A", 20m))
            .Touch("buyer1", "AD1", "click", paid - (6 * DayLength + 23 * Hour))
            .Touch("buyer2", "AD1", "click", paid - (7 * DayLength + 1 * Hour));

        var run = await ScenarioRun.TransformAsync(fixture, engine, scenario, new TransformOptions(ClickWindowDays: 7, ViewWindowDays: 1));

        var inside = await run.LineAsync("INSIDE", "A");
        Assert.Equal((PaidAds, await run.CampaignKeyOfAdAsync("AD1"), "click"), (inside.TrafficSourceKey, inside.CampaignKey, inside.AttributionTouch));
        Assert.Equal((7, 1), (inside.ClickWindowDays, inside.ViewWindowDays));
        var outside = await run.LineAsync("OUTSIDE", "A");
        Assert.Equal((Organic, 0), (outside.TrafficSourceKey, outside.CampaignKey));
    }

    [Theory]
    [ClassData(typeof(Engines))]
    public async Task A_view_after_a_click_does_not_take_the_credit_and_the_latest_click_wins(Engine engine)
    {
        var paid = Scenario.Epoch(Scenario.Day.AddDays(10));
        var scenario = new Scenario()
            .Sku("P1", "A", unitCost: 5m).Ad("C1", "OLD_CLICK").Ad("C1", "LATEST_CLICK").Ad("C2", "VIEW")
            .Order("O1", paid, "buyer1", 0m, new Scenario.Line("A", 20m))
            .Touch("buyer1", "OLD_CLICK", "click", paid - 3 * DayLength)
            .Touch("buyer1", "LATEST_CLICK", "click", paid - 2 * DayLength)
            .Touch("buyer1", "VIEW", "view", paid - Hour)
            .Order("VIEW_ONLY", paid, "buyer2", 0m, new Scenario.Line("A", 20m))
            .Touch("buyer2", "VIEW", "view", paid - 2 * Hour);

        var run = await ScenarioRun.TransformAsync(fixture, engine, scenario);

        var clicked = await run.LineAsync("O1", "A");
        Assert.Equal((await run.CampaignKeyOfAdAsync("LATEST_CLICK"), "click"), (clicked.CampaignKey, clicked.AttributionTouch));
        var viewed = await run.LineAsync("VIEW_ONLY", "A");
        Assert.Equal((PaidAds, await run.CampaignKeyOfAdAsync("VIEW"), "view"), (viewed.TrafficSourceKey, viewed.CampaignKey, viewed.AttributionTouch));
    }

    [Theory]
    [ClassData(typeof(Engines))]
    public async Task Without_touchpoints_TikToks_GMV_Max_order_count_credits_the_earliest_orders(Engine engine)
    {
        var day = Scenario.Day;
        var scenario = new Scenario()
            .Sku("P1", "A", unitCost: 5m).Ad("GMV", "GMV-AD", "GMV_MAX")
            .Order("FIRST", Scenario.Epoch(day, 9), "buyer1", 0m, new Scenario.Line("A", 20m))
            .Order("SECOND", Scenario.Epoch(day, 10), "buyer2", 0m, new Scenario.Line("A", 20m))
            .Order("THIRD", Scenario.Epoch(day, 11), "buyer3", 0m, new Scenario.Line("A", 20m))
            .GmvMaxProduct("GMV", "P1", day, cost: 6.00m, orders: 2)
            .GmvMaxCampaign("GMV", day, 6.00m);

        var run = await ScenarioRun.TransformAsync(fixture, engine, scenario);

        Assert.Equal("tiktok_reported", (await run.LineAsync("FIRST", "A")).AttributionTouch);
        Assert.Equal(PaidAds, (await run.LineAsync("SECOND", "A")).TrafficSourceKey);
        Assert.Equal(Organic, (await run.LineAsync("THIRD", "A")).TrafficSourceKey);
    }

    [Theory]
    [ClassData(typeof(Engines))]
    public async Task The_sensitivity_view_shows_the_same_sales_under_1_7_and_28_day_click_windows(Engine engine)
    {
        var paid = Scenario.Epoch(Scenario.Day.AddDays(10));
        var scenario = new Scenario()
            .Sku("P1", "A", unitCost: 5m).Ad("C1", "AD1").MapAdToSku("C1", "AD1", "A").Spend("AD1", Scenario.Day.AddDays(10), 10.00m)
            .Order("THREE_DAYS", paid, "buyer1", 0m, new Scenario.Line("A", 20m))
            .Touch("buyer1", "AD1", "click", paid - 3 * DayLength)
            .Order("TWENTY_DAYS", paid, "buyer2", 0m, new Scenario.Line("A", 30m))
            .Touch("buyer2", "AD1", "click", paid - 20 * DayLength);

        var run = await ScenarioRun.TransformAsync(fixture, engine, scenario);

        await using var connection = await run.Database.OpenAsync();
        var row = await Dapper.SqlMapper.QuerySingleAsync<(decimal Gmv1, decimal Gmv7, decimal Gmv28, decimal Roas7)>(connection,
            """
            SELECT attributed_gmv_1d, attributed_gmv_7d, attributed_gmv_28d, roas_7d
            FROM rpt.attribution_sensitivity
            WHERE sku_id = 'A' AND period_end_date_key = (SELECT MAX(period_end_date_key) FROM fact.sku_period)
            """);
        // 1 day: neither click; 7 days: the 3-day click (20.00); 28 days: both (50.00); ROAS 7d = 20.00 / 10.00
        Assert.Equal((0m, 20.00m, 50.00m, 2m), (row.Gmv1, row.Gmv7, row.Gmv28, decimal.Round(row.Roas7, 4)));
    }
}
