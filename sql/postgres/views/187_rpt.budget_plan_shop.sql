-- Budget plan per shop: the budget, current and planned totals, what stays unplaced, the assumptions
-- and the expected contribution after ads of the week under the shop_plan.
CREATE OR REPLACE VIEW rpt.budget_plan_shop AS
SELECT shop_plan.shop_key,
       shop.shop_id,
       shop.shop_name,
       shop.currency,
       shop_plan.period_end_date_key,
       period_end.calendar_date AS period_end_date,
       week_start.calendar_date AS current_week_start_date,
       shop_plan.budget,
       shop_plan.current_spend,
       shop_plan.planned_spend,
       shop_plan.unplaced,
       shop_plan.max_change,
       shop_plan.return_factor,
       shop_plan.test_budget,
       shop_plan.keep_testing_losers,
       totals.current_contribution_after_ads,
       totals.expected_contribution_change,
       CAST(totals.current_contribution_after_ads + totals.expected_contribution_change AS numeric(19,4)) AS expected_contribution_after_ads
FROM fact.budget_plan_shop AS shop_plan
JOIN dim.date AS period_end ON period_end.date_key = shop_plan.period_end_date_key
JOIN dim.date AS week_start ON week_start.date_key = shop_plan.current_week_start_date_key
JOIN dim.shop AS shop ON shop.shop_key = shop_plan.shop_key
JOIN (
    SELECT shop_key, SUM(current_contribution_after_ads) AS current_contribution_after_ads,
           SUM(expected_contribution_change) AS expected_contribution_change
    FROM fact.budget_plan
    GROUP BY shop_key
) AS totals ON totals.shop_key = shop_plan.shop_key;
