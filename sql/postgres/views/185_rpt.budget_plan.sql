-- Budget plan per SKU (profit model "Budget plan"): current and planned weekly ad spend, the change,
-- the rule and reason, the caps, and the expected contribution after ads against the current week.
CREATE OR REPLACE VIEW rpt.budget_plan AS
SELECT sku_plan.shop_key,
       shop.shop_id,
       shop.shop_name,
       shop.currency,
       sku_plan.period_end_date_key,
       period_end.calendar_date AS period_end_date,
       sku_plan.product_key,
       product.sku_id,
       product.seller_sku,
       product.product_name,
       product.sku_name,
       sku_plan.tier,
       sku_plan.roi,
       sku_plan.current_spend,
       sku_plan.planned_spend,
       sku_plan.change_amount,
       sku_plan.plan_rule,
       sku_plan.plan_reason,
       sku_plan.pace_cap,
       sku_plan.stock_cap,
       sku_plan.units_per_ad_money,
       sku_plan.available_units,
       sku_plan.restock_first_units,
       sku_plan.attributed_contribution_rate,
       settings.return_factor,
       sku_plan.current_contribution_after_ads,
       sku_plan.expected_contribution_change,
       CAST(sku_plan.current_contribution_after_ads + sku_plan.expected_contribution_change AS numeric(19,4)) AS expected_contribution_after_ads
FROM fact.budget_plan AS sku_plan
JOIN fact.budget_plan_shop AS settings ON settings.shop_key = sku_plan.shop_key
JOIN dim.date AS period_end ON period_end.date_key = sku_plan.period_end_date_key
JOIN dim.shop AS shop ON shop.shop_key = sku_plan.shop_key
JOIN dim.product AS product ON product.product_key = sku_plan.product_key;
