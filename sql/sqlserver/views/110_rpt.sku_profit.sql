-- Per SKU and review period: every figure, the tier, the action and the reason in words.
DROP VIEW IF EXISTS rpt.sku_profit;
GO

CREATE VIEW rpt.sku_profit AS
SELECT period.period_end_date_key,
       period_end.calendar_date AS period_end_date,
       period_start.calendar_date AS period_start_date,
       period.shop_key,
       shop.shop_id,
       shop.shop_name,
       shop.currency,
       period.product_key,
       product.product_id,
       product.sku_id,
       product.seller_sku,
       product.product_name,
       product.sku_name,
       period.orders,
       period.units,
       period.gmv,
       period.refund_amount,
       period.net_revenue,
       period.contribution_before_ads,
       period.ad_spend,
       period.contribution_after_ads,
       period.attributed_gmv,
       period.contribution_margin,
       period.roi,
       CASE WHEN period.ad_spend <> 0 THEN period.attributed_gmv / period.ad_spend END AS roas,
       CASE WHEN period.ad_spend <> 0 THEN period.gmv / period.ad_spend END AS blended_roas,
       CASE WHEN period.contribution_before_ads > 0 THEN period.gmv / period.contribution_before_ads END AS break_even_roas,
       period.tier,
       period.action,
       period.reason,
       period.on_hand_units,
       period.avg_daily_units,
       period.days_of_cover,
       period.restock_units,
       period.is_overstock
FROM fact.sku_period AS period
JOIN dim.date AS period_end ON period_end.date_key = period.period_end_date_key
JOIN dim.date AS period_start ON period_start.date_key = period.period_start_date_key
JOIN dim.shop AS shop ON shop.shop_key = period.shop_key
JOIN dim.product AS product ON product.product_key = period.product_key;
GO
