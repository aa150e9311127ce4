-- Daily monitoring (profit model section 8), after publish, in its own transaction, reading the
-- published facts only. Evaluates every rule as of the latest day with facts, then keeps one
-- episode per rule and subject: a rule still true updates its open episode (a restated day
-- updates it, nothing new opens), a rule newly true opens one, an open episode whose rule is no
-- longer true is resolved on that day.
DROP PROCEDURE IF EXISTS etl.compute_alerts;
GO

CREATE PROCEDURE etl.compute_alerts
    @p_run_id bigint,
    @p_rows_written bigint = 0 OUTPUT
AS
BEGIN
    SET NOCOUNT ON;
    SET XACT_ABORT ON;
    DECLARE @own_transaction bit = CASE WHEN @@TRANCOUNT = 0 THEN 1 ELSE 0 END;
    BEGIN TRY
        IF @own_transaction = 1 BEGIN TRANSACTION;

        DECLARE @v_loss_days int = CAST(ROUND(etl.setting_number(N'alert_loss_days'), 0) AS int);
        DECLARE @v_loss_threshold decimal(19,4) = etl.setting_number(N'alert_loss_threshold');
        DECLARE @v_spike_z decimal(19,6) = etl.setting_number(N'alert_spike_z');
        DECLARE @v_spike_days int = CAST(ROUND(etl.setting_number(N'alert_spike_baseline_days'), 0) AS int);
        DECLARE @v_spike_min_days int = CAST(ROUND(etl.setting_number(N'alert_spike_min_days'), 0) AS int);
        DECLARE @v_zero_days int = CAST(ROUND(etl.setting_number(N'alert_zero_spend_days'), 0) AS int);
        DECLARE @v_no_sales_days int = CAST(ROUND(etl.setting_number(N'alert_no_sales_days'), 0) AS int);
        DECLARE @v_no_sales_floor decimal(19,4) = etl.setting_number(N'alert_no_sales_spend_floor');
        DECLARE @v_unallocated_days int = CAST(ROUND(etl.setting_number(N'alert_unallocated_days'), 0) AS int);
        DECLARE @v_unallocated_share decimal(19,6) = etl.setting_number(N'alert_unallocated_share');
        DECLARE @v_settlement_days int = CAST(ROUND(etl.setting_number(N'alert_settlement_days'), 0) AS int);
        DECLARE @v_settlement_tolerance decimal(19,4) = etl.setting_number(N'settlement_tolerance');
        DECLARE @v_stale_days int = CAST(ROUND(etl.setting_number(N'alert_stale_days'), 0) AS int);
        DECLARE @v_stale_settlement_days int = CAST(ROUND(etl.setting_number(N'alert_stale_settlement_days'), 0) AS int);
        DECLARE @v_safety_days int = CAST(ROUND(etl.setting_number(N'safety_days'), 0) AS int);
        DECLARE @v_lead_time_days int = CAST(ROUND(etl.setting_number(N'lead_time_days'), 0) AS int);
        DECLARE @v_hero_drop_share decimal(19,6) = etl.setting_number(N'alert_hero_drop_share');
        DECLARE @v_hero_days int = CAST(ROUND(etl.setting_number(N'alert_hero_baseline_days'), 0) AS int);
        DECLARE @v_hero_min_orders int = CAST(ROUND(etl.setting_number(N'alert_hero_min_orders'), 0) AS int);
        DECLARE @v_reporting_currency nvarchar(3) = (SELECT setting_value FROM etl.setting WHERE setting_name = N'reporting_currency');
        DECLARE @v_as_of_key int = (SELECT MAX(date_key) FROM fact.sku_daily);
        SET @p_rows_written = 0;
        IF @v_as_of_key IS NULL
        BEGIN
            IF @own_transaction = 1 COMMIT TRANSACTION;
            RETURN;
        END;
        DECLARE @v_as_of date = (SELECT calendar_date FROM dim.date WHERE date_key = @v_as_of_key);
        DECLARE @v_period_key int = (SELECT MAX(period_end_date_key) FROM fact.sku_period WHERE period_end_date_key <= @v_as_of_key);
        DECLARE @v_previous_period_key int = (SELECT MAX(period_end_date_key) FROM fact.sku_period WHERE period_end_date_key < @v_period_key);
        DECLARE @v_window_days int = (SELECT MAX(days) FROM (VALUES (@v_spike_days), (@v_hero_days), (@v_loss_days), (@v_no_sales_days),
                                                                    (@v_unallocated_days), (@v_settlement_days), (@v_zero_days)) AS windows (days));

        SELECT date_key, calendar_date, DATEDIFF(day, calendar_date, @v_as_of) AS days_back
        INTO #alert_day
        FROM dim.date
        WHERE calendar_date BETWEEN DATEADD(day, -@v_window_days, @v_as_of) AND @v_as_of;

        SELECT product_key,
               CONCAT(product_name, CASE WHEN sku_name IS NOT NULL AND sku_name <> N'' THEN CONCAT(N' ', sku_name) ELSE N'' END) AS sku_label
        INTO #sku_name
        FROM dim.product;

        -- One campaign per advertiser and campaign id (dim.campaign has a row per ad): its lowest key names it.
        SELECT campaign.campaign_key, MIN(campaign.campaign_key) OVER (PARTITION BY campaign.advertiser_id, campaign.campaign_id) AS head_key,
               campaign.campaign_name
        INTO #campaign_member
        FROM dim.campaign AS campaign
        WHERE campaign.campaign_key <> 0;

        SELECT ad.shop_key, member.head_key, day.days_back, SUM(ad.spend) AS spend
        INTO #campaign_spend
        FROM fact.ad_daily AS ad
        JOIN #campaign_member AS member ON member.campaign_key = ad.campaign_key
        JOIN #alert_day AS day ON day.date_key = ad.date_key
        GROUP BY ad.shop_key, member.head_key, day.days_back;

        CREATE TABLE #alert_candidate (
            -- COLLATE DATABASE_DEFAULT: a temporary table's text takes tempdb's collation, and these are compared with fact.alert's
            rule_code nvarchar(40) COLLATE DATABASE_DEFAULT NOT NULL, subject_type nvarchar(10) COLLATE DATABASE_DEFAULT NOT NULL, shop_key int NOT NULL, product_key int NOT NULL,
            campaign_key int NOT NULL, subject nvarchar(100) COLLATE DATABASE_DEFAULT NOT NULL, severity nvarchar(10) COLLATE DATABASE_DEFAULT NOT NULL, measured_value decimal(19,4) NULL,
            baseline_value decimal(19,4) NULL, threshold_value decimal(19,4) NULL, money_amount decimal(19,4) NULL, message nvarchar(1000) COLLATE DATABASE_DEFAULT NOT NULL
        );

        -- 1. A SKU with ad spend losing money after ads over the window_total days (testing SKUs within their budget excepted).
        WITH window_total AS (
            SELECT daily.shop_key, daily.product_key, SUM(daily.ad_spend) AS ad_spend,
                   SUM(daily.contribution_before_ads) AS contribution_before_ads, SUM(daily.contribution_after_ads) AS contribution_after_ads
            FROM fact.sku_daily AS daily
            JOIN #alert_day AS day ON day.date_key = daily.date_key AND day.days_back < @v_loss_days
            WHERE daily.product_key <> 0
            GROUP BY daily.shop_key, daily.product_key
        )
        INSERT INTO #alert_candidate
        SELECT N'sku_loss', N'sku', window_total.shop_key, window_total.product_key, 0, N'', N'high',
               window_total.contribution_after_ads, window_total.contribution_before_ads, @v_loss_threshold, -window_total.contribution_after_ads,
               CONCAT(name.sku_label, N' lost ', CAST(CAST(-window_total.contribution_after_ads AS decimal(19,2)) AS nvarchar(30)),
                      N' after ', CAST(CAST(window_total.ad_spend AS decimal(19,2)) AS nvarchar(30)), N' of ads in the last ',
                      CAST(@v_loss_days AS nvarchar(10)), N' days; pause or cut its campaigns')
        FROM window_total
        JOIN #sku_name AS name ON name.product_key = window_total.product_key
        LEFT JOIN fact.sku_period AS period
          ON period.period_end_date_key = @v_period_key AND period.shop_key = window_total.shop_key AND period.product_key = window_total.product_key
        WHERE window_total.ad_spend > 0
          AND window_total.contribution_after_ads < @v_loss_threshold
          AND COALESCE(period.tier, N'') <> N'testing';

        -- 2. A SKU whose tier became loser or hero since the previous review period; open while it stays there.
        INSERT INTO #alert_candidate
        SELECT CONCAT(N'tier_to_', current_period.tier), N'sku', current_period.shop_key, current_period.product_key, 0, N'',
               CASE current_period.tier WHEN N'loser' THEN N'high' ELSE N'info' END,
               current_period.contribution_after_ads, previous_period.contribution_after_ads, NULL,
               CASE current_period.tier WHEN N'loser' THEN -current_period.contribution_after_ads ELSE current_period.contribution_after_ads END,
               CONCAT(name.sku_label,
                      CASE WHEN previous_period.tier <> current_period.tier
                           THEN CONCAT(N' turned ', current_period.tier, N' (was ', previous_period.tier, N')')
                           ELSE CONCAT(N' is still ', current_period.tier) END,
                      N': ', current_period.reason, N'; ', current_period.action)
        FROM fact.sku_period AS current_period
        JOIN #sku_name AS name ON name.product_key = current_period.product_key
        LEFT JOIN fact.sku_period AS previous_period
          ON previous_period.period_end_date_key = @v_previous_period_key
         AND previous_period.shop_key = current_period.shop_key AND previous_period.product_key = current_period.product_key
        WHERE current_period.period_end_date_key = @v_period_key
          AND current_period.tier IN (N'loser', N'hero')
          AND (previous_period.tier <> current_period.tier
               OR EXISTS (SELECT 1 FROM fact.alert AS open_alert
                          WHERE open_alert.rule_code = CONCAT(N'tier_to_', current_period.tier) AND open_alert.resolved_on IS NULL
                            AND open_alert.shop_key = current_period.shop_key AND open_alert.product_key = current_period.product_key));

        -- 3. A hero or winner whose days of cover fall below lead time + safety days, with the restock quantity and its cost.
        INSERT INTO #alert_candidate
        SELECT N'restock', N'sku', period.shop_key, period.product_key, 0, N'',
               CASE period.tier WHEN N'hero' THEN N'high' ELSE N'warning' END,
               period.days_of_cover, period.avg_daily_units, lead.lead_time_days + @v_safety_days, period.restock_units * cost.unit_cost,
               CONCAT(name.sku_label, N' (', period.tier, N') has ', CAST(period.days_of_cover AS nvarchar(30)),
                      N' days of stock left, below lead time + safety of ', CAST(lead.lead_time_days + @v_safety_days AS nvarchar(10)),
                      N' days; reorder ', CAST(period.restock_units AS nvarchar(20)), N' units',
                      CASE WHEN cost.unit_cost IS NOT NULL
                           THEN CONCAT(N' (', CAST(CAST(period.restock_units * cost.unit_cost AS decimal(19,2)) AS nvarchar(30)), N' at cost)') ELSE N'' END)
        FROM fact.sku_period AS period
        JOIN #sku_name AS name ON name.product_key = period.product_key
        JOIN dim.product AS product ON product.product_key = period.product_key
        CROSS APPLY (
            SELECT COALESCE((SELECT TOP (1) setting.lead_time_days FROM stg.cost_setting AS setting
                             WHERE setting.shop_id = product.shop_id AND setting.lead_time_days IS NOT NULL
                             ORDER BY setting.effective_from DESC), @v_lead_time_days) AS lead_time_days
        ) AS lead
        OUTER APPLY (
            SELECT TOP (1) sku_cost.unit_cost FROM stg.sku_cost AS sku_cost
            WHERE sku_cost.shop_id = product.shop_id AND sku_cost.sku_id = product.sku_id AND sku_cost.effective_from <= @v_as_of
            ORDER BY sku_cost.effective_from DESC
        ) AS cost
        WHERE period.period_end_date_key = @v_period_key
          AND period.tier IN (N'hero', N'winner')
          AND period.restock_units > 0;

        -- 4. Campaign spend of the latest day far from its window_total days: |z| >= threshold, compared
        --    squared and scaled by the number of days so no square root decides it:
        --    (n x - sum)^2 >= z^2 (n sumsq - sum^2).
        WITH campaign AS (
            SELECT shop_key, head_key FROM #campaign_spend WHERE days_back <= @v_spike_days GROUP BY shop_key, head_key
        ),
        baseline AS (
            SELECT campaign.shop_key, campaign.head_key,
                   CAST(@v_spike_days AS decimal(19,4)) AS n,
                   COALESCE(SUM(spend.spend), 0) AS total,
                   COALESCE(SUM(CAST(spend.spend AS decimal(18,4)) * CAST(spend.spend AS decimal(18,4))), 0) AS total_squares,  -- exact, as PostgreSQL's
                   COUNT(CASE WHEN spend.spend > 0 THEN 1 END) AS spend_days
            FROM campaign
            LEFT JOIN #campaign_spend AS spend
              ON spend.shop_key = campaign.shop_key AND spend.head_key = campaign.head_key AND spend.days_back BETWEEN 1 AND @v_spike_days
            GROUP BY campaign.shop_key, campaign.head_key
        ),
        scored AS (
            SELECT baseline.shop_key, baseline.head_key, baseline.n, baseline.total, baseline.spend_days,
                   COALESCE(today.spend, 0) AS spend,
                   baseline.total / baseline.n AS mean,
                   CAST(baseline.n AS decimal(5,0)) * CAST(baseline.total_squares AS decimal(28,8))
                       - CAST(baseline.total AS decimal(18,4)) * CAST(baseline.total AS decimal(18,4)) AS scaled_variance
            FROM baseline
            LEFT JOIN #campaign_spend AS today ON today.shop_key = baseline.shop_key AND today.head_key = baseline.head_key AND today.days_back = 0
        )
        INSERT INTO #alert_candidate
        SELECT N'campaign_spend_spike', N'campaign', scored.shop_key, 0, scored.head_key, N'', N'warning',
               CAST(CAST(scored.n * scored.spend - scored.total AS float) / SQRT(CAST(scored.scaled_variance AS float)) AS decimal(19,2)),
               CAST(scored.mean AS decimal(19,4)), @v_spike_z, scored.spend - CAST(scored.mean AS decimal(19,4)),
               CONCAT(member.campaign_name, N' spent ', CAST(CAST(scored.spend AS decimal(19,2)) AS nvarchar(30)), N' on ',
                      CONVERT(char(10), @v_as_of, 23), N' against ', CAST(CAST(scored.mean AS decimal(19,2)) AS nvarchar(30)),
                      N' a day over the last ', CAST(@v_spike_days AS nvarchar(10)), N' days (z = ',
                      CAST(CAST(CAST(scored.n * scored.spend - scored.total AS float) / SQRT(CAST(scored.scaled_variance AS float)) AS decimal(19,1)) AS nvarchar(30)),
                      N'); check its budget and bids')
        FROM scored
        JOIN #campaign_member AS member ON member.campaign_key = scored.head_key
        WHERE scored.spend > 0
          AND scored.spend_days >= @v_spike_min_days
          AND scored.scaled_variance > 0
          AND (scored.n * scored.spend - scored.total) * (scored.n * scored.spend - scored.total) >= @v_spike_z * @v_spike_z * scored.scaled_variance;

        -- 5. A campaign that spent on each of the last days and nothing on the latest (its shop has spend that day, so the data is there).
        WITH recent AS (
            SELECT shop_key, head_key, COUNT(CASE WHEN spend > 0 THEN 1 END) AS spend_days, SUM(spend) AS total
            FROM #campaign_spend
            WHERE days_back BETWEEN 1 AND @v_zero_days
            GROUP BY shop_key, head_key
        )
        INSERT INTO #alert_candidate
        SELECT N'campaign_to_zero', N'campaign', recent.shop_key, 0, recent.head_key, N'', N'warning',
               0, CAST(recent.total / @v_zero_days AS decimal(19,4)), 0, NULL,
               CONCAT(member.campaign_name, N' spent every day of the last ', CAST(@v_zero_days AS nvarchar(10)), N' days (',
                      CAST(CAST(recent.total / @v_zero_days AS decimal(19,2)) AS nvarchar(30)), N' a day) and nothing on ',
                      CONVERT(char(10), @v_as_of, 23), N'; check its budget, payment method and ad approvals')
        FROM recent
        JOIN #campaign_member AS member ON member.campaign_key = recent.head_key
        WHERE recent.spend_days = @v_zero_days
          AND NOT EXISTS (SELECT 1 FROM #campaign_spend AS today
                          WHERE today.shop_key = recent.shop_key AND today.head_key = recent.head_key AND today.days_back = 0 AND today.spend > 0)
          AND EXISTS (SELECT 1 FROM #campaign_spend AS shop_today WHERE shop_today.shop_key = recent.shop_key AND shop_today.days_back = 0);

        -- 6. Spend without sales: a SKU or a campaign with spend above the floor and no attributed orders over the last days.
        WITH window_total AS (
            SELECT daily.shop_key, daily.product_key, SUM(daily.ad_spend) AS ad_spend, SUM(daily.attributed_orders) AS attributed_orders
            FROM fact.sku_daily AS daily
            JOIN #alert_day AS day ON day.date_key = daily.date_key AND day.days_back < @v_no_sales_days
            WHERE daily.product_key <> 0
            GROUP BY daily.shop_key, daily.product_key
        )
        INSERT INTO #alert_candidate
        SELECT N'sku_spend_no_sales', N'sku', window_total.shop_key, window_total.product_key, 0, N'', N'warning',
               0, window_total.ad_spend, @v_no_sales_floor, window_total.ad_spend,
               CONCAT(name.sku_label, N' got ', CAST(CAST(window_total.ad_spend AS decimal(19,2)) AS nvarchar(30)), N' of ads in the last ',
                      CAST(@v_no_sales_days AS nvarchar(10)), N' days and no attributed order; check its ad-to-product mapping and tracking')
        FROM window_total
        JOIN #sku_name AS name ON name.product_key = window_total.product_key
        WHERE window_total.ad_spend > @v_no_sales_floor AND window_total.attributed_orders = 0;

        WITH window_total AS (
            SELECT shop_key, head_key, SUM(spend) AS spend
            FROM #campaign_spend
            WHERE days_back < @v_no_sales_days
            GROUP BY shop_key, head_key
        )
        INSERT INTO #alert_candidate
        SELECT N'campaign_spend_no_sales', N'campaign', window_total.shop_key, 0, window_total.head_key, N'', N'warning',
               0, window_total.spend, @v_no_sales_floor, window_total.spend,
               CONCAT(head.campaign_name, N' spent ', CAST(CAST(window_total.spend AS decimal(19,2)) AS nvarchar(30)), N' in the last ',
                      CAST(@v_no_sales_days AS nvarchar(10)), N' days with no attributed order; check its ad-to-product mapping and tracking')
        FROM window_total
        JOIN #campaign_member AS head ON head.campaign_key = window_total.head_key
        WHERE window_total.spend > @v_no_sales_floor
          AND NOT EXISTS (
              SELECT 1
              FROM fact.order_line AS line
              JOIN #campaign_member AS member ON member.campaign_key = line.campaign_key
              JOIN #alert_day AS day ON day.date_key = line.date_key AND day.days_back < @v_no_sales_days
              WHERE member.head_key = window_total.head_key AND line.is_revenue = 1);

        -- 7. A hero whose contribution margin or blended ROAS of the latest day is down by more than a share of its
        --    trailing baseline (ratios of sums over the baseline days), decided multiplied out so no division decides it;
        --    only on a day of at least alert_hero_min_orders orders (one or two orders make a noisy margin).
        -- decimal(18,4) sums keep SQL Server's products and quotients below exact (no rounding to 6 places before the 2)
        SELECT daily.shop_key, daily.product_key,
               SUM(CASE WHEN day.days_back = 0 THEN daily.orders ELSE 0 END) AS orders,
               CAST(SUM(CASE WHEN day.days_back = 0 THEN daily.net_revenue ELSE 0 END) AS decimal(18,4)) AS net_revenue,
               CAST(SUM(CASE WHEN day.days_back = 0 THEN daily.contribution_before_ads ELSE 0 END) AS decimal(18,4)) AS contribution,
               CAST(SUM(CASE WHEN day.days_back = 0 THEN daily.gmv ELSE 0 END) AS decimal(18,4)) AS gmv,
               CAST(SUM(CASE WHEN day.days_back = 0 THEN daily.ad_spend ELSE 0 END) AS decimal(18,4)) AS ad_spend,
               CAST(SUM(CASE WHEN day.days_back > 0 THEN daily.net_revenue ELSE 0 END) AS decimal(18,4)) AS baseline_net_revenue,
               CAST(SUM(CASE WHEN day.days_back > 0 THEN daily.contribution_before_ads ELSE 0 END) AS decimal(18,4)) AS baseline_contribution,
               CAST(SUM(CASE WHEN day.days_back > 0 THEN daily.gmv ELSE 0 END) AS decimal(18,4)) AS baseline_gmv,
               CAST(SUM(CASE WHEN day.days_back > 0 THEN daily.ad_spend ELSE 0 END) AS decimal(18,4)) AS baseline_ad_spend
        INTO #hero_day
        FROM fact.sku_daily AS daily
        JOIN #alert_day AS day ON day.date_key = daily.date_key AND day.days_back <= @v_hero_days
        JOIN fact.sku_period AS period
          ON period.period_end_date_key = @v_period_key AND period.shop_key = daily.shop_key AND period.product_key = daily.product_key
         AND period.tier = N'hero'
        GROUP BY daily.shop_key, daily.product_key;

        INSERT INTO #alert_candidate
        SELECT N'hero_margin_drop', N'sku', hero.shop_key, hero.product_key, 0, N'', N'warning',
               ROUND(hero.contribution / hero.net_revenue, 4), ROUND(hero.baseline_contribution / hero.baseline_net_revenue, 4), @v_hero_drop_share,
               ROUND(CAST(hero.baseline_contribution * hero.net_revenue AS decimal(28,8)) / hero.baseline_net_revenue - hero.contribution, 2),
               CONCAT(name.sku_label, N' (hero) kept ', CAST(CAST(hero.contribution AS decimal(19,2)) AS nvarchar(30)), N' of ',
                      CAST(CAST(hero.net_revenue AS decimal(19,2)) AS nvarchar(30)), N' on ', CONVERT(char(10), @v_as_of, 23), N', a ',
                      CAST(CAST(100 * hero.contribution / hero.net_revenue AS decimal(19,1)) AS nvarchar(30)), N'% margin against ',
                      CAST(CAST(100 * hero.baseline_contribution / hero.baseline_net_revenue AS decimal(19,1)) AS nvarchar(30)), N'% over the last ',
                      CAST(@v_hero_days AS nvarchar(10)), N' days; check its price, discounts, refunds and costs')
        FROM #hero_day AS hero
        JOIN #sku_name AS name ON name.product_key = hero.product_key
        WHERE hero.orders >= @v_hero_min_orders AND hero.net_revenue > 0 AND hero.baseline_net_revenue > 0 AND hero.baseline_contribution > 0
          AND hero.contribution * hero.baseline_net_revenue < CAST(1 - @v_hero_drop_share AS decimal(8,6)) * CAST(hero.baseline_contribution * hero.net_revenue AS decimal(28,8));

        INSERT INTO #alert_candidate
        SELECT N'hero_roas_drop', N'sku', hero.shop_key, hero.product_key, 0, N'', N'warning',
               ROUND(hero.gmv / hero.ad_spend, 4), ROUND(hero.baseline_gmv / hero.baseline_ad_spend, 4), @v_hero_drop_share,
               ROUND(hero.ad_spend - CAST(hero.gmv * hero.baseline_ad_spend AS decimal(28,8)) / hero.baseline_gmv, 2),
               CONCAT(name.sku_label, N' (hero) sold ', CAST(CAST(hero.gmv AS decimal(19,2)) AS nvarchar(30)), N' on ',
                      CAST(CAST(hero.ad_spend AS decimal(19,2)) AS nvarchar(30)), N' of ads on ', CONVERT(char(10), @v_as_of, 23), N', blended ROAS ',
                      CAST(CAST(hero.gmv / hero.ad_spend AS decimal(19,2)) AS nvarchar(30)), N' against ',
                      CAST(CAST(hero.baseline_gmv / hero.baseline_ad_spend AS decimal(19,2)) AS nvarchar(30)), N' over the last ',
                      CAST(@v_hero_days AS nvarchar(10)), N' days; check its campaigns, bids and creatives')
        FROM #hero_day AS hero
        JOIN #sku_name AS name ON name.product_key = hero.product_key
        WHERE hero.orders >= @v_hero_min_orders AND hero.ad_spend > 0 AND hero.baseline_ad_spend > 0 AND hero.baseline_gmv > 0
          AND hero.gmv * hero.baseline_ad_spend < CAST(1 - @v_hero_drop_share AS decimal(8,6)) * CAST(hero.baseline_gmv * hero.ad_spend AS decimal(28,8));

        -- 8. Money checks per shop: unallocated spend share, settlement differences, a missing FX rate, stale sources.
        WITH spend AS (
            SELECT allocated.shop_key, SUM(allocated.ad_spend) AS total,
                   SUM(CASE WHEN allocated.product_key = 0 THEN allocated.ad_spend ELSE 0 END) AS unallocated
            FROM fact.sku_ad_spend AS allocated
            JOIN #alert_day AS day ON day.date_key = allocated.date_key AND day.days_back < @v_unallocated_days
            GROUP BY allocated.shop_key
        )
        INSERT INTO #alert_candidate
        SELECT N'unallocated_spend', N'shop', spend.shop_key, 0, 0, N'', N'warning',
               CAST(CAST(spend.unallocated AS decimal(19,4)) / CAST(spend.total AS decimal(19,4)) AS decimal(19,4)), spend.total, @v_unallocated_share, spend.unallocated,
               CONCAT(shop.shop_name, N': ', CAST(CAST(spend.unallocated AS decimal(19,2)) AS nvarchar(30)), N' of ',
                      CAST(CAST(spend.total AS decimal(19,2)) AS nvarchar(30)), N' ad spend in the last ', CAST(@v_unallocated_days AS nvarchar(10)),
                      N' days (', CAST(CAST(100 * spend.unallocated / spend.total AS decimal(19,1)) AS nvarchar(30)),
                      N'%) maps to no SKU; add the campaigns to the ad-to-product map')
        FROM spend
        JOIN dim.shop AS shop ON shop.shop_key = spend.shop_key
        WHERE spend.total > 0 AND spend.unallocated > @v_unallocated_share * spend.total;

        INSERT INTO #alert_candidate
        SELECT N'settlement_difference', N'shop', checked.shop_key, 0, 0, N'', N'warning',
               SUM(checked.difference), COUNT(*), @v_settlement_tolerance, SUM(ABS(checked.difference)),
               CONCAT(shop.shop_name, N': ', CAST(COUNT(*) AS nvarchar(20)), N' settled orders of the last ', CAST(@v_settlement_days AS nvarchar(10)),
                      N' days differ from TikTok''s settlement by more than ', CAST(CAST(@v_settlement_tolerance AS decimal(19,2)) AS nvarchar(30)),
                      N', ', CAST(CAST(SUM(ABS(checked.difference)) AS decimal(19,2)) AS nvarchar(30)), N' in all; see rpt.sku_settlement')
        FROM fact.settlement_check AS checked
        JOIN #alert_day AS day ON day.date_key = checked.date_key AND day.days_back < @v_settlement_days
        JOIN dim.shop AS shop ON shop.shop_key = checked.shop_key
        WHERE checked.is_flagged = 1
        GROUP BY checked.shop_key, shop.shop_name;

        INSERT INTO #alert_candidate
        SELECT N'missing_fx', N'shop', shop.shop_key, 0, 0, shop.currency, N'high', NULL, NULL, NULL, NULL,
               CONCAT(shop.shop_name, N': no ', shop.currency, N' to ', @v_reporting_currency, N' rate on or before ',
                      CONVERT(char(10), @v_as_of, 23), N'; cross-shop totals leave this shop out until fx_rate has one')
        FROM dim.shop AS shop
        WHERE shop.shop_key <> 0 AND shop.currency <> @v_reporting_currency
          AND EXISTS (SELECT 1 FROM fact.sku_daily AS daily WHERE daily.shop_key = shop.shop_key)
          AND NOT EXISTS (SELECT 1 FROM stg.fx_rate AS rate WHERE rate.currency = shop.currency AND rate.rate_date <= @v_as_of);

        WITH source_day AS (
            -- Each shop's latest day read backwards along the date index (a few rows), not by grouping every order line
            -- and settled order: a run's cost must not grow with the history it does not judge.
            SELECT N'orders' AS source_name, shop.shop_key, @v_stale_days AS allowed_days,
                   (SELECT MAX(line.date_key) FROM fact.order_line AS line WHERE line.shop_key = shop.shop_key) AS latest_date_key
            FROM dim.shop AS shop
            UNION ALL
            SELECT N'settlements', shop.shop_key, @v_stale_settlement_days,
                   (SELECT MAX(checked.date_key) FROM fact.settlement_check AS checked WHERE checked.shop_key = shop.shop_key)
            FROM dim.shop AS shop
            UNION ALL
            SELECT N'ad spend', shop_key, @v_stale_days, MAX(date_key) FROM fact.ad_daily GROUP BY shop_key
        )
        INSERT INTO #alert_candidate
        SELECT N'stale_source', N'shop', source_day.shop_key, 0, 0, source_day.source_name, N'high',
               DATEDIFF(day, d.calendar_date, @v_as_of), NULL, source_day.allowed_days, NULL,
               CONCAT(shop.shop_name, N': ', source_day.source_name, N' end on ', CONVERT(char(10), d.calendar_date, 23), N', ',
                      CAST(DATEDIFF(day, d.calendar_date, @v_as_of) AS nvarchar(10)), N' days before ', CONVERT(char(10), @v_as_of, 23),
                      N'; check the extract or the export of that source')
        FROM source_day
        JOIN dim.date AS d ON d.date_key = source_day.latest_date_key
        JOIN dim.shop AS shop ON shop.shop_key = source_day.shop_key
        WHERE source_day.shop_key <> 0 AND DATEDIFF(day, d.calendar_date, @v_as_of) > source_day.allowed_days;

        -- Episodes. Still true: the open episode takes the latest figures (a restated day updates it).
        UPDATE alert
        SET date_key = @v_as_of_key, last_seen_on = @v_as_of, severity = candidate.severity, measured_value = candidate.measured_value,
            baseline_value = candidate.baseline_value, threshold_value = candidate.threshold_value, money_amount = candidate.money_amount,
            alert_message = candidate.message, etl_run_id = @p_run_id
        FROM fact.alert AS alert
        JOIN #alert_candidate AS candidate
          ON alert.rule_code = candidate.rule_code AND alert.shop_key = candidate.shop_key AND alert.product_key = candidate.product_key
         AND alert.campaign_key = candidate.campaign_key AND alert.subject = candidate.subject
        WHERE alert.resolved_on IS NULL
          AND EXISTS (SELECT alert.date_key, alert.measured_value, alert.baseline_value, alert.money_amount, alert.alert_message, alert.severity
                      EXCEPT
                      SELECT @v_as_of_key, candidate.measured_value, candidate.baseline_value, candidate.money_amount, candidate.message, candidate.severity);

        -- Resolved on this very day but true again (the day was restated back): the same episode reopens.
        UPDATE alert
        SET resolved_on = NULL, date_key = @v_as_of_key, last_seen_on = @v_as_of, severity = candidate.severity,
            measured_value = candidate.measured_value, baseline_value = candidate.baseline_value, threshold_value = candidate.threshold_value,
            money_amount = candidate.money_amount, alert_message = candidate.message, etl_run_id = @p_run_id
        FROM fact.alert AS alert
        JOIN #alert_candidate AS candidate
          ON alert.rule_code = candidate.rule_code AND alert.shop_key = candidate.shop_key AND alert.product_key = candidate.product_key
         AND alert.campaign_key = candidate.campaign_key AND alert.subject = candidate.subject
        WHERE alert.resolved_on = @v_as_of
          AND NOT EXISTS (SELECT 1 FROM fact.alert AS open_alert
                          WHERE open_alert.resolved_on IS NULL AND open_alert.rule_code = alert.rule_code AND open_alert.shop_key = alert.shop_key
                            AND open_alert.product_key = alert.product_key AND open_alert.campaign_key = alert.campaign_key AND open_alert.subject = alert.subject);

        -- Newly true: a new episode starting on this day.
        INSERT INTO fact.alert (rule_code, subject_type, shop_key, product_key, campaign_key, subject, first_date_key, date_key, severity,
                                measured_value, baseline_value, threshold_value, money_amount, alert_message, opened_on, last_seen_on, resolved_on,
                                delivered_at, etl_run_id)
        SELECT candidate.rule_code, candidate.subject_type, candidate.shop_key, candidate.product_key, candidate.campaign_key, candidate.subject,
               @v_as_of_key, @v_as_of_key, candidate.severity, candidate.measured_value, candidate.baseline_value, candidate.threshold_value,
               candidate.money_amount, candidate.message, @v_as_of, @v_as_of, NULL, NULL, @p_run_id
        FROM #alert_candidate AS candidate
        WHERE NOT EXISTS (SELECT 1 FROM fact.alert AS alert
                          WHERE alert.rule_code = candidate.rule_code AND alert.shop_key = candidate.shop_key AND alert.product_key = candidate.product_key
                            AND alert.campaign_key = candidate.campaign_key AND alert.subject = candidate.subject
                            AND (alert.resolved_on IS NULL OR alert.first_date_key = @v_as_of_key));
        SET @p_rows_written = @@ROWCOUNT;

        -- No longer true: the episode is resolved on this day.
        UPDATE alert
        SET resolved_on = @v_as_of, etl_run_id = @p_run_id
        FROM fact.alert AS alert
        WHERE alert.resolved_on IS NULL
          AND NOT EXISTS (SELECT 1 FROM #alert_candidate AS candidate
                          WHERE alert.rule_code = candidate.rule_code AND alert.shop_key = candidate.shop_key AND alert.product_key = candidate.product_key
                            AND alert.campaign_key = candidate.campaign_key AND alert.subject = candidate.subject);

        IF @own_transaction = 1 COMMIT TRANSACTION;
    END TRY
    BEGIN CATCH
        IF @own_transaction = 1 AND XACT_STATE() <> 0 ROLLBACK TRANSACTION;
        THROW;
    END CATCH;
END;
GO
