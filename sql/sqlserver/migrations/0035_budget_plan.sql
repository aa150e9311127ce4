-- Budget plan (issue 15, profit model "Budget plan"): next week's ad money moved from losers to heroes,
-- capped by pace and by stock, with the expected contribution. etl.compute_budget_plan refreshes
-- these tables after every transform (defaults) and on `warehouse plan` (the seller's budget and pace).
INSERT INTO etl.setting (setting_name, setting_value, description)
SELECT v.setting_name, v.setting_value, v.description
FROM (VALUES
    (N'plan_test_budget',         N'25.00', N'Budget plan: weekly ad spend a testing SKU (or a loser kept testing) keeps at most, in the shop currency'),
    (N'plan_max_change',          N'0.3',   N'Budget plan: pace, the largest weekly raise of a SKU as a share of its current weekly spend'),
    (N'plan_return_factor',       N'0.7',   N'Budget plan: diminishing-return factor; extra spend earns trailing ROI x this factor'),
    (N'plan_keep_testing_losers', N'0',     N'Budget plan: 1 keeps losers on the test budget instead of cutting them to zero')
) AS v (setting_name, setting_value, description)
WHERE NOT EXISTS (SELECT 1 FROM etl.setting AS s WHERE s.setting_name = v.setting_name);
GO

-- Per shop: the plan's budget, its totals and the assumptions it was made with.
CREATE TABLE fact.budget_plan_shop (
    shop_key                    int           NOT NULL,
    period_end_date_key         int           NOT NULL,  -- the review period the plan reads (tiers, ROI, stock)
    current_week_start_date_key         int           NOT NULL,  -- first day of the current week (the period's last 7 days)
    budget                      decimal(19,4) NOT NULL,
    current_spend               decimal(19,4) NOT NULL,
    planned_spend               decimal(19,4) NOT NULL,
    unplaced                    decimal(19,4) NOT NULL,  -- budget - planned_spend: money no SKU could take
    max_change                  decimal(19,6) NOT NULL,
    return_factor               decimal(19,6) NOT NULL,
    test_budget                 decimal(19,4) NOT NULL,
    keep_testing_losers         bit           NOT NULL,
    etl_run_id                  bigint        NOT NULL,
    CONSTRAINT pk_fact_budget_plan_shop PRIMARY KEY (shop_key)
);
GO

-- Per SKU: current and planned weekly spend, the rule, the reason, the caps and the expected contribution.
CREATE TABLE fact.budget_plan (
    shop_key                        int            NOT NULL,
    product_key                     int            NOT NULL,
    period_end_date_key             int            NOT NULL,
    tier                            nvarchar(10)   NOT NULL,
    roi                             decimal(19,6)  NULL,
    current_spend                   decimal(19,4)  NOT NULL,
    planned_spend                   decimal(19,4)  NOT NULL,
    change_amount                   decimal(19,4)  NOT NULL,
    plan_rule                       nvarchar(20)   NOT NULL,
    plan_reason                          nvarchar(1000) NOT NULL,
    pace_cap                        decimal(19,4)  NOT NULL,
    stock_cap                       decimal(19,4)  NULL,
    units_per_ad_money              decimal(19,6)  NULL,
    available_units                 decimal(19,4)  NOT NULL,
    restock_first_units                   int            NOT NULL,
    attributed_contribution_rate    decimal(19,6)  NULL,
    current_contribution_after_ads  decimal(19,4)  NOT NULL,
    expected_contribution_change    decimal(19,4)  NOT NULL,
    etl_run_id                      bigint         NOT NULL,
    CONSTRAINT pk_fact_budget_plan PRIMARY KEY (shop_key, product_key)
);
GO

-- Per campaign: the SKU changes mapped back through the campaign's share of each SKU's weekly spend.
CREATE TABLE fact.budget_plan_campaign (
    shop_key                    int           NOT NULL,
    campaign_key                int           NOT NULL,
    period_end_date_key         int           NOT NULL,
    current_spend               decimal(19,4) NOT NULL,
    change_amount               decimal(19,4) NOT NULL,
    planned_spend               decimal(19,4) NOT NULL,
    skus                        int           NOT NULL,
    etl_run_id                  bigint        NOT NULL,
    CONSTRAINT pk_fact_budget_plan_campaign PRIMARY KEY (shop_key, campaign_key)
);
GO
