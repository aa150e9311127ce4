-- SKU x day x campaign: each part of a campaign's spend as allocated to an SKU (profit model
-- section 3), with the rule that placed it. Product key 0 is Unknown / Unallocated.
CREATE OR REPLACE VIEW rpt.sku_ad_spend AS
SELECT allocated.date_key,
       d.calendar_date,
       d.iso_week_label,
       allocated.shop_key,
       shop.shop_id,
       shop.shop_name,
       allocated.campaign_key,
       campaign.campaign_id,
       campaign.campaign_name,
       campaign.campaign_type,
       campaign.ad_id,
       campaign.ad_name,
       allocated.product_key,
       product.sku_id,
       product.seller_sku,
       product.product_name,
       allocated.spend_source,
       allocated.allocation_rule,
       allocated.allocation_method,
       allocated.ad_spend,
       shop.currency,
       reporting.setting_value AS reporting_currency,
       CAST(CASE WHEN shop.currency = reporting.setting_value THEN 1 ELSE fx.rate_to_reporting END AS numeric(19,8)) AS fx_rate_to_reporting
FROM fact.sku_ad_spend AS allocated
JOIN dim.date AS d ON d.date_key = allocated.date_key
JOIN dim.shop AS shop ON shop.shop_key = allocated.shop_key
JOIN dim.campaign AS campaign ON campaign.campaign_key = allocated.campaign_key
JOIN dim.product AS product ON product.product_key = allocated.product_key
LEFT JOIN etl.setting AS reporting ON reporting.setting_name = 'reporting_currency'
LEFT JOIN LATERAL (
    SELECT rate.rate_to_reporting
    FROM stg.fx_rate AS rate
    WHERE rate.currency = shop.currency AND rate.rate_date <= d.calendar_date
    ORDER BY rate.rate_date DESC
    LIMIT 1
) AS fx ON TRUE;
