-- Control tables: runs and their steps, watermarks, rejected input, settings.

CREATE TABLE etl.run (
    run_id          bigint IDENTITY(1,1) NOT NULL,
    command         nvarchar(50)       NOT NULL,
    arguments       nvarchar(4000)     NULL,     -- secrets masked before they get here
    started_at      datetimeoffset(3)  NOT NULL,
    ended_at        datetimeoffset(3)  NULL,
    status          nvarchar(20)       NOT NULL, -- running | succeeded | failed
    error_message   nvarchar(4000)     NULL,
    CONSTRAINT pk_etl_run PRIMARY KEY (run_id)
);
GO

CREATE TABLE etl.run_step (
    run_id          bigint             NOT NULL,
    step_number     int                NOT NULL,
    step_name       nvarchar(100)      NOT NULL,
    started_at      datetimeoffset(3)  NOT NULL,
    ended_at        datetimeoffset(3)  NULL,
    status          nvarchar(20)       NOT NULL,
    rows_read       bigint             NOT NULL CONSTRAINT df_etl_run_step_rows_read DEFAULT 0,
    rows_written    bigint             NOT NULL CONSTRAINT df_etl_run_step_rows_written DEFAULT 0,
    rows_rejected   bigint             NOT NULL CONSTRAINT df_etl_run_step_rows_rejected DEFAULT 0,
    message         nvarchar(4000)     NULL,
    CONSTRAINT pk_etl_run_step PRIMARY KEY (run_id, step_number),
    CONSTRAINT fk_etl_run_step_run FOREIGN KEY (run_id) REFERENCES etl.run (run_id)
);
GO

CREATE TABLE etl.watermark (
    source_name     nvarchar(100)      NOT NULL,  -- e.g. shop_orders, ads_report
    scope_id        nvarchar(64)       NOT NULL,  -- shop id or advertiser id
    high_water_mark datetimeoffset(3)  NOT NULL,
    cursor_state    nvarchar(4000)     NULL,      -- page token of the last committed page of an unfinished run
    updated_at      datetimeoffset(3)  NOT NULL,
    etl_run_id      bigint             NOT NULL,
    CONSTRAINT pk_etl_watermark PRIMARY KEY (source_name, scope_id)
);
GO

CREATE TABLE etl.reject (
    reject_id       bigint IDENTITY(1,1) NOT NULL,
    etl_run_id      bigint             NOT NULL,
    source_name     nvarchar(100)      NOT NULL,
    file_or_page    nvarchar(1000)     NOT NULL,
    row_number      bigint             NULL,
    field_name      nvarchar(200)      NULL,
    reason          nvarchar(1000)     NOT NULL,
    raw_text        nvarchar(4000)     NULL,
    rejected_at     datetimeoffset(3)  NOT NULL,
    CONSTRAINT pk_etl_reject PRIMARY KEY (reject_id)
);
CREATE INDEX ix_etl_reject_run ON etl.reject (etl_run_id);
GO

-- Every setting of the profit model with its default; per-shop rates live in stg.cost_setting.
CREATE TABLE etl.setting (
    setting_name    nvarchar(100)  NOT NULL,
    setting_value   nvarchar(200)  NOT NULL,
    description     nvarchar(1000) NOT NULL,
    CONSTRAINT pk_etl_setting PRIMARY KEY (setting_name)
);
GO

INSERT INTO etl.setting (setting_name, setting_value, description) VALUES
    (N'commission_rate',             N'0.06',    N'Referral commission rate used to estimate platform_fee before settlement (TikTok US since 2024-04-01)'),
    (N'payment_rate',                N'0',       N'Payment processing rate used to estimate transaction_fee before settlement'),
    (N'refund_admin_fee_share',      N'0.20',    N'Refund administration fee as a share of the referral fee on the refunded amount'),
    (N'refund_admin_fee_cap',        N'5.00',    N'Cap of the refund administration fee per SKU line'),
    (N'shipping_cost_per_order',     N'0',       N'Rate card: seller-borne shipping per order before settlement'),
    (N'packaging_cost_per_unit',     N'0',       N'Per-unit packaging and handling cost'),
    (N'fee_per_order',               N'0',       N'Per-order fixed fee'),
    (N'click_window_days',           N'7',       N'Attribution click window in days (1, 7, 14 or 28)'),
    (N'view_window_days',            N'1',       N'Attribution view window in days (0 or 1)'),
    (N'allocation_method',           N'revenue', N'How wholes are split into parts: revenue, units or margin'),
    (N'lookback_days',               N'45',      N'Days re-read on every run so late refunds land on their day'),
    (N'review_period_days',          N'28',      N'Length of the tier review period in days'),
    (N'hero_min_margin',             N'0.25',    N'Hero: minimum contribution margin'),
    (N'hero_min_roi',                N'1.0',     N'Hero: minimum ROI'),
    (N'hero_min_orders',             N'20',      N'Hero: minimum orders in the period; fewer orders can be testing'),
    (N'marginal_max_share',          N'0.05',    N'Marginal: contribution after ads at most this share of net revenue'),
    (N'test_budget',                 N'100.00',  N'Testing: ad spend per period at most this, in the shop currency'),
    (N'stock_window_days',           N'14',      N'Days of sales averaged for days of cover'),
    (N'lead_time_days',              N'14',      N'Supplier lead time in days'),
    (N'safety_days',                 N'7',       N'Safety stock in days of cover'),
    (N'overstock_days',              N'90',      N'A loser with more days of cover than this gets an overstock warning'),
    (N'settlement_tolerance',        N'0.05',    N'Largest accepted difference between computed and TikTok settlement per order'),
    (N'reporting_currency',          N'USD',     N'Currency of cross-shop totals');
GO

-- SQL Server converts time zones by Windows names; PostgreSQL by IANA names. The shop carries
-- the IANA name and this map gives the Windows one.
CREATE TABLE etl.time_zone_map (
    iana_name       nvarchar(64) NOT NULL,
    windows_name    nvarchar(64) NOT NULL,
    CONSTRAINT pk_etl_time_zone_map PRIMARY KEY (iana_name)
);
GO

INSERT INTO etl.time_zone_map (iana_name, windows_name) VALUES
    (N'UTC',                 N'UTC'),
    (N'America/Los_Angeles', N'Pacific Standard Time'),
    (N'America/Denver',      N'Mountain Standard Time'),
    (N'America/Chicago',     N'Central Standard Time'),
    (N'America/New_York',    N'Eastern Standard Time'),
    (N'America/Mexico_City', N'Central Standard Time (Mexico)'),
    (N'America/Sao_Paulo',   N'E. South America Standard Time'),
    (N'Europe/London',       N'GMT Standard Time'),
    (N'Europe/Dublin',       N'GMT Standard Time'),
    (N'Europe/Berlin',       N'W. Europe Standard Time'),
    (N'Europe/Paris',        N'Romance Standard Time'),
    (N'Europe/Madrid',       N'Romance Standard Time'),
    (N'Europe/Rome',         N'W. Europe Standard Time'),
    (N'Asia/Singapore',      N'Singapore Standard Time'),
    (N'Asia/Kuala_Lumpur',   N'Singapore Standard Time'),
    (N'Asia/Manila',         N'Singapore Standard Time'),
    (N'Asia/Jakarta',        N'SE Asia Standard Time'),
    (N'Asia/Bangkok',        N'SE Asia Standard Time'),
    (N'Asia/Ho_Chi_Minh',    N'SE Asia Standard Time'),
    (N'Asia/Tokyo',          N'Tokyo Standard Time');
GO
