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
-- Epoch seconds become the shop's local date through etl.time_zone_map (IANA -> Windows name).
DROP PROCEDURE IF EXISTS etl.prepare_transform;
GO

CREATE PROCEDURE etl.prepare_transform
    @p_run_id bigint,
    @p_from date,
    @p_to date,
    @p_full bit,
    @p_click_window_days int,
    @p_view_window_days int,
    @p_allocation_method nvarchar(10),
    @p_procedures_hash nvarchar(64),
    @p_rows_written bigint = 0 OUTPUT
AS
BEGIN
    SET NOCOUNT ON;
    SET XACT_ABORT ON;
    DECLARE @own_transaction bit = CASE WHEN @@TRANCOUNT = 0 THEN 1 ELSE 0 END;
    DECLARE @v_unmapped_time_zones nvarchar(max);
    DECLARE @v_message nvarchar(2048);
    DECLARE @v_settings_hash nvarchar(64);
    DECLARE @v_has_basis bit = 0;
    DECLARE @v_basis_settings_hash nvarchar(64);
    DECLARE @v_basis_procedures_hash nvarchar(64);
    DECLARE @v_basis_click_window_days int;
    DECLARE @v_basis_view_window_days int;
    DECLARE @v_basis_allocation_method nvarchar(10);
    DECLARE @v_basis_transform_run_id bigint;
    DECLARE @v_full_reason nvarchar(1000);
    -- a touchpoint reaches orders paid up to the longest window after it: the run's click window,
    -- or the 28 days etl.compute_attribution_sensitivity compares
    DECLARE @v_reach_seconds bigint = CAST((SELECT MAX(w) FROM (VALUES (28), (@p_click_window_days), (@p_view_window_days)) AS windows (w)) AS bigint) * 86400;
    DECLARE @v_all_periods bit = 0;
    DECLARE @v_changed_orders bigint = 0;
    DECLARE @v_reason nvarchar(4000);
    BEGIN TRY
        IF @own_transaction = 1 BEGIN TRANSACTION;

        -- PostgreSQL refuses an unknown time zone name; so does this, instead of dropping the shop's rows.
        SELECT @v_unmapped_time_zones = STRING_AGG(CAST(CONCAT(shop.shop_id, N' (', shop.time_zone, N')') AS nvarchar(max)), N', ')
        FROM dim.shop AS shop
        WHERE NOT EXISTS (SELECT 1 FROM etl.time_zone_map AS tz WHERE tz.iana_name = shop.time_zone);
        IF @v_unmapped_time_zones IS NOT NULL
        BEGIN
            SET @v_message = LEFT(CONCAT(N'Time zone not in etl.time_zone_map for shop(s): ', @v_unmapped_time_zones), 2048);
            THROW 50001, @v_message, 1;
        END;

        -- The PostgreSQL twin analyses staging and dimension tables whose statistics a bulk load left
        -- stale (beyond autovacuum's 50 rows + 10 %), before the transform plans its joins on them.
        -- SQL Server does this itself: AUTO_UPDATE_STATISTICS (on by default, synchronous) refreshes
        -- statistics past their modification threshold when the next statement that reads them compiles.

        TRUNCATE TABLE etl.work_affected_date;
        TRUNCATE TABLE etl.work_order_line;
        TRUNCATE TABLE etl.work_split;
        TRUNCATE TABLE etl.work_ad_daily;
        TRUNCATE TABLE etl.work_sku_ad_spend;
        TRUNCATE TABLE etl.work_gmv_max_tieout;
        TRUNCATE TABLE etl.work_sku_daily;
        TRUNCATE TABLE etl.work_sku_period;
        TRUNCATE TABLE etl.work_settlement_check;
        TRUNCATE TABLE etl.work_sku_attribution_sensitivity;
        TRUNCATE TABLE etl.work_transform_plan;
        TRUNCATE TABLE etl.work_source_run;
        TRUNCATE TABLE etl.work_review_period;
        TRUNCATE TABLE etl.work_order_day;
        TRUNCATE TABLE etl.work_changed_order;

        SELECT @v_settings_hash = LOWER(CONVERT(nvarchar(64), HASHBYTES('SHA2_256',
                   STRING_AGG(CAST(CONCAT(setting_name, N'=', setting_value) AS nvarchar(max)), N';') WITHIN GROUP (ORDER BY setting_name)), 2))
        FROM etl.setting;
        SELECT @v_has_basis = 1, @v_basis_settings_hash = settings_hash, @v_basis_procedures_hash = procedures_hash,
               @v_basis_click_window_days = click_window_days, @v_basis_view_window_days = view_window_days,
               @v_basis_allocation_method = allocation_method, @v_basis_transform_run_id = transform_run_id
        FROM etl.transform_basis WHERE basis_id = 1;

        -- The staging runs this transform consumes: every finished run not consumed yet, and its own run
        -- (the demo and `warehouse run` load and transform in one run, loading first). Rows of another
        -- run still running count as changes now and again once it has finished.
        INSERT INTO etl.work_source_run (etl_run_id)
        SELECT r.run_id
        FROM etl.run AS r
        WHERE (r.run_id = @p_run_id OR r.status <> N'running')
          AND NOT EXISTS (SELECT 1 FROM etl.transform_consumed_run AS consumed WHERE consumed.etl_run_id = r.run_id);

        IF @p_full = 1
            SET @v_full_reason = N'requested (--full)';
        ELSE IF @v_has_basis = 0
            SET @v_full_reason = N'first transform: no published facts to build on';
        ELSE IF @v_basis_procedures_hash <> @p_procedures_hash
            SET @v_full_reason = N'the transform procedures changed since the facts were published';
        ELSE IF @v_basis_settings_hash <> @v_settings_hash
            SET @v_full_reason = N'a profit-model setting (etl.setting) changed since the facts were published';
        ELSE IF @v_basis_click_window_days <> @p_click_window_days OR @v_basis_view_window_days <> @p_view_window_days
                OR @v_basis_allocation_method <> @p_allocation_method
            SET @v_full_reason = CONCAT(N'the options changed: click window ', @v_basis_click_window_days, N' -> ', @p_click_window_days,
                                        N' days, view window ', @v_basis_view_window_days, N' -> ', @p_view_window_days,
                                        N' days, method ', @v_basis_allocation_method, N' -> ', @p_allocation_method);
        ELSE IF EXISTS (SELECT 1 FROM stg.shop AS x WHERE NOT EXISTS (SELECT 1 FROM etl.transform_consumed_run AS c WHERE c.etl_run_id = x.etl_run_id))
            SET @v_full_reason = N'a shop was added or changed (its time zone dates every order)';

        IF @v_full_reason IS NOT NULL
        BEGIN
            WITH order_day AS (
                SELECT CAST(DATEADD(second, CAST(epoch.t % 86400 AS int),
                                DATEADD(day, CAST(epoch.t / 86400 AS int), CAST('1970-01-01' AS datetime2)))
                        AT TIME ZONE 'UTC' AT TIME ZONE tz.windows_name AS date) AS calendar_date
                FROM stg.shop_order AS o
                JOIN dim.shop AS shop ON shop.shop_id = o.shop_id
                JOIN etl.time_zone_map AS tz ON tz.iana_name = shop.time_zone
                CROSS APPLY (VALUES (COALESCE(o.paid_time, o.create_time))) AS epoch (t)
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
            INSERT INTO etl.work_affected_date (date_key)
            SELECT d.date_key
            FROM dim.date AS d
            WHERE d.calendar_date IN (SELECT calendar_date FROM data_day)
               OR d.date_key IN (SELECT date_key FROM fact.sku_daily)
               OR d.calendar_date BETWEEN @p_from AND @p_to;
            SET @p_rows_written = @@ROWCOUNT;
            INSERT INTO etl.work_order_day (date_key) SELECT date_key FROM etl.work_affected_date;
            SET @v_all_periods = 1;
            SET @v_reason = CONCAT(N'full rebuild: ', @v_full_reason, N'; ', @p_rows_written, N' days');
        END
        ELSE
        BEGIN
            -- Orders any of whose rows a run not consumed yet wrote (or deleted), and orders a new
            -- touchpoint, a changed ad or a changed SKU reaches.
            SELECT x.shop_id, x.order_id, CAST(N'orders' AS nvarchar(40)) AS change_kind
            INTO #changed_order
            FROM stg.shop_order AS x
            WHERE NOT EXISTS (SELECT 1 FROM etl.transform_consumed_run AS c WHERE c.etl_run_id = x.etl_run_id)
            UNION ALL
            SELECT x.shop_id, x.order_id, N'orders'
            FROM stg.order_line_item AS x
            WHERE NOT EXISTS (SELECT 1 FROM etl.transform_consumed_run AS c WHERE c.etl_run_id = x.etl_run_id)
            UNION ALL
            SELECT x.shop_id, x.order_id, N'returns'
            FROM stg.return_order AS x
            WHERE NOT EXISTS (SELECT 1 FROM etl.transform_consumed_run AS c WHERE c.etl_run_id = x.etl_run_id)
            UNION ALL
            SELECT x.shop_id, x.order_id, N'returns'
            FROM stg.return_line_item AS x
            WHERE NOT EXISTS (SELECT 1 FROM etl.transform_consumed_run AS c WHERE c.etl_run_id = x.etl_run_id)
            UNION ALL
            SELECT x.shop_id, x.order_id, N'cancellations'
            FROM stg.cancellation AS x
            WHERE NOT EXISTS (SELECT 1 FROM etl.transform_consumed_run AS c WHERE c.etl_run_id = x.etl_run_id)
            UNION ALL
            SELECT x.shop_id, x.order_id, N'cancellations'
            FROM stg.cancellation_line_item AS x
            WHERE NOT EXISTS (SELECT 1 FROM etl.transform_consumed_run AS c WHERE c.etl_run_id = x.etl_run_id)
            UNION ALL
            SELECT t.shop_id, t.order_id, N'settlements'
            FROM stg.statement AS x
            JOIN stg.sku_statement_transaction AS t ON t.shop_id = x.shop_id AND t.statement_id = x.statement_id
            WHERE NOT EXISTS (SELECT 1 FROM etl.transform_consumed_run AS c WHERE c.etl_run_id = x.etl_run_id)
            UNION ALL
            SELECT x.shop_id, x.order_id, N'settlements'
            FROM stg.sku_statement_transaction AS x
            WHERE NOT EXISTS (SELECT 1 FROM etl.transform_consumed_run AS c WHERE c.etl_run_id = x.etl_run_id)
            UNION ALL
            SELECT x.shop_id, x.order_id, N'income export'
            FROM stg.order_settlement AS x
            WHERE NOT EXISTS (SELECT 1 FROM etl.transform_consumed_run AS c WHERE c.etl_run_id = x.etl_run_id)
            UNION ALL
            SELECT x.shop_id, x.order_id, N'affiliate'
            FROM stg.affiliate_order AS x
            WHERE NOT EXISTS (SELECT 1 FROM etl.transform_consumed_run AS c WHERE c.etl_run_id = x.etl_run_id)
            UNION ALL
            SELECT x.shop_id, x.order_id, N'rows a re-sent parent dropped'
            FROM etl.staging_deletion AS x
            WHERE x.order_id IS NOT NULL
              AND NOT EXISTS (SELECT 1 FROM etl.transform_consumed_run AS c WHERE c.etl_run_id = x.etl_run_id)
            UNION ALL
            SELECT o.shop_id, o.order_id, N'touchpoints'
            FROM stg.touchpoint AS x
            JOIN stg.shop_order AS o
              ON o.shop_id = x.shop_id AND o.user_id = x.buyer_user_id
             AND o.paid_time BETWEEN x.event_time AND x.event_time + @v_reach_seconds
            WHERE NOT EXISTS (SELECT 1 FROM etl.transform_consumed_run AS c WHERE c.etl_run_id = x.etl_run_id)
            UNION ALL
            -- an ad new to (or changed in) dim.campaign: the orders its touchpoints reach change campaign
            SELECT o.shop_id, o.order_id, N'ad entities'
            FROM dim.campaign AS ad
            JOIN stg.touchpoint AS x ON x.ad_id = ad.ad_id
            JOIN stg.shop_order AS o
              ON o.shop_id = x.shop_id AND o.user_id = x.buyer_user_id
             AND o.paid_time BETWEEN x.event_time AND x.event_time + @v_reach_seconds
            WHERE ad.etl_run_id > @v_basis_transform_run_id AND ad.ad_id <> N''
            UNION ALL
            -- a SKU new to (or changed in) dim.product: its lines get (or change) their product
            SELECT x.shop_id, x.order_id, N'catalogue'
            FROM dim.product AS product
            JOIN stg.order_line_item AS x ON x.shop_id = product.shop_id AND x.sku_id = product.sku_id
            WHERE product.etl_run_id > @v_basis_transform_run_id;

            SELECT @v_changed_orders = COUNT(*) FROM (SELECT DISTINCT shop_id, order_id FROM #changed_order) AS o;

            WITH changed AS (
                SELECT DISTINCT shop_id, order_id, change_kind FROM #changed_order
            ),
            spend_campaign AS (
                -- campaigns whose ad-to-product map or entity changed: every day they spent is restated
                SELECT DISTINCT campaign.campaign_key, campaign.advertiser_id, campaign.campaign_id, CAST(N'ad-to-product map' AS nvarchar(40)) AS change_kind
                FROM stg.ad_product_map AS x
                JOIN dim.campaign AS campaign ON campaign.advertiser_id = x.advertiser_id AND campaign.campaign_id = x.campaign_id
                WHERE NOT EXISTS (SELECT 1 FROM etl.transform_consumed_run AS c WHERE c.etl_run_id = x.etl_run_id)
                UNION
                SELECT campaign.campaign_key, campaign.advertiser_id, campaign.campaign_id, N'ad entities'
                FROM dim.campaign AS changed_entity
                JOIN dim.campaign AS campaign
                  ON campaign.advertiser_id = changed_entity.advertiser_id AND campaign.campaign_id = changed_entity.campaign_id
                WHERE changed_entity.etl_run_id > @v_basis_transform_run_id
                UNION
                -- a changed SKU's mapped campaigns
                SELECT campaign.campaign_key, campaign.advertiser_id, campaign.campaign_id, N'catalogue'
                FROM dim.product AS product
                JOIN stg.ad_product_map AS map
                  ON map.shop_id = product.shop_id
                 AND (map.sku_id = product.sku_id OR (map.sku_id = N'' AND map.product_id = product.product_id))
                JOIN dim.campaign AS campaign ON campaign.advertiser_id = map.advertiser_id AND campaign.campaign_id = map.campaign_id
                WHERE product.etl_run_id > @v_basis_transform_run_id
            )
            -- the changed orders' days: where they fall now, and where they were published
            SELECT changed.change_kind, d.date_key
            INTO #changed_day
            FROM changed
            JOIN stg.shop_order AS o ON o.shop_id = changed.shop_id AND o.order_id = changed.order_id
            JOIN dim.shop AS shop ON shop.shop_id = o.shop_id
            JOIN etl.time_zone_map AS tz ON tz.iana_name = shop.time_zone
            CROSS APPLY (VALUES (COALESCE(o.paid_time, o.create_time))) AS epoch (t)
            JOIN dim.date AS d ON d.calendar_date = CAST(DATEADD(second, CAST(epoch.t % 86400 AS int),
                                DATEADD(day, CAST(epoch.t / 86400 AS int), CAST('1970-01-01' AS datetime2)))
                        AT TIME ZONE 'UTC' AT TIME ZONE tz.windows_name AS date)
            UNION
            SELECT changed.change_kind, published.date_key
            FROM changed
            JOIN dim.shop AS shop ON shop.shop_id = changed.shop_id
            JOIN fact.order_line AS published ON published.shop_key = shop.shop_key AND published.order_id = changed.order_id
            UNION
            -- a SKU cost from its effective date: the days that SKU has published lines or spend
            SELECT N'SKU costs', published.date_key
            FROM stg.sku_cost AS x
            JOIN dim.product AS product ON product.shop_id = x.shop_id AND product.sku_id = x.sku_id
            JOIN fact.sku_daily AS published
              ON published.product_key = product.product_key
             AND published.date_key >= CAST(CONVERT(char(8), x.effective_from, 112) AS int)
            WHERE NOT EXISTS (SELECT 1 FROM etl.transform_consumed_run AS c WHERE c.etl_run_id = x.etl_run_id)
            UNION
            -- a cost setting or rate card from its effective date: the shop's published days
            SELECT N'cost settings', published.date_key
            FROM stg.cost_setting AS x
            JOIN dim.shop AS shop ON shop.shop_id = x.shop_id
            JOIN fact.sku_daily AS published
              ON published.shop_key = shop.shop_key AND published.date_key >= CAST(CONVERT(char(8), x.effective_from, 112) AS int)
            WHERE NOT EXISTS (SELECT 1 FROM etl.transform_consumed_run AS c WHERE c.etl_run_id = x.etl_run_id)
            UNION
            SELECT N'shipping rate card', published.date_key
            FROM stg.shipping_rate AS x
            JOIN dim.shop AS shop ON shop.shop_id = x.shop_id
            JOIN fact.sku_daily AS published
              ON published.shop_key = shop.shop_key AND published.date_key >= CAST(CONVERT(char(8), x.effective_from, 112) AS int)
            WHERE NOT EXISTS (SELECT 1 FROM etl.transform_consumed_run AS c WHERE c.etl_run_id = x.etl_run_id)
            UNION
            -- a changed SKU's published days (its lines and spend) and its GMV Max product rows
            SELECT N'catalogue', published.date_key
            FROM dim.product AS product
            JOIN fact.sku_daily AS published ON published.product_key = product.product_key
            WHERE product.etl_run_id > @v_basis_transform_run_id
            UNION
            SELECT N'catalogue', d.date_key
            FROM dim.product AS product
            JOIN stg.gmv_max_product_daily AS report ON report.store_id = product.shop_id AND report.item_group_id = product.product_id
            JOIN dim.date AS d ON d.calendar_date = report.stat_time_day
            WHERE product.etl_run_id > @v_basis_transform_run_id
            UNION
            -- ad spend rows
            SELECT N'ad report', d.date_key
            FROM stg.ad_report_daily AS x
            JOIN dim.date AS d ON d.calendar_date = x.stat_time_day
            WHERE NOT EXISTS (SELECT 1 FROM etl.transform_consumed_run AS c WHERE c.etl_run_id = x.etl_run_id)
            UNION
            SELECT N'GMV Max', d.date_key
            FROM stg.gmv_max_product_daily AS x
            JOIN dim.date AS d ON d.calendar_date = x.stat_time_day
            WHERE NOT EXISTS (SELECT 1 FROM etl.transform_consumed_run AS c WHERE c.etl_run_id = x.etl_run_id)
            UNION
            SELECT N'GMV Max', d.date_key
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
              ON ad.advertiser_id = spend_campaign.advertiser_id AND ad.campaign_id = spend_campaign.campaign_id AND ad.ad_id <> N''
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
            SELECT N'requested days (--from/--to)', d.date_key
            FROM dim.date AS d
            WHERE d.calendar_date BETWEEN @p_from AND @p_to;

            INSERT INTO etl.work_affected_date (date_key)
            SELECT DISTINCT date_key FROM #changed_day;
            SET @p_rows_written = @@ROWCOUNT;

            -- Per-order restating: on most affected days only the changed orders' lines are recomputed
            -- (the others are taken as published). A new SKU cost, cost setting or rate card, and
            -- --from/--to, recompute every order of their days.
            INSERT INTO etl.work_order_day (date_key)
            SELECT DISTINCT date_key FROM #changed_day
            WHERE change_kind IN (N'SKU costs', N'cost settings', N'shipping rate card', N'requested days (--from/--to)');
            INSERT INTO etl.work_changed_order (shop_id, order_id)
            SELECT DISTINCT shop_id, order_id FROM #changed_order;

            -- On-hand units (stg.product_sku) and the latest lead time (stg.cost_setting) enter every
            -- review period of their SKUs: a change to either recomputes all review periods.
            IF EXISTS (SELECT 1 FROM stg.product_sku AS x WHERE NOT EXISTS (SELECT 1 FROM etl.transform_consumed_run AS c WHERE c.etl_run_id = x.etl_run_id))
               OR EXISTS (SELECT 1 FROM stg.cost_setting AS x WHERE NOT EXISTS (SELECT 1 FROM etl.transform_consumed_run AS c WHERE c.etl_run_id = x.etl_run_id))
               OR EXISTS (SELECT 1 FROM etl.staging_deletion AS x
                          WHERE x.sku_id IS NOT NULL AND NOT EXISTS (SELECT 1 FROM etl.transform_consumed_run AS c WHERE c.etl_run_id = x.etl_run_id))
                SET @v_all_periods = 1;

            IF @p_rows_written = 0 AND @v_all_periods = 0
                SET @v_reason = N'incremental: nothing changed since the last transform';
            ELSE
                SELECT @v_reason = CONCAT(N'incremental: ', @p_rows_written, N' days, ', @v_changed_orders, N' orders changed',
                                          N' (' + STRING_AGG(CAST(CONCAT(kind.change_kind, N': ', kind.orders, N' orders, ', kind.days, N' days') AS nvarchar(max)), N'; ')
                                                  WITHIN GROUP (ORDER BY kind.change_kind COLLATE Latin1_General_100_BIN2) + N')',
                                          CASE WHEN @v_all_periods = 1 THEN N'; every review period (on-hand units or lead times changed)' ELSE N'' END)
                FROM (
                    SELECT day_kind.change_kind, day_kind.days, COALESCE(order_kind.orders, 0) AS orders
                    FROM (SELECT change_kind, COUNT(DISTINCT date_key) AS days FROM #changed_day GROUP BY change_kind) AS day_kind
                    LEFT JOIN (SELECT change_kind, COUNT(DISTINCT CONCAT(shop_id, N'|', order_id)) AS orders FROM #changed_order GROUP BY change_kind) AS order_kind
                      ON order_kind.change_kind = day_kind.change_kind
                ) AS kind;

            DROP TABLE #changed_day;
            DROP TABLE #changed_order;
        END;

        INSERT INTO etl.work_transform_plan (is_full, all_periods, reason, changed_orders, settings_hash, procedures_hash,
                                             click_window_days, view_window_days, allocation_method)
        VALUES (CASE WHEN @v_full_reason IS NOT NULL THEN 1 ELSE 0 END, @v_all_periods, @v_reason, @v_changed_orders,
                @v_settings_hash, @p_procedures_hash, @p_click_window_days, @p_view_window_days, @p_allocation_method);

        UPDATE STATISTICS etl.work_affected_date;  -- every step filters by it
        UPDATE STATISTICS etl.work_order_day;
        UPDATE STATISTICS etl.work_changed_order;

        IF @own_transaction = 1 COMMIT TRANSACTION;
    END TRY
    BEGIN CATCH
        IF @own_transaction = 1 AND XACT_STATE() <> 0 ROLLBACK TRANSACTION;
        THROW;
    END CATCH;
END;
GO
