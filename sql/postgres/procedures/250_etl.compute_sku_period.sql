-- Profit model section 6: per SKU and review period (the 28 days ending each Sunday, and the
-- latest day with data), the tier, the action, the reason in words, and the stock position.
-- Reads published daily facts outside the recomputed days and the work rows inside them.
-- Incremental runs recompute the periods their days reach (etl.prepare_transform says when all).
CREATE OR REPLACE PROCEDURE etl.compute_sku_period(p_run_id bigint, INOUT p_rows_written bigint DEFAULT 0)
LANGUAGE plpgsql
AS $$
DECLARE
    v_review_days integer := CAST(etl.setting_number('review_period_days') AS integer);
    v_stock_window_days integer := CAST(etl.setting_number('stock_window_days') AS integer);
    v_hero_min_margin numeric(19,6) := etl.setting_number('hero_min_margin');
    v_hero_min_roi numeric(19,6) := etl.setting_number('hero_min_roi');
    v_hero_min_orders integer := CAST(etl.setting_number('hero_min_orders') AS integer);
    v_marginal_max_share numeric(19,6) := etl.setting_number('marginal_max_share');
    v_test_budget numeric(19,4) := etl.setting_number('test_budget');
    v_safety_days integer := CAST(etl.setting_number('safety_days') AS integer);
    v_overstock_days integer := CAST(etl.setting_number('overstock_days') AS integer);
    v_lead_time_days integer := CAST(etl.setting_number('lead_time_days') AS integer);  -- read once, not per SKU-period
    v_first_date date;
    v_last_date date;
    v_from_key integer;
    v_to_key integer;
    v_published_first_date date;
    v_published_last_date date;
    v_all_periods boolean;
BEGIN
    PERFORM set_config('work_mem', '256MB', true);  -- this transaction only: sorts and hashes of a full rebuild stay in memory
    -- The first and last day with SKU data, published or recomputed.
    SELECT MIN(d.calendar_date), MAX(d.calendar_date) INTO v_first_date, v_last_date
    FROM (
        SELECT MIN(daily.date_key) AS first_key, MAX(daily.date_key) AS last_key
        FROM fact.sku_daily AS daily
        WHERE daily.product_key <> 0
          AND NOT EXISTS (SELECT 1 FROM etl.work_affected_date AS affected WHERE affected.date_key = daily.date_key)
        UNION ALL
        SELECT MIN(date_key), MAX(date_key) FROM etl.work_sku_daily WHERE product_key <> 0
    ) AS bounds
    JOIN dim.date AS d ON d.date_key IN (bounds.first_key, bounds.last_key);

    -- Published bounds: a review period beyond the new bounds must go (all periods are recomputed),
    -- and Sundays between the published last day and the new one get their first period.
    SELECT MIN(d.calendar_date), MAX(d.calendar_date) INTO v_published_first_date, v_published_last_date
    FROM (SELECT MIN(date_key) AS first_key, MAX(date_key) AS last_key FROM fact.sku_daily WHERE product_key <> 0) AS bounds
    JOIN dim.date AS d ON d.date_key IN (bounds.first_key, bounds.last_key);
    SELECT all_periods INTO v_all_periods FROM etl.work_transform_plan;
    v_all_periods := COALESCE(v_all_periods, true) OR v_published_last_date IS NULL
                     OR COALESCE(v_first_date > v_published_first_date OR v_last_date < v_published_last_date, false);
    UPDATE etl.work_transform_plan SET all_periods = v_all_periods WHERE all_periods <> v_all_periods;

    -- The periods recomputed: every one when all are (a full rebuild, or on-hand units, lead times
    -- or the data bounds changed); else those containing a recomputed day, the latest day's
    -- (every run), and the Sundays the latest day passed since the facts were published.
    CREATE TEMP TABLE review_period ON COMMIT DROP AS
    WITH data_bounds AS (
        SELECT v_first_date AS first_date, v_last_date AS last_date
    )
    SELECT period_end.date_key AS period_end_date_key, period_end.calendar_date AS period_end_date,
           period_start.date_key AS period_start_date_key, period_start.calendar_date AS period_start_date
    FROM dim.date AS period_end
    CROSS JOIN data_bounds
    JOIN dim.date AS period_start ON period_start.calendar_date = period_end.calendar_date - (v_review_days - 1)
    WHERE (period_end.day_of_week = 7 OR period_end.calendar_date = data_bounds.last_date)
      AND period_end.calendar_date BETWEEN data_bounds.first_date AND data_bounds.last_date
      AND (v_all_periods
           OR period_end.calendar_date = data_bounds.last_date
           OR period_end.calendar_date > v_published_last_date
           OR EXISTS (SELECT 1 FROM etl.work_affected_date AS affected
                      WHERE affected.date_key BETWEEN period_start.date_key AND period_end.date_key));

    ANALYZE review_period;  -- temporary tables have no statistics; the join below is a range join on them
    INSERT INTO etl.work_review_period (period_end_date_key) SELECT period_end_date_key FROM review_period;

    -- Only the published days a recomputed review period reads: an incremental run reads a few
    -- weeks of facts, not every day ever published.
    SELECT MIN(period_start_date_key), MAX(period_end_date_key) INTO v_from_key, v_to_key FROM review_period;

    CREATE TEMP TABLE all_sku_daily ON COMMIT DROP AS
    SELECT daily.date_key, daily.shop_key, daily.product_key, daily.orders, daily.units, daily.gmv, daily.refund_amount,
           daily.net_revenue, daily.contribution_before_ads, daily.ad_spend, daily.contribution_after_ads, daily.attributed_gmv
    FROM fact.sku_daily AS daily
    WHERE daily.product_key <> 0
      AND daily.date_key BETWEEN v_from_key AND v_to_key
      AND NOT EXISTS (SELECT 1 FROM etl.work_affected_date AS affected WHERE affected.date_key = daily.date_key)
    UNION ALL
    SELECT date_key, shop_key, product_key, orders, units, gmv, refund_amount,
           net_revenue, contribution_before_ads, ad_spend, contribution_after_ads, attributed_gmv
    FROM etl.work_sku_daily
    WHERE product_key <> 0;
    ANALYZE all_sku_daily;

    INSERT INTO etl.work_sku_period (
        period_end_date_key, period_start_date_key, shop_key, product_key, orders, units, gmv, refund_amount,
        net_revenue, contribution_before_ads, ad_spend, contribution_after_ads, attributed_gmv, contribution_margin,
        roi, tier, action, reason, on_hand_units, avg_daily_units, days_of_cover, restock_units, is_overstock, etl_run_id)
    WITH period_total AS (
        SELECT period.period_end_date_key, period.period_start_date_key, daily.shop_key, daily.product_key,
               SUM(daily.orders) AS orders, SUM(daily.units) AS units, SUM(daily.gmv) AS gmv,
               SUM(daily.refund_amount) AS refund_amount, SUM(daily.net_revenue) AS net_revenue,
               SUM(daily.contribution_before_ads) AS contribution_before_ads, SUM(daily.ad_spend) AS ad_spend,
               SUM(daily.contribution_after_ads) AS contribution_after_ads, SUM(daily.attributed_gmv) AS attributed_gmv,
               SUM(CASE WHEN d.calendar_date > period.period_end_date - v_stock_window_days THEN daily.units ELSE 0 END) AS stock_window_units
        FROM review_period AS period
        JOIN all_sku_daily AS daily ON daily.date_key BETWEEN period.period_start_date_key AND period.period_end_date_key
        JOIN dim.date AS d ON d.date_key = daily.date_key
        GROUP BY period.period_end_date_key, period.period_start_date_key, daily.shop_key, daily.product_key
    ),
    ratios AS (
        SELECT period_total.*,
               CASE WHEN net_revenue <> 0 THEN contribution_before_ads / net_revenue END AS contribution_margin,
               CASE WHEN ad_spend <> 0 THEN contribution_after_ads / ad_spend END AS roi,
               COALESCE(sku.inventory_quantity, 0) AS on_hand_units,
               COALESCE(setting.lead_time_days, v_lead_time_days) AS lead_time_days
        FROM period_total
        JOIN dim.product AS product ON product.product_key = period_total.product_key
        LEFT JOIN stg.product_sku AS sku ON sku.shop_id = product.shop_id AND sku.sku_id = product.sku_id
        LEFT JOIN (
            SELECT shop_id, lead_time_days,
                   ROW_NUMBER() OVER (PARTITION BY shop_id ORDER BY effective_from DESC) AS recency
            FROM stg.cost_setting WHERE lead_time_days IS NOT NULL
        ) AS setting ON setting.shop_id = product.shop_id AND setting.recency = 1
    ),
    tiered AS (
        SELECT ratios.*,
               CASE WHEN ad_spend = 0 THEN 'organic'
                    WHEN orders < v_hero_min_orders AND ad_spend <= v_test_budget THEN 'testing'
                    WHEN contribution_after_ads < 0 THEN 'loser'
                    WHEN contribution_after_ads > 0 AND contribution_margin >= v_hero_min_margin
                         AND roi >= v_hero_min_roi AND orders >= v_hero_min_orders THEN 'hero'
                    WHEN contribution_after_ads >= 0 AND contribution_after_ads <= v_marginal_max_share * net_revenue THEN 'marginal'
                    WHEN contribution_after_ads > 0 THEN 'winner'
                    ELSE 'marginal' END AS tier,
               -- on hand / (units / window), computed as one division so no rounded average leaks in
               CASE WHEN stock_window_units > 0
                    THEN CAST(CAST(on_hand_units * v_stock_window_days AS numeric(19,4)) / stock_window_units AS numeric(19,1)) END AS days_of_cover
        FROM ratios
    )
    SELECT period_end_date_key, period_start_date_key, shop_key, product_key, orders, units, gmv, refund_amount,
           net_revenue, contribution_before_ads, ad_spend, contribution_after_ads, attributed_gmv,
           CAST(contribution_margin AS numeric(19,6)), CAST(roi AS numeric(19,6)), tier,
           CASE tier WHEN 'hero' THEN 'Scale: raise budget; protect stock'
                     WHEN 'winner' THEN 'Maintain; test a higher budget'
                     WHEN 'marginal' THEN 'Optimize creatives, price or costs'
                     WHEN 'loser' THEN 'Cut or pause ads; check organic-only viability'
                     WHEN 'organic' THEN 'None for ads'
                     ELSE 'Keep the capped test budget; judge once either limit is passed' END,
           CASE tier
               WHEN 'organic' THEN 'organic: no ad spend in the period'
               WHEN 'testing' THEN 'testing: ' || CAST(orders AS varchar(20)) || ' orders < ' || CAST(v_hero_min_orders AS varchar(20))
                                   || ' and ad spend ' || CAST(CAST(ad_spend AS numeric(19,2)) AS varchar(30))
                                   || ' <= test budget ' || CAST(CAST(v_test_budget AS numeric(19,2)) AS varchar(30))
               WHEN 'loser' THEN 'loser: contribution after ads ' || CAST(CAST(contribution_after_ads AS numeric(19,2)) AS varchar(30))
                                 || ' < 0 (contribution before ads ' || CAST(CAST(contribution_before_ads AS numeric(19,2)) AS varchar(30))
                                 || ', ad spend ' || CAST(CAST(ad_spend AS numeric(19,2)) AS varchar(30)) || ')'
               WHEN 'hero' THEN 'hero: contribution after ads ' || CAST(CAST(contribution_after_ads AS numeric(19,2)) AS varchar(30))
                                || ' > 0, margin ' || CAST(CAST(contribution_margin * 100 AS numeric(19,1)) AS varchar(30))
                                || '% >= ' || CAST(CAST(v_hero_min_margin * 100 AS numeric(19,1)) AS varchar(30))
                                || '%, ROI ' || CAST(CAST(roi AS numeric(19,2)) AS varchar(30))
                                || ' >= ' || CAST(CAST(v_hero_min_roi AS numeric(19,2)) AS varchar(30))
                                || ', ' || CAST(orders AS varchar(20)) || ' orders >= ' || CAST(v_hero_min_orders AS varchar(20))
               WHEN 'marginal' THEN 'marginal: contribution after ads ' || CAST(CAST(contribution_after_ads AS numeric(19,2)) AS varchar(30))
                                    || ' is between 0 and ' || CAST(CAST(v_marginal_max_share * 100 AS numeric(19,1)) AS varchar(30))
                                    || '% of net revenue ' || CAST(CAST(net_revenue AS numeric(19,2)) AS varchar(30))
               ELSE 'winner: contribution after ads ' || CAST(CAST(contribution_after_ads AS numeric(19,2)) AS varchar(30))
                    || ' > 0 (margin ' || COALESCE(CAST(CAST(contribution_margin * 100 AS numeric(19,1)) AS varchar(30)) || '%', 'n/a')
                    || ', ROI ' || CAST(CAST(roi AS numeric(19,2)) AS varchar(30)) || ')' END,
           on_hand_units, CAST(CAST(stock_window_units AS numeric(19,4)) / v_stock_window_days AS numeric(19,4)), days_of_cover,
           -- enough to cover lead time, safety stock and one review period at the recent daily rate
           CASE WHEN tier IN ('hero', 'winner') AND days_of_cover < lead_time_days + v_safety_days
                THEN CAST(CEILING(CAST(stock_window_units * (lead_time_days + v_safety_days + v_review_days) AS numeric(19,4)) / v_stock_window_days) AS integer) - on_hand_units
                ELSE 0 END,
           tier = 'loser' AND on_hand_units > 0 AND (days_of_cover IS NULL OR days_of_cover > v_overstock_days),
           p_run_id
    FROM tiered;
    GET DIAGNOSTICS p_rows_written = ROW_COUNT;
END;
$$;
