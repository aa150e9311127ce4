-- Profit model section 7: the checks a transform must pass before it publishes. A failure
-- names the check, the day and the amounts; nothing is published.
CREATE OR REPLACE PROCEDURE etl.check_invariants(p_run_id bigint, INOUT p_rows_written bigint DEFAULT 0)
LANGUAGE plpgsql
AS $$
DECLARE
    v_failure varchar(2000);
BEGIN
    -- Allocated spend per day = source spend per day, to the cent.
    WITH source_spend AS (
        SELECT date_key, SUM(spend) AS spend FROM etl.work_ad_daily GROUP BY date_key
    ),
    allocated_spend AS (
        SELECT date_key, SUM(ad_spend) AS spend FROM etl.work_sku_ad_spend GROUP BY date_key
    ),
    spend_mismatch AS (
        SELECT COALESCE(source_spend.date_key, allocated_spend.date_key) AS date_key,
               COALESCE(source_spend.spend, 0) AS source_spend, COALESCE(allocated_spend.spend, 0) AS allocated_spend
        FROM source_spend
        FULL JOIN allocated_spend ON allocated_spend.date_key = source_spend.date_key
        WHERE COALESCE(source_spend.spend, 0) <> COALESCE(allocated_spend.spend, 0)
    )
    SELECT 'check allocated_spend_equals_source_spend failed on ' || CAST(d.calendar_date AS varchar(10))
           || ': source spend ' || CAST(first_mismatch.source_spend AS varchar(30)) || ', allocated ' || CAST(first_mismatch.allocated_spend AS varchar(30))
    INTO v_failure
    FROM (SELECT * FROM spend_mismatch ORDER BY date_key LIMIT 1) AS first_mismatch
    JOIN dim.date AS d ON d.date_key = first_mismatch.date_key;
    IF v_failure IS NOT NULL THEN RAISE EXCEPTION '%', v_failure; END IF;

    -- Sum of line gmv per order = order GMV from the source (revenue orders).
    WITH order_line_total AS (
        SELECT shop_id, order_id, MIN(date_key) AS date_key, SUM(gmv) AS lines_gmv
        FROM etl.work_order_line
        WHERE is_revenue
        GROUP BY shop_id, order_id
    ),
    order_mismatch AS (
        SELECT total.order_id, total.date_key, o.original_total_product_price - o.seller_discount AS source_gmv, total.lines_gmv
        FROM order_line_total AS total
        JOIN stg.shop_order AS o ON o.shop_id = total.shop_id AND o.order_id = total.order_id
        WHERE total.lines_gmv <> o.original_total_product_price - o.seller_discount
    )
    SELECT 'check order_gmv_equals_source failed on ' || CAST(d.calendar_date AS varchar(10)) || ' for order ' || first_mismatch.order_id
           || ': source gmv ' || CAST(first_mismatch.source_gmv AS varchar(30)) || ', lines ' || CAST(first_mismatch.lines_gmv AS varchar(30))
    INTO v_failure
    FROM (SELECT * FROM order_mismatch ORDER BY date_key, order_id LIMIT 1) AS first_mismatch
    JOIN dim.date AS d ON d.date_key = first_mismatch.date_key;
    IF v_failure IS NOT NULL THEN RAISE EXCEPTION '%', v_failure; END IF;

    -- Lines split from a whole sum to the whole.
    WITH split_total AS (
        SELECT split_name, whole_id, MAX(whole_amount) AS whole_amount, SUM(part_amount) AS parts_amount,
               COUNT(*) - COUNT(part_amount) AS unsplit_parts
        FROM etl.work_split
        GROUP BY split_name, whole_id
    )
    SELECT 'check split_parts_sum_to_whole failed for ' || split_name || ' whole ' || CAST(whole_id AS varchar(30))
           || ': whole ' || CAST(whole_amount AS varchar(30)) || ', parts ' || CAST(COALESCE(parts_amount, 0) AS varchar(30))
    INTO v_failure
    FROM split_total
    WHERE parts_amount IS DISTINCT FROM whole_amount OR unsplit_parts > 0
    ORDER BY split_name, whole_id
    LIMIT 1;
    IF v_failure IS NOT NULL THEN RAISE EXCEPTION '%', v_failure; END IF;

    SELECT COUNT(*) INTO p_rows_written FROM etl.work_order_line;
END;
$$;
