-- Facts. Grains: order line; SKU x day x campaign (allocated spend); ad x day (source spend);
-- SKU x day x traffic source; SKU x review period. Money is numeric(19,4).

CREATE TABLE fact.order_line (
    shop_key                    integer       NOT NULL,
    order_id                    varchar(64)   NOT NULL,
    line_item_id                varchar(64)   NOT NULL,
    date_key                    integer       NOT NULL,  -- paid date in the shop's time zone
    product_key                 integer       NOT NULL,
    campaign_key                integer       NOT NULL,  -- the ad credited, 0 when none
    traffic_source_key          integer       NOT NULL,
    order_status                varchar(32)   NOT NULL,
    is_revenue                  boolean       NOT NULL,  -- false: sample, replacement, cancelled before payment
    quantity                    integer       NOT NULL,
    restocked_units             integer       NOT NULL,
    list_amount                 numeric(19,4) NOT NULL,
    seller_discount             numeric(19,4) NOT NULL,
    platform_discount           numeric(19,4) NOT NULL,
    gmv                         numeric(19,4) NOT NULL,
    refund_amount               numeric(19,4) NOT NULL,
    net_revenue                 numeric(19,4) NOT NULL,
    platform_fee                numeric(19,4) NOT NULL,
    transaction_fee             numeric(19,4) NOT NULL,
    affiliate_commission        numeric(19,4) NOT NULL,
    shipping_cost               numeric(19,4) NOT NULL,
    cogs                        numeric(19,4) NOT NULL,
    other_variable_cost         numeric(19,4) NOT NULL,
    contribution_before_ads     numeric(19,4) NOT NULL,
    fee_basis                   varchar(10)   NOT NULL,  -- settled | estimated
    tiktok_settlement_amount    numeric(19,4) NULL,      -- TikTok's own settlement, split to the line
    attribution_touch           varchar(20)   NULL,      -- click | view | tiktok_reported
    click_window_days           integer       NOT NULL,
    view_window_days            integer       NOT NULL,
    allocation_method           varchar(10)   NOT NULL,
    etl_run_id                  bigint        NOT NULL,
    CONSTRAINT pk_fact_order_line PRIMARY KEY (shop_key, order_id, line_item_id)
);
CREATE INDEX ix_fact_order_line_date ON fact.order_line (date_key);
CREATE INDEX ix_fact_order_line_product_date ON fact.order_line (product_key, date_key);

-- Spend as the source reports it, at ad (or campaign) grain.
CREATE TABLE fact.ad_daily (
    date_key        integer       NOT NULL,
    campaign_key    integer       NOT NULL,
    shop_key        integer       NOT NULL,
    spend_source    varchar(20)   NOT NULL,  -- ad_report | gmv_max
    spend           numeric(19,4) NOT NULL,
    impressions     bigint        NOT NULL,
    clicks          bigint        NOT NULL,
    conversions     bigint        NOT NULL,
    reported_gmv    numeric(19,4) NOT NULL,  -- TikTok's own attributed value
    etl_run_id      bigint        NOT NULL,
    CONSTRAINT pk_fact_ad_daily PRIMARY KEY (date_key, campaign_key, spend_source)
);

-- Spend allocated to SKUs (profit model section 3); parts sum to the ad's spend exactly.
CREATE TABLE fact.sku_ad_spend (
    date_key            integer       NOT NULL,
    campaign_key        integer       NOT NULL,
    product_key         integer       NOT NULL,
    shop_key            integer       NOT NULL,
    spend_source        varchar(20)   NOT NULL,
    allocation_rule     varchar(30)   NOT NULL,  -- gmv_max_product | gmv_max_untied | single_sku | multi_sku_attributed | multi_sku_sales | multi_sku_equal | unmapped
    allocation_method   varchar(10)   NOT NULL,
    ad_spend            numeric(19,4) NOT NULL,
    etl_run_id          bigint        NOT NULL,
    CONSTRAINT pk_fact_sku_ad_spend PRIMARY KEY (date_key, campaign_key, product_key, spend_source)
);
CREATE INDEX ix_fact_sku_ad_spend_product ON fact.sku_ad_spend (product_key, date_key);

-- GMV Max: product rows tied out against the campaign's own total.
CREATE TABLE fact.gmv_max_tieout (
    date_key                integer       NOT NULL,
    campaign_key            integer       NOT NULL,
    product_cost            numeric(19,4) NOT NULL,
    campaign_cost           numeric(19,4) NOT NULL,
    difference              numeric(19,4) NOT NULL,
    etl_run_id              bigint        NOT NULL,
    CONSTRAINT pk_fact_gmv_max_tieout PRIMARY KEY (date_key, campaign_key)
);

CREATE TABLE fact.sku_daily (
    date_key                    integer       NOT NULL,
    shop_key                    integer       NOT NULL,
    product_key                 integer       NOT NULL,
    traffic_source_key          integer       NOT NULL,
    orders                      integer       NOT NULL,
    units                       integer       NOT NULL,
    list_amount                 numeric(19,4) NOT NULL,
    seller_discount             numeric(19,4) NOT NULL,
    platform_discount           numeric(19,4) NOT NULL,
    gmv                         numeric(19,4) NOT NULL,
    refund_amount               numeric(19,4) NOT NULL,
    net_revenue                 numeric(19,4) NOT NULL,
    platform_fee                numeric(19,4) NOT NULL,
    transaction_fee             numeric(19,4) NOT NULL,
    affiliate_commission        numeric(19,4) NOT NULL,
    shipping_cost               numeric(19,4) NOT NULL,
    cogs                        numeric(19,4) NOT NULL,
    other_variable_cost         numeric(19,4) NOT NULL,
    contribution_before_ads     numeric(19,4) NOT NULL,
    ad_spend                    numeric(19,4) NOT NULL,
    contribution_after_ads      numeric(19,4) NOT NULL,
    attributed_gmv              numeric(19,4) NOT NULL,
    attributed_orders           integer       NOT NULL,
    estimated_fee_revenue       numeric(19,4) NOT NULL,  -- net revenue whose fees are still estimates
    tiktok_settlement_amount    numeric(19,4) NOT NULL,
    settled_net_revenue         numeric(19,4) NOT NULL,
    etl_run_id                  bigint        NOT NULL,
    CONSTRAINT pk_fact_sku_daily PRIMARY KEY (date_key, shop_key, product_key, traffic_source_key)
);
CREATE INDEX ix_fact_sku_daily_product ON fact.sku_daily (product_key, date_key);

-- Per SKU and review period (profit model section 6): tier, action and stock.
CREATE TABLE fact.sku_period (
    period_end_date_key         integer       NOT NULL,
    period_start_date_key       integer       NOT NULL,
    shop_key                    integer       NOT NULL,
    product_key                 integer       NOT NULL,
    orders                      integer       NOT NULL,
    units                       integer       NOT NULL,
    gmv                         numeric(19,4) NOT NULL,
    refund_amount               numeric(19,4) NOT NULL,
    net_revenue                 numeric(19,4) NOT NULL,
    contribution_before_ads     numeric(19,4) NOT NULL,
    ad_spend                    numeric(19,4) NOT NULL,
    contribution_after_ads      numeric(19,4) NOT NULL,
    attributed_gmv              numeric(19,4) NOT NULL,
    contribution_margin         numeric(19,6) NULL,
    roi                         numeric(19,6) NULL,
    tier                        varchar(10)   NOT NULL,
    action                      varchar(100)  NOT NULL,
    reason                      varchar(1000) NOT NULL,
    on_hand_units               integer       NOT NULL,
    avg_daily_units             numeric(19,4) NOT NULL,
    days_of_cover               numeric(19,1) NULL,
    restock_units               integer       NOT NULL,
    is_overstock                boolean       NOT NULL,
    etl_run_id                  bigint        NOT NULL,
    CONSTRAINT pk_fact_sku_period PRIMARY KEY (period_end_date_key, shop_key, product_key)
);

-- Per settled order: TikTok's settlement beside the one the warehouse computes.
CREATE TABLE fact.settlement_check (
    shop_key                    integer       NOT NULL,
    order_id                    varchar(64)   NOT NULL,
    date_key                    integer       NOT NULL,
    tiktok_settlement_amount    numeric(19,4) NOT NULL,
    computed_settlement_amount  numeric(19,4) NOT NULL,
    difference                  numeric(19,4) NOT NULL,
    is_flagged                  boolean       NOT NULL,
    etl_run_id                  bigint        NOT NULL,
    CONSTRAINT pk_fact_settlement_check PRIMARY KEY (shop_key, order_id)
);
CREATE INDEX ix_fact_settlement_check_date ON fact.settlement_check (date_key);
