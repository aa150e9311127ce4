namespace Warehouse.Sample;

/// <summary>A staging table as a CSV file: its name and its columns in order (the DDL's, without etl_run_id).</summary>
internal sealed record TableSpec(string Name, IReadOnlyList<string> Columns)
{
    public string FileName => Name + ".csv";
}

/// <summary>The file contract with the loader: sql/postgres/migrations/0003_staging.sql and 0013_fx_rate.sql minus etl_run_id.</summary>
internal static class StagingTables
{
    public static readonly TableSpec Shop = new("shop", ["shop_id", "shop_name", "region", "currency", "time_zone"]);

    public static readonly TableSpec ShopOrder = new("shop_order",
    [
        "shop_id", "order_id", "status", "create_time", "update_time", "paid_time", "cancel_time",
        "is_sample_order", "is_replacement_order", "replaced_order_id", "user_id", "currency",
        "total_amount", "sub_total", "shipping_fee", "seller_discount", "platform_discount",
        "original_total_product_price", "original_shipping_fee", "shipping_fee_seller_discount",
        "shipping_fee_platform_discount", "tax",
    ]);

    public static readonly TableSpec OrderLineItem = new("order_line_item",
    [
        "shop_id", "order_id", "line_item_id", "product_id", "product_name", "sku_id", "sku_name",
        "seller_sku", "currency", "quantity", "original_price", "sale_price", "platform_discount",
        "seller_discount", "display_status", "is_gift",
    ]);

    public static readonly TableSpec ReturnOrder = new("return_order",
    [
        "shop_id", "return_id", "order_id", "return_type", "return_status", "create_time", "update_time", "refund_total",
    ]);

    public static readonly TableSpec ReturnLineItem = new("return_line_item",
    [
        "shop_id", "return_id", "return_line_item_id", "order_id", "order_line_item_id", "sku_id", "seller_sku", "refund_amount",
    ]);

    public static readonly TableSpec Cancellation = new("cancellation",
    [
        "shop_id", "cancel_id", "order_id", "cancel_type", "cancel_status", "create_time", "update_time",
        "refund_total", "refund_subtotal", "refund_shipping_fee", "refund_tax",
    ]);

    public static readonly TableSpec CancellationLineItem = new("cancellation_line_item",
    [
        "shop_id", "cancel_id", "order_id", "order_line_item_id", "sku_id", "refund_amount",
    ]);

    public static readonly TableSpec Statement = new("statement",
    [
        "shop_id", "statement_id", "statement_time", "payment_status", "currency", "settlement_amount",
        "revenue_amount", "fee_amount", "adjustment_amount", "shipping_cost_amount", "net_sales_amount",
    ]);

    public static readonly TableSpec SkuStatementTransaction = new("sku_statement_transaction",
    [
        "shop_id", "statement_id", "order_id", "sku_id", "sku_name", "product_name", "quantity",
        "settlement_amount", "revenue_amount", "fee_amount", "shipping_cost_amount",
        "platform_commission_amount", "referral_fee_amount", "transaction_fee_amount",
        "refund_administration_fee_amount", "affiliate_commission_amount", "affiliate_ads_commission_amount",
        "affiliate_partner_commission_amount", "platform_discount_amount", "customer_refund_amount",
        "shipping_fee_amount", "shipping_fee_subsidy_amount", "actual_shipping_fee_amount",
        "platform_shipping_fee_discount_amount", "customer_shipping_fee_amount",
        "return_shipping_fee_amount", "sales_tax_amount",
    ]);

    public static readonly TableSpec Product = new("product",
    [
        "shop_id", "product_id", "title", "status", "category", "create_time", "update_time",
    ]);

    public static readonly TableSpec ProductSku = new("product_sku",
    [
        "shop_id", "product_id", "sku_id", "seller_sku", "sku_name", "currency", "sale_price", "inventory_quantity",
    ]);

    public static readonly TableSpec Campaign = new("campaign",
    [
        "advertiser_id", "campaign_id", "campaign_name", "campaign_type", "objective_type", "store_id", "budget",
    ]);

    public static readonly TableSpec Adgroup = new("adgroup",
    [
        "advertiser_id", "adgroup_id", "campaign_id", "adgroup_name", "click_attribution_window", "view_attribution_window",
    ]);

    public static readonly TableSpec Ad = new("ad", ["advertiser_id", "ad_id", "adgroup_id", "campaign_id", "ad_name"]);

    public static readonly TableSpec AdReportDaily = new("ad_report_daily",
    [
        "advertiser_id", "ad_id", "stat_time_day", "spend", "impressions", "clicks", "conversion",
        "complete_payment", "total_onsite_shopping_value",
    ]);

    public static readonly TableSpec GmvMaxProductDaily = new("gmv_max_product_daily",
    [
        "advertiser_id", "campaign_id", "store_id", "item_group_id", "stat_time_day", "cost", "net_cost", "orders", "gross_revenue",
    ]);

    public static readonly TableSpec GmvMaxCampaignDaily = new("gmv_max_campaign_daily",
    [
        "advertiser_id", "campaign_id", "stat_time_day", "cost", "net_cost", "orders", "gross_revenue",
    ]);

    public static readonly TableSpec AdProductMap = new("ad_product_map",
    [
        "shop_id", "advertiser_id", "campaign_id", "adgroup_id", "ad_id", "product_id", "sku_id",
    ]);

    public static readonly TableSpec Touchpoint = new("touchpoint",
    [
        "shop_id", "buyer_user_id", "ad_id", "event_type", "event_time",
    ]);

    public static readonly TableSpec AffiliateOrder = new("affiliate_order",
    [
        "shop_id", "order_id", "order_line_item_id", "creator_username", "commission_rate", "estimated_commission",
    ]);

    public static readonly TableSpec SkuCost = new("sku_cost", ["shop_id", "sku_id", "effective_from", "unit_cost", "currency"]);

    public static readonly TableSpec CostSetting = new("cost_setting",
    [
        "shop_id", "effective_from", "commission_rate", "payment_rate", "refund_admin_fee_share",
        "refund_admin_fee_cap", "shipping_cost_per_order", "packaging_cost_per_unit", "fee_per_order", "lead_time_days",
    ]);

    /// <summary>sql/postgres/migrations/0014_shipping_rate_and_expense.sql: the seller's rate card by units per order.</summary>
    public static readonly TableSpec ShippingRate = new("shipping_rate", ["shop_id", "effective_from", "min_units", "cost_per_order"]);

    /// <summary>sql/postgres/migrations/0014_shipping_rate_and_expense.sql: fixed and manual expenses over a span of days.</summary>
    public static readonly TableSpec Expense = new("expense", ["shop_id", "category", "description", "date_from", "date_to", "amount"]);

    /// <summary>sql/postgres/migrations/0013_fx_rate.sql: units of the reporting currency per unit of the currency, by day.</summary>
    public static readonly TableSpec FxRate = new("fx_rate", ["currency", "rate_date", "rate_to_reporting"]);

    /// <summary>Every file the generator writes, in the order they are listed to callers.</summary>
    public static readonly IReadOnlyList<TableSpec> All =
    [
        Shop, ShopOrder, OrderLineItem, ReturnOrder, ReturnLineItem, Cancellation, CancellationLineItem,
        Statement, SkuStatementTransaction, Product, ProductSku, Campaign, Adgroup, Ad, AdReportDaily,
        GmvMaxProductDaily, GmvMaxCampaignDaily, AdProductMap, Touchpoint, AffiliateOrder, SkuCost, CostSetting, ShippingRate, Expense, FxRate,
    ];
}
