using System.Data.Common;
using Dapper;

namespace Warehouse.Reports;

/// <summary>The report's reads from the rpt views: plain SQL that runs the same on both engines.</summary>
public static class SkuProfitQueries
{
    public static async Task<IReadOnlyList<SkuProfitLine>> SkuLinesAsync(DbConnection connection, ReportRequest request)
    {
        var rows = await connection.QueryAsync<SkuProfitLine>(
            """
            SELECT product_key AS ProductKey, MAX(shop_name) AS ShopName, MAX(sku_id) AS SkuId, MAX(seller_sku) AS SellerSku,
                   MAX(product_name) AS ProductName,
                   SUM(orders) AS Orders, SUM(units) AS Units, SUM(gmv) AS Gmv, SUM(refund_amount) AS RefundAmount,
                   SUM(net_revenue) AS NetRevenue, SUM(platform_fee) AS PlatformFee, SUM(transaction_fee) AS TransactionFee,
                   SUM(affiliate_commission) AS AffiliateCommission, SUM(shipping_cost) AS ShippingCost, SUM(cogs) AS Cogs,
                   SUM(other_variable_cost) AS OtherVariableCost, SUM(contribution_before_ads) AS ContributionBeforeAds,
                   SUM(ad_spend) AS AdSpend, SUM(contribution_after_ads) AS ContributionAfterAds, SUM(attributed_gmv) AS AttributedGmv
            FROM rpt.sku_daily
            WHERE date_key BETWEEN @from AND @to AND (@shop IS NULL OR shop_id = @shop)
            GROUP BY product_key
            ORDER BY SUM(contribution_after_ads) DESC, product_key
            """,
            new { from = request.FromKey, to = request.ToKey, shop = request.ShopId });
        return rows.ToList();
    }
}
