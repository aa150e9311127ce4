-- Budget plan (profit model "Budget plan"): from each shop's latest review period, next week's ad
-- spend per SKU and per campaign. Losers and testing SKUs free money into a pool; the pool goes to
-- heroes, then winners, in order of ROI, each raised by at most the pace cap and the stock cap;
-- what no SKU can take stays unplaced. Set-based: the sequential "fill in ROI order" is a running
-- sum of capacities. Reads published facts only; replaces the plan of the shops it computes.
DROP PROCEDURE IF EXISTS etl.compute_budget_plan;
GO

CREATE PROCEDURE etl.compute_budget_plan
    @p_run_id bigint,
    @p_as_of_date_key int = NULL,
    @p_shop_key int = NULL,
    @p_budget decimal(19,4) = NULL,
    @p_max_change decimal(19,6) = NULL,
    @p_rows_written bigint = 0 OUTPUT
AS
BEGIN
    SET NOCOUNT ON;
    SET XACT_ABORT ON;
    DECLARE @own_transaction bit = CASE WHEN @@TRANCOUNT = 0 THEN 1 ELSE 0 END;
    BEGIN TRY
        DECLARE @v_review_days int = CAST(ROUND(etl.setting_number(N'review_period_days'), 0) AS int);
        DECLARE @v_test_budget decimal(19,4) = etl.setting_number(N'plan_test_budget');
        DECLARE @v_max_change decimal(19,6) = COALESCE(@p_max_change, etl.setting_number(N'plan_max_change'));
        DECLARE @v_return_factor decimal(19,6) = etl.setting_number(N'plan_return_factor');
        DECLARE @v_keep_testing_losers bit = CASE WHEN etl.setting_number(N'plan_keep_testing_losers') <> 0 THEN 1 ELSE 0 END;
        DECLARE @v_lead_time_days int = CAST(ROUND(etl.setting_number(N'lead_time_days'), 0) AS int);

        IF @p_budget IS NOT NULL AND @p_shop_key IS NULL
            THROW 50000, N'budget plan: a budget is one shop''s money; name the shop', 1;
        IF @p_budget < 0 OR @v_max_change < 0
            THROW 50000, N'budget plan: the budget and the maximum change must not be negative', 1;

        IF @own_transaction = 1 BEGIN TRANSACTION;

        -- Each shop's latest review period (on or before the as-of day) and its last 7 days, the current week.
        SELECT latest.shop_key, latest.period_end_date_key, period_end.calendar_date AS period_end_date,
               week_start.date_key AS current_week_start_date_key, period_start.date_key AS period_start_date_key
        INTO #plan_period
        FROM (
            SELECT period.shop_key, MAX(period.period_end_date_key) AS period_end_date_key
            FROM fact.sku_period AS period
            WHERE (@p_shop_key IS NULL OR period.shop_key = @p_shop_key)
              AND (@p_as_of_date_key IS NULL OR period.period_end_date_key <= @p_as_of_date_key)
            GROUP BY period.shop_key
        ) AS latest
        JOIN dim.date AS period_end ON period_end.date_key = latest.period_end_date_key
        JOIN dim.date AS week_start ON week_start.calendar_date = DATEADD(day, -6, period_end.calendar_date)
        JOIN dim.date AS period_start ON period_start.calendar_date = DATEADD(day, -(@v_review_days - 1), period_end.calendar_date);

        WITH current_week AS (
            SELECT shop_plan.shop_key, daily.product_key,
                   SUM(daily.ad_spend) AS current_spend, SUM(daily.contribution_after_ads) AS current_contribution_after_ads
            FROM #plan_period AS shop_plan
            JOIN fact.sku_daily AS daily ON daily.shop_key = shop_plan.shop_key
                 AND daily.date_key BETWEEN shop_plan.current_week_start_date_key AND shop_plan.period_end_date_key
            GROUP BY shop_plan.shop_key, daily.product_key
        ),
        paid_contribution AS (
            SELECT shop_plan.shop_key, daily.product_key, SUM(daily.contribution_before_ads) AS paid_contribution_before_ads
            FROM #plan_period AS shop_plan
            JOIN fact.sku_daily AS daily ON daily.shop_key = shop_plan.shop_key
                 AND daily.date_key BETWEEN shop_plan.period_start_date_key AND shop_plan.period_end_date_key
            JOIN dim.traffic_source AS source ON source.traffic_source_key = daily.traffic_source_key AND source.traffic_source = N'paid_ads'
            GROUP BY shop_plan.shop_key, daily.product_key
        ),
        lead_time AS (
            SELECT shop_id, lead_time_days,
                   ROW_NUMBER() OVER (PARTITION BY shop_id ORDER BY effective_from DESC) AS recency
            FROM stg.cost_setting WHERE lead_time_days IS NOT NULL
        ),
        sku AS (
            -- decimal(19,4) operands keep the quotient's decimals (decimal(38,4) ones would keep only 6)
            SELECT period.shop_key, period.product_key, period.period_end_date_key, period.tier, period.roi,
                   period.ad_spend AS period_spend, period.units AS period_units,
                   COALESCE(week.current_spend, 0) AS current_spend,
                   COALESCE(week.current_contribution_after_ads, 0) AS current_contribution_after_ads,
                   CASE WHEN period.ad_spend <> 0
                        THEN CAST(COALESCE(paid.paid_contribution_before_ads, 0) AS decimal(19,4)) / CAST(period.ad_spend AS decimal(19,4)) END AS attributed_contribution_rate,
                   -- on hand less what sells during the supplier's lead time at the recent daily rate
                   CAST(period.on_hand_units - period.avg_daily_units * COALESCE(lead_time.lead_time_days, @v_lead_time_days) AS decimal(19,4)) AS available_units
            FROM #plan_period AS shop_plan
            JOIN fact.sku_period AS period ON period.shop_key = shop_plan.shop_key AND period.period_end_date_key = shop_plan.period_end_date_key
            JOIN dim.product AS product ON product.product_key = period.product_key
            LEFT JOIN lead_time ON lead_time.shop_id = product.shop_id AND lead_time.recency = 1
            LEFT JOIN current_week AS week ON week.shop_key = period.shop_key AND week.product_key = period.product_key
            LEFT JOIN paid_contribution AS paid ON paid.shop_key = period.shop_key AND paid.product_key = period.product_key
        ),
        capped AS (
            SELECT sku.*,
                   CAST(CASE WHEN tier = N'loser' THEN CASE WHEN @v_keep_testing_losers = 1 AND current_spend > @v_test_budget THEN @v_test_budget
                                                             WHEN @v_keep_testing_losers = 1 THEN current_spend ELSE 0 END
                             WHEN tier = N'testing' THEN CASE WHEN current_spend > @v_test_budget THEN @v_test_budget ELSE current_spend END
                             ELSE current_spend END AS decimal(19,4)) AS base_spend,
                   CAST(CASE WHEN tier IN (N'hero', N'winner') THEN FLOOR(CAST(current_spend AS decimal(18,4)) * CAST(@v_max_change * 100 AS decimal(19,6))) / 100 ELSE 0 END AS decimal(19,4)) AS pace_cap,  -- exact product, as PostgreSQL's
                   -- extra units = extra spend x units per ad money <= available units
                   CAST(CASE WHEN tier IN (N'hero', N'winner') AND period_units > 0
                             THEN CASE WHEN available_units > 0
                                       THEN FLOOR(available_units * CAST(period_spend AS decimal(19,4)) / period_units * 100) / 100
                                       ELSE 0 END END AS decimal(19,4)) AS stock_cap
            FROM sku
        )
        SELECT capped.*,
               CASE WHEN stock_cap < pace_cap THEN stock_cap ELSE pace_cap END AS capacity
        INTO #plan_sku
        FROM capped;

        SELECT shop_key, COALESCE(@p_budget, SUM(current_spend)) AS budget, SUM(current_spend) AS current_spend,
               COALESCE(@p_budget, SUM(current_spend)) - SUM(base_spend) AS pool
        INTO #plan_pool
        FROM #plan_sku
        GROUP BY shop_key;

        WITH raise_order AS (
            -- heroes first, then winners, each by ROI: the pool fills them in this order
            SELECT sku.shop_key, sku.product_key, sku.capacity, pool.pool,
                   COALESCE(SUM(sku.capacity) OVER (PARTITION BY sku.shop_key
                       ORDER BY CASE sku.tier WHEN N'hero' THEN 1 ELSE 2 END, sku.roi DESC, sku.product_key
                       ROWS BETWEEN UNBOUNDED PRECEDING AND 1 PRECEDING), 0) AS capacity_before
            FROM #plan_sku AS sku
            JOIN #plan_pool AS pool ON pool.shop_key = sku.shop_key
            WHERE sku.tier IN (N'hero', N'winner') AND pool.pool > 0
        ),
        cut_order AS (
            -- a budget below what the SKUs keep: cut marginal, then winners, then heroes, lowest ROI first
            SELECT sku.shop_key, sku.product_key, sku.base_spend, -pool.pool AS deficit,
                   COALESCE(SUM(sku.base_spend) OVER (PARTITION BY sku.shop_key
                       ORDER BY CASE sku.tier WHEN N'marginal' THEN 1 WHEN N'winner' THEN 2 ELSE 3 END, sku.roi, sku.product_key
                       ROWS BETWEEN UNBOUNDED PRECEDING AND 1 PRECEDING), 0) AS spend_before
            FROM #plan_sku AS sku
            JOIN #plan_pool AS pool ON pool.shop_key = sku.shop_key
            WHERE sku.tier IN (N'marginal', N'winner', N'hero') AND pool.pool < 0
        )
        SELECT shop_key, product_key,
               CAST(CASE WHEN pool - capacity_before <= 0 THEN 0
                         WHEN capacity < pool - capacity_before THEN capacity
                         ELSE pool - capacity_before END AS decimal(19,4)) AS raise_amount,
               CAST(0 AS decimal(19,4)) AS cut_amount,
               CAST(pool - capacity_before AS decimal(19,4)) AS pool_left
        INTO #plan_move
        FROM raise_order
        UNION ALL
        SELECT shop_key, product_key, 0,
               CASE WHEN deficit - spend_before <= 0 THEN 0
                    WHEN base_spend < deficit - spend_before THEN base_spend
                    ELSE deficit - spend_before END,
               NULL
        FROM cut_order;

        DELETE FROM fact.budget_plan WHERE @p_shop_key IS NULL OR shop_key = @p_shop_key;
        DELETE FROM fact.budget_plan_campaign WHERE @p_shop_key IS NULL OR shop_key = @p_shop_key;
        DELETE FROM fact.budget_plan_shop WHERE @p_shop_key IS NULL OR shop_key = @p_shop_key;

        WITH planned AS (
            SELECT sku.*, COALESCE(move.raise_amount, 0) AS raise_amount, COALESCE(move.cut_amount, 0) AS cut_amount, move.pool_left,
                   sku.base_spend + COALESCE(move.raise_amount, 0) - COALESCE(move.cut_amount, 0) AS planned_spend,
                   CASE WHEN sku.period_spend <> 0 THEN CAST(sku.period_units AS decimal(19,4)) / CAST(sku.period_spend AS decimal(19,4)) END AS units_per_money
            FROM #plan_sku AS sku
            LEFT JOIN #plan_move AS move ON move.shop_key = sku.shop_key AND move.product_key = sku.product_key
        ),
        ruled AS (
            SELECT planned.*, planned_spend - current_spend AS change_amount,
                   CASE WHEN cut_amount > 0 THEN N'budget_cut'
                        WHEN tier = N'loser' AND planned_spend > 0 THEN N'loser_test'
                        WHEN tier = N'loser' THEN N'loser_cut'
                        WHEN tier = N'testing' AND planned_spend < current_spend THEN N'testing_cap'
                        WHEN tier = N'testing' THEN N'testing_keep'
                        -- the stock cap held the SKU below its pace cap while the pool still had money for it
                        WHEN tier IN (N'hero', N'winner') AND stock_cap < pace_cap AND pool_left > capacity THEN N'restock_first'
                        WHEN tier IN (N'hero', N'winner') AND raise_amount > 0 THEN CONCAT(tier, N'_raise')
                        ELSE N'keep' END AS plan_rule
            FROM planned
        )
        INSERT INTO fact.budget_plan (
            shop_key, product_key, period_end_date_key, tier, roi, current_spend, planned_spend, change_amount, plan_rule, plan_reason,
            pace_cap, stock_cap, units_per_ad_money, available_units, restock_first_units, attributed_contribution_rate,
            current_contribution_after_ads, expected_contribution_change, etl_run_id)
        SELECT shop_key, product_key, period_end_date_key, tier, roi, current_spend, planned_spend, change_amount, plan_rule,
               CASE plan_rule
                   WHEN N'loser_cut' THEN CONCAT(N'loser: ads lose money (ROI ', COALESCE(CAST(CAST(roi AS decimal(19,2)) AS nvarchar(30)), N'n/a'),
                                                 N'); spend ', CAST(CAST(current_spend AS decimal(19,2)) AS nvarchar(30)), N' -> 0.00, freed to the pool')
                   WHEN N'loser_test' THEN CONCAT(N'loser kept testing: spend ', CAST(CAST(current_spend AS decimal(19,2)) AS nvarchar(30)),
                                                  N' -> the test budget ', CAST(CAST(planned_spend AS decimal(19,2)) AS nvarchar(30)))
                   WHEN N'testing_cap' THEN CONCAT(N'testing: spend ', CAST(CAST(current_spend AS decimal(19,2)) AS nvarchar(30)),
                                                   N' capped at the test budget ', CAST(CAST(@v_test_budget AS decimal(19,2)) AS nvarchar(30)), N' until judged')
                   WHEN N'testing_keep' THEN CONCAT(N'testing: spend ', CAST(CAST(current_spend AS decimal(19,2)) AS nvarchar(30)),
                                                    N' within the test budget ', CAST(CAST(@v_test_budget AS decimal(19,2)) AS nvarchar(30)))
                   WHEN N'restock_first' THEN CONCAT(N'restock first: stock allows +', CAST(CAST(raise_amount AS decimal(19,2)) AS nvarchar(30)),
                                                     N' of the pace cap +', CAST(CAST(pace_cap AS decimal(19,2)) AS nvarchar(30)),
                                                     N' (', CAST(CAST(available_units AS decimal(19,1)) AS nvarchar(30)), N' units after lead-time demand); restock ',
                                                     CAST(CAST(CEILING(CAST(pace_cap - raise_amount AS decimal(15,4)) * CAST(period_units AS decimal(10,0)) / CAST(period_spend AS decimal(19,4))) AS int) AS nvarchar(20)),
                                                     N' units; the rest stays in the pool')
                   WHEN N'budget_cut' THEN CONCAT(tier, N': budget below current spend; cut ', CAST(CAST(cut_amount AS decimal(19,2)) AS nvarchar(30)),
                                                  N' (lowest ROI first, marginal before winners before heroes)')
                   WHEN N'keep' THEN CASE tier
                                         WHEN N'organic' THEN N'organic: no ad spend; none planned'
                                         WHEN N'marginal' THEN CONCAT(N'marginal: keeps its spend ', CAST(CAST(current_spend AS decimal(19,2)) AS nvarchar(30)))
                                         ELSE CONCAT(tier, N': keeps its spend ', CAST(CAST(current_spend AS decimal(19,2)) AS nvarchar(30)),
                                                     CASE WHEN pace_cap = 0 THEN N' (no spend this week to raise)' ELSE N' (the pool is spent)' END) END
                   ELSE CONCAT(tier, N', ROI ', CAST(CAST(roi AS decimal(19,2)) AS nvarchar(30)), N': +', CAST(CAST(raise_amount AS decimal(19,2)) AS nvarchar(30)),
                               N' from the pool (pace cap ', CAST(CAST(pace_cap AS decimal(19,2)) AS nvarchar(30)), N' = ',
                               CAST(CAST(@v_max_change * 100 AS decimal(19,1)) AS nvarchar(30)), N'% of ', CAST(CAST(current_spend AS decimal(19,2)) AS nvarchar(30)), N')') END,
               pace_cap, stock_cap, CAST(units_per_money AS decimal(19,6)),
               CASE WHEN available_units > 0 THEN available_units ELSE 0 END,
               CASE WHEN plan_rule = N'restock_first' THEN CAST(CEILING(CAST(pace_cap - raise_amount AS decimal(15,4)) * CAST(period_units AS decimal(10,0)) / CAST(period_spend AS decimal(19,4))) AS int) ELSE 0 END,
               CAST(attributed_contribution_rate AS decimal(19,6)),
               current_contribution_after_ads,
               -- extra spend earns trailing ROI x factor; cut spend saves itself but loses the contribution its ads brought
               -- (the casts keep SQL Server's products exact, as PostgreSQL's are: no rounding to 6 places before the 4)
               CAST(CASE WHEN change_amount > 0 THEN ROUND(CAST(change_amount AS decimal(15,4)) * CAST(roi AS decimal(16,6)) * CAST(@v_return_factor AS decimal(8,6)), 4)
                         WHEN change_amount < 0 THEN ROUND(CAST(-change_amount AS decimal(18,4)) * CAST(1 - COALESCE(CAST(attributed_contribution_rate AS decimal(19,6)), 0) AS decimal(19,6)), 4)
                         ELSE 0 END AS decimal(19,4)),
               @p_run_id
        FROM ruled;
        SET @p_rows_written = @@ROWCOUNT;

        INSERT INTO fact.budget_plan_shop (
            shop_key, period_end_date_key, current_week_start_date_key, budget, current_spend, planned_spend, unplaced,
            max_change, return_factor, test_budget, keep_testing_losers, etl_run_id)
        SELECT shop_plan.shop_key, shop_plan.period_end_date_key, shop_plan.current_week_start_date_key, pool.budget, pool.current_spend,
               totals.planned_spend, pool.budget - totals.planned_spend,
               @v_max_change, @v_return_factor, @v_test_budget, @v_keep_testing_losers, @p_run_id
        FROM #plan_period AS shop_plan
        JOIN #plan_pool AS pool ON pool.shop_key = shop_plan.shop_key
        JOIN (SELECT shop_key, SUM(planned_spend) AS planned_spend FROM fact.budget_plan GROUP BY shop_key) AS totals
             ON totals.shop_key = shop_plan.shop_key;

        -- Per campaign: each SKU's change split over the campaigns that spent on it this week, by their
        -- share of its spend, to the cent (section 4), then summed per campaign.
        DELETE FROM etl.work_split WHERE split_name = N'budget_plan';
        INSERT INTO etl.work_split (split_name, whole_id, part_id, whole_amount, weight)
        SELECT N'budget_plan', spend.product_key, spend.campaign_key, MAX(sku.change_amount), SUM(spend.ad_spend)
        FROM #plan_period AS shop_plan
        JOIN fact.sku_ad_spend AS spend ON spend.shop_key = shop_plan.shop_key
             AND spend.date_key BETWEEN shop_plan.current_week_start_date_key AND shop_plan.period_end_date_key
        JOIN fact.budget_plan AS sku ON sku.shop_key = spend.shop_key AND sku.product_key = spend.product_key
        WHERE sku.change_amount <> 0
        GROUP BY spend.product_key, spend.campaign_key;
        EXEC etl.split_by_largest_remainder @p_split_name = N'budget_plan';

        WITH campaign_week AS (
            SELECT shop_plan.shop_key, shop_plan.period_end_date_key, spend.campaign_key, SUM(spend.ad_spend) AS current_spend,
                   COUNT(DISTINCT CASE WHEN spend.product_key <> 0 THEN spend.product_key END) AS skus
            FROM #plan_period AS shop_plan
            JOIN fact.sku_ad_spend AS spend ON spend.shop_key = shop_plan.shop_key
                 AND spend.date_key BETWEEN shop_plan.current_week_start_date_key AND shop_plan.period_end_date_key
            GROUP BY shop_plan.shop_key, shop_plan.period_end_date_key, spend.campaign_key
        ),
        campaign_change AS (
            SELECT part_id AS campaign_key, SUM(part_amount) AS change_amount
            FROM etl.work_split WHERE split_name = N'budget_plan'
            GROUP BY part_id
        )
        INSERT INTO fact.budget_plan_campaign (
            shop_key, campaign_key, period_end_date_key, current_spend, change_amount, planned_spend, skus, etl_run_id)
        SELECT week.shop_key, week.campaign_key, week.period_end_date_key, week.current_spend,
               COALESCE(moved.change_amount, 0), week.current_spend + COALESCE(moved.change_amount, 0), week.skus, @p_run_id
        FROM campaign_week AS week
        LEFT JOIN campaign_change AS moved ON moved.campaign_key = week.campaign_key;
        DELETE FROM etl.work_split WHERE split_name = N'budget_plan';

        DROP TABLE #plan_move;
        DROP TABLE #plan_pool;
        DROP TABLE #plan_sku;
        DROP TABLE #plan_period;

        IF @own_transaction = 1 COMMIT TRANSACTION;
    END TRY
    BEGIN CATCH
        IF @own_transaction = 1 AND XACT_STATE() <> 0 ROLLBACK TRANSACTION;
        THROW;
    END CATCH;
END;
GO
