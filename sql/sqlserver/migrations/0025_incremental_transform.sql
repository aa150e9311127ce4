-- Change-driven incremental transform (issue 12). Every staging row carries the run that wrote
-- it (etl_run_id); the transform records the runs whose rows its published facts include, and
-- what it computed them with. The next transform recomputes what runs it has not consumed
-- changed, whatever their business dates, or rebuilds in full when the basis changed.

-- The staging runs (loads, imports, extracts) whose rows the published facts include.
CREATE TABLE etl.transform_consumed_run (
    etl_run_id          bigint        NOT NULL,  -- the staging run (etl.run) consumed
    transform_run_id    bigint        NOT NULL,  -- the transform that published its rows
    CONSTRAINT pk_etl_transform_consumed_run PRIMARY KEY (etl_run_id)
);
GO

-- What the published facts were computed with (one row). A transform whose settings, procedures
-- or options differ rebuilds in full.
CREATE TABLE etl.transform_basis (
    basis_id            int                NOT NULL,  -- always 1
    settings_hash       nvarchar(64)       NOT NULL,  -- hash of every etl.setting name and value
    procedures_hash     nvarchar(64)       NOT NULL,  -- hash of the engine's procedure scripts the transform ran
    click_window_days   int                NOT NULL,
    view_window_days    int                NOT NULL,
    allocation_method   nvarchar(10)       NOT NULL,
    transform_run_id    bigint             NOT NULL,  -- the transform that published the facts
    published_at        datetimeoffset(3)  NOT NULL,  -- when that transform published them
    CONSTRAINT pk_etl_transform_basis PRIMARY KEY (basis_id)
);
GO

-- Children a re-sent parent no longer has: staging deletes them, so no row carries a run id;
-- the load records here whose order (or SKU) they belonged to, for the next transform.
CREATE TABLE etl.staging_deletion (
    deletion_id         bigint IDENTITY(1,1) NOT NULL,  -- numbers the recorded deletions
    etl_run_id          bigint        NOT NULL,  -- the load that deleted them
    table_name          nvarchar(64)  NOT NULL,  -- the staging table, e.g. order_line_item
    shop_id             nvarchar(64)  NOT NULL,
    order_id            nvarchar(64)  NULL,      -- the order the deleted row belonged to
    sku_id              nvarchar(64)  NULL,      -- the SKU, for product_sku
    CONSTRAINT pk_etl_staging_deletion PRIMARY KEY (deletion_id)
);
GO
CREATE INDEX ix_etl_staging_deletion_run ON etl.staging_deletion (etl_run_id);
GO

-- Work tables of one transform (rebuilt by every transform).
-- The plan: full or incremental, why, and the basis publish records.
CREATE TABLE etl.work_transform_plan (
    is_full             bit            NOT NULL,
    all_periods         bit            NOT NULL,  -- every review period is recomputed (inventory, lead time, data bounds)
    reason              nvarchar(4000) NOT NULL,  -- what is recomputed and why, in words
    changed_orders      bigint         NOT NULL,
    settings_hash       nvarchar(64)   NOT NULL,
    procedures_hash     nvarchar(64)   NOT NULL,
    click_window_days   int            NOT NULL,
    view_window_days    int            NOT NULL,
    allocation_method   nvarchar(10)   NOT NULL
);
GO

-- The finished staging runs this transform consumes (recorded by publish).
CREATE TABLE etl.work_source_run (
    etl_run_id          bigint         NOT NULL,
    CONSTRAINT pk_etl_work_source_run PRIMARY KEY (etl_run_id)
);
GO

-- The review periods this transform recomputes (their facts are replaced whole by publish).
CREATE TABLE etl.work_review_period (
    period_end_date_key int            NOT NULL,
    CONSTRAINT pk_etl_work_review_period PRIMARY KEY (period_end_date_key)
);
GO
