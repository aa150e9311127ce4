-- Staging: one table per TikTok payload (Shop API 202309, Marketing API v1.3) or seller file,
-- at the grain the source sends, with the source's own field names. Money is decimal(19,4),
-- times are UTC epoch seconds as TikTok sends them. Every row carries its shop or advertiser
-- and the run that loaded it. The natural key of each table is its primary key: loads upsert by it.

CREATE TABLE stg.shop (
    shop_id         nvarchar(64)  NOT NULL,
    shop_name       nvarchar(200) NOT NULL,
    region          nvarchar(8)   NOT NULL,
    currency        nvarchar(3)   NOT NULL,
    time_zone       nvarchar(64)  NOT NULL,
    etl_run_id      bigint       NOT NULL,
    CONSTRAINT pk_stg_shop PRIMARY KEY (shop_id)
);
GO

CREATE TABLE stg.shop_order (
    shop_id                         nvarchar(64)   NOT NULL,
    order_id                        nvarchar(64)   NOT NULL,
    status                          nvarchar(32)   NOT NULL,
    create_time                     bigint        NOT NULL,
    update_time                     bigint        NOT NULL,
    paid_time                       bigint        NULL,
    cancel_time                     bigint        NULL,
    is_sample_order                 bit           NOT NULL,
    is_replacement_order            bit           NOT NULL,
    replaced_order_id               nvarchar(64)   NULL,
    user_id                         nvarchar(64)   NULL,
    currency                        nvarchar(3)    NOT NULL,
    total_amount                    decimal(19,4) NOT NULL,
    sub_total                       decimal(19,4) NOT NULL,
    shipping_fee                    decimal(19,4) NOT NULL,
    seller_discount                 decimal(19,4) NOT NULL,
    platform_discount               decimal(19,4) NOT NULL,
    original_total_product_price    decimal(19,4) NOT NULL,
    original_shipping_fee           decimal(19,4) NOT NULL,
    shipping_fee_seller_discount    decimal(19,4) NOT NULL,
    shipping_fee_platform_discount  decimal(19,4) NOT NULL,
    tax                             decimal(19,4) NOT NULL,
    etl_run_id                      bigint        NOT NULL,
    CONSTRAINT pk_stg_shop_order PRIMARY KEY (shop_id, order_id)
);
CREATE INDEX ix_stg_shop_order_paid_time ON stg.shop_order (paid_time);
GO

-- One row per unit, as the API sends; exports carry a quantity.
CREATE TABLE stg.order_line_item (
    shop_id             nvarchar(64)   NOT NULL,
    order_id            nvarchar(64)   NOT NULL,
    line_item_id        nvarchar(64)   NOT NULL,
    product_id          nvarchar(64)   NOT NULL,
    product_name        nvarchar(500)  NOT NULL,
    sku_id              nvarchar(64)   NOT NULL,
    sku_name            nvarchar(200)  NULL,
    seller_sku          nvarchar(100)  NULL,
    currency            nvarchar(3)    NOT NULL,
    quantity            int           NOT NULL,
    original_price      decimal(19,4) NOT NULL,
    sale_price          decimal(19,4) NOT NULL,
    platform_discount   decimal(19,4) NOT NULL,
    seller_discount     decimal(19,4) NOT NULL,
    display_status      nvarchar(32)   NULL,
    is_gift             bit           NOT NULL,
    etl_run_id          bigint        NOT NULL,
    CONSTRAINT pk_stg_order_line_item PRIMARY KEY (shop_id, order_id, line_item_id)
);
GO

CREATE TABLE stg.return_order (
    shop_id         nvarchar(64)   NOT NULL,
    return_id       nvarchar(64)   NOT NULL,
    order_id        nvarchar(64)   NOT NULL,
    return_type     nvarchar(32)   NOT NULL,
    return_status   nvarchar(64)   NOT NULL,
    create_time     bigint        NOT NULL,
    update_time     bigint        NOT NULL,
    refund_total    decimal(19,4) NOT NULL,
    etl_run_id      bigint        NOT NULL,
    CONSTRAINT pk_stg_return_order PRIMARY KEY (shop_id, return_id)
);
CREATE INDEX ix_stg_return_order_order ON stg.return_order (shop_id, order_id);
GO

CREATE TABLE stg.return_line_item (
    shop_id                 nvarchar(64)   NOT NULL,
    return_id               nvarchar(64)   NOT NULL,
    return_line_item_id     nvarchar(64)   NOT NULL,
    order_id                nvarchar(64)   NOT NULL,
    order_line_item_id      nvarchar(64)   NOT NULL,
    sku_id                  nvarchar(64)   NOT NULL,
    seller_sku              nvarchar(100)  NULL,
    refund_amount           decimal(19,4) NOT NULL,
    etl_run_id              bigint        NOT NULL,
    CONSTRAINT pk_stg_return_line_item PRIMARY KEY (shop_id, return_id, return_line_item_id)
);
CREATE INDEX ix_stg_return_line_item_line ON stg.return_line_item (shop_id, order_id, order_line_item_id);
GO

CREATE TABLE stg.cancellation (
    shop_id             nvarchar(64)   NOT NULL,
    cancel_id           nvarchar(64)   NOT NULL,
    order_id            nvarchar(64)   NOT NULL,
    cancel_type         nvarchar(32)   NOT NULL,
    cancel_status       nvarchar(64)   NOT NULL,
    create_time         bigint        NOT NULL,
    update_time         bigint        NOT NULL,
    refund_total        decimal(19,4) NOT NULL,
    refund_subtotal     decimal(19,4) NOT NULL,
    refund_shipping_fee decimal(19,4) NOT NULL,
    refund_tax          decimal(19,4) NOT NULL,
    etl_run_id          bigint        NOT NULL,
    CONSTRAINT pk_stg_cancellation PRIMARY KEY (shop_id, cancel_id)
);
CREATE INDEX ix_stg_cancellation_order ON stg.cancellation (shop_id, order_id);
GO

CREATE TABLE stg.cancellation_line_item (
    shop_id             nvarchar(64)   NOT NULL,
    cancel_id           nvarchar(64)   NOT NULL,
    order_id            nvarchar(64)   NOT NULL,
    order_line_item_id  nvarchar(64)   NOT NULL,
    sku_id              nvarchar(64)   NOT NULL,
    refund_amount       decimal(19,4) NOT NULL,
    etl_run_id          bigint        NOT NULL,
    CONSTRAINT pk_stg_cancellation_line_item PRIMARY KEY (shop_id, cancel_id, order_line_item_id)
);
CREATE INDEX ix_stg_cancellation_line_item_line ON stg.cancellation_line_item (shop_id, order_id, order_line_item_id);
GO

CREATE TABLE stg.statement (
    shop_id                 nvarchar(64)   NOT NULL,
    statement_id            nvarchar(64)   NOT NULL,
    statement_time          bigint        NOT NULL,
    payment_status          nvarchar(32)   NOT NULL,
    currency                nvarchar(3)    NOT NULL,
    settlement_amount       decimal(19,4) NOT NULL,
    revenue_amount          decimal(19,4) NOT NULL,
    fee_amount              decimal(19,4) NOT NULL,
    adjustment_amount       decimal(19,4) NOT NULL,
    shipping_cost_amount    decimal(19,4) NOT NULL,
    net_sales_amount        decimal(19,4) NOT NULL,
    etl_run_id              bigint        NOT NULL,
    CONSTRAINT pk_stg_statement PRIMARY KEY (shop_id, statement_id)
);
GO

-- SKU-level settlement: the fee truth. Fees arrive negative (TikTok's convention); the
-- transform normalises signs explicitly.
CREATE TABLE stg.sku_statement_transaction (
    shop_id                                 nvarchar(64)   NOT NULL,
    statement_id                            nvarchar(64)   NOT NULL,
    order_id                                nvarchar(64)   NOT NULL,
    sku_id                                  nvarchar(64)   NOT NULL,
    sku_name                                nvarchar(200)  NULL,
    product_name                            nvarchar(500)  NULL,
    quantity                                int           NOT NULL,
    settlement_amount                       decimal(19,4) NOT NULL,
    revenue_amount                          decimal(19,4) NOT NULL,
    fee_amount                              decimal(19,4) NOT NULL,
    shipping_cost_amount                    decimal(19,4) NOT NULL,
    platform_commission_amount              decimal(19,4) NOT NULL,
    referral_fee_amount                     decimal(19,4) NOT NULL,
    transaction_fee_amount                  decimal(19,4) NOT NULL,
    refund_administration_fee_amount        decimal(19,4) NOT NULL,
    affiliate_commission_amount             decimal(19,4) NOT NULL,
    affiliate_ads_commission_amount         decimal(19,4) NOT NULL,
    affiliate_partner_commission_amount     decimal(19,4) NOT NULL,
    platform_discount_amount                decimal(19,4) NOT NULL,
    customer_refund_amount                  decimal(19,4) NOT NULL,
    shipping_fee_amount                     decimal(19,4) NOT NULL,
    shipping_fee_subsidy_amount             decimal(19,4) NOT NULL,
    actual_shipping_fee_amount              decimal(19,4) NOT NULL,
    platform_shipping_fee_discount_amount   decimal(19,4) NOT NULL,
    customer_shipping_fee_amount            decimal(19,4) NOT NULL,
    return_shipping_fee_amount              decimal(19,4) NOT NULL,
    sales_tax_amount                        decimal(19,4) NOT NULL,
    etl_run_id                              bigint        NOT NULL,
    CONSTRAINT pk_stg_sku_statement_transaction PRIMARY KEY (shop_id, statement_id, order_id, sku_id)
);
CREATE INDEX ix_stg_sku_statement_transaction_order ON stg.sku_statement_transaction (shop_id, order_id, sku_id);
GO

CREATE TABLE stg.product (
    shop_id         nvarchar(64)  NOT NULL,
    product_id      nvarchar(64)  NOT NULL,
    title           nvarchar(500) NOT NULL,
    status          nvarchar(32)  NOT NULL,
    category        nvarchar(200) NULL,
    create_time     bigint       NOT NULL,
    update_time     bigint       NOT NULL,
    etl_run_id      bigint       NOT NULL,
    CONSTRAINT pk_stg_product PRIMARY KEY (shop_id, product_id)
);
GO

CREATE TABLE stg.product_sku (
    shop_id             nvarchar(64)   NOT NULL,
    product_id          nvarchar(64)   NOT NULL,
    sku_id              nvarchar(64)   NOT NULL,
    seller_sku          nvarchar(100)  NULL,
    sku_name            nvarchar(200)  NULL,
    currency            nvarchar(3)    NOT NULL,
    sale_price          decimal(19,4) NOT NULL,
    inventory_quantity  int           NOT NULL,
    etl_run_id          bigint        NOT NULL,
    CONSTRAINT pk_stg_product_sku PRIMARY KEY (shop_id, sku_id)
);
GO

CREATE TABLE stg.campaign (
    advertiser_id   nvarchar(64)   NOT NULL,
    campaign_id     nvarchar(64)   NOT NULL,
    campaign_name   nvarchar(500)  NOT NULL,
    campaign_type   nvarchar(32)   NOT NULL,  -- REGULAR | GMV_MAX
    objective_type  nvarchar(64)   NULL,
    store_id        nvarchar(64)   NULL,      -- the shop a GMV Max or Shop Ads campaign sells for
    budget          decimal(19,4) NULL,
    etl_run_id      bigint        NOT NULL,
    CONSTRAINT pk_stg_campaign PRIMARY KEY (advertiser_id, campaign_id)
);
GO

CREATE TABLE stg.adgroup (
    advertiser_id               nvarchar(64)  NOT NULL,
    adgroup_id                  nvarchar(64)  NOT NULL,
    campaign_id                 nvarchar(64)  NOT NULL,
    adgroup_name                nvarchar(500) NOT NULL,
    click_attribution_window    nvarchar(32)  NULL,  -- OFF | ONE_DAY | SEVEN_DAYS | FOURTEEN_DAYS | TWENTY_EIGHT_DAYS
    view_attribution_window     nvarchar(32)  NULL,  -- OFF | ONE_DAY | SEVEN_DAYS
    etl_run_id                  bigint       NOT NULL,
    CONSTRAINT pk_stg_adgroup PRIMARY KEY (advertiser_id, adgroup_id)
);
GO

CREATE TABLE stg.ad (
    advertiser_id   nvarchar(64)  NOT NULL,
    ad_id           nvarchar(64)  NOT NULL,
    adgroup_id      nvarchar(64)  NOT NULL,
    campaign_id     nvarchar(64)  NOT NULL,
    ad_name         nvarchar(500) NOT NULL,
    etl_run_id      bigint       NOT NULL,
    CONSTRAINT pk_stg_ad PRIMARY KEY (advertiser_id, ad_id)
);
GO

-- BASIC report, AUCTION_AD level, by stat_time_day (advertiser's time zone).
CREATE TABLE stg.ad_report_daily (
    advertiser_id                   nvarchar(64)   NOT NULL,
    ad_id                           nvarchar(64)   NOT NULL,
    stat_time_day                   date          NOT NULL,
    spend                           decimal(19,4) NOT NULL,
    impressions                     bigint        NOT NULL,
    clicks                          bigint        NOT NULL,
    conversion                      bigint        NOT NULL,
    complete_payment                bigint        NOT NULL,
    total_onsite_shopping_value     decimal(19,4) NOT NULL,
    etl_run_id                      bigint        NOT NULL,
    CONSTRAINT pk_stg_ad_report_daily PRIMARY KEY (advertiser_id, ad_id, stat_time_day)
);
GO

-- GMV Max report by item_group_id (= Shop product id) and day.
CREATE TABLE stg.gmv_max_product_daily (
    advertiser_id   nvarchar(64)   NOT NULL,
    campaign_id     nvarchar(64)   NOT NULL,
    store_id        nvarchar(64)   NOT NULL,
    item_group_id   nvarchar(64)   NOT NULL,
    stat_time_day   date          NOT NULL,
    cost            decimal(19,4) NOT NULL,
    net_cost        decimal(19,4) NOT NULL,
    orders          bigint        NOT NULL,
    gross_revenue   decimal(19,4) NOT NULL,
    etl_run_id      bigint        NOT NULL,
    CONSTRAINT pk_stg_gmv_max_product_daily PRIMARY KEY (advertiser_id, campaign_id, item_group_id, stat_time_day)
);
GO

-- GMV Max report by campaign and day: the total the product rows are tied out against.
CREATE TABLE stg.gmv_max_campaign_daily (
    advertiser_id   nvarchar(64)   NOT NULL,
    campaign_id     nvarchar(64)   NOT NULL,
    stat_time_day   date          NOT NULL,
    cost            decimal(19,4) NOT NULL,
    net_cost        decimal(19,4) NOT NULL,
    orders          bigint        NOT NULL,
    gross_revenue   decimal(19,4) NOT NULL,
    etl_run_id      bigint        NOT NULL,
    CONSTRAINT pk_stg_gmv_max_campaign_daily PRIMARY KEY (advertiser_id, campaign_id, stat_time_day)
);
GO

-- The seller's map from ads to what they sell: the most specific level given wins
-- (ad, then ad group, then campaign); the target is a product (all its SKUs) or one SKU.
CREATE TABLE stg.ad_product_map (
    shop_id         nvarchar(64)  NOT NULL,
    advertiser_id   nvarchar(64)  NOT NULL,
    campaign_id     nvarchar(64)  NOT NULL,
    adgroup_id      nvarchar(64)  NOT NULL CONSTRAINT df_stg_ad_product_map_adgroup_id DEFAULT N'',
    ad_id           nvarchar(64)  NOT NULL CONSTRAINT df_stg_ad_product_map_ad_id DEFAULT N'',
    product_id      nvarchar(64)  NOT NULL CONSTRAINT df_stg_ad_product_map_product_id DEFAULT N'',
    sku_id          nvarchar(64)  NOT NULL CONSTRAINT df_stg_ad_product_map_sku_id DEFAULT N'',
    etl_run_id      bigint       NOT NULL,
    CONSTRAINT pk_stg_ad_product_map PRIMARY KEY (shop_id, advertiser_id, campaign_id, adgroup_id, ad_id, product_id, sku_id)
);
GO

-- Clicks and views of an ad by a buyer (the seller's own pixel or CAPI export).
CREATE TABLE stg.touchpoint (
    shop_id         nvarchar(64) NOT NULL,
    buyer_user_id   nvarchar(64) NOT NULL,
    ad_id           nvarchar(64) NOT NULL,
    event_type      nvarchar(8)  NOT NULL,  -- click | view
    event_time      bigint      NOT NULL,  -- UTC epoch seconds
    etl_run_id      bigint      NOT NULL,
    CONSTRAINT pk_stg_touchpoint PRIMARY KEY (shop_id, buyer_user_id, ad_id, event_type, event_time)
);
GO

-- Affiliate (creator) orders feed: the commission before settlement says what it was.
CREATE TABLE stg.affiliate_order (
    shop_id                 nvarchar(64)   NOT NULL,
    order_id                nvarchar(64)   NOT NULL,
    order_line_item_id      nvarchar(64)   NOT NULL,
    creator_username        nvarchar(100)  NOT NULL,
    commission_rate         decimal(9,6)  NOT NULL,
    estimated_commission    decimal(19,4) NOT NULL,
    etl_run_id              bigint        NOT NULL,
    CONSTRAINT pk_stg_affiliate_order PRIMARY KEY (shop_id, order_id, order_line_item_id)
);
GO

-- The seller's unit costs, dated: a cost applies from effective_from until the next one.
CREATE TABLE stg.sku_cost (
    shop_id         nvarchar(64)   NOT NULL,
    sku_id          nvarchar(64)   NOT NULL,
    effective_from  date          NOT NULL,
    unit_cost       decimal(19,4) NOT NULL,
    currency        nvarchar(3)    NOT NULL,
    etl_run_id      bigint        NOT NULL,
    CONSTRAINT pk_stg_sku_cost PRIMARY KEY (shop_id, sku_id, effective_from)
);
GO

-- Per shop and period: fee rates and the seller's variable costs. Blank values fall back to etl.setting.
CREATE TABLE stg.cost_setting (
    shop_id                     nvarchar(64)   NOT NULL,
    effective_from              date          NOT NULL,
    commission_rate             decimal(9,6)  NULL,
    payment_rate                decimal(9,6)  NULL,
    refund_admin_fee_share      decimal(9,6)  NULL,
    refund_admin_fee_cap        decimal(19,4) NULL,
    shipping_cost_per_order     decimal(19,4) NULL,
    packaging_cost_per_unit     decimal(19,4) NULL,
    fee_per_order               decimal(19,4) NULL,
    lead_time_days              int           NULL,
    etl_run_id                  bigint        NOT NULL,
    CONSTRAINT pk_stg_cost_setting PRIMARY KEY (shop_id, effective_from)
);
GO
