-- Step 1 of a transform: empty the work tables and decide which days it recomputes.
-- A full rebuild (no dates) covers every day that has data or published facts. An incremental
-- run covers its own days plus the paid days of orders whose refunds, cancellations or
-- settlements changed within those days (late events restate the order's own day).
CREATE OR REPLACE PROCEDURE etl.prepare_transform(p_run_id bigint, p_from date, p_to date, INOUT p_rows_written bigint DEFAULT 0)
LANGUAGE plpgsql
AS $$
DECLARE
    v_table record;
BEGIN
    PERFORM set_config('work_mem', '256MB', true);  -- this transaction only: sorts and hashes of a full rebuild stay in memory

    -- Statistics of the staging and dimension tables the transform reads, refreshed where the last
    -- load changed them beyond autovacuum's own threshold (50 rows + 10 %) and autovacuum has not
    -- caught up yet. Right after a bulk load the planner otherwise sees the tables as they were (or
    -- empty): at 200 k lines it merge-joined every line to every product of its shop (260 M rows
    -- removed by a join filter, 65 s of compute_order_line's 90 s). SQL Server needs no twin of
    -- this: AUTO_UPDATE_STATISTICS refreshes stale statistics when a statement is compiled.
    FOR v_table IN
        SELECT schemaname, relname
        FROM pg_stat_user_tables
        WHERE schemaname IN ('stg', 'dim')
          AND (COALESCE(last_analyze, last_autoanalyze) IS NULL OR n_mod_since_analyze > 50 + 0.1 * n_live_tup)
        ORDER BY schemaname, relname
    LOOP
        EXECUTE format('ANALYZE %I.%I', v_table.schemaname, v_table.relname);
    END LOOP;

    TRUNCATE etl.work_affected_date, etl.work_order_line, etl.work_split, etl.work_ad_daily,
             etl.work_sku_ad_spend, etl.work_gmv_max_tieout, etl.work_sku_daily, etl.work_sku_period,
             etl.work_settlement_check, etl.work_sku_attribution_sensitivity;

    INSERT INTO etl.work_affected_date (date_key)
    WITH order_day AS (
        SELECT o.shop_id, o.order_id,
               CAST(to_timestamp(COALESCE(o.paid_time, o.create_time)) AT TIME ZONE shop.time_zone AS date) AS order_date
        FROM stg.shop_order AS o
        JOIN dim.shop AS shop ON shop.shop_id = o.shop_id
    ),
    event_window AS (
        -- UTC epoch seconds a day either side of the requested days (every shop's local day lies
        -- within them), so an incremental run reads only the events of its own days
        SELECT CAST(EXTRACT(EPOCH FROM CAST(p_from - 1 AS timestamp)) AS bigint) AS first_time,
               CAST(EXTRACT(EPOCH FROM CAST(p_to + 2 AS timestamp)) AS bigint) AS last_time
    ),
    late_event AS (
        SELECT r.shop_id, r.order_id, r.update_time AS event_time
        FROM stg.return_order AS r JOIN event_window AS w ON r.update_time BETWEEN w.first_time AND w.last_time
        UNION ALL
        SELECT c.shop_id, c.order_id, c.update_time
        FROM stg.cancellation AS c JOIN event_window AS w ON c.update_time BETWEEN w.first_time AND w.last_time
        UNION ALL
        SELECT t.shop_id, t.order_id, s.statement_time
        FROM stg.statement AS s
        JOIN event_window AS w ON s.statement_time BETWEEN w.first_time AND w.last_time
        JOIN stg.sku_statement_transaction AS t ON t.shop_id = s.shop_id AND t.statement_id = s.statement_id
        UNION ALL
        SELECT o.shop_id, o.order_id, o.settled_time
        FROM stg.order_settlement AS o JOIN event_window AS w ON o.settled_time BETWEEN w.first_time AND w.last_time
    ),
    late_event_day AS (
        SELECT late_event.shop_id, late_event.order_id,
               CAST(to_timestamp(late_event.event_time) AT TIME ZONE shop.time_zone AS date) AS event_date
        FROM late_event
        JOIN dim.shop AS shop ON shop.shop_id = late_event.shop_id
    ),
    data_day AS (
        SELECT order_date AS calendar_date FROM order_day
        UNION
        SELECT stat_time_day FROM stg.ad_report_daily
        UNION
        SELECT stat_time_day FROM stg.gmv_max_product_daily
        UNION
        SELECT stat_time_day FROM stg.gmv_max_campaign_daily
    ),
    requested_day AS (
        SELECT calendar_date FROM data_day
        WHERE p_from IS NULL OR calendar_date BETWEEN p_from AND p_to
        UNION
        SELECT d.calendar_date FROM dim.date AS d
        WHERE p_from IS NOT NULL AND d.calendar_date BETWEEN p_from AND p_to
        UNION
        SELECT d.calendar_date FROM fact.sku_daily AS f JOIN dim.date AS d ON d.date_key = f.date_key
        WHERE p_from IS NULL
    ),
    restated_day AS (
        SELECT order_day.order_date AS calendar_date
        FROM late_event_day
        JOIN order_day ON order_day.shop_id = late_event_day.shop_id AND order_day.order_id = late_event_day.order_id
        WHERE p_from IS NOT NULL AND late_event_day.event_date BETWEEN p_from AND p_to
    )
    SELECT d.date_key
    FROM dim.date AS d
    WHERE d.calendar_date IN (SELECT calendar_date FROM requested_day UNION SELECT calendar_date FROM restated_day);

    GET DIAGNOSTICS p_rows_written = ROW_COUNT;
    ANALYZE etl.work_affected_date;  -- every step filters by it: without statistics it looks like 2,550 days
END;
$$;
