-- Budget plan per campaign: the SKU changes mapped back through each campaign's share of the SKUs'
-- weekly spend (its ads summed), so the seller knows which budgets to change in Ads Manager.
CREATE OR REPLACE VIEW rpt.budget_plan_campaign AS
SELECT campaign_plan.shop_key,
       shop.shop_id,
       shop.shop_name,
       shop.currency,
       campaign_plan.period_end_date_key,
       campaign.advertiser_id,
       campaign.campaign_id,
       campaign.campaign_name,
       campaign.campaign_type,
       SUM(campaign_plan.current_spend) AS current_spend,
       SUM(campaign_plan.change_amount) AS change_amount,
       SUM(campaign_plan.planned_spend) AS planned_spend
FROM fact.budget_plan_campaign AS campaign_plan
JOIN dim.campaign AS campaign ON campaign.campaign_key = campaign_plan.campaign_key
JOIN dim.shop AS shop ON shop.shop_key = campaign_plan.shop_key
GROUP BY campaign_plan.shop_key, shop.shop_id, shop.shop_name, shop.currency, campaign_plan.period_end_date_key,
         campaign.advertiser_id, campaign.campaign_id, campaign.campaign_name, campaign.campaign_type;
