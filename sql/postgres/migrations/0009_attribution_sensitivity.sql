-- Attributed sales of each SKU and day under the 1, 7 and 28-day click windows side by side
-- (profit model section 2: "results under two settings can sit side by side").
CREATE TABLE fact.sku_attribution_sensitivity (
    date_key                    integer       NOT NULL,
    shop_key                    integer       NOT NULL,
    product_key                 integer       NOT NULL,
    click_window_days           integer       NOT NULL,
    view_window_days            integer       NOT NULL,
    attributed_orders           integer       NOT NULL,
    attributed_gmv              numeric(19,4) NOT NULL,
    attributed_contribution     numeric(19,4) NOT NULL,  -- contribution before ads of the attributed lines
    etl_run_id                  bigint        NOT NULL,
    CONSTRAINT pk_fact_sku_attribution_sensitivity PRIMARY KEY (date_key, shop_key, product_key, click_window_days)
);

CREATE UNLOGGED TABLE etl.work_sku_attribution_sensitivity (LIKE fact.sku_attribution_sensitivity INCLUDING ALL);

-- Splits are joined back to their parts by part id.
CREATE INDEX ix_etl_work_split_part ON etl.work_split (split_name, part_id);
