-- Budget plan (issue 15, profit model "Budget plan"): next week's ad money moved from losers to heroes,
-- capped by pace and by stock, with the expected contribution. etl.compute_budget_plan refreshes
-- these tables after every transform (defaults) and on `warehouse plan` (the seller's budget and pace).
INSERT INTO etl.setting (setting_name, setting_value, description)
SELECT v.setting_name, v.setting_value, v.description
FROM (VALUES
    ('plan_test_budget',         '25.00', 'Budget plan: weekly ad spend a testing SKU (or a loser kept testing) keeps at most, in the shop currency'),
    ('plan_max_change',          '0.3',   'Budget plan: pace, the largest weekly raise of a SKU as a share of its current weekly spend'),
    ('plan_return_factor',       '0.7',   'Budget plan: diminishing-return factor; extra spend earns trailing ROI x this factor'),
    ('plan_keep_testing_losers', '0',     'Budget plan: 1 keeps losers on the test budget instead of cutting them to zero')
) AS v (setting_name, setting_value, description)
WHERE NOT EXISTS (SELECT 1 FROM etl.setting AS s WHERE s.setting_name = v.setting_name);

-- Per shop: the plan's budget, its totals and the assumptions it was made with.
CREATE TABLE fact.budget_plan_shop (
    shop_key                    integer       NOT NULL,
    period_end_date_key         integer       NOT NULL,  -- the review period the plan reads (tiers, ROI, stock)
    current_week_start_date_key         integer       NOT NULL,  -- first day of the current week (the period's last 7 days)
    budget                      numeric(19,4) NOT NULL,
    current_spend               numeric(19,4) NOT NULL,
    planned_spend               numeric(19,4) NOT NULL,
    unplaced                    numeric(19,4) NOT NULL,  -- budget - planned_spend: money no SKU could take
    max_change                  numeric(19,6) NOT NULL,
    return_factor               numeric(19,6) NOT NULL,
    test_budget                 numeric(19,4) NOT NULL,
    keep_testing_losers         boolean       NOT NULL,
    etl_run_id                  bigint        NOT NULL,
    CONSTRAINT pk_fact_budget_plan_shop PRIMARY KEY (shop_key)
);

-- Per SKU: current and planned weekly spend, the rule, the reason, the caps and the expected contribution.
CREATE TABLE fact.budget_plan (
    shop_key                        integer       NOT NULL,
    product_key                     integer       NOT NULL,
    period_end_date_key             integer       NOT NULL,
    tier                            varchar(10)   NOT NULL,
    roi                             numeric(19,6) NULL,
    current_spend                   numeric(19,4) NOT NULL,
    planned_spend                   numeric(19,4) NOT NULL,
    change_amount                   numeric(19,4) NOT NULL,
    plan_rule                       varchar(20)   NOT NULL,
    plan_reason                          varchar(1000) NOT NULL,
    pace_cap                        numeric(19,4) NOT NULL,
    stock_cap                       numeric(19,4) NULL,
    units_per_ad_money              numeric(19,6) NULL,
    available_units                 numeric(19,4) NOT NULL,
    restock_first_units                   integer       NOT NULL,
    attributed_contribution_rate    numeric(19,6) NULL,
    current_contribution_after_ads  numeric(19,4) NOT NULL,
    expected_contribution_change    numeric(19,4) NOT NULL,
    etl_run_id                      bigint        NOT NULL,
    CONSTRAINT pk_fact_budget_plan PRIMARY KEY (shop_key, product_key)
);

-- Per campaign: the SKU changes mapped back through the campaign's share of each SKU's weekly spend.
CREATE TABLE fact.budget_plan_campaign (
    shop_key                    integer       NOT NULL,
    campaign_key                integer       NOT NULL,
    period_end_date_key         integer       NOT NULL,
    current_spend               numeric(19,4) NOT NULL,
    change_amount               numeric(19,4) NOT NULL,
    planned_spend               numeric(19,4) NOT NULL,
    skus                        integer       NOT NULL,
    etl_run_id                  bigint        NOT NULL,
    CONSTRAINT pk_fact_budget_plan_campaign PRIMARY KEY (shop_key, campaign_key)
);
