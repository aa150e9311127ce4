-- Source against warehouse, so every total can be checked (profit model section 7):
--   gmv            stg.shop_order (paid, not sample or replacement) vs fact.order_line, per shop and paid day
--   ad_spend       stg.ad_report_daily + stg.gmv_max_campaign_daily vs fact.ad_daily, per shop and day
--   ad_allocation  fact.ad_daily vs fact.sku_ad_spend (allocated parts sum to the spend), per shop and day
--   settlement     TikTok's settlement vs the computed one, per settled order (fact.settlement_check)
--   fx_rate        shop-days whose currency has no rate to the reporting currency on or before the day
--                  (stg.fx_rate, rpt.fx_rate): source_amount is the day's GMV in the shop's currency,
--                  warehouse_amount (its reporting-currency value) and difference are NULL; always flagged
--   refund         orders whose refund two or more sources carry (income export stg.order_settlement, returns from the
--                  API or the returns export, the order export): one row per source with its amount against the
--                  refund the warehouse counted once (fact.order_line; the most authoritative source wins), per order
-- Amounts are in the shop's currency (currency; fx_rate_to_reporting converts them, NULL without a rate).
-- difference = source_amount - warehouse_amount; is_flagged when it is not zero (settlement: beyond the tolerance).
CREATE OR REPLACE VIEW rpt.reconciliation AS
WITH source_order AS (
    SELECT shop.shop_key,
           CAST(to_char(to_timestamp(o.paid_time) AT TIME ZONE shop.time_zone, 'YYYYMMDD') AS integer) AS date_key,
           o.original_total_product_price - o.seller_discount AS gmv
    FROM stg.shop_order AS o
    JOIN dim.shop AS shop ON shop.shop_id = o.shop_id
    WHERE o.paid_time IS NOT NULL AND NOT o.is_sample_order AND NOT o.is_replacement_order
),
source_gmv AS (
    SELECT shop_key, date_key, SUM(gmv) AS amount FROM source_order GROUP BY shop_key, date_key
),
warehouse_gmv AS (
    SELECT shop_key, date_key, SUM(gmv) AS amount FROM fact.order_line GROUP BY shop_key, date_key
),
source_spend_row AS (
    SELECT COALESCE(shop.shop_key, 0) AS shop_key, d.date_key, report.spend AS amount
    FROM stg.ad_report_daily AS report
    JOIN dim.date AS d ON d.calendar_date = report.stat_time_day
    LEFT JOIN dim.campaign AS ad ON ad.advertiser_id = report.advertiser_id AND ad.ad_id = report.ad_id AND ad.ad_id <> '' AND ad.is_current
    LEFT JOIN dim.shop AS shop ON shop.shop_id = ad.shop_id
    UNION ALL
    SELECT COALESCE(shop.shop_key, 0), d.date_key, gmv_max.cost
    FROM stg.gmv_max_campaign_daily AS gmv_max
    JOIN dim.date AS d ON d.calendar_date = gmv_max.stat_time_day
    LEFT JOIN dim.campaign AS campaign
      ON campaign.advertiser_id = gmv_max.advertiser_id AND campaign.campaign_id = gmv_max.campaign_id
     AND campaign.adgroup_id = '' AND campaign.ad_id = ''
    LEFT JOIN dim.shop AS shop ON shop.shop_id = campaign.shop_id
),
source_spend AS (
    SELECT shop_key, date_key, SUM(amount) AS amount FROM source_spend_row GROUP BY shop_key, date_key
),
warehouse_spend AS (
    SELECT shop_key, date_key, SUM(spend) AS amount FROM fact.ad_daily GROUP BY shop_key, date_key
),
allocated_spend AS (
    SELECT shop_key, date_key, SUM(ad_spend) AS amount FROM fact.sku_ad_spend GROUP BY shop_key, date_key
),
fx_missing AS (
    SELECT daily.shop_key, daily.date_key, SUM(daily.gmv) AS gmv
    FROM rpt.sku_daily AS daily
    WHERE daily.fx_rate_to_reporting IS NULL
    GROUP BY daily.shop_key, daily.date_key
),
daily_check AS (
    SELECT 'gmv' AS check_name, 'stg.shop_order' AS source_name, 'fact.order_line' AS warehouse_name,
           COALESCE(source_gmv.shop_key, warehouse_gmv.shop_key) AS shop_key,
           COALESCE(source_gmv.date_key, warehouse_gmv.date_key) AS date_key,
           COALESCE(source_gmv.amount, 0) AS source_amount,
           COALESCE(warehouse_gmv.amount, 0) AS warehouse_amount
    FROM source_gmv
    FULL JOIN warehouse_gmv ON warehouse_gmv.shop_key = source_gmv.shop_key AND warehouse_gmv.date_key = source_gmv.date_key
    UNION ALL
    SELECT 'ad_spend', 'stg.ad_report_daily + stg.gmv_max_campaign_daily', 'fact.ad_daily',
           COALESCE(source_spend.shop_key, warehouse_spend.shop_key),
           COALESCE(source_spend.date_key, warehouse_spend.date_key),
           COALESCE(source_spend.amount, 0),
           COALESCE(warehouse_spend.amount, 0)
    FROM source_spend
    FULL JOIN warehouse_spend ON warehouse_spend.shop_key = source_spend.shop_key AND warehouse_spend.date_key = source_spend.date_key
    UNION ALL
    SELECT 'ad_allocation', 'fact.ad_daily', 'fact.sku_ad_spend',
           COALESCE(warehouse_spend.shop_key, allocated_spend.shop_key),
           COALESCE(warehouse_spend.date_key, allocated_spend.date_key),
           COALESCE(warehouse_spend.amount, 0),
           COALESCE(allocated_spend.amount, 0)
    FROM warehouse_spend
    FULL JOIN allocated_spend ON allocated_spend.shop_key = warehouse_spend.shop_key AND allocated_spend.date_key = warehouse_spend.date_key
),
refund_source_row AS (
    SELECT return_order.shop_id, return_order.order_id,
           CASE WHEN return_order.refund_source = 'order_export' THEN 'order export (stg.return_order, stg.cancellation)'
                ELSE 'returns: API or returns export (stg.return_order, stg.cancellation)' END AS source_name,
           return_line.refund_amount AS amount
    FROM stg.return_order AS return_order
    JOIN stg.return_line_item AS return_line ON return_line.shop_id = return_order.shop_id AND return_line.return_id = return_order.return_id
    WHERE return_order.return_status NOT IN ('RETURN_OR_REFUND_REQUEST_REJECT', 'RETURN_OR_REFUND_REQUEST_CANCEL')
    UNION ALL
    SELECT cancellation.shop_id, cancellation.order_id,
           CASE WHEN cancellation.refund_source = 'order_export' THEN 'order export (stg.return_order, stg.cancellation)'
                ELSE 'returns: API or returns export (stg.return_order, stg.cancellation)' END,
           cancel_line.refund_amount
    FROM stg.cancellation AS cancellation
    JOIN stg.cancellation_line_item AS cancel_line ON cancel_line.shop_id = cancellation.shop_id AND cancel_line.cancel_id = cancellation.cancel_id
    WHERE cancellation.cancel_status NOT IN ('CANCELLATION_REQUEST_REJECT', 'CANCELLATION_REQUEST_CANCEL')
    UNION ALL
    SELECT shop_id, order_id, 'income export (stg.order_settlement)', ABS(SUM(refund_subtotal_after_seller_discounts))
    FROM stg.order_settlement
    GROUP BY shop_id, order_id
    HAVING SUM(refund_subtotal_after_seller_discounts) <> 0
),
refund_source AS (
    SELECT shop_id, order_id, source_name, SUM(amount) AS amount,
           COUNT(*) OVER (PARTITION BY shop_id, order_id) AS source_count
    FROM refund_source_row
    GROUP BY shop_id, order_id, source_name
),
refund_warehouse AS (
    SELECT line.shop_key, shop.shop_id, line.order_id, MIN(line.date_key) AS date_key, SUM(line.refund_amount) AS amount
    FROM fact.order_line AS line
    JOIN dim.shop AS shop ON shop.shop_key = line.shop_key
    WHERE EXISTS (SELECT 1 FROM refund_source AS source
                  WHERE source.shop_id = shop.shop_id AND source.order_id = line.order_id AND source.source_count > 1)
    GROUP BY line.shop_key, shop.shop_id, line.order_id
),
all_check AS (
    SELECT daily_check.check_name, daily_check.source_name, daily_check.warehouse_name, daily_check.shop_key, daily_check.date_key,
           CAST(NULL AS varchar(64)) AS order_id,
           daily_check.source_amount, daily_check.warehouse_amount,
           daily_check.source_amount - daily_check.warehouse_amount AS difference,
           daily_check.source_amount <> daily_check.warehouse_amount AS is_flagged
    FROM daily_check
    UNION ALL
    SELECT 'settlement', 'TikTok settlement (stg.sku_statement_transaction)', 'computed settlement (fact.order_line)',
           settlement.shop_key, settlement.date_key, settlement.order_id,
           settlement.tiktok_settlement_amount, settlement.computed_settlement_amount,
           settlement.difference, settlement.is_flagged
    FROM fact.settlement_check AS settlement
    UNION ALL
    SELECT 'fx_rate', 'stg.fx_rate (rate to the reporting currency)', 'rpt.sku_daily (fx_rate_to_reporting)',
           fx_missing.shop_key, fx_missing.date_key, CAST(NULL AS varchar(64)),
           fx_missing.gmv, CAST(NULL AS numeric(19,4)), CAST(NULL AS numeric(19,4)), TRUE
    FROM fx_missing
    UNION ALL
    SELECT 'refund', refund_source.source_name, 'fact.order_line (refund_amount, counted once)',
           refund_warehouse.shop_key, refund_warehouse.date_key, refund_source.order_id,
           refund_source.amount, refund_warehouse.amount, refund_source.amount - refund_warehouse.amount,
           refund_source.amount <> refund_warehouse.amount
    FROM refund_source
    JOIN refund_warehouse ON refund_warehouse.shop_id = refund_source.shop_id AND refund_warehouse.order_id = refund_source.order_id
)
SELECT all_check.check_name,
       all_check.source_name,
       all_check.warehouse_name,
       all_check.date_key,
       d.calendar_date,
       all_check.shop_key,
       shop.shop_id,
       all_check.order_id,
       all_check.source_amount,
       all_check.warehouse_amount,
       all_check.difference,
       all_check.is_flagged,
       shop.currency,
       reporting.setting_value AS reporting_currency,
       CAST(CASE WHEN shop.currency = reporting.setting_value THEN 1 ELSE fx.rate_to_reporting END AS numeric(19,8)) AS fx_rate_to_reporting
FROM all_check
JOIN dim.date AS d ON d.date_key = all_check.date_key
LEFT JOIN dim.shop AS shop ON shop.shop_key = all_check.shop_key
LEFT JOIN etl.setting AS reporting ON reporting.setting_name = 'reporting_currency'
LEFT JOIN LATERAL (
    SELECT rate.rate_to_reporting
    FROM stg.fx_rate AS rate
    WHERE rate.currency = shop.currency AND rate.rate_date <= d.calendar_date
    ORDER BY rate.rate_date DESC
    LIMIT 1
) AS fx ON TRUE;
