-- Step 1 of a transform: empty the work tables and decide what it recomputes, and why.
-- A full rebuild covers every day that has data or published facts: on the first transform, on
-- --full, and when what the facts were computed with changed (etl.transform_basis: a profit-model
-- setting, the procedures, the windows or method; or a shop, whose time zone dates its orders).
-- Otherwise the run is incremental, driven by what changed: every staging row carries the run
-- that wrote it, and rows of runs the published facts have not consumed (etl.transform_consumed_run)
-- are changes, whatever their business dates. It recomputes the days (every aggregate of the
-- profit model is closed over a day; their order lines only for the changed orders, etl.work_changed_order,
-- unless the change reaches every order of the day, etl.work_order_day) of
--   orders any of whose rows changed (order, lines, returns, cancellations, statements and their
--   transactions, income-export rows, affiliate rows, children a re-sent parent dropped), on the
--   order's day now and the day it was published on;
--   orders a new touchpoint (or a changed ad) reaches within the longest window (28 days or the
--   run's click window);
--   the SKU of a new SKU cost from its effective date (dimension rows changed by a transform after
--   the one that published the facts, this one included, count as changes too); the shop of a new cost setting or rate card
--   from its effective date; a changed SKU's lines, GMV Max rows and mapped ads;
--   new ad report and GMV Max rows; every day a campaign with a changed mapping or entity spent;
--   and --from/--to (days recomputed as well).
-- Review periods follow in etl.compute_sku_period (all of them when inventory or lead times changed).
DROP PROCEDURE IF EXISTS etl.prepare_transform(bigint, date, date, bigint);
CREATE OR REPLACE PROCEDURE etl.prepare_transform(
    p_run_id bigint, p_from date, p_to date, p_full boolean, p_click_window_days integer, p_view_window_days integer,
    p_allocation_method varchar, p_procedures_hash varchar, INOUT p_rows_written bigint DEFAULT 0)
LANGUAGE plpgsql
AS $$
DECLARE
    v_table record;
    v_settings_hash varchar(64);
    v_basis record;
    v_has_basis boolean;
    v_full_reason varchar(1000);
    -- a touchpoint reaches orders paid up to the longest window after it: the run's click window,
    -- or the 28 days etl.compute_attribution_sensitivity compares
    v_reach_seconds bigint := GREATEST(28, p_click_window_days, p_view_window_days) * 86400;
    v_all_periods boolean := false;
    v_changed_orders bigint := 0;
    v_reason varchar(4000);
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
             etl.work_settlement_check, etl.work_sku_attribution_sensitivity, etl.work_transform_plan,
             etl.work_source_run, etl.work_review_period, etl.work_order_day, etl.work_changed_order;

    SELECT md5(string_agg(setting_name || '=' || setting_value, ';' ORDER BY setting_name)) INTO v_settings_hash FROM etl.setting;
    SELECT * INTO v_basis FROM etl.transform_basis WHERE basis_id = 1;
    v_has_basis := FOUND;

    -- The staging runs this transform consumes: every finished run not consumed yet, and its own run
    -- (the demo and `warehouse run` load and transform in one run, loading first). Rows of another
    -- run still running count as changes now and again once it has finished.
    INSERT INTO etl.work_source_run (etl_run_id)
    SELECT r.run_id
    FROM etl.run AS r
    WHERE (r.run_id = p_run_id OR r.status <> 'running')
      AND NOT EXISTS (SELECT 1 FROM etl.transform_consumed_run AS consumed WHERE consumed.etl_run_id = r.run_id);

    IF p_full THEN
        v_full_reason := 'requested (--full)';
    ELSIF NOT v_has_basis THEN
        v_full_reason := 'first transform: no published facts to build on';
    ELSIF v_basis.procedures_hash <> p_procedures_hash THEN
        v_full_reason := 'the transform procedures changed since the facts were published';
    ELSIF v_basis.settings_hash <> v_settings_hash THEN
        v_full_reason := 'a profit-model setting (etl.setting) changed since the facts were published';
    ELSIF v_basis.click_window_days <> p_click_window_days OR v_basis.view_window_days <> p_view_window_days
          OR v_basis.allocation_method <> p_allocation_method THEN
        v_full_reason := format('the options changed: click window %s -> %s days, view window %s -> %s days, method %s -> %s',
                                v_basis.click_window_days, p_click_window_days, v_basis.view_window_days, p_view_window_days,
                                v_basis.allocation_method, p_allocation_method);
    ELSIF EXISTS (SELECT 1 FROM stg.shop AS x
                  WHERE NOT EXISTS (SELECT 1 FROM etl.transform_consumed_run AS c WHERE c.etl_run_id = x.etl_run_id)) THEN
        v_full_reason := 'a shop was added or changed (its time zone dates every order)';
    END IF;

    IF v_full_reason IS NOT NULL THEN
        INSERT INTO etl.work_affected_date (date_key)
        WITH order_day AS (
            SELECT CAST(to_timestamp(COALESCE(o.paid_time, o.create_time)) AT TIME ZONE shop.time_zone AS date) AS calendar_date
            FROM stg.shop_order AS o
            JOIN dim.shop AS shop ON shop.shop_id = o.shop_id
        ),
        data_day AS (
            SELECT calendar_date FROM order_day
            UNION
            SELECT stat_time_day FROM stg.ad_report_daily
            UNION
            SELECT stat_time_day FROM stg.gmv_max_product_daily
            UNION
            SELECT stat_time_day FROM stg.gmv_max_campaign_daily
        )
        SELECT d.date_key
        FROM dim.date AS d
        WHERE d.calendar_date IN (SELECT calendar_date FROM data_day)
           OR d.date_key IN (SELECT date_key FROM fact.sku_daily)
           OR d.calendar_date BETWEEN p_from AND p_to;
        GET DIAGNOSTICS p_rows_written = ROW_COUNT;
        INSERT INTO etl.work_order_day (date_key) SELECT date_key FROM etl.work_affected_date;
        v_all_periods := true;
        v_reason := format('full rebuild: %s; %s days', v_full_reason, p_rows_written);
    ELSE
        -- Orders any of whose rows a run not consumed yet wrote (or deleted), and orders a new
        -- touchpoint, a changed ad or a changed SKU reaches.
        CREATE TEMP TABLE changed_order ON COMMIT DROP AS
        SELECT x.shop_id, x.order_id, 'orders' AS change_kind
        FROM stg.shop_order AS x
        WHERE NOT EXISTS (SELECT 1 FROM etl.transform_consumed_run AS c WHERE c.etl_run_id = x.etl_run_id)
        UNION ALL
        SELECT x.shop_id, x.order_id, 'orders'
        FROM stg.order_line_item AS x
        WHERE NOT EXISTS (SELECT 1 FROM etl.transform_consumed_run AS c WHERE c.etl_run_id = x.etl_run_id)
        UNION ALL
        SELECT x.shop_id, x.order_id, 'returns'
        FROM stg.return_order AS x
        WHERE NOT EXISTS (SELECT 1 FROM etl.transform_consumed_run AS c WHERE c.etl_run_id = x.etl_run_id)
        UNION ALL
        SELECT x.shop_id, x.order_id, 'returns'
        FROM stg.return_line_item AS x
        WHERE NOT EXISTS (SELECT 1 FROM etl.transform_consumed_run AS c WHERE c.etl_run_id = x.etl_run_id)
        UNION ALL
        SELECT x.shop_id, x.order_id, 'cancellations'
        FROM stg.cancellation AS x
        WHERE NOT EXISTS (SELECT 1 FROM etl.transform_consumed_run AS c WHERE c.etl_run_id = x.etl_run_id)
        UNION ALL
        SELECT x.shop_id, x.order_id, 'cancellations'
        FROM stg.cancellation_line_item AS x
        WHERE NOT EXISTS (SELECT 1 FROM etl.transform_consumed_run AS c WHERE c.etl_run_id = x.etl_run_id)
        UNION ALL
        SELECT t.shop_id, t.order_id, 'settlements'
        FROM stg.statement AS x
        JOIN stg.sku_statement_transaction AS t ON t.shop_id = x.shop_id AND t.statement_id = x.statement_id
        WHERE NOT EXISTS (SELECT 1 FROM etl.transform_consumed_run AS c WHERE c.etl_run_id = x.etl_run_id)
        UNION ALL
        SELECT x.shop_id, x.order_id, 'settlements'
        FROM stg.sku_statement_transaction AS x
        WHERE NOT EXISTS (SELECT 1 FROM etl.transform_consumed_run AS c WHERE c.etl_run_id = x.etl_run_id)
        UNION ALL
        SELECT x.shop_id, x.order_id, 'income export'
        FROM stg.order_settlement AS x
        WHERE NOT EXISTS (SELECT 1 FROM etl.transform_consumed_run AS c WHERE c.etl_run_id = x.etl_run_id)
        UNION ALL
        SELECT x.shop_id, x.order_id, 'affiliate'
        FROM stg.affiliate_order AS x
        WHERE NOT EXISTS (SELECT 1 FROM etl.transform_consumed_run AS c WHERE c.etl_run_id = x.etl_run_id)
        UNION ALL
        SELECT x.shop_id, x.order_id, 'rows a re-sent parent dropped'
        FROM etl.staging_deletion AS x
        WHERE x.order_id IS NOT NULL
          AND NOT EXISTS (SELECT 1 FROM etl.transform_consumed_run AS c WHERE c.etl_run_id = x.etl_run_id)
        UNION ALL
        SELECT o.shop_id, o.order_id, 'touchpoints'
        FROM stg.touchpoint AS x
        JOIN stg.shop_order AS o
          ON o.shop_id = x.shop_id AND o.user_id = x.buyer_user_id
         AND o.paid_time BETWEEN x.event_time AND x.event_time + v_reach_seconds
        WHERE NOT EXISTS (SELECT 1 FROM etl.transform_consumed_run AS c WHERE c.etl_run_id = x.etl_run_id)
        UNION ALL
        -- an ad new to (or changed in) dim.campaign: the orders its touchpoints reach change campaign
        SELECT o.shop_id, o.order_id, 'ad entities'
        FROM dim.campaign AS ad
        JOIN stg.touchpoint AS x ON x.ad_id = ad.ad_id
        JOIN stg.shop_order AS o
          ON o.shop_id = x.shop_id AND o.user_id = x.buyer_user_id
         AND o.paid_time BETWEEN x.event_time AND x.event_time + v_reach_seconds
        WHERE ad.etl_run_id > v_basis.transform_run_id AND ad.ad_id <> ''
        UNION ALL
        -- a SKU new to (or changed in) dim.product: its lines get (or change) their product
        SELECT x.shop_id, x.order_id, 'catalogue'
        FROM dim.product AS product
        JOIN stg.order_line_item AS x ON x.shop_id = product.shop_id AND x.sku_id = product.sku_id
        WHERE product.etl_run_id > v_basis.transform_run_id;

        SELECT COUNT(*) INTO v_changed_orders FROM (SELECT DISTINCT shop_id, order_id FROM changed_order) AS o;

        CREATE TEMP TABLE changed_day ON COMMIT DROP AS
        WITH changed AS (
            SELECT DISTINCT shop_id, order_id, change_kind FROM changed_order
        ),
        spend_campaign AS (
            -- campaigns whose ad-to-product map or entity changed: every day they spent is restated
            SELECT DISTINCT campaign.campaign_key, campaign.advertiser_id, campaign.campaign_id, 'ad-to-product map' AS change_kind
            FROM stg.ad_product_map AS x
            JOIN dim.campaign AS campaign ON campaign.advertiser_id = x.advertiser_id AND campaign.campaign_id = x.campaign_id
            WHERE NOT EXISTS (SELECT 1 FROM etl.transform_consumed_run AS c WHERE c.etl_run_id = x.etl_run_id)
            UNION
            SELECT campaign.campaign_key, campaign.advertiser_id, campaign.campaign_id, 'ad entities'
            FROM dim.campaign AS changed_entity
            JOIN dim.campaign AS campaign
              ON campaign.advertiser_id = changed_entity.advertiser_id AND campaign.campaign_id = changed_entity.campaign_id
            WHERE changed_entity.etl_run_id > v_basis.transform_run_id
            UNION
            -- a changed SKU's mapped campaigns
            SELECT campaign.campaign_key, campaign.advertiser_id, campaign.campaign_id, 'catalogue'
            FROM dim.product AS product
            JOIN stg.ad_product_map AS map
              ON map.shop_id = product.shop_id
             AND (map.sku_id = product.sku_id OR (map.sku_id = '' AND map.product_id = product.product_id))
            JOIN dim.campaign AS campaign ON campaign.advertiser_id = map.advertiser_id AND campaign.campaign_id = map.campaign_id
            WHERE product.etl_run_id > v_basis.transform_run_id
        )
        -- the changed orders' days: where they fall now, and where they were published
        SELECT changed.change_kind, d.date_key
        FROM changed
        JOIN stg.shop_order AS o ON o.shop_id = changed.shop_id AND o.order_id = changed.order_id
        JOIN dim.shop AS shop ON shop.shop_id = o.shop_id
        JOIN dim.date AS d ON d.calendar_date = CAST(to_timestamp(COALESCE(o.paid_time, o.create_time)) AT TIME ZONE shop.time_zone AS date)
        UNION
        SELECT changed.change_kind, published.date_key
        FROM changed
        JOIN dim.shop AS shop ON shop.shop_id = changed.shop_id
        JOIN fact.order_line AS published ON published.shop_key = shop.shop_key AND published.order_id = changed.order_id
        UNION
        -- a SKU cost from its effective date: the days that SKU has published lines or spend
        SELECT 'SKU costs', published.date_key
        FROM stg.sku_cost AS x
        JOIN dim.product AS product ON product.shop_id = x.shop_id AND product.sku_id = x.sku_id
        JOIN fact.sku_daily AS published
          ON published.product_key = product.product_key
         AND published.date_key >= CAST(to_char(x.effective_from, 'YYYYMMDD') AS integer)
        WHERE NOT EXISTS (SELECT 1 FROM etl.transform_consumed_run AS c WHERE c.etl_run_id = x.etl_run_id)
        UNION
        -- a cost setting or rate card from its effective date: the shop's published days
        SELECT 'cost settings', published.date_key
        FROM stg.cost_setting AS x
        JOIN dim.shop AS shop ON shop.shop_id = x.shop_id
        JOIN fact.sku_daily AS published
          ON published.shop_key = shop.shop_key AND published.date_key >= CAST(to_char(x.effective_from, 'YYYYMMDD') AS integer)
        WHERE NOT EXISTS (SELECT 1 FROM etl.transform_consumed_run AS c WHERE c.etl_run_id = x.etl_run_id)
        UNION
        SELECT 'shipping rate card', published.date_key
        FROM stg.shipping_rate AS x
        JOIN dim.shop AS shop ON shop.shop_id = x.shop_id
        JOIN fact.sku_daily AS published
          ON published.shop_key = shop.shop_key AND published.date_key >= CAST(to_char(x.effective_from, 'YYYYMMDD') AS integer)
        WHERE NOT EXISTS (SELECT 1 FROM etl.transform_consumed_run AS c WHERE c.etl_run_id = x.etl_run_id)
        UNION
        -- a changed SKU's published days (its lines and spend) and its GMV Max product rows
        SELECT 'catalogue', published.date_key
        FROM dim.product AS product
        JOIN fact.sku_daily AS published ON published.product_key = product.product_key
        WHERE product.etl_run_id > v_basis.transform_run_id
        UNION
        SELECT 'catalogue', d.date_key
        FROM dim.product AS product
        JOIN stg.gmv_max_product_daily AS report ON report.store_id = product.shop_id AND report.item_group_id = product.product_id
        JOIN dim.date AS d ON d.calendar_date = report.stat_time_day
        WHERE product.etl_run_id > v_basis.transform_run_id
        UNION
        -- ad spend rows
        SELECT 'ad report', d.date_key
        FROM stg.ad_report_daily AS x
        JOIN dim.date AS d ON d.calendar_date = x.stat_time_day
        WHERE NOT EXISTS (SELECT 1 FROM etl.transform_consumed_run AS c WHERE c.etl_run_id = x.etl_run_id)
        UNION
        SELECT 'GMV Max', d.date_key
        FROM stg.gmv_max_product_daily AS x
        JOIN dim.date AS d ON d.calendar_date = x.stat_time_day
        WHERE NOT EXISTS (SELECT 1 FROM etl.transform_consumed_run AS c WHERE c.etl_run_id = x.etl_run_id)
        UNION
        SELECT 'GMV Max', d.date_key
        FROM stg.gmv_max_campaign_daily AS x
        JOIN dim.date AS d ON d.calendar_date = x.stat_time_day
        WHERE NOT EXISTS (SELECT 1 FROM etl.transform_consumed_run AS c WHERE c.etl_run_id = x.etl_run_id)
        UNION
        -- every day a campaign with a changed mapping or entity spent, published or staged
        SELECT spend_campaign.change_kind, published.date_key
        FROM spend_campaign
        JOIN fact.ad_daily AS published ON published.campaign_key = spend_campaign.campaign_key
        UNION
        SELECT spend_campaign.change_kind, d.date_key
        FROM spend_campaign
        JOIN dim.campaign AS ad
          ON ad.advertiser_id = spend_campaign.advertiser_id AND ad.campaign_id = spend_campaign.campaign_id AND ad.ad_id <> ''
        JOIN stg.ad_report_daily AS report ON report.advertiser_id = ad.advertiser_id AND report.ad_id = ad.ad_id
        JOIN dim.date AS d ON d.calendar_date = report.stat_time_day
        UNION
        SELECT spend_campaign.change_kind, d.date_key
        FROM spend_campaign
        JOIN stg.gmv_max_product_daily AS report
          ON report.advertiser_id = spend_campaign.advertiser_id AND report.campaign_id = spend_campaign.campaign_id
        JOIN dim.date AS d ON d.calendar_date = report.stat_time_day
        UNION
        SELECT spend_campaign.change_kind, d.date_key
        FROM spend_campaign
        JOIN stg.gmv_max_campaign_daily AS report
          ON report.advertiser_id = spend_campaign.advertiser_id AND report.campaign_id = spend_campaign.campaign_id
        JOIN dim.date AS d ON d.calendar_date = report.stat_time_day
        UNION
        SELECT 'requested days (--from/--to)', d.date_key
        FROM dim.date AS d
        WHERE d.calendar_date BETWEEN p_from AND p_to;

        INSERT INTO etl.work_affected_date (date_key)
        SELECT DISTINCT date_key FROM changed_day;
        GET DIAGNOSTICS p_rows_written = ROW_COUNT;

        -- Per-order restating: on most affected days only the changed orders' lines are recomputed
        -- (the others are taken as published). A new SKU cost, cost setting or rate card, and
        -- --from/--to, recompute every order of their days.
        INSERT INTO etl.work_order_day (date_key)
        SELECT DISTINCT date_key FROM changed_day
        WHERE change_kind IN ('SKU costs', 'cost settings', 'shipping rate card', 'requested days (--from/--to)');
        INSERT INTO etl.work_changed_order (shop_id, order_id)
        SELECT DISTINCT shop_id, order_id FROM changed_order;
        ANALYZE etl.work_changed_order;

        -- On-hand units (stg.product_sku) and the latest lead time (stg.cost_setting) enter every
        -- review period of their SKUs: a change to either recomputes all review periods.
        v_all_periods := EXISTS (SELECT 1 FROM stg.product_sku AS x
                                 WHERE NOT EXISTS (SELECT 1 FROM etl.transform_consumed_run AS c WHERE c.etl_run_id = x.etl_run_id))
                      OR EXISTS (SELECT 1 FROM stg.cost_setting AS x
                                 WHERE NOT EXISTS (SELECT 1 FROM etl.transform_consumed_run AS c WHERE c.etl_run_id = x.etl_run_id))
                      OR EXISTS (SELECT 1 FROM etl.staging_deletion AS x
                                 WHERE x.sku_id IS NOT NULL
                                   AND NOT EXISTS (SELECT 1 FROM etl.transform_consumed_run AS c WHERE c.etl_run_id = x.etl_run_id));

        SELECT CASE WHEN p_rows_written = 0 AND NOT v_all_periods THEN 'incremental: nothing changed since the last transform'
                    ELSE format('incremental: %s days, %s orders changed', p_rows_written, v_changed_orders)
                         || COALESCE(' (' || string_agg(kind.change_kind || ': ' || kind.orders || ' orders, ' || kind.days || ' days', '; ' ORDER BY kind.change_kind) || ')', '')
                         || CASE WHEN v_all_periods THEN '; every review period (on-hand units or lead times changed)' ELSE '' END
               END
        INTO v_reason
        FROM (
            SELECT day_kind.change_kind, day_kind.days, COALESCE(order_kind.orders, 0) AS orders
            FROM (SELECT change_kind, COUNT(DISTINCT date_key) AS days FROM changed_day GROUP BY change_kind) AS day_kind
            LEFT JOIN (SELECT change_kind, COUNT(DISTINCT shop_id || '|' || order_id) AS orders FROM changed_order GROUP BY change_kind) AS order_kind
              ON order_kind.change_kind = day_kind.change_kind
        ) AS kind;
    END IF;

    INSERT INTO etl.work_transform_plan (is_full, all_periods, reason, changed_orders, settings_hash, procedures_hash,
                                         click_window_days, view_window_days, allocation_method)
    VALUES (v_full_reason IS NOT NULL, v_all_periods, v_reason, v_changed_orders, v_settings_hash, p_procedures_hash,
            p_click_window_days, p_view_window_days, p_allocation_method);

    ANALYZE etl.work_order_day;
    ANALYZE etl.work_affected_date;  -- every step filters by it: without statistics it looks like 2,550 days
END;
$$;
