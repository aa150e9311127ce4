-- Attributed sales of each SKU and day under the 1, 7 and 28-day click windows side by side
-- (profit model section 2: "results under two settings can sit side by side").
CREATE TABLE fact.sku_attribution_sensitivity (
    date_key                    int           NOT NULL,
    shop_key                    int           NOT NULL,
    product_key                 int           NOT NULL,
    click_window_days           int           NOT NULL,
    view_window_days            int           NOT NULL,
    attributed_orders           int           NOT NULL,
    attributed_gmv              decimal(19,4) NOT NULL,
    attributed_contribution     decimal(19,4) NOT NULL,  -- contribution before ads of the attributed lines
    etl_run_id                  bigint        NOT NULL,
    CONSTRAINT pk_fact_sku_attribution_sensitivity PRIMARY KEY (date_key, shop_key, product_key, click_window_days)
);
GO

-- Its work copy (an unlogged LIKE copy on PostgreSQL): the same columns and primary key.
CREATE TABLE etl.work_sku_attribution_sensitivity (
    date_key                    int           NOT NULL,
    shop_key                    int           NOT NULL,
    product_key                 int           NOT NULL,
    click_window_days           int           NOT NULL,
    view_window_days            int           NOT NULL,
    attributed_orders           int           NOT NULL,
    attributed_gmv              decimal(19,4) NOT NULL,
    attributed_contribution     decimal(19,4) NOT NULL,
    etl_run_id                  bigint        NOT NULL,
    CONSTRAINT pk_etl_work_sku_attribution_sensitivity PRIMARY KEY (date_key, shop_key, product_key, click_window_days)
);
GO

-- Splits are joined back to their parts by part id.
CREATE INDEX ix_etl_work_split_part ON etl.work_split (split_name, part_id);
GO
