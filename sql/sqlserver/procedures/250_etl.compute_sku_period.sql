-- Profit model section 6: per SKU and review period (the 28 days ending each Sunday, and the
-- latest day with data), the tier, the action, the reason in words, and the stock position.
-- Reads published daily facts outside the recomputed days and the work rows inside them.
-- Incremental runs recompute the periods their days reach (etl.prepare_transform says when all).
DROP PROCEDURE IF EXISTS etl.compute_sku_period;
GO

CREATE PROCEDURE etl.compute_sku_period
    @p_run_id bigint,
    @p_rows_written bigint = 0 OUTPUT
AS
BEGIN
    SET NOCOUNT ON;
    SET XACT_ABORT ON;
    DECLARE @own_transaction bit = CASE WHEN @@TRANCOUNT = 0 THEN 1 ELSE 0 END;
    BEGIN TRY
        IF @own_transaction = 1 BEGIN TRANSACTION;

        -- Whole-number settings round as PostgreSQL's CAST(numeric AS integer) does.
        DECLARE @v_review_days int = CAST(ROUND(etl.setting_number(N'review_period_days'), 0) AS int);
        DECLARE @v_stock_window_days int = CAST(ROUND(etl.setting_number(N'stock_window_days'), 0) AS int);
        DECLARE @v_hero_min_margin decimal(19,6) = etl.setting_number(N'hero_min_margin');
        DECLARE @v_hero_min_roi decimal(19,6) = etl.setting_number(N'hero_min_roi');
        DECLARE @v_hero_min_orders int = CAST(ROUND(etl.setting_number(N'hero_min_orders'), 0) AS int);
        DECLARE @v_marginal_max_share decimal(19,6) = etl.setting_number(N'marginal_max_share');
        DECLARE @v_test_budget decimal(19,4) = etl.setting_number(N'test_budget');
        DECLARE @v_safety_days int = CAST(ROUND(etl.setting_number(N'safety_days'), 0) AS int);
        DECLARE @v_overstock_days int = CAST(ROUND(etl.setting_number(N'overstock_days'), 0) AS int);
        DECLARE @v_lead_time_days int = CAST(ROUND(etl.setting_number(N'lead_time_days'), 0) AS int);

        -- The first and last day with SKU data, published or recomputed.
        DECLARE @v_first_date date;
        DECLARE @v_last_date date;
        SELECT @v_first_date = MIN(d.calendar_date), @v_last_date = MAX(d.calendar_date)
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
        DECLARE @v_published_first_date date;
        DECLARE @v_published_last_date date;
        DECLARE @v_all_periods bit;
        SELECT @v_published_first_date = MIN(d.calendar_date), @v_published_last_date = MAX(d.calendar_date)
        FROM (SELECT MIN(date_key) AS first_key, MAX(date_key) AS last_key FROM fact.sku_daily WHERE product_key <> 0) AS bounds
        JOIN dim.date AS d ON d.date_key IN (bounds.first_key, bounds.last_key);
        SELECT @v_all_periods = all_periods FROM etl.work_transform_plan;
        IF @v_all_periods IS NULL OR @v_all_periods = 1 OR @v_published_last_date IS NULL
           OR @v_first_date > @v_published_first_date OR @v_last_date < @v_published_last_date
            SET @v_all_periods = 1;
        UPDATE etl.work_transform_plan SET all_periods = @v_all_periods WHERE all_periods <> @v_all_periods;

        -- The periods recomputed: every one when all are (a full rebuild, or on-hand units, lead times
        -- or the data bounds changed); else those containing a recomputed day, the latest day's
        -- (every run), and the Sundays the latest day passed since the facts were published.
        WITH data_bounds AS (
            SELECT @v_first_date AS first_date, @v_last_date AS last_date
        )
        SELECT period_end.date_key AS period_end_date_key, period_end.calendar_date AS period_end_date,
               period_start.date_key AS period_start_date_key, period_start.calendar_date AS period_start_date
        INTO #review_period
        FROM dim.date AS period_end
        CROSS JOIN data_bounds
        JOIN dim.date AS period_start ON period_start.calendar_date = DATEADD(day, -(@v_review_days - 1), period_end.calendar_date)
        WHERE (period_end.day_of_week = 7 OR period_end.calendar_date = data_bounds.last_date)
          AND period_end.calendar_date BETWEEN data_bounds.first_date AND data_bounds.last_date
          AND (@v_all_periods = 1
               OR period_end.calendar_date = data_bounds.last_date
               OR period_end.calendar_date > @v_published_last_date
               OR EXISTS (SELECT 1 FROM etl.work_affected_date AS affected
                          WHERE affected.date_key BETWEEN period_start.date_key AND period_end.date_key));

        INSERT INTO etl.work_review_period (period_end_date_key) SELECT period_end_date_key FROM #review_period;

        -- Only the published days a recomputed review period reads: an incremental run reads a few
        -- weeks of facts, not every day ever published.
        DECLARE @v_from_key int;
        DECLARE @v_to_key int;
        SELECT @v_from_key = MIN(period_start_date_key), @v_to_key = MAX(period_end_date_key) FROM #review_period;

        SELECT daily.date_key, daily.shop_key, daily.product_key, daily.orders, daily.units, daily.gmv, daily.refund_amount,
               daily.net_revenue, daily.contribution_before_ads, daily.ad_spend, daily.contribution_after_ads, daily.attributed_gmv
        INTO #all_sku_daily
        FROM fact.sku_daily AS daily
        WHERE daily.product_key <> 0
          AND daily.date_key BETWEEN @v_from_key AND @v_to_key
          AND NOT EXISTS (SELECT 1 FROM etl.work_affected_date AS affected WHERE affected.date_key = daily.date_key)
        UNION ALL
        SELECT date_key, shop_key, product_key, orders, units, gmv, refund_amount,
               net_revenue, contribution_before_ads, ad_spend, contribution_after_ads, attributed_gmv
        FROM etl.work_sku_daily
        WHERE product_key <> 0;

        WITH period_total AS (
            SELECT period.period_end_date_key, period.period_start_date_key, daily.shop_key, daily.product_key,
                   SUM(daily.orders) AS orders, SUM(daily.units) AS units, SUM(daily.gmv) AS gmv,
                   SUM(daily.refund_amount) AS refund_amount, SUM(daily.net_revenue) AS net_revenue,
                   SUM(daily.contribution_before_ads) AS contribution_before_ads, SUM(daily.ad_spend) AS ad_spend,
                   SUM(daily.contribution_after_ads) AS contribution_after_ads, SUM(daily.attributed_gmv) AS attributed_gmv,
                   SUM(CAST(CASE WHEN d.calendar_date > DATEADD(day, -@v_stock_window_days, period.period_end_date) THEN daily.units ELSE 0 END AS bigint)) AS stock_window_units  -- bigint, as PostgreSQL's sum of integers
            FROM #review_period AS period
            JOIN #all_sku_daily AS daily ON daily.date_key BETWEEN period.period_start_date_key AND period.period_end_date_key
            JOIN dim.date AS d ON d.date_key = daily.date_key
            GROUP BY period.period_end_date_key, period.period_start_date_key, daily.shop_key, daily.product_key
        ),
        ratios AS (
            -- decimal(19,4) operands keep 19 decimals in the quotient (decimal(38,4) ones would keep only 6).
            SELECT period_total.*,
                   CASE WHEN net_revenue <> 0 THEN CAST(contribution_before_ads AS decimal(19,4)) / CAST(net_revenue AS decimal(19,4)) END AS contribution_margin,
                   CASE WHEN ad_spend <> 0 THEN CAST(contribution_after_ads AS decimal(19,4)) / CAST(ad_spend AS decimal(19,4)) END AS roi,
                   COALESCE(sku.inventory_quantity, 0) AS on_hand_units,
                   COALESCE(setting.lead_time_days, @v_lead_time_days) AS lead_time_days
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
            -- A decimal(9,6) share times a decimal(19,4) amount is exact, as on PostgreSQL.
            SELECT ratios.*,
                   CASE WHEN ad_spend = 0 THEN N'organic'
                        WHEN orders < @v_hero_min_orders AND ad_spend <= @v_test_budget THEN N'testing'
                        WHEN contribution_after_ads < 0 THEN N'loser'
                        WHEN contribution_after_ads > 0 AND contribution_margin >= @v_hero_min_margin
                             AND roi >= @v_hero_min_roi AND orders >= @v_hero_min_orders THEN N'hero'
                        WHEN contribution_after_ads >= 0
                             AND contribution_after_ads <= CAST(@v_marginal_max_share AS decimal(9,6)) * CAST(net_revenue AS decimal(19,4)) THEN N'marginal'
                        WHEN contribution_after_ads > 0 THEN N'winner'
                        ELSE N'marginal' END AS tier,
                   -- on hand / (units / window), computed as one division so no rounded average leaks in
                   CASE WHEN stock_window_units > 0
                        THEN CAST(CAST(on_hand_units * @v_stock_window_days AS decimal(19,4)) / stock_window_units AS decimal(19,1)) END AS days_of_cover
            FROM ratios
        )
        INSERT INTO etl.work_sku_period (
            period_end_date_key, period_start_date_key, shop_key, product_key, orders, units, gmv, refund_amount,
            net_revenue, contribution_before_ads, ad_spend, contribution_after_ads, attributed_gmv, contribution_margin,
            roi, tier, action, reason, on_hand_units, avg_daily_units, days_of_cover, restock_units, is_overstock, etl_run_id)
        SELECT period_end_date_key, period_start_date_key, shop_key, product_key, orders, units, gmv, refund_amount,
               net_revenue, contribution_before_ads, ad_spend, contribution_after_ads, attributed_gmv,
               CAST(contribution_margin AS decimal(19,6)), CAST(roi AS decimal(19,6)), tier,
               CASE tier WHEN N'hero' THEN N'Scale: raise budget; protect stock'
                         WHEN N'winner' THEN N'Maintain; test a higher budget'
                         WHEN N'marginal' THEN N'Optimize creatives, price or costs'
                         WHEN N'loser' THEN N'Cut or pause ads; check organic-only viability'
                         WHEN N'organic' THEN N'None for ads'
                         ELSE N'Keep the capped test budget; judge once either limit is passed' END,
               CASE tier
                   WHEN N'organic' THEN N'organic: no ad spend in the period'
                   WHEN N'testing' THEN CONCAT(N'testing: ', CAST(orders AS nvarchar(20)), N' orders < ', CAST(@v_hero_min_orders AS nvarchar(20)),
                                               N' and ad spend ', CAST(CAST(ad_spend AS decimal(19,2)) AS nvarchar(30)),
                                               N' <= test budget ', CAST(CAST(@v_test_budget AS decimal(19,2)) AS nvarchar(30)))
                   WHEN N'loser' THEN CONCAT(N'loser: contribution after ads ', CAST(CAST(contribution_after_ads AS decimal(19,2)) AS nvarchar(30)),
                                             N' < 0 (contribution before ads ', CAST(CAST(contribution_before_ads AS decimal(19,2)) AS nvarchar(30)),
                                             N', ad spend ', CAST(CAST(ad_spend AS decimal(19,2)) AS nvarchar(30)), N')')
                   WHEN N'hero' THEN CONCAT(N'hero: contribution after ads ', CAST(CAST(contribution_after_ads AS decimal(19,2)) AS nvarchar(30)),
                                            N' > 0, margin ', CAST(CAST(contribution_margin * 100 AS decimal(19,1)) AS nvarchar(30)),
                                            N'% >= ', CAST(CAST(@v_hero_min_margin * 100 AS decimal(19,1)) AS nvarchar(30)),
                                            N'%, ROI ', CAST(CAST(roi AS decimal(19,2)) AS nvarchar(30)),
                                            N' >= ', CAST(CAST(@v_hero_min_roi AS decimal(19,2)) AS nvarchar(30)),
                                            N', ', CAST(orders AS nvarchar(20)), N' orders >= ', CAST(@v_hero_min_orders AS nvarchar(20)))
                   WHEN N'marginal' THEN CONCAT(N'marginal: contribution after ads ', CAST(CAST(contribution_after_ads AS decimal(19,2)) AS nvarchar(30)),
                                                N' is between 0 and ', CAST(CAST(@v_marginal_max_share * 100 AS decimal(19,1)) AS nvarchar(30)),
                                                N'% of net revenue ', CAST(CAST(net_revenue AS decimal(19,2)) AS nvarchar(30)))
                   ELSE CONCAT(N'winner: contribution after ads ', CAST(CAST(contribution_after_ads AS decimal(19,2)) AS nvarchar(30)),
                               N' > 0 (margin ',
                               CASE WHEN contribution_margin IS NULL THEN N'n/a'
                                    ELSE CONCAT(CAST(CAST(contribution_margin * 100 AS decimal(19,1)) AS nvarchar(30)), N'%') END,
                               N', ROI ', CAST(CAST(roi AS decimal(19,2)) AS nvarchar(30)), N')') END,
               on_hand_units, CAST(CAST(stock_window_units AS decimal(19,4)) / @v_stock_window_days AS decimal(19,4)), days_of_cover,
               CASE WHEN tier IN (N'hero', N'winner') AND days_of_cover < lead_time_days + @v_safety_days
                    THEN CAST(CEILING(CAST(stock_window_units * CAST(lead_time_days + @v_safety_days + @v_review_days AS bigint) AS decimal(19,4)) / @v_stock_window_days) AS int) - on_hand_units
                    ELSE 0 END,
               CASE WHEN tier = N'loser' AND on_hand_units > 0 AND (days_of_cover IS NULL OR days_of_cover > @v_overstock_days) THEN 1 ELSE 0 END,
               @p_run_id
        FROM tiered;
        SET @p_rows_written = @@ROWCOUNT;

        DROP TABLE #all_sku_daily;
        DROP TABLE #review_period;

        IF @own_transaction = 1 COMMIT TRANSACTION;
    END TRY
    BEGIN CATCH
        IF @own_transaction = 1 AND XACT_STATE() <> 0 ROLLBACK TRANSACTION;
        THROW;
    END CATCH;
END;
GO
