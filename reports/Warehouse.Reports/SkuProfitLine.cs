namespace Warehouse.Reports;

/// <summary>One SKU's figures over the report's days, summed from rpt.sku_daily, with its tier from rpt.sku_profit.</summary>
public sealed record SkuProfitLine
{
    public int ProductKey { get; init; }
    public string ShopId { get; init; } = "";
    public string ShopName { get; init; } = "";
    public string SkuId { get; init; } = "";
    public string? SellerSku { get; init; }
    public string ProductName { get; init; } = "";
    public int Orders { get; init; }
    public int Units { get; init; }
    public decimal ListAmount { get; init; }
    public decimal SellerDiscount { get; init; }
    public decimal PlatformDiscount { get; init; }
    public decimal Gmv { get; init; }
    public decimal RefundAmount { get; init; }
    public decimal NetRevenue { get; init; }
    public decimal PlatformFee { get; init; }
    public decimal TransactionFee { get; init; }
    public decimal AffiliateCommission { get; init; }
    public decimal ShippingCost { get; init; }
    public decimal Cogs { get; init; }
    public decimal OtherVariableCost { get; init; }
    public decimal ContributionBeforeAds { get; init; }
    public decimal AdSpend { get; init; }
    public decimal ContributionAfterAds { get; init; }
    public decimal AttributedGmv { get; init; }
    public int AttributedOrders { get; init; }
    public decimal EstimatedFeeRevenue { get; init; }
    public decimal SettledNetRevenue { get; init; }
    public string? Tier { get; init; }
}
