using System.Data.Common;
using Dapper;
using Warehouse.Database;
using Warehouse.Tests.Infrastructure;
using Warehouse.Transform;

namespace Warehouse.Tests.ProfitEngine;

/// <summary>
/// Issue 13, item 1: an ad has one current parent. Staged again under another ad group, its spend
/// joins to the current member only, and a publish that would count spend twice is refused.
/// </summary>
public sealed class MovedAdTests(WarehouseFixture fixture) : IClassFixture<WarehouseFixture>
{
    [Theory]
    [ClassData(typeof(Engines))]
    public async Task An_ad_moved_to_another_ad_group_counts_its_spend_once_under_its_new_campaign(Engine engine)
    {
        var scenario = new Scenario()
            .Sku("P1", "A", unitCost: 5m).Ad("C1", "AD1").Ad("C2", "AD2")
            .Spend("AD1", Scenario.Day, 10.00m)
            .Spend("AD1", Scenario.Day.AddDays(1), 5.50m)
            .Spend("AD2", Scenario.Day, 1.25m);
        var run = await ScenarioRun.TransformAsync(fixture, engine, scenario);

        // The same ad, sent again under campaign C2's ad group (TikTok moved it), then a full rebuild.
        var moved = new Scenario().Add("ad", new()
        {
            ["advertiser_id"] = Scenario.AdvertiserId, ["ad_id"] = "AD1", ["adgroup_id"] = "C2-G", ["campaign_id"] = "C2", ["ad_name"] = "Ad AD1",
        });
        await Pipeline.LoadAsync(run.Database, moved.Write());
        await Pipeline.TransformAsync(run.Database);

        await using var connection = await run.Database.OpenAsync();
        Assert.Equal(16.75m, await connection.ExecuteScalarAsync<decimal>("SELECT SUM(spend) FROM stg.ad_report_daily"));
        Assert.Equal(16.75m, await connection.ExecuteScalarAsync<decimal>("SELECT SUM(ad_spend) FROM fact.sku_daily"));
        Assert.Equal(16.75m, await connection.ExecuteScalarAsync<decimal>("SELECT SUM(ad_spend) FROM fact.sku_ad_spend"));
        Assert.Equal(16.75m, await connection.ExecuteScalarAsync<decimal>("SELECT SUM(spend) FROM fact.ad_daily"));
        var byCampaign = (await connection.QueryAsync<(string CampaignId, decimal Spend)>(
            """
            SELECT campaign.campaign_id, SUM(spend.ad_spend)
            FROM fact.sku_ad_spend AS spend JOIN dim.campaign AS campaign ON campaign.campaign_key = spend.campaign_key
            GROUP BY campaign.campaign_id
            """)).ToDictionary(r => r.CampaignId, r => r.Spend);
        Assert.Equal(new Dictionary<string, decimal> { ["C2"] = 16.75m }, byCampaign);

        // The old row stays (history) but only the new one is current.
        var rows = (await connection.QueryAsync<(string CampaignId, string AdgroupId, bool IsCurrent)>(
            "SELECT campaign_id, adgroup_id, is_current FROM dim.campaign WHERE ad_id = 'AD1' ORDER BY campaign_id")).ToList();
        Assert.Equal([("C1", "C1-G", false), ("C2", "C2-G", true)], rows);
        Assert.Equal("C2", await connection.ExecuteScalarAsync<string>(
            "SELECT campaign_id FROM rpt.dim_campaign WHERE ad_id = 'AD1' AND is_current = @yes", new { yes = true }));

        // Moved back: the old row is current again, still one current row, spend still once.
        await Pipeline.LoadAsync(run.Database, new Scenario().Ad("C1", "AD1").Write());
        await Pipeline.TransformAsync(run.Database);
        Assert.Equal(16.75m, await connection.ExecuteScalarAsync<decimal>("SELECT SUM(ad_spend) FROM fact.sku_daily"));
        Assert.Equal("C1", await connection.ExecuteScalarAsync<string>(
            "SELECT campaign_id FROM dim.campaign WHERE ad_id = 'AD1' AND is_current = @yes", new { yes = true }));
    }

    [Theory]
    [ClassData(typeof(Engines))]
    public async Task A_campaign_renamed_after_one_of_its_ads_moved_away_carries_its_new_name_on_its_history_rows_too(Engine engine)
    {
        var scenario = new Scenario()
            .Sku("P1", "A", unitCost: 5m).Ad("C1", "AD1").Ad("C1", "AD3").Ad("C2", "AD2")
            .Spend("AD1", Scenario.Day, 10.00m);
        var run = await ScenarioRun.TransformAsync(fixture, engine, scenario);
        await Pipeline.LoadAsync(run.Database, new Scenario().Add("ad", new()
        {
            ["advertiser_id"] = Scenario.AdvertiserId, ["ad_id"] = "AD1", ["adgroup_id"] = "C2-G", ["campaign_id"] = "C2", ["ad_name"] = "Ad AD1",
        }).Write());
        await Pipeline.TransformAsync(run.Database);

        // Renamed in Ads Manager, the capitals only: the row of AD1 under C1 is history and no longer staged.
        await Pipeline.LoadAsync(run.Database, new Scenario().Add("campaign", new()
        {
            ["advertiser_id"] = Scenario.AdvertiserId, ["campaign_id"] = "C1", ["campaign_name"] = "CAMPAIGN C1", ["campaign_type"] = "REGULAR", ["store_id"] = Scenario.ShopId,
        }).Write());
        await Pipeline.TransformAsync(run.Database);

        await using var connection = await run.Database.OpenAsync();
        var names = (await connection.QueryAsync<(string AdId, string Name)>(
            "SELECT ad_id, campaign_name FROM dim.campaign WHERE campaign_id = 'C1' ORDER BY ad_id")).ToList();
        Assert.Equal([("", "CAMPAIGN C1"), ("AD1", "CAMPAIGN C1"), ("AD3", "CAMPAIGN C1")], names);
    }

    [Theory]
    [ClassData(typeof(Engines))]
    public async Task A_publish_that_would_count_a_campaigns_spend_twice_fails_naming_the_day_campaign_and_amounts(Engine engine)
    {
        var scenario = new Scenario()
            .Sku("P1", "A", unitCost: 5m).Ad("C1", "AD1")
            .Spend("AD1", Scenario.Day, 10.00m);
        var run = await ScenarioRun.TransformAsync(fixture, engine, scenario);
        await using var connection = await run.Database.OpenAsync();
        var before = await Pipeline.ChecksumAsync(connection, "fact.sku_ad_spend", "date_key, campaign_key, product_key, spend_source");

        // Every step up to the publish, then the work tables as a double join left them: both the
        // source-side and the allocated spend doubled, so the per-day check alone cannot see it.
        var runId = await Pipeline.StartRunAsync(run.Database, "transform");
        var options = new TransformOptions(Full: true); // nothing changed in staging: an incremental run would recompute no day
        foreach (var step in TransformRunner.Steps.TakeWhile(s => s.Procedure != "etl.publish_transform"))
        {
            await run.Database.CallProcedureAsync(connection, step.Procedure, TransformRunner.Parameters(step, options, runId, engine));
        }

        await connection.ExecuteAsync("UPDATE etl.work_ad_daily SET spend = spend * 2");
        await connection.ExecuteAsync("UPDATE etl.work_sku_ad_spend SET ad_spend = ad_spend * 2");
        var error = await Assert.ThrowsAnyAsync<DbException>(() =>
            run.Database.CallProcedureAsync(connection, "etl.publish_transform", new Dictionary<string, object?> { ["p_run_id"] = runId }));

        Assert.Contains(
            "check campaign_spend_equals_staged_spend failed on 2026-11-02 for campaign ADV1/C1: staged spend 10.0000, "
            + "allocated 0.0000 + unallocated 20.0000 = 20.0000",
            error.Message, StringComparison.Ordinal);
        Assert.Equal(before, await Pipeline.ChecksumAsync(connection, "fact.sku_ad_spend", "date_key, campaign_key, product_key, spend_source"));
    }
}
