-- Touchpoint attribution of the affected days under 1, 7 and 28-day click windows (the run's own
-- view window), so rpt.attribution_sensitivity can show SKU ROAS and ROI under each side by side.
-- Same rules as etl.attribute_order_line: a click in the window beats any view; latest wins.
CREATE OR REPLACE PROCEDURE etl.compute_attribution_sensitivity(p_run_id bigint, p_view_window_days integer, INOUT p_rows_written bigint DEFAULT 0)
LANGUAGE plpgsql
AS $$
BEGIN
    PERFORM set_config('work_mem', '256MB', true);  -- this transaction only: sorts and hashes of a full rebuild stay in memory
    INSERT INTO etl.work_sku_attribution_sensitivity (date_key, shop_key, product_key, click_window_days, view_window_days,
                                                      attributed_orders, attributed_gmv, attributed_contribution, etl_run_id)
    WITH click_window AS (
        SELECT window_days FROM (VALUES (1), (7), (28)) AS windows (window_days)
    ),
    paid_order AS (
        SELECT DISTINCT order_number, shop_id, buyer_user_id, paid_time
        FROM etl.work_order_line
        WHERE is_revenue AND buyer_user_id IS NOT NULL
    ),
    credited_order AS (
        SELECT DISTINCT click_window.window_days, paid_order.order_number
        FROM paid_order
        CROSS JOIN click_window
        JOIN stg.touchpoint AS touch
          ON touch.shop_id = paid_order.shop_id AND touch.buyer_user_id = paid_order.buyer_user_id
         AND touch.event_time <= paid_order.paid_time
         AND ((touch.event_type = 'click' AND paid_order.paid_time - touch.event_time <= click_window.window_days * 86400)
           OR (touch.event_type = 'view' AND paid_order.paid_time - touch.event_time <= p_view_window_days * 86400))
    ),
    sku_day AS (
        SELECT line.date_key, line.shop_key, line.product_key, click_window.window_days,
               COUNT(DISTINCT CASE WHEN credited_order.order_number IS NOT NULL THEN line.order_id END) AS attributed_orders,
               SUM(CASE WHEN credited_order.order_number IS NOT NULL THEN line.gmv ELSE 0 END) AS attributed_gmv,
               SUM(CASE WHEN credited_order.order_number IS NOT NULL THEN line.contribution_before_ads ELSE 0 END) AS attributed_contribution
        FROM etl.work_order_line AS line
        CROSS JOIN click_window
        LEFT JOIN credited_order
          ON credited_order.order_number = line.order_number AND credited_order.window_days = click_window.window_days
        WHERE line.is_revenue
        GROUP BY line.date_key, line.shop_key, line.product_key, click_window.window_days
    )
    SELECT date_key, shop_key, product_key, window_days, p_view_window_days, attributed_orders, attributed_gmv,
           attributed_contribution, p_run_id
    FROM sku_day;
    GET DIAGNOSTICS p_rows_written = ROW_COUNT;
END;
$$;
