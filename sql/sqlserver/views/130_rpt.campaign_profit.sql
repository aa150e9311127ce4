-- Campaign (or ad) x day: the spend the source reports (fact.ad_daily) beside its allocation to
-- SKUs (fact.sku_ad_spend, profit model section 3) and the GMV attributed to it (fact.order_line,
-- paid_ads lines, section 2). Counts and ratios do not add across days: recompute them from sums.
DROP VIEW IF EXISTS rpt.campaign_profit;
GO

CREATE VIEW rpt.campaign_profit AS
WITH source_spend AS (
    SELECT ad_daily.date_key,
           ad_daily.campaign_key,
           MAX(ad_daily.shop_key) AS shop_key,
           MAX(ad_daily.spend_source) AS spend_source,
           SUM(ad_daily.spend) AS spend,
           SUM(ad_daily.impressions) AS impressions,
           SUM(ad_daily.clicks) AS clicks,
           SUM(ad_daily.conversions) AS conversions,
           SUM(ad_daily.reported_gmv) AS tiktok_reported_gmv
    FROM fact.ad_daily AS ad_daily
    GROUP BY ad_daily.date_key, ad_daily.campaign_key
),
allocation AS (
    SELECT allocated.date_key,
           allocated.campaign_key,
           MAX(allocated.shop_key) AS shop_key,
           SUM(allocated.ad_spend) AS allocated_spend,
           SUM(CASE WHEN allocated.product_key = 0 THEN allocated.ad_spend ELSE 0 END) AS unallocated_spend,
           COUNT(DISTINCT CASE WHEN allocated.product_key <> 0 THEN allocated.product_key END) AS allocated_sku_count,
           MAX(allocated.allocation_method) AS allocation_method
    FROM fact.sku_ad_spend AS allocated
    GROUP BY allocated.date_key, allocated.campaign_key
),
allocation_rule AS (
    SELECT distinct_rule.date_key,
           distinct_rule.campaign_key,
           STRING_AGG(distinct_rule.allocation_rule, ', ') WITHIN GROUP (ORDER BY distinct_rule.allocation_rule) AS allocation_rules
    FROM (SELECT DISTINCT date_key, campaign_key, allocation_rule FROM fact.sku_ad_spend) AS distinct_rule
    GROUP BY distinct_rule.date_key, distinct_rule.campaign_key
),
attributed AS (
    SELECT line.date_key,
           line.campaign_key,
           MAX(line.shop_key) AS shop_key,
           SUM(line.gmv) AS attributed_gmv,
           COUNT(DISTINCT line.order_id) AS attributed_orders,
           SUM(line.net_revenue) AS attributed_net_revenue,
           SUM(line.contribution_before_ads) AS attributed_contribution_before_ads
    FROM fact.order_line AS line
    WHERE line.traffic_source_key = 2 AND line.campaign_key <> 0
    GROUP BY line.date_key, line.campaign_key
),
campaign_day AS (
    SELECT date_key, campaign_key FROM source_spend
    UNION
    SELECT date_key, campaign_key FROM allocation
    UNION
    SELECT date_key, campaign_key FROM attributed
)
SELECT campaign_day.date_key,
       d.calendar_date,
       d.iso_week_label,
       COALESCE(source_spend.shop_key, allocation.shop_key, attributed.shop_key, 0) AS shop_key,
       campaign_day.campaign_key,
       campaign.advertiser_id,
       campaign.campaign_id,
       campaign.campaign_name,
       campaign.campaign_type,
       campaign.adgroup_id,
       campaign.ad_id,
       campaign.ad_name,
       source_spend.spend_source,
       COALESCE(source_spend.spend, 0) AS spend,
       COALESCE(source_spend.impressions, 0) AS impressions,
       COALESCE(source_spend.clicks, 0) AS clicks,
       COALESCE(source_spend.conversions, 0) AS conversions,
       COALESCE(source_spend.tiktok_reported_gmv, 0) AS tiktok_reported_gmv,
       COALESCE(allocation.allocated_spend, 0) AS allocated_spend,
       COALESCE(allocation.unallocated_spend, 0) AS unallocated_spend,
       COALESCE(allocation.allocated_sku_count, 0) AS allocated_sku_count,
       allocation.allocation_method,
       allocation_rule.allocation_rules,
       COALESCE(attributed.attributed_gmv, 0) AS attributed_gmv,
       COALESCE(attributed.attributed_orders, 0) AS attributed_orders,
       COALESCE(attributed.attributed_net_revenue, 0) AS attributed_net_revenue,
       COALESCE(attributed.attributed_contribution_before_ads, 0) AS attributed_contribution_before_ads,
       CASE WHEN source_spend.spend <> 0 THEN COALESCE(attributed.attributed_gmv, 0) / source_spend.spend END AS roas,
       shop.currency,
       reporting.setting_value AS reporting_currency,
       CAST(CASE WHEN shop.currency = reporting.setting_value THEN 1 ELSE fx.rate_to_reporting END AS decimal(19,8)) AS fx_rate_to_reporting
FROM campaign_day
JOIN dim.date AS d ON d.date_key = campaign_day.date_key
JOIN dim.campaign AS campaign ON campaign.campaign_key = campaign_day.campaign_key
LEFT JOIN source_spend ON source_spend.date_key = campaign_day.date_key AND source_spend.campaign_key = campaign_day.campaign_key
LEFT JOIN allocation ON allocation.date_key = campaign_day.date_key AND allocation.campaign_key = campaign_day.campaign_key
LEFT JOIN allocation_rule ON allocation_rule.date_key = campaign_day.date_key AND allocation_rule.campaign_key = campaign_day.campaign_key
LEFT JOIN attributed ON attributed.date_key = campaign_day.date_key AND attributed.campaign_key = campaign_day.campaign_key
LEFT JOIN dim.shop AS shop ON shop.shop_key = COALESCE(source_spend.shop_key, allocation.shop_key, attributed.shop_key, 0)
LEFT JOIN etl.setting AS reporting ON reporting.setting_name = N'reporting_currency'
OUTER APPLY (
    SELECT TOP (1) rate.rate_to_reporting
    FROM stg.fx_rate AS rate
    WHERE rate.currency = shop.currency AND rate.rate_date <= d.calendar_date
    ORDER BY rate.rate_date DESC
) AS fx;
GO
