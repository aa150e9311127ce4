-- Work tables: a transform computes here, checks, then publishes into fact in one transaction,
-- so a failed or interrupted transform never leaves the published facts half-changed.
-- Unlogged: their content is rebuilt by every transform.

CREATE UNLOGGED TABLE etl.work_affected_date (
    date_key    integer NOT NULL,
    CONSTRAINT pk_etl_work_affected_date PRIMARY KEY (date_key)
);

CREATE UNLOGGED TABLE etl.work_order_line (
    line_number         bigint        NOT NULL,
    order_number        bigint        NOT NULL,
    shop_id             varchar(64)   NOT NULL,
    sku_id              varchar(64)   NOT NULL,
    product_id          varchar(64)   NOT NULL,
    buyer_user_id       varchar(64)   NULL,
    paid_time           bigint        NULL,
    shop_key                    integer       NOT NULL,
    order_id                    varchar(64)   NOT NULL,
    line_item_id                varchar(64)   NOT NULL,
    date_key                    integer       NOT NULL,
    product_key                 integer       NOT NULL,
    campaign_key                integer       NOT NULL,
    traffic_source_key          integer       NOT NULL,
    order_status                varchar(32)   NOT NULL,
    is_revenue                  boolean       NOT NULL,
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
    fee_basis                   varchar(10)   NOT NULL,
    tiktok_settlement_amount    numeric(19,4) NULL,
    attribution_touch           varchar(20)   NULL,
    click_window_days           integer       NOT NULL,
    view_window_days            integer       NOT NULL,
    allocation_method           varchar(10)   NOT NULL,
    etl_run_id                  bigint        NOT NULL,
    CONSTRAINT pk_etl_work_order_line PRIMARY KEY (line_number)
);
CREATE INDEX ix_etl_work_order_line_order ON etl.work_order_line (order_number);
CREATE INDEX ix_etl_work_order_line_sku_date ON etl.work_order_line (product_key, date_key);

-- One row per part of a whole to be split; etl.split_by_largest_remainder fills part_amount.
CREATE UNLOGGED TABLE etl.work_split (
    split_name      varchar(40)    NOT NULL,
    whole_id        bigint         NOT NULL,
    part_id         bigint         NOT NULL,
    whole_amount    numeric(19,4)  NOT NULL,
    weight          numeric(38,10) NOT NULL,
    part_amount     numeric(19,4)  NULL,
    CONSTRAINT pk_etl_work_split PRIMARY KEY (split_name, whole_id, part_id)
);

CREATE UNLOGGED TABLE etl.work_ad_daily (LIKE fact.ad_daily INCLUDING ALL);
CREATE UNLOGGED TABLE etl.work_sku_ad_spend (LIKE fact.sku_ad_spend INCLUDING ALL);
CREATE UNLOGGED TABLE etl.work_gmv_max_tieout (LIKE fact.gmv_max_tieout INCLUDING ALL);
CREATE UNLOGGED TABLE etl.work_sku_daily (LIKE fact.sku_daily INCLUDING ALL);
CREATE UNLOGGED TABLE etl.work_sku_period (LIKE fact.sku_period INCLUDING ALL);
CREATE UNLOGGED TABLE etl.work_settlement_check (LIKE fact.settlement_check INCLUDING ALL);
