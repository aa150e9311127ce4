using System.Data.Common;
using Dapper;

namespace Warehouse.Reports;

/// <summary>The report's reads, all from the rpt views: plain SQL that runs the same on both engines.</summary>
public static class SkuProfitQueries
{
    /// <summary>Reads everything the workbook shows.</summary>
    public static async Task<ReportData> ReadAsync(DbConnection connection, ReportRequest request)
    {
        var current = await TotalsAsync(connection, request.From, request.To, request.ShopId);
        var (priorFrom, priorTo) = request.Prior(1);
        var prior = await TotalsAsync(connection, priorFrom, priorTo, request.ShopId);
        var (fourFrom, _) = request.Prior(4);
        var priorFour = (await TotalsAsync(connection, fourFrom, priorTo, request.ShopId)).DividedBy(4);
        var review = await ReviewPeriodAsync(connection, request);
        var tiers = review is null ? [] : await TiersAsync(connection, request, review);
        var tierByProduct = tiers.ToDictionary(t => t.ProductKey, t => t.Tier);
        var lines = (await SkuLinesAsync(connection, request))
            .Select(line => line with { Tier = tierByProduct.GetValueOrDefault(line.ProductKey) })
            .ToList();
        return new ReportData(
            request, current, prior, priorFour, lines, review, tiers,
            await CampaignsAsync(connection, request),
            await SettlementsAsync(connection, request),
            await SettlementChecksAsync(connection, request),
            (await connection.QueryAsync<SettingLine>(
                "SELECT setting_name AS SettingName, setting_value AS SettingValue, description AS Description FROM rpt.setting ORDER BY setting_name")).ToList(),
            await FreshnessAsync(connection, request));
    }

    public static async Task<PeriodTotals> TotalsAsync(DbConnection connection, DateOnly from, DateOnly to, string? shopId) =>
        await connection.QuerySingleAsync<PeriodTotals>(
            """
            SELECT COALESCE(SUM(list_amount), 0) AS ListAmount, COALESCE(SUM(seller_discount), 0) AS SellerDiscount,
                   COALESCE(SUM(gmv), 0) AS Gmv, COALESCE(SUM(refund_amount), 0) AS RefundAmount,
                   COALESCE(SUM(net_revenue), 0) AS NetRevenue, COALESCE(SUM(platform_fee), 0) AS PlatformFee,
                   COALESCE(SUM(transaction_fee), 0) AS TransactionFee, COALESCE(SUM(affiliate_commission), 0) AS AffiliateCommission,
                   COALESCE(SUM(shipping_cost), 0) AS ShippingCost, COALESCE(SUM(cogs), 0) AS Cogs,
                   COALESCE(SUM(other_variable_cost), 0) AS OtherVariableCost,
                   COALESCE(SUM(contribution_before_ads), 0) AS ContributionBeforeAds, COALESCE(SUM(ad_spend), 0) AS AdSpend,
                   COALESCE(SUM(contribution_after_ads), 0) AS ContributionAfterAds, COALESCE(SUM(attributed_gmv), 0) AS AttributedGmv
            FROM rpt.sku_daily
            WHERE date_key BETWEEN @from AND @to AND (@shop IS NULL OR shop_id = @shop)
            """,
            new { from = ReportRequest.Key(from), to = ReportRequest.Key(to), shop = shopId });

    public static async Task<IReadOnlyList<SkuProfitLine>> SkuLinesAsync(DbConnection connection, ReportRequest request)
    {
        var rows = await connection.QueryAsync<SkuProfitLine>(
            """
            SELECT product_key AS ProductKey, MAX(shop_id) AS ShopId, MAX(shop_name) AS ShopName, MAX(sku_id) AS SkuId,
                   MAX(seller_sku) AS SellerSku, MAX(product_name) AS ProductName,
                   SUM(orders) AS Orders, SUM(units) AS Units, SUM(list_amount) AS ListAmount, SUM(seller_discount) AS SellerDiscount,
                   SUM(platform_discount) AS PlatformDiscount, SUM(gmv) AS Gmv, SUM(refund_amount) AS RefundAmount,
                   SUM(net_revenue) AS NetRevenue, SUM(platform_fee) AS PlatformFee, SUM(transaction_fee) AS TransactionFee,
                   SUM(affiliate_commission) AS AffiliateCommission, SUM(shipping_cost) AS ShippingCost, SUM(cogs) AS Cogs,
                   SUM(other_variable_cost) AS OtherVariableCost, SUM(contribution_before_ads) AS ContributionBeforeAds,
                   SUM(ad_spend) AS AdSpend, SUM(contribution_after_ads) AS ContributionAfterAds, SUM(attributed_gmv) AS AttributedGmv,
                   SUM(attributed_orders) AS AttributedOrders, SUM(estimated_fee_revenue) AS EstimatedFeeRevenue,
                   SUM(settled_net_revenue) AS SettledNetRevenue
            FROM rpt.sku_daily
            WHERE date_key BETWEEN @from AND @to AND (@shop IS NULL OR shop_id = @shop)
            GROUP BY product_key
            ORDER BY SUM(contribution_after_ads) DESC, product_key
            """,
            new { from = request.FromKey, to = request.ToKey, shop = request.ShopId });
        return rows.ToList();
    }

    /// <summary>The latest review period that ends on or before the report's last day.</summary>
    public static async Task<ReviewPeriod?> ReviewPeriodAsync(DbConnection connection, ReportRequest request)
    {
        var row = await connection.QueryFirstOrDefaultAsync<ReviewRow>(
            """
            SELECT period_end_date_key AS EndKey, MIN(period_start_date) AS StartDate, MIN(period_end_date) AS EndDate
            FROM rpt.sku_profit
            WHERE period_end_date_key = (SELECT MAX(period_end_date_key) FROM rpt.sku_profit
                                         WHERE period_end_date_key <= @to AND (@shop IS NULL OR shop_id = @shop))
            GROUP BY period_end_date_key
            """,
            new { to = request.ToKey, shop = request.ShopId });
        return row is null ? null : new ReviewPeriod(row.EndKey, ToDate(row.StartDate), ToDate(row.EndDate));
    }

    private sealed record ReviewRow
    {
        public int EndKey { get; init; }
        public object StartDate { get; init; } = DateOnly.MinValue;
        public object EndDate { get; init; } = DateOnly.MinValue;
    }

    /// <summary>A date column as either provider returns it (Npgsql: DateOnly, SqlClient: DateTime).</summary>
    public static DateOnly ToDate(object value) => value switch
    {
        DateOnly date => date,
        DateTime time => DateOnly.FromDateTime(time),
        DateTimeOffset time => DateOnly.FromDateTime(time.Date),
        _ => throw new InvalidCastException($"not a date: {value} ({value.GetType().Name})"),
    };

    public static async Task<IReadOnlyList<SkuTierLine>> TiersAsync(DbConnection connection, ReportRequest request, ReviewPeriod review) =>
        (await connection.QueryAsync<SkuTierLine>(
            """
            SELECT product_key AS ProductKey, shop_name AS ShopName, sku_id AS SkuId, seller_sku AS SellerSku, product_name AS ProductName,
                   tier AS Tier, action AS Action, reason AS Reason, orders AS Orders, net_revenue AS NetRevenue, ad_spend AS AdSpend,
                   contribution_after_ads AS ContributionAfterAds, contribution_margin AS ContributionMargin, roi AS Roi,
                   on_hand_units AS OnHandUnits, avg_daily_units AS AvgDailyUnits, days_of_cover AS DaysOfCover,
                   restock_units AS RestockUnits, is_overstock AS IsOverstock
            FROM rpt.sku_profit
            WHERE period_end_date_key = @end AND (@shop IS NULL OR shop_id = @shop)
            ORDER BY CASE tier WHEN 'hero' THEN 1 WHEN 'winner' THEN 2 WHEN 'marginal' THEN 3 WHEN 'testing' THEN 4
                               WHEN 'loser' THEN 5 ELSE 6 END,
                     contribution_after_ads DESC, sku_id
            """,
            new { end = review.EndDateKey, shop = request.ShopId })).ToList();

    public static async Task<IReadOnlyList<CampaignLine>> CampaignsAsync(DbConnection connection, ReportRequest request)
    {
        var parameters = new { from = request.FromKey, to = request.ToKey, shop = request.ShopId };
        var campaigns = (await connection.QueryAsync<CampaignLine>(
            """
            SELECT MAX(shop.shop_name) AS ShopName, campaign.advertiser_id AS AdvertiserId, campaign.campaign_id AS CampaignId,
                   MAX(campaign.campaign_name) AS CampaignName, MAX(campaign.campaign_type) AS CampaignType,
                   COUNT(DISTINCT CASE WHEN campaign.ad_id <> '' THEN campaign.ad_id END) AS Ads,
                   SUM(campaign.spend) AS Spend, SUM(campaign.allocated_spend) AS AllocatedSpend,
                   SUM(campaign.unallocated_spend) AS UnallocatedSpend, SUM(campaign.attributed_gmv) AS AttributedGmv,
                   SUM(campaign.attributed_orders) AS AttributedOrders, SUM(campaign.tiktok_reported_gmv) AS TiktokReportedGmv
            FROM rpt.campaign_profit AS campaign
            JOIN rpt.dim_shop AS shop ON shop.shop_key = campaign.shop_key
            WHERE campaign.date_key BETWEEN @from AND @to AND (@shop IS NULL OR shop.shop_id = @shop)
            GROUP BY campaign.advertiser_id, campaign.campaign_id
            ORDER BY SUM(campaign.spend) DESC, campaign.campaign_id
            """, parameters)).ToList();

        var allocations = (await connection.QueryAsync<(string CampaignId, int ProductKey, string Rule, string Method)>(
            """
            SELECT DISTINCT campaign_id AS CampaignId, product_key AS ProductKey, allocation_rule AS AllocationRule,
                   allocation_method AS AllocationMethod
            FROM rpt.sku_ad_spend
            WHERE date_key BETWEEN @from AND @to AND (@shop IS NULL OR shop_id = @shop)
            """, parameters)).ToLookup(a => a.CampaignId);

        return campaigns.Select(c => c with
        {
            AllocatedSkus = allocations[c.CampaignId].Where(a => a.ProductKey != 0).Select(a => a.ProductKey).Distinct().Count(),
            AllocationMethod = string.Join(", ", allocations[c.CampaignId].Select(a => a.Method).Distinct().Order(StringComparer.Ordinal)),
            AllocationRules = string.Join(", ", allocations[c.CampaignId].Select(a => a.Rule).Distinct().Order(StringComparer.Ordinal)),
        }).ToList();
    }

    public static async Task<IReadOnlyList<SkuSettlementLine>> SettlementsAsync(DbConnection connection, ReportRequest request) =>
        (await connection.QueryAsync<SkuSettlementLine>(
            """
            SELECT settlement.product_key AS ProductKey, SUM(settlement.order_lines) AS OrderLines,
                   SUM(settlement.settled_order_lines) AS SettledOrderLines, SUM(settlement.estimated_order_lines) AS EstimatedOrderLines,
                   SUM(settlement.net_revenue) AS NetRevenue, SUM(settlement.settled_net_revenue) AS SettledNetRevenue,
                   SUM(settlement.estimated_net_revenue) AS EstimatedNetRevenue, SUM(settlement.estimated_fees) AS EstimatedFees,
                   SUM(settlement.computed_settlement_amount) AS ComputedSettlementAmount,
                   SUM(settlement.tiktok_settlement_amount) AS TiktokSettlementAmount
            FROM rpt.sku_settlement AS settlement
            JOIN rpt.dim_shop AS shop ON shop.shop_key = settlement.shop_key
            WHERE settlement.date_key BETWEEN @from AND @to AND (@shop IS NULL OR shop.shop_id = @shop)
            GROUP BY settlement.product_key
            """,
            new { from = request.FromKey, to = request.ToKey, shop = request.ShopId })).ToList();

    public static async Task<SettlementCheckTotals> SettlementChecksAsync(DbConnection connection, ReportRequest request) =>
        await connection.QuerySingleAsync<SettlementCheckTotals>(
            """
            SELECT COUNT(*) AS Orders, COALESCE(SUM(CASE WHEN is_flagged = @yes THEN 1 ELSE 0 END), 0) AS FlaggedOrders,
                   COALESCE(SUM(source_amount), 0) AS TiktokSettlementAmount, COALESCE(SUM(warehouse_amount), 0) AS ComputedSettlementAmount
            FROM rpt.reconciliation
            WHERE check_name = 'settlement' AND date_key BETWEEN @from AND @to AND (@shop IS NULL OR shop_id = @shop)
            """,
            new { from = request.FromKey, to = request.ToKey, shop = request.ShopId, yes = true });

    public static async Task<IReadOnlyList<FreshnessLine>> FreshnessAsync(DbConnection connection, ReportRequest request) =>
        (await connection.QueryAsync<FreshnessLine>(
            """
            SELECT source_name AS SourceName, shop_name AS ShopName, latest_date AS LatestDate, latest_run_id AS LatestRunId,
                   CAST(latest_run_ended_at AS varchar(40)) AS LatestRunEndedAt
            FROM rpt.data_freshness
            WHERE @shop IS NULL OR shop_id = @shop OR shop_key = 0
            ORDER BY source_name, shop_name
            """,
            new { shop = request.ShopId })).ToList();
}
