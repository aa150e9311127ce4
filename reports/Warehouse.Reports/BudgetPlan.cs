using System.Data.Common;
using Dapper;

namespace Warehouse.Reports;

/// <summary>One SKU of the budget plan (rpt.budget_plan).</summary>
public sealed record BudgetPlanLine
{
    public string ShopId { get; init; } = "";
    public string ShopName { get; init; } = "";
    public string SkuId { get; init; } = "";
    public string ProductName { get; init; } = "";
    public string Tier { get; init; } = "";
    public decimal? Roi { get; init; }
    public decimal CurrentSpend { get; init; }
    public decimal PlannedSpend { get; init; }
    public decimal ChangeAmount { get; init; }
    public string PlanRule { get; init; } = "";
    public string Reason { get; init; } = "";
    public decimal PaceCap { get; init; }
    public decimal? StockCap { get; init; }
    public decimal? UnitsPerAdMoney { get; init; }
    public decimal AvailableUnits { get; init; }
    public int RestockUnits { get; init; }
    public decimal? AttributedContributionRate { get; init; }
    public decimal ReturnFactor { get; init; }
    public decimal CurrentContributionAfterAds { get; init; }
    public decimal ExpectedContributionChange { get; init; }
    public decimal ExpectedContributionAfterAds { get; init; }
}

/// <summary>One campaign of the budget plan (rpt.budget_plan_campaign).</summary>
public sealed record BudgetPlanCampaign
{
    public string ShopId { get; init; } = "";
    public string CampaignId { get; init; } = "";
    public string CampaignName { get; init; } = "";
    public string CampaignType { get; init; } = "";
    public decimal CurrentSpend { get; init; }
    public decimal ChangeAmount { get; init; }
    public decimal PlannedSpend { get; init; }
}

/// <summary>One shop's plan totals and assumptions (rpt.budget_plan_shop).</summary>
public sealed record BudgetPlanShop
{
    public string ShopId { get; init; } = "";
    public string ShopName { get; init; } = "";
    public string Currency { get; init; } = "";
    public int PeriodEndDateKey { get; init; }
    public decimal Budget { get; init; }
    public decimal CurrentSpend { get; init; }
    public decimal PlannedSpend { get; init; }
    public decimal Unplaced { get; init; }
    public decimal MaxChange { get; init; }
    public decimal ReturnFactor { get; init; }
    public decimal TestBudget { get; init; }
    public bool KeepTestingLosers { get; init; }
    public decimal CurrentContributionAfterAds { get; init; }
    public decimal ExpectedContributionChange { get; init; }
    public decimal ExpectedContributionAfterAds { get; init; }
}

/// <summary>The stored budget plan of one shop or all, per SKU, per campaign and per shop.</summary>
public sealed record BudgetPlan(IReadOnlyList<BudgetPlanShop> Shops, IReadOnlyList<BudgetPlanLine> Lines, IReadOnlyList<BudgetPlanCampaign> Campaigns)
{
    public static async Task<BudgetPlan> ReadAsync(DbConnection connection, string? shopId)
    {
        var shops = await connection.QueryAsync<BudgetPlanShop>(
            """
            SELECT shop_id AS ShopId, shop_name AS ShopName, currency AS Currency, period_end_date_key AS PeriodEndDateKey,
                   budget AS Budget, current_spend AS CurrentSpend, planned_spend AS PlannedSpend, unplaced AS Unplaced,
                   max_change AS MaxChange, return_factor AS ReturnFactor, test_budget AS TestBudget,
                   keep_testing_losers AS KeepTestingLosers, current_contribution_after_ads AS CurrentContributionAfterAds,
                   expected_contribution_change AS ExpectedContributionChange, expected_contribution_after_ads AS ExpectedContributionAfterAds
            FROM rpt.budget_plan_shop
            WHERE @shopId IS NULL OR shop_id = @shopId
            ORDER BY shop_id
            """, new { shopId });
        var lines = await connection.QueryAsync<BudgetPlanLine>(
            """
            SELECT shop_id AS ShopId, shop_name AS ShopName, sku_id AS SkuId, product_name AS ProductName, tier AS Tier, roi AS Roi,
                   current_spend AS CurrentSpend, planned_spend AS PlannedSpend, change_amount AS ChangeAmount, plan_rule AS PlanRule,
                   plan_reason AS Reason, pace_cap AS PaceCap, stock_cap AS StockCap, units_per_ad_money AS UnitsPerAdMoney,
                   available_units AS AvailableUnits, restock_first_units AS RestockUnits, attributed_contribution_rate AS AttributedContributionRate,
                   return_factor AS ReturnFactor, current_contribution_after_ads AS CurrentContributionAfterAds,
                   expected_contribution_change AS ExpectedContributionChange, expected_contribution_after_ads AS ExpectedContributionAfterAds
            FROM rpt.budget_plan
            WHERE @shopId IS NULL OR shop_id = @shopId
            ORDER BY shop_id, sku_id
            """, new { shopId });
        var campaigns = await connection.QueryAsync<BudgetPlanCampaign>(
            """
            SELECT shop_id AS ShopId, campaign_id AS CampaignId, campaign_name AS CampaignName, campaign_type AS CampaignType,
                   current_spend AS CurrentSpend, change_amount AS ChangeAmount, planned_spend AS PlannedSpend
            FROM rpt.budget_plan_campaign
            WHERE @shopId IS NULL OR shop_id = @shopId
            ORDER BY shop_id, campaign_id
            """, new { shopId });
        return new BudgetPlan(shops.ToList(), lines.ToList(), campaigns.ToList());
    }
}
