-- SKU x day x traffic source with every figure of profit model section 5; ratios recomputed from sums.
DROP VIEW IF EXISTS rpt.sku_daily;
GO

CREATE VIEW rpt.sku_daily AS
SELECT daily.date_key,
       d.calendar_date,
       d.iso_week_label,
       daily.shop_key,
       shop.shop_id,
       shop.shop_name,
       shop.currency,
       daily.product_key,
       product.product_id,
       product.sku_id,
       product.seller_sku,
       product.product_name,
       product.sku_name,
       daily.traffic_source_key,
       source.traffic_source,
       daily.orders,
       daily.units,
       daily.list_amount,
       daily.seller_discount,
       daily.platform_discount,
       daily.gmv,
       daily.refund_amount,
       daily.net_revenue,
       daily.platform_fee,
       daily.transaction_fee,
       daily.affiliate_commission,
       daily.shipping_cost,
       daily.cogs,
       daily.other_variable_cost,
       daily.contribution_before_ads,
       daily.ad_spend,
       daily.contribution_after_ads,
       daily.attributed_gmv,
       daily.attributed_orders,
       daily.estimated_fee_revenue,
       daily.tiktok_settlement_amount,
       daily.settled_net_revenue,
       CASE WHEN daily.net_revenue <> 0 THEN daily.contribution_before_ads / daily.net_revenue END AS contribution_margin,
       CASE WHEN daily.ad_spend <> 0 THEN daily.attributed_gmv / daily.ad_spend END AS roas,
       CASE WHEN daily.ad_spend <> 0 THEN daily.contribution_after_ads / daily.ad_spend END AS roi,
       CASE WHEN daily.gmv <> 0 THEN daily.refund_amount / daily.gmv END AS refund_rate,
       reporting.setting_value AS reporting_currency,
       CAST(CASE WHEN shop.currency = reporting.setting_value THEN 1 ELSE fx.rate_to_reporting END AS decimal(19,8)) AS fx_rate_to_reporting
FROM fact.sku_daily AS daily
JOIN dim.date AS d ON d.date_key = daily.date_key
JOIN dim.shop AS shop ON shop.shop_key = daily.shop_key
JOIN dim.product AS product ON product.product_key = daily.product_key
JOIN dim.traffic_source AS source ON source.traffic_source_key = daily.traffic_source_key
LEFT JOIN etl.setting AS reporting ON reporting.setting_name = N'reporting_currency'
OUTER APPLY (
    SELECT TOP (1) rate.rate_to_reporting
    FROM stg.fx_rate AS rate
    WHERE rate.currency = shop.currency AND rate.rate_date <= d.calendar_date
    ORDER BY rate.rate_date DESC
) AS fx;
GO
