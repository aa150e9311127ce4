-- Budget plan (profit model "Budget plan"): from each shop's latest review period, next week's ad
-- spend per SKU and per campaign. Losers and testing SKUs free money into a pool; the pool goes to
-- heroes, then winners, in order of ROI, each raised by at most the pace cap and the stock cap;
-- what no SKU can take stays unplaced. Set-based: the sequential "fill in ROI order" is a running
-- sum of capacities. Reads published facts only; replaces the plan of the shops it computes.
CREATE OR REPLACE PROCEDURE etl.compute_budget_plan(
    p_run_id bigint,
    p_as_of_date_key integer DEFAULT NULL,
    p_shop_key integer DEFAULT NULL,
    p_budget numeric(19,4) DEFAULT NULL,
    p_max_change numeric(19,6) DEFAULT NULL,
    INOUT p_rows_written bigint DEFAULT 0)
LANGUAGE plpgsql
AS $$
DECLARE
    v_review_days integer := CAST(etl.setting_number('review_period_days') AS integer);
    v_test_budget numeric(19,4) := etl.setting_number('plan_test_budget');
    v_max_change numeric(19,6) := COALESCE(p_max_change, etl.setting_number('plan_max_change'));
    v_return_factor numeric(19,6) := etl.setting_number('plan_return_factor');
    v_keep_testing_losers boolean := etl.setting_number('plan_keep_testing_losers') <> 0;
    v_lead_time_days integer := CAST(etl.setting_number('lead_time_days') AS integer);
BEGIN
    IF p_budget IS NOT NULL AND p_shop_key IS NULL THEN
        RAISE EXCEPTION 'budget plan: a budget is one shop''s money; name the shop';
    END IF;
    IF p_budget < 0 OR v_max_change < 0 THEN
        RAISE EXCEPTION 'budget plan: the budget and the maximum change must not be negative';
    END IF;

    -- Each shop's latest review period (on or before the as-of day) and its last 7 days, the current week.
    CREATE TEMP TABLE plan_period ON COMMIT DROP AS
    SELECT latest.shop_key, latest.period_end_date_key, period_end.calendar_date AS period_end_date,
           week_start.date_key AS current_week_start_date_key, period_start.date_key AS period_start_date_key
    FROM (
        SELECT period.shop_key, MAX(period.period_end_date_key) AS period_end_date_key
        FROM fact.sku_period AS period
        WHERE (p_shop_key IS NULL OR period.shop_key = p_shop_key)
          AND (p_as_of_date_key IS NULL OR period.period_end_date_key <= p_as_of_date_key)
        GROUP BY period.shop_key
    ) AS latest
    JOIN dim.date AS period_end ON period_end.date_key = latest.period_end_date_key
    JOIN dim.date AS week_start ON week_start.calendar_date = period_end.calendar_date - 6
    JOIN dim.date AS period_start ON period_start.calendar_date = period_end.calendar_date - (v_review_days - 1);
    ANALYZE plan_period;  -- one row a shop: with statistics the SKU-days below are read by day, not scanned whole

    CREATE TEMP TABLE plan_sku ON COMMIT DROP AS
    WITH current_week AS (
        SELECT shop_plan.shop_key, daily.product_key,
               SUM(daily.ad_spend) AS current_spend, SUM(daily.contribution_after_ads) AS current_contribution_after_ads
        FROM plan_period AS shop_plan
        JOIN fact.sku_daily AS daily ON daily.shop_key = shop_plan.shop_key
             AND daily.date_key BETWEEN shop_plan.current_week_start_date_key AND shop_plan.period_end_date_key
        GROUP BY shop_plan.shop_key, daily.product_key
    ),
    paid_contribution AS (
        SELECT shop_plan.shop_key, daily.product_key, SUM(daily.contribution_before_ads) AS paid_contribution_before_ads
        FROM plan_period AS shop_plan
        JOIN fact.sku_daily AS daily ON daily.shop_key = shop_plan.shop_key
             AND daily.date_key BETWEEN shop_plan.period_start_date_key AND shop_plan.period_end_date_key
        JOIN dim.traffic_source AS source ON source.traffic_source_key = daily.traffic_source_key AND source.traffic_source = 'paid_ads'
        GROUP BY shop_plan.shop_key, daily.product_key
    ),
    lead_time AS (
        SELECT shop_id, lead_time_days,
               ROW_NUMBER() OVER (PARTITION BY shop_id ORDER BY effective_from DESC) AS recency
        FROM stg.cost_setting WHERE lead_time_days IS NOT NULL
    ),
    sku AS (
        SELECT period.shop_key, period.product_key, period.period_end_date_key, period.tier, period.roi,
               period.ad_spend AS period_spend, period.units AS period_units,
               COALESCE(week.current_spend, 0) AS current_spend,
               COALESCE(week.current_contribution_after_ads, 0) AS current_contribution_after_ads,
               CASE WHEN period.ad_spend <> 0 THEN COALESCE(paid.paid_contribution_before_ads, 0) / period.ad_spend END AS attributed_contribution_rate,
               -- on hand less what sells during the supplier's lead time at the recent daily rate
               period.on_hand_units - period.avg_daily_units * COALESCE(lead_time.lead_time_days, v_lead_time_days) AS available_units
        FROM plan_period AS shop_plan
        JOIN fact.sku_period AS period ON period.shop_key = shop_plan.shop_key AND period.period_end_date_key = shop_plan.period_end_date_key
        JOIN dim.product AS product ON product.product_key = period.product_key
        LEFT JOIN lead_time ON lead_time.shop_id = product.shop_id AND lead_time.recency = 1
        LEFT JOIN current_week AS week ON week.shop_key = period.shop_key AND week.product_key = period.product_key
        LEFT JOIN paid_contribution AS paid ON paid.shop_key = period.shop_key AND paid.product_key = period.product_key
    ),
    capped AS (
        SELECT sku.*,
               CASE WHEN tier = 'loser' THEN CASE WHEN v_keep_testing_losers THEN LEAST(current_spend, v_test_budget) ELSE 0 END
                    WHEN tier = 'testing' THEN LEAST(current_spend, v_test_budget)
                    ELSE current_spend END AS base_spend,
               CASE WHEN tier IN ('hero', 'winner') THEN FLOOR(current_spend * v_max_change * 100) / 100 ELSE 0 END AS pace_cap,
               -- extra units = extra spend x units per ad money <= available units
               CASE WHEN tier IN ('hero', 'winner') AND period_units > 0
                    THEN GREATEST(FLOOR(available_units * period_spend / period_units * 100) / 100, 0) END AS stock_cap
        FROM sku
    )
    SELECT capped.*, LEAST(pace_cap, COALESCE(stock_cap, pace_cap)) AS capacity
    FROM capped;

    CREATE TEMP TABLE plan_pool ON COMMIT DROP AS
    SELECT shop_key, COALESCE(p_budget, SUM(current_spend)) AS budget, SUM(current_spend) AS current_spend,
           COALESCE(p_budget, SUM(current_spend)) - SUM(base_spend) AS pool
    FROM plan_sku
    GROUP BY shop_key;

    CREATE TEMP TABLE plan_move ON COMMIT DROP AS
    WITH raise_order AS (
        -- heroes first, then winners, each by ROI: the pool fills them in this order
        SELECT sku.shop_key, sku.product_key, sku.capacity, pool.pool,
               COALESCE(SUM(sku.capacity) OVER (PARTITION BY sku.shop_key
                   ORDER BY CASE sku.tier WHEN 'hero' THEN 1 ELSE 2 END, sku.roi DESC, sku.product_key
                   ROWS BETWEEN UNBOUNDED PRECEDING AND 1 PRECEDING), 0) AS capacity_before
        FROM plan_sku AS sku
        JOIN plan_pool AS pool ON pool.shop_key = sku.shop_key
        WHERE sku.tier IN ('hero', 'winner') AND pool.pool > 0
    ),
    cut_order AS (
        -- a budget below what the SKUs keep: cut marginal, then winners, then heroes, lowest ROI first
        SELECT sku.shop_key, sku.product_key, sku.base_spend, -pool.pool AS deficit,
               COALESCE(SUM(sku.base_spend) OVER (PARTITION BY sku.shop_key
                   ORDER BY CASE sku.tier WHEN 'marginal' THEN 1 WHEN 'winner' THEN 2 ELSE 3 END, sku.roi, sku.product_key
                   ROWS BETWEEN UNBOUNDED PRECEDING AND 1 PRECEDING), 0) AS spend_before
        FROM plan_sku AS sku
        JOIN plan_pool AS pool ON pool.shop_key = sku.shop_key
        WHERE sku.tier IN ('marginal', 'winner', 'hero') AND pool.pool < 0
    )
    SELECT shop_key, product_key, GREATEST(LEAST(capacity, pool - capacity_before), 0) AS raise_amount, 0 AS cut_amount,
           pool - capacity_before AS pool_left
    FROM raise_order
    UNION ALL
    SELECT shop_key, product_key, 0, GREATEST(LEAST(base_spend, deficit - spend_before), 0), NULL
    FROM cut_order;

    DELETE FROM fact.budget_plan WHERE p_shop_key IS NULL OR shop_key = p_shop_key;
    DELETE FROM fact.budget_plan_campaign WHERE p_shop_key IS NULL OR shop_key = p_shop_key;
    DELETE FROM fact.budget_plan_shop WHERE p_shop_key IS NULL OR shop_key = p_shop_key;

    INSERT INTO fact.budget_plan (
        shop_key, product_key, period_end_date_key, tier, roi, current_spend, planned_spend, change_amount, plan_rule, plan_reason,
        pace_cap, stock_cap, units_per_ad_money, available_units, restock_first_units, attributed_contribution_rate,
        current_contribution_after_ads, expected_contribution_change, etl_run_id)
    WITH planned AS (
        SELECT sku.*, COALESCE(move.raise_amount, 0) AS raise_amount, COALESCE(move.cut_amount, 0) AS cut_amount, move.pool_left,
               sku.base_spend + COALESCE(move.raise_amount, 0) - COALESCE(move.cut_amount, 0) AS planned_spend,
               CASE WHEN sku.period_spend <> 0 THEN CAST(sku.period_units AS numeric(19,4)) / sku.period_spend END AS units_per_money
        FROM plan_sku AS sku
        LEFT JOIN plan_move AS move ON move.shop_key = sku.shop_key AND move.product_key = sku.product_key
    ),
    ruled AS (
        SELECT planned.*, planned_spend - current_spend AS change_amount,
               CASE WHEN cut_amount > 0 THEN 'budget_cut'
                    WHEN tier = 'loser' AND planned_spend > 0 THEN 'loser_test'
                    WHEN tier = 'loser' THEN 'loser_cut'
                    WHEN tier = 'testing' AND planned_spend < current_spend THEN 'testing_cap'
                    WHEN tier = 'testing' THEN 'testing_keep'
                    -- the stock cap held the SKU below its pace cap while the pool still had money for it
                    WHEN tier IN ('hero', 'winner') AND stock_cap < pace_cap AND pool_left > capacity THEN 'restock_first'
                    WHEN tier IN ('hero', 'winner') AND raise_amount > 0 THEN tier || '_raise'
                    ELSE 'keep' END AS plan_rule
        FROM planned
    )
    SELECT shop_key, product_key, period_end_date_key, tier, roi, current_spend, planned_spend, change_amount, plan_rule,
           CASE plan_rule
               WHEN 'loser_cut' THEN 'loser: ads lose money (ROI ' || COALESCE(CAST(CAST(roi AS numeric(19,2)) AS varchar(30)), 'n/a')
                                     || '); spend ' || CAST(CAST(current_spend AS numeric(19,2)) AS varchar(30)) || ' -> 0.00, freed to the pool'
               WHEN 'loser_test' THEN 'loser kept testing: spend ' || CAST(CAST(current_spend AS numeric(19,2)) AS varchar(30))
                                      || ' -> the test budget ' || CAST(CAST(planned_spend AS numeric(19,2)) AS varchar(30))
               WHEN 'testing_cap' THEN 'testing: spend ' || CAST(CAST(current_spend AS numeric(19,2)) AS varchar(30))
                                       || ' capped at the test budget ' || CAST(CAST(v_test_budget AS numeric(19,2)) AS varchar(30)) || ' until judged'
               WHEN 'testing_keep' THEN 'testing: spend ' || CAST(CAST(current_spend AS numeric(19,2)) AS varchar(30))
                                        || ' within the test budget ' || CAST(CAST(v_test_budget AS numeric(19,2)) AS varchar(30))
               WHEN 'restock_first' THEN 'restock first: stock allows +' || CAST(CAST(raise_amount AS numeric(19,2)) AS varchar(30))
                                         || ' of the pace cap +' || CAST(CAST(pace_cap AS numeric(19,2)) AS varchar(30))
                                         || ' (' || CAST(CAST(available_units AS numeric(19,1)) AS varchar(30)) || ' units after lead-time demand); restock '
                                         || CAST(CAST(CEILING((pace_cap - raise_amount) * period_units / period_spend) AS integer) AS varchar(20))
                                         || ' units; the rest stays in the pool'
               WHEN 'budget_cut' THEN tier || ': budget below current spend; cut ' || CAST(CAST(cut_amount AS numeric(19,2)) AS varchar(30))
                                      || ' (lowest ROI first, marginal before winners before heroes)'
               WHEN 'keep' THEN CASE tier
                                    WHEN 'organic' THEN 'organic: no ad spend; none planned'
                                    WHEN 'marginal' THEN 'marginal: keeps its spend ' || CAST(CAST(current_spend AS numeric(19,2)) AS varchar(30))
                                    ELSE tier || ': keeps its spend ' || CAST(CAST(current_spend AS numeric(19,2)) AS varchar(30))
                                         || CASE WHEN pace_cap = 0 THEN ' (no spend this week to raise)' ELSE ' (the pool is spent)' END END
               ELSE tier || ', ROI ' || CAST(CAST(roi AS numeric(19,2)) AS varchar(30)) || ': +' || CAST(CAST(raise_amount AS numeric(19,2)) AS varchar(30))
                    || ' from the pool (pace cap ' || CAST(CAST(pace_cap AS numeric(19,2)) AS varchar(30)) || ' = '
                    || CAST(CAST(v_max_change * 100 AS numeric(19,1)) AS varchar(30)) || '% of ' || CAST(CAST(current_spend AS numeric(19,2)) AS varchar(30)) || ')' END,
           pace_cap, stock_cap, CAST(units_per_money AS numeric(19,6)),
           CAST(GREATEST(available_units, 0) AS numeric(19,4)),
           CASE WHEN plan_rule = 'restock_first' THEN CAST(CEILING((pace_cap - raise_amount) * period_units / period_spend) AS integer) ELSE 0 END,
           CAST(attributed_contribution_rate AS numeric(19,6)),
           current_contribution_after_ads,
           -- extra spend earns trailing ROI x factor; cut spend saves itself but loses the contribution its ads brought
           CASE WHEN change_amount > 0 THEN ROUND(change_amount * CAST(roi AS numeric(19,6)) * v_return_factor, 4)
                WHEN change_amount < 0 THEN ROUND(-change_amount * (1 - COALESCE(CAST(attributed_contribution_rate AS numeric(19,6)), 0)), 4)
                ELSE 0 END,
           p_run_id
    FROM ruled;
    GET DIAGNOSTICS p_rows_written = ROW_COUNT;

    INSERT INTO fact.budget_plan_shop (
        shop_key, period_end_date_key, current_week_start_date_key, budget, current_spend, planned_spend, unplaced,
        max_change, return_factor, test_budget, keep_testing_losers, etl_run_id)
    SELECT shop_plan.shop_key, shop_plan.period_end_date_key, shop_plan.current_week_start_date_key, pool.budget, pool.current_spend,
           totals.planned_spend, pool.budget - totals.planned_spend,
           v_max_change, v_return_factor, v_test_budget, v_keep_testing_losers, p_run_id
    FROM plan_period AS shop_plan
    JOIN plan_pool AS pool ON pool.shop_key = shop_plan.shop_key
    JOIN (SELECT shop_key, SUM(planned_spend) AS planned_spend FROM fact.budget_plan GROUP BY shop_key) AS totals
         ON totals.shop_key = shop_plan.shop_key;

    -- Per campaign: each SKU's change split over the campaigns that spent on it this week, by their
    -- share of its spend, to the cent (section 4), then summed per campaign.
    DELETE FROM etl.work_split WHERE split_name = 'budget_plan';
    INSERT INTO etl.work_split (split_name, whole_id, part_id, whole_amount, weight)
    SELECT 'budget_plan', spend.product_key, spend.campaign_key, MAX(sku.change_amount), SUM(spend.ad_spend)
    FROM plan_period AS shop_plan
    JOIN fact.sku_ad_spend AS spend ON spend.shop_key = shop_plan.shop_key
         AND spend.date_key BETWEEN shop_plan.current_week_start_date_key AND shop_plan.period_end_date_key
    JOIN fact.budget_plan AS sku ON sku.shop_key = spend.shop_key AND sku.product_key = spend.product_key
    WHERE sku.change_amount <> 0
    GROUP BY spend.product_key, spend.campaign_key;
    CALL etl.split_by_largest_remainder('budget_plan');

    INSERT INTO fact.budget_plan_campaign (
        shop_key, campaign_key, period_end_date_key, current_spend, change_amount, planned_spend, skus, etl_run_id)
    WITH campaign_week AS (
        SELECT shop_plan.shop_key, shop_plan.period_end_date_key, spend.campaign_key, SUM(spend.ad_spend) AS current_spend,
               COUNT(DISTINCT CASE WHEN spend.product_key <> 0 THEN spend.product_key END) AS skus
        FROM plan_period AS shop_plan
        JOIN fact.sku_ad_spend AS spend ON spend.shop_key = shop_plan.shop_key
             AND spend.date_key BETWEEN shop_plan.current_week_start_date_key AND shop_plan.period_end_date_key
        GROUP BY shop_plan.shop_key, shop_plan.period_end_date_key, spend.campaign_key
    ),
    campaign_change AS (
        SELECT part_id AS campaign_key, SUM(part_amount) AS change_amount
        FROM etl.work_split WHERE split_name = 'budget_plan'
        GROUP BY part_id
    )
    SELECT week.shop_key, week.campaign_key, week.period_end_date_key, week.current_spend,
           COALESCE(moved.change_amount, 0), week.current_spend + COALESCE(moved.change_amount, 0), week.skus, p_run_id
    FROM campaign_week AS week
    LEFT JOIN campaign_change AS moved ON moved.campaign_key = week.campaign_key;
    DELETE FROM etl.work_split WHERE split_name = 'budget_plan';
END;
$$;
