using Dapper;
using Warehouse.Database;
using Warehouse.Tests.Infrastructure;
using Warehouse.Transform;

namespace Warehouse.Tests.ProfitEngine;

/// <summary>Loads a scenario into a clean database, transforms it, and reads the facts back.</summary>
public sealed class ScenarioRun(WarehouseDatabase database, Scenario scenario)
{
    public static async Task<ScenarioRun> TransformAsync(WarehouseFixture fixture, Engine engine, Scenario scenario, TransformOptions? options = null)
    {
        var database = await fixture.CleanDatabaseAsync(engine);
        await Pipeline.LoadAsync(database, scenario.Write());
        await Pipeline.TransformAsync(database, options);
        return new ScenarioRun(database, scenario);
    }

    public WarehouseDatabase Database => database;

    public sealed record OrderLine(
        int DateKey, int TrafficSourceKey, int CampaignKey, string FeeBasis, decimal ListAmount, decimal SellerDiscount, decimal Gmv,
        decimal RefundAmount, decimal NetRevenue, decimal PlatformFee, decimal TransactionFee, decimal AffiliateCommission,
        decimal ShippingCost, decimal Cogs, decimal OtherVariableCost, decimal ContributionBeforeAds, int RestockedUnits,
        string? AttributionTouch, int ClickWindowDays, int ViewWindowDays);

    public async Task<OrderLine> LineAsync(string orderId, string skuId)
    {
        await using var connection = await database.OpenAsync();
        return await connection.QuerySingleAsync<OrderLine>(
            """
            SELECT date_key AS DateKey, traffic_source_key AS TrafficSourceKey, campaign_key AS CampaignKey, fee_basis AS FeeBasis,
                   list_amount AS ListAmount, seller_discount AS SellerDiscount, gmv AS Gmv, refund_amount AS RefundAmount,
                   net_revenue AS NetRevenue, platform_fee AS PlatformFee, transaction_fee AS TransactionFee,
                   affiliate_commission AS AffiliateCommission, shipping_cost AS ShippingCost, cogs AS Cogs,
                   other_variable_cost AS OtherVariableCost, contribution_before_ads AS ContributionBeforeAds,
                   restocked_units AS RestockedUnits, attribution_touch AS AttributionTouch,
                   click_window_days AS ClickWindowDays, view_window_days AS ViewWindowDays
            FROM fact.order_line WHERE order_id = @orderId AND line_item_id = @lineId
            """,
            new { orderId, lineId = scenario.LineIdOf(orderId, skuId) });
    }

    public async Task<int> CampaignKeyOfAdAsync(string adId)
    {
        await using var connection = await database.OpenAsync();
        return await connection.ExecuteScalarAsync<int>("SELECT campaign_key FROM dim.campaign WHERE ad_id = @adId", new { adId });
    }

    /// <summary>Allocated spend per SKU id ('' for Unallocated) on a day, with the rule that placed it.</summary>
    public async Task<IReadOnlyDictionary<string, (decimal Spend, string Rule)>> SpendBySkuAsync(DateOnly day, string spendSource)
    {
        await using var connection = await database.OpenAsync();
        var rows = await connection.QueryAsync<(string SkuId, decimal Spend, string Rule)>(
            """
            SELECT product.sku_id, spend.ad_spend, spend.allocation_rule
            FROM fact.sku_ad_spend AS spend
            JOIN dim.product AS product ON product.product_key = spend.product_key
            WHERE spend.date_key = @dateKey AND spend.spend_source = @spendSource
            """,
            new { dateKey = day.Year * 10000 + day.Month * 100 + day.Day, spendSource });
        return rows.ToDictionary(r => r.SkuId, r => (r.Spend, r.Rule));
    }

    public sealed record SkuPeriod(string SkuId, int Orders, decimal NetRevenue, decimal ContributionBeforeAds, decimal AdSpend,
        decimal ContributionAfterAds, string Tier, string Action, string Reason, decimal? DaysOfCover, int RestockUnits, bool IsOverstock);

    public async Task<IReadOnlyDictionary<string, SkuPeriod>> LatestPeriodAsync()
    {
        await using var connection = await database.OpenAsync();
        var rows = await connection.QueryAsync<SkuPeriod>(
            """
            SELECT product.sku_id AS SkuId, period.orders AS Orders, period.net_revenue AS NetRevenue,
                   period.contribution_before_ads AS ContributionBeforeAds, period.ad_spend AS AdSpend,
                   period.contribution_after_ads AS ContributionAfterAds, period.tier AS Tier, period.action AS Action,
                   period.reason AS Reason, period.days_of_cover AS DaysOfCover, period.restock_units AS RestockUnits,
                   period.is_overstock AS IsOverstock
            FROM fact.sku_period AS period
            JOIN dim.product AS product ON product.product_key = period.product_key
            WHERE period.period_end_date_key = (SELECT MAX(period_end_date_key) FROM fact.sku_period)
            """);
        return rows.ToDictionary(r => r.SkuId);
    }
}
