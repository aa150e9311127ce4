-- Profit model section 7: the checks a transform must pass before it publishes. A failure
-- names the check, the day and the amounts; nothing is published.
CREATE OR REPLACE PROCEDURE etl.check_invariants(p_run_id bigint, INOUT p_rows_written bigint DEFAULT 0)
LANGUAGE plpgsql
AS $$
DECLARE
    v_failure varchar(2000);
BEGIN
    -- Allocated spend per day = source spend per day, to the cent.
    SELECT 'check allocated_spend_equals_source_spend failed on ' || CAST(d.calendar_date AS varchar(10))
           || ': source spend ' || CAST(source.spend AS varchar(30)) || ', allocated ' || CAST(COALESCE(allocated.spend, 0) AS varchar(30))
    INTO v_failure
    FROM (SELECT date_key, SUM(spend) AS spend FROM etl.work_ad_daily GROUP BY date_key) AS source
    JOIN dim.date AS d ON d.date_key = source.date_key
    LEFT JOIN (SELECT date_key, SUM(ad_spend) AS spend FROM etl.work_sku_ad_spend GROUP BY date_key) AS allocated
      ON allocated.date_key = source.date_key
    WHERE source.spend <> COALESCE(allocated.spend, 0)
    ORDER BY source.date_key
    LIMIT 1;
    IF v_failure IS NOT NULL THEN RAISE EXCEPTION '%', v_failure; END IF;

    -- Sum of line gmv per order = order GMV from the source (revenue orders).
    SELECT 'check order_gmv_equals_source failed on ' || CAST(d.calendar_date AS varchar(10)) || ' for order ' || line.order_id
           || ': source gmv ' || CAST(MAX(o.original_total_product_price - o.seller_discount) AS varchar(30))
           || ', lines ' || CAST(SUM(line.gmv) AS varchar(30))
    INTO v_failure
    FROM etl.work_order_line AS line
    JOIN stg.shop_order AS o ON o.shop_id = line.shop_id AND o.order_id = line.order_id
    JOIN dim.date AS d ON d.date_key = line.date_key
    WHERE line.is_revenue
    GROUP BY line.order_id, d.calendar_date
    HAVING SUM(line.gmv) <> MAX(o.original_total_product_price - o.seller_discount)
    ORDER BY d.calendar_date, line.order_id
    LIMIT 1;
    IF v_failure IS NOT NULL THEN RAISE EXCEPTION '%', v_failure; END IF;

    -- Lines split from a whole sum to the whole.
    SELECT 'check split_parts_sum_to_whole failed for ' || split_name || ' whole ' || CAST(whole_id AS varchar(30))
           || ': whole ' || CAST(MAX(whole_amount) AS varchar(30)) || ', parts ' || CAST(SUM(part_amount) AS varchar(30))
    INTO v_failure
    FROM etl.work_split
    GROUP BY split_name, whole_id
    HAVING SUM(part_amount) <> MAX(whole_amount) OR COUNT(part_amount) <> COUNT(*)
    ORDER BY split_name, whole_id
    LIMIT 1;
    IF v_failure IS NOT NULL THEN RAISE EXCEPTION '%', v_failure; END IF;

    SELECT COUNT(*) INTO p_rows_written FROM etl.work_order_line;
END;
$$;
