using Dapper;
using Warehouse.Database;
using Warehouse.Tests.Infrastructure;
using Warehouse.Transform;

namespace Warehouse.Tests.Conformance;

/// <summary>The sample through load and transform: the invariants of profit model section 7 hold, and re-runs change nothing.</summary>
public sealed class TransformPipelineTests(WarehouseFixture fixture) : IClassFixture<WarehouseFixture>
{
    private static readonly string[] FactTables =
    [
        "fact.order_line|shop_key, order_id, line_item_id",
        "fact.sku_ad_spend|date_key, campaign_key, product_key, spend_source",
        "fact.ad_daily|date_key, campaign_key, spend_source",
        "fact.sku_daily|date_key, shop_key, product_key, traffic_source_key",
        "fact.sku_period|period_end_date_key, shop_key, product_key",
        "fact.settlement_check|shop_key, order_id",
        "fact.gmv_max_tieout|date_key, campaign_key",
        "fact.sku_attribution_sensitivity|date_key, shop_key, product_key, click_window_days",
    ];

    [Theory]
    [ClassData(typeof(Engines))]
    public async Task The_sample_transforms_with_every_invariant_holding(Engine engine)
    {
        var database = await fixture.CleanDatabaseAsync(engine);
        await Pipeline.LoadAsync(database, Pipeline.SmallSampleFiles);

        await Pipeline.TransformAsync(database);

        await using var connection = await database.OpenAsync();
        var sourceSpend = await connection.ExecuteScalarAsync<decimal>(
            "SELECT (SELECT SUM(spend) FROM stg.ad_report_daily) + (SELECT SUM(cost) FROM stg.gmv_max_campaign_daily)");
        Assert.Equal(sourceSpend, await connection.ExecuteScalarAsync<decimal>("SELECT SUM(ad_spend) FROM fact.sku_ad_spend"));
        Assert.Equal(sourceSpend, await connection.ExecuteScalarAsync<decimal>("SELECT SUM(ad_spend) FROM fact.sku_daily"));
        Assert.True(await connection.ExecuteScalarAsync<decimal>("SELECT SUM(ad_spend) FROM fact.sku_daily WHERE product_key = 0") > 0,
            "the sample's unmapped campaign shows on Unknown / Unallocated");

        var sourceGmv = await connection.ExecuteScalarAsync<decimal>(
            "SELECT SUM(original_total_product_price - seller_discount) FROM stg.shop_order WHERE paid_time IS NOT NULL AND is_sample_order = @no AND is_replacement_order = @no",
            new { no = false });
        Assert.Equal(sourceGmv, await connection.ExecuteScalarAsync<decimal>("SELECT SUM(gmv) FROM fact.order_line"));
        Assert.Equal(sourceGmv, await connection.ExecuteScalarAsync<decimal>("SELECT SUM(gmv) FROM fact.sku_daily"));
        Assert.Equal(
            await connection.ExecuteScalarAsync<decimal>("SELECT SUM(contribution_before_ads) FROM fact.order_line"),
            await connection.ExecuteScalarAsync<decimal>("SELECT SUM(contribution_before_ads) FROM fact.sku_daily"));

        var refundRate = await connection.ExecuteScalarAsync<decimal>("SELECT SUM(refund_amount) / SUM(gmv) FROM fact.order_line");
        Assert.InRange(refundRate, 0.02m, 0.15m);
        Assert.True(await connection.ExecuteScalarAsync<int>("SELECT COUNT(*) FROM fact.order_line WHERE fee_basis = 'settled'") > 0);
        Assert.True(await connection.ExecuteScalarAsync<int>("SELECT COUNT(*) FROM fact.order_line WHERE fee_basis = 'estimated'") > 0);
        Assert.True(await connection.ExecuteScalarAsync<int>("SELECT COUNT(*) FROM fact.order_line WHERE traffic_source_key = 2") > 0);
        Assert.True(await connection.ExecuteScalarAsync<int>("SELECT COUNT(*) FROM fact.order_line WHERE traffic_source_key = 3") > 0);
        Assert.True(await connection.ExecuteScalarAsync<int>("SELECT COUNT(DISTINCT tier) FROM fact.sku_period") >= 3);

        var steps = await connection.QueryAsync<string>("SELECT step_name FROM etl.run_step WHERE status = 'succeeded' ORDER BY run_id, step_number");
        Assert.Equal(TransformRunner.Steps.Select(s => s.Procedure), steps);
    }

    [Theory]
    [ClassData(typeof(Engines))]
    public async Task The_tiers_follow_the_samples_planted_heroes_and_losers(Engine engine)
    {
        var database = await fixture.CleanDatabaseAsync(engine);
        await Pipeline.LoadAsync(database, Pipeline.SmallSampleFiles);

        await Pipeline.TransformAsync(database);

        await using var connection = await database.OpenAsync();
        var tiers = (await connection.QueryAsync<(string SkuId, string Tier)>(
            """
            SELECT product.sku_id, period.tier
            FROM fact.sku_period AS period
            JOIN dim.product AS product ON product.product_key = period.product_key
            WHERE period.period_end_date_key = (SELECT MAX(period_end_date_key) FROM fact.sku_period)
            """)).ToDictionary(r => r.SkuId, r => r.Tier);
        var losers = Warehouse.Sample.SampleGenerator.PlantedLoserSkuIds(Pipeline.SmallSample);
        var heroes = Warehouse.Sample.SampleGenerator.PlantedHeroSkuIds(Pipeline.SmallSample);
        Assert.NotEmpty(losers);
        Assert.NotEmpty(heroes);
        Assert.All(losers, sku => Assert.Equal("loser", tiers.GetValueOrDefault(sku)));
        Assert.All(heroes, sku => Assert.Contains(tiers.GetValueOrDefault(sku), new[] { "hero", "winner" }));
        Assert.Contains("hero", heroes.Select(sku => tiers.GetValueOrDefault(sku)));
    }

    [Theory]
    [ClassData(typeof(Engines))]
    public async Task Transforming_unchanged_staging_again_gives_identical_facts(Engine engine)
    {
        var database = await fixture.CleanDatabaseAsync(engine);
        await Pipeline.LoadAsync(database, Pipeline.SmallSampleFiles);
        await Pipeline.TransformAsync(database);
        var first = await FactChecksumsAsync(database);

        await Pipeline.TransformAsync(database);

        Assert.Equal(first, await FactChecksumsAsync(database));
    }

    [Theory]
    [ClassData(typeof(Engines))]
    public async Task An_incremental_transform_of_a_week_equals_the_full_rebuild(Engine engine)
    {
        var database = await fixture.CleanDatabaseAsync(engine);
        await Pipeline.LoadAsync(database, Pipeline.SmallSampleFiles);
        await Pipeline.TransformAsync(database);
        var full = await FactChecksumsAsync(database);
        await using (var connection = await database.OpenAsync())
        {
            await connection.ExecuteAsync("DELETE FROM fact.order_line WHERE date_key >= 20261110; DELETE FROM fact.sku_daily WHERE date_key >= 20261110;");
        }

        await Pipeline.TransformAsync(database, new TransformOptions(new DateOnly(2026, 11, 10), new DateOnly(2026, 11, 22)));

        Assert.Equal(full, await FactChecksumsAsync(database));
    }

    private static async Task<string> FactChecksumsAsync(WarehouseDatabase database)
    {
        await using var connection = await database.OpenAsync();
        var sums = new List<string>();
        foreach (var check in FactTables)
        {
            var (table, order) = (check.Split('|')[0], check.Split('|')[1]);
            sums.Add(table + ": " + await Pipeline.ChecksumAsync(connection, table, order));
        }

        return string.Join("\n", sums);
    }
}
