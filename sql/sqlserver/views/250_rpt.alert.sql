-- Alert episodes (profit model section 8) in the seller's words, with the shop, SKU or campaign named.
DROP VIEW IF EXISTS rpt.alert;
GO

CREATE VIEW rpt.alert AS
SELECT alert.alert_id,
       alert.rule_code,
       alert.subject_type,
       alert.severity,
       alert.shop_key,
       alert.product_key,
       alert.campaign_key,
       CASE WHEN alert.resolved_on IS NULL THEN N'open' ELSE N'resolved' END AS episode_status,
       shop.shop_id,
       shop.shop_name,
       shop.currency,
       CASE WHEN alert.product_key <> 0 THEN product.sku_id END AS sku_id,
       CASE WHEN alert.product_key <> 0 THEN product.seller_sku END AS seller_sku,
       CASE WHEN alert.product_key <> 0 THEN product.product_name END AS product_name,
       CASE WHEN alert.campaign_key <> 0 THEN campaign.campaign_id END AS campaign_id,
       CASE WHEN alert.campaign_key <> 0 THEN campaign.campaign_name END AS campaign_name,
       alert.subject,
       alert.first_date_key,
       alert.date_key,
       alert.opened_on,
       alert.last_seen_on,
       alert.resolved_on,
       alert.measured_value,
       alert.baseline_value,
       alert.threshold_value,
       alert.money_amount,
       alert.alert_message,
       alert.delivered_at
FROM fact.alert AS alert
LEFT JOIN dim.shop AS shop ON shop.shop_key = alert.shop_key
LEFT JOIN dim.product AS product ON product.product_key = alert.product_key
LEFT JOIN dim.campaign AS campaign ON campaign.campaign_key = alert.campaign_key;
GO
