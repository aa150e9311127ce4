-- Per source and shop: the latest day the published facts hold and the run that published it.
DROP VIEW IF EXISTS rpt.data_freshness;
GO

CREATE VIEW rpt.data_freshness AS
WITH source_day AS (
    SELECT 'orders' AS source_name, shop_key, MAX(date_key) AS latest_date_key, MAX(etl_run_id) AS latest_run_id
    FROM fact.order_line GROUP BY shop_key
    UNION ALL
    SELECT 'settlements', shop_key, MAX(date_key), MAX(etl_run_id)
    FROM fact.settlement_check GROUP BY shop_key
    UNION ALL
    SELECT CONCAT('ad spend (', spend_source, ')'), shop_key, MAX(date_key), MAX(etl_run_id)
    FROM fact.ad_daily GROUP BY spend_source, shop_key
)
SELECT source_day.source_name,
       source_day.shop_key,
       shop.shop_id,
       shop.shop_name,
       source_day.latest_date_key,
       d.calendar_date AS latest_date,
       source_day.latest_run_id,
       run.ended_at AS latest_run_ended_at
FROM source_day
JOIN dim.date AS d ON d.date_key = source_day.latest_date_key
LEFT JOIN dim.shop AS shop ON shop.shop_key = source_day.shop_key
LEFT JOIN etl.run AS run ON run.run_id = source_day.latest_run_id;
GO
