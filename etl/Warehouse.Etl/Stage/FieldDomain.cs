namespace Warehouse.Stage;

/// <summary>
/// The values a staging column can sensibly hold beyond its type: a quantity above zero, a cost not below zero,
/// a rate between 0 and 1, a time between 2000 and 2099. A value outside is a reject with <see cref="Reason"/>.
/// </summary>
public sealed record FieldDomain(decimal? Min, bool MinExclusive, decimal? Max, string Reason)
{
    public bool Contains(decimal value) =>
        (Min is not { } min || (MinExclusive ? value > min : value >= min)) && (Max is not { } max || value <= max);
}

/// <summary>
/// The domain of every staged field that has one, in one place: <see cref="StagingTable.ReadAllAsync"/> attaches them to
/// the columns, <see cref="FieldParser"/> checks them, so a file load, an import and an API page are held to the same
/// rules. Amounts TikTok signs (statement and settlement transactions, fees, adjustments) and the seller's expenses
/// (a credit is negative) have no rule. Dates must fall in 2000..2099 and epoch-second times in 1970..2099 (a time in milliseconds,
/// or a day typed as 0202, is caught here).
/// </summary>
public static class StagingDomains
{
    public static readonly FieldDomain Positive = new(0m, true, null, "not a quantity above 0");
    public static readonly FieldDomain Count = new(0m, false, null, "negative: a count is 0 or more");
    public static readonly FieldDomain Amount = new(0m, false, null, "negative: this amount (a price, cost, discount or refund) is 0 or more");
    public static readonly FieldDomain Rate = new(0m, false, 1m, "not a rate between 0 and 1 (write 0.06 or 6%)");
    public static readonly FieldDomain ExchangeRate = new(0m, true, null, "not an exchange rate above 0");
    public static readonly FieldDomain Band = new(1m, false, null, "not a band: the smallest order has 1 unit");

    /// <summary>UTC epoch seconds from 1970 (a product may carry 0 for "unknown") to 2100-01-01 less a second: a time in milliseconds is out.</summary>
    public static readonly FieldDomain EpochSeconds = new(0m, false, 4_102_444_799m, "not a time between 1970 and 2099 (UTC epoch seconds, not milliseconds)");

    public static readonly DateOnly FirstDay = new(2000, 1, 1);
    public static readonly DateOnly LastDay = new(2099, 12, 31);

    private static readonly Dictionary<string, FieldDomain> ByColumn = Build();

    /// <summary>The domain of a column: its own rule, else the rule for epoch-second times (bigint columns named *_time).</summary>
    public static FieldDomain? For(string table, string column, ColumnKind kind) =>
        ByColumn.TryGetValue(table + "." + column, out var domain) ? domain
        : kind == ColumnKind.BigInteger && column.EndsWith("_time", StringComparison.OrdinalIgnoreCase) ? EpochSeconds
        : null;

    private static Dictionary<string, FieldDomain> Build()
    {
        var rules = new Dictionary<string, FieldDomain>(StringComparer.OrdinalIgnoreCase);
        void Add(FieldDomain domain, string table, params string[] columns)
        {
            foreach (var column in columns)
            {
                rules.Add(table + "." + column, domain);
            }
        }

        Add(Amount, "shop_order", "total_amount", "sub_total", "shipping_fee", "seller_discount", "platform_discount", "original_total_product_price",
            "original_shipping_fee", "shipping_fee_seller_discount", "shipping_fee_platform_discount", "tax");
        Add(Positive, "order_line_item", "quantity");
        Add(Amount, "order_line_item", "original_price", "sale_price", "platform_discount", "seller_discount");
        Add(Amount, "return_order", "refund_total");
        Add(Amount, "return_line_item", "refund_amount");
        Add(Amount, "cancellation", "refund_total", "refund_subtotal", "refund_shipping_fee", "refund_tax");
        Add(Amount, "cancellation_line_item", "refund_amount");
        Add(Amount, "product_sku", "sale_price");
        Add(Count, "product_sku", "inventory_quantity");
        Add(Amount, "campaign", "budget");
        Add(Amount, "ad_report_daily", "spend", "total_onsite_shopping_value");
        Add(Count, "ad_report_daily", "impressions", "clicks", "conversion", "complete_payment");
        Add(Amount, "gmv_max_product_daily", "cost", "net_cost", "gross_revenue");
        Add(Count, "gmv_max_product_daily", "orders");
        Add(Amount, "gmv_max_campaign_daily", "cost", "net_cost", "gross_revenue");
        Add(Count, "gmv_max_campaign_daily", "orders");
        Add(Rate, "affiliate_order", "commission_rate");
        Add(Amount, "affiliate_order", "estimated_commission");
        Add(Amount, "sku_cost", "unit_cost");
        Add(Rate, "cost_setting", "commission_rate", "payment_rate", "refund_admin_fee_share");
        Add(Amount, "cost_setting", "refund_admin_fee_cap", "shipping_cost_per_order", "packaging_cost_per_unit", "fee_per_order");
        Add(Count, "cost_setting", "lead_time_days");
        Add(Band, "shipping_rate", "min_units");
        Add(Amount, "shipping_rate", "cost_per_order");
        Add(ExchangeRate, "fx_rate", "rate_to_reporting");
        return rules;
    }
}
