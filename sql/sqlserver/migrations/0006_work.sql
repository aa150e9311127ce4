-- Work tables: a transform computes here, checks, then publishes into fact in one transaction,
-- so a failed or interrupted transform never leaves the published facts half-changed.
-- (Unlogged on PostgreSQL; ordinary tables here.) Their content is rebuilt by every transform.

CREATE TABLE etl.work_affected_date (
    date_key    int     NOT NULL,
    CONSTRAINT pk_etl_work_affected_date PRIMARY KEY (date_key)
);
GO

CREATE TABLE etl.work_order_line (
    line_number         bigint        NOT NULL,
    order_number        bigint        NOT NULL,
    shop_id             nvarchar(64)   NOT NULL,
    sku_id              nvarchar(64)   NOT NULL,
    product_id          nvarchar(64)   NOT NULL,
    buyer_user_id       nvarchar(64)   NULL,
    paid_time           bigint        NULL,
    shop_key                    int           NOT NULL,
    order_id                    nvarchar(64)   NOT NULL,
    line_item_id                nvarchar(64)   NOT NULL,
    date_key                    int           NOT NULL,
    product_key                 int           NOT NULL,
    campaign_key                int           NOT NULL,
    traffic_source_key          int           NOT NULL,
    order_status                nvarchar(32)   NOT NULL,
    is_revenue                  bit           NOT NULL,
    quantity                    int           NOT NULL,
    restocked_units             int           NOT NULL,
    list_amount                 decimal(19,4) NOT NULL,
    seller_discount             decimal(19,4) NOT NULL,
    platform_discount           decimal(19,4) NOT NULL,
    gmv                         decimal(19,4) NOT NULL,
    refund_amount               decimal(19,4) NOT NULL,
    net_revenue                 decimal(19,4) NOT NULL,
    platform_fee                decimal(19,4) NOT NULL,
    transaction_fee             decimal(19,4) NOT NULL,
    affiliate_commission        decimal(19,4) NOT NULL,
    shipping_cost               decimal(19,4) NOT NULL,
    cogs                        decimal(19,4) NOT NULL,
    other_variable_cost         decimal(19,4) NOT NULL,
    contribution_before_ads     decimal(19,4) NOT NULL,
    fee_basis                   nvarchar(10)   NOT NULL,
    tiktok_settlement_amount    decimal(19,4) NULL,
    attribution_touch           nvarchar(20)   NULL,
    click_window_days           int           NOT NULL,
    view_window_days            int           NOT NULL,
    allocation_method           nvarchar(10)   NOT NULL,
    etl_run_id                  bigint        NOT NULL,
    CONSTRAINT pk_etl_work_order_line PRIMARY KEY (line_number)
);
CREATE INDEX ix_etl_work_order_line_order ON etl.work_order_line (order_number);
CREATE INDEX ix_etl_work_order_line_sku_date ON etl.work_order_line (product_key, date_key);
GO

-- One row per part of a whole to be split; etl.split_by_largest_remainder fills part_amount.
CREATE TABLE etl.work_split (
    split_name      nvarchar(40)    NOT NULL,
    whole_id        bigint         NOT NULL,
    part_id         bigint         NOT NULL,
    whole_amount    decimal(19,4)  NOT NULL,
    weight          decimal(38,10) NOT NULL,
    part_amount     decimal(19,4)  NULL,
    CONSTRAINT pk_etl_work_split PRIMARY KEY (split_name, whole_id, part_id)
);
GO

-- The work copies of the facts: the same columns and primary keys (and indexes) as fact.*.
CREATE TABLE etl.work_ad_daily (
    date_key        int           NOT NULL,
    campaign_key    int           NOT NULL,
    shop_key        int           NOT NULL,
    spend_source    nvarchar(20)   NOT NULL,
    spend           decimal(19,4) NOT NULL,
    impressions     bigint        NOT NULL,
    clicks          bigint        NOT NULL,
    conversions     bigint        NOT NULL,
    reported_gmv    decimal(19,4) NOT NULL,
    etl_run_id      bigint        NOT NULL,
    CONSTRAINT pk_etl_work_ad_daily PRIMARY KEY (date_key, campaign_key, spend_source)
);
GO

CREATE TABLE etl.work_sku_ad_spend (
    date_key            int           NOT NULL,
    campaign_key        int           NOT NULL,
    product_key         int           NOT NULL,
    shop_key            int           NOT NULL,
    spend_source        nvarchar(20)   NOT NULL,
    allocation_rule     nvarchar(30)   NOT NULL,
    allocation_method   nvarchar(10)   NOT NULL,
    ad_spend            decimal(19,4) NOT NULL,
    etl_run_id          bigint        NOT NULL,
    CONSTRAINT pk_etl_work_sku_ad_spend PRIMARY KEY (date_key, campaign_key, product_key, spend_source)
);
CREATE INDEX ix_etl_work_sku_ad_spend_product ON etl.work_sku_ad_spend (product_key, date_key);
GO

CREATE TABLE etl.work_gmv_max_tieout (
    date_key                int           NOT NULL,
    campaign_key            int           NOT NULL,
    product_cost            decimal(19,4) NOT NULL,
    campaign_cost           decimal(19,4) NOT NULL,
    difference              decimal(19,4) NOT NULL,
    etl_run_id              bigint        NOT NULL,
    CONSTRAINT pk_etl_work_gmv_max_tieout PRIMARY KEY (date_key, campaign_key)
);
GO

CREATE TABLE etl.work_sku_daily (
    date_key                    int           NOT NULL,
    shop_key                    int           NOT NULL,
    product_key                 int           NOT NULL,
    traffic_source_key          int           NOT NULL,
    orders                      int           NOT NULL,
    units                       int           NOT NULL,
    list_amount                 decimal(19,4) NOT NULL,
    seller_discount             decimal(19,4) NOT NULL,
    platform_discount           decimal(19,4) NOT NULL,
    gmv                         decimal(19,4) NOT NULL,
    refund_amount               decimal(19,4) NOT NULL,
    net_revenue                 decimal(19,4) NOT NULL,
    platform_fee                decimal(19,4) NOT NULL,
    transaction_fee             decimal(19,4) NOT NULL,
    affiliate_commission        decimal(19,4) NOT NULL,
    shipping_cost               decimal(19,4) NOT NULL,
    cogs                        decimal(19,4) NOT NULL,
    other_variable_cost         decimal(19,4) NOT NULL,
    contribution_before_ads     decimal(19,4) NOT NULL,
    ad_spend                    decimal(19,4) NOT NULL,
    contribution_after_ads      decimal(19,4) NOT NULL,
    attributed_gmv              decimal(19,4) NOT NULL,
    attributed_orders           int           NOT NULL,
    estimated_fee_revenue       decimal(19,4) NOT NULL,
    tiktok_settlement_amount    decimal(19,4) NOT NULL,
    settled_net_revenue         decimal(19,4) NOT NULL,
    etl_run_id                  bigint        NOT NULL,
    CONSTRAINT pk_etl_work_sku_daily PRIMARY KEY (date_key, shop_key, product_key, traffic_source_key)
);
CREATE INDEX ix_etl_work_sku_daily_product ON etl.work_sku_daily (product_key, date_key);
GO

CREATE TABLE etl.work_sku_period (
    period_end_date_key         int           NOT NULL,
    period_start_date_key       int           NOT NULL,
    shop_key                    int           NOT NULL,
    product_key                 int           NOT NULL,
    orders                      int           NOT NULL,
    units                       int           NOT NULL,
    gmv                         decimal(19,4) NOT NULL,
    refund_amount               decimal(19,4) NOT NULL,
    net_revenue                 decimal(19,4) NOT NULL,
    contribution_before_ads     decimal(19,4) NOT NULL,
    ad_spend                    decimal(19,4) NOT NULL,
    contribution_after_ads      decimal(19,4) NOT NULL,
    attributed_gmv              decimal(19,4) NOT NULL,
    contribution_margin         decimal(19,6) NULL,
    roi                         decimal(19,6) NULL,
    tier                        nvarchar(10)   NOT NULL,
    action                      nvarchar(100)  NOT NULL,
    reason                      nvarchar(1000) NOT NULL,
    on_hand_units               int           NOT NULL,
    avg_daily_units             decimal(19,4) NOT NULL,
    days_of_cover               decimal(19,1) NULL,
    restock_units               int           NOT NULL,
    is_overstock                bit           NOT NULL,
    etl_run_id                  bigint        NOT NULL,
    CONSTRAINT pk_etl_work_sku_period PRIMARY KEY (period_end_date_key, shop_key, product_key)
);
GO

CREATE TABLE etl.work_settlement_check (
    shop_key                    int           NOT NULL,
    order_id                    nvarchar(64)   NOT NULL,
    date_key                    int           NOT NULL,
    tiktok_settlement_amount    decimal(19,4) NOT NULL,
    computed_settlement_amount  decimal(19,4) NOT NULL,
    difference                  decimal(19,4) NOT NULL,
    is_flagged                  bit           NOT NULL,
    etl_run_id                  bigint        NOT NULL,
    CONSTRAINT pk_etl_work_settlement_check PRIMARY KEY (shop_key, order_id)
);
CREATE INDEX ix_etl_work_settlement_check_date ON etl.work_settlement_check (date_key);
GO
