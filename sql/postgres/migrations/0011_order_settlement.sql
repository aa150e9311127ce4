-- Seller Center income (settlement) export: one row per order or adjustment, as the export sends it.
-- The transform splits its fees to the order's lines by the allocation method where TikTok's
-- SKU-level statement transactions are not available. Fees arrive negative (the export's sign).
CREATE TABLE stg.order_settlement (
    shop_id                                 varchar(64)   NOT NULL,
    settlement_id                           varchar(64)   NOT NULL,  -- Order/adjustment ID
    settlement_type                         varchar(64)   NOT NULL,  -- Type: Order, or the kind of adjustment
    order_id                                varchar(64)   NOT NULL,  -- the order the row settles (an adjustment's related order)
    order_create_time                       bigint        NULL,      -- Order created time, UTC epoch seconds
    settled_time                            bigint        NOT NULL,  -- Order settled time, UTC epoch seconds
    currency                                varchar(3)    NOT NULL,
    total_settlement_amount                 numeric(19,4) NOT NULL,  -- what reached the seller for the row
    total_revenue                           numeric(19,4) NOT NULL,
    subtotal_after_seller_discounts         numeric(19,4) NOT NULL,
    platform_discounts                      numeric(19,4) NOT NULL,
    refund_subtotal_after_seller_discounts  numeric(19,4) NOT NULL,
    total_fees                              numeric(19,4) NOT NULL,
    transaction_fee                         numeric(19,4) NOT NULL,
    tiktok_shop_commission_fee              numeric(19,4) NOT NULL,  -- referral commission, incl. refund administration fee
    sfp_service_fee                         numeric(19,4) NOT NULL,
    seller_shipping_fee                     numeric(19,4) NOT NULL,  -- shipping the seller bears, net of subsidies
    actual_shipping_fee                     numeric(19,4) NOT NULL,
    platform_shipping_fee_discount          numeric(19,4) NOT NULL,
    customer_shipping_fee                   numeric(19,4) NOT NULL,
    affiliate_commission                    numeric(19,4) NOT NULL,
    affiliate_partner_commission            numeric(19,4) NOT NULL,
    affiliate_shop_ads_commission           numeric(19,4) NOT NULL,
    etl_run_id                              bigint        NOT NULL,
    CONSTRAINT pk_stg_order_settlement PRIMARY KEY (shop_id, settlement_id, settlement_type)
);
CREATE INDEX ix_stg_order_settlement_order ON stg.order_settlement (shop_id, order_id);
