-- Dimensions of the star. Each has a key-0 member that fact loads fall back to.

CREATE TABLE dim.date (
    date_key        int          NOT NULL,  -- yyyymmdd
    calendar_date   date         NOT NULL,
    year            int          NOT NULL,
    quarter         int          NOT NULL,
    month           int          NOT NULL,
    month_name      nvarchar(10) NOT NULL,
    day_of_month    int          NOT NULL,
    day_of_week     int          NOT NULL,  -- ISO: 1 = Monday
    day_name        nvarchar(10) NOT NULL,
    iso_year        int          NOT NULL,
    iso_week        int          NOT NULL,
    iso_week_label  nvarchar(8)  NOT NULL,  -- 2026-W47
    week_start_date date         NOT NULL,  -- the Monday of the ISO week
    is_weekend      bit          NOT NULL,
    CONSTRAINT pk_dim_date PRIMARY KEY (date_key),
    CONSTRAINT uq_dim_date_calendar_date UNIQUE (calendar_date)
);
CREATE INDEX ix_dim_date_iso_week ON dim.date (iso_year, iso_week);
GO

-- Every day from 2015-01-01 to 2035-12-31, set-based. Independent of SET DATEFIRST and of the
-- session language: the ISO day of week counts from 1900-01-01 (a Monday), names come from CHOOSE,
-- and the ISO year is the year of the Thursday of the date's ISO week.
WITH digit AS (
    SELECT n FROM (VALUES (0), (1), (2), (3), (4), (5), (6), (7), (8), (9)) AS digit (n)
),
day_number AS (
    SELECT thousands.n * 1000 + hundreds.n * 100 + tens.n * 10 + units.n AS n
    FROM digit AS thousands
    CROSS JOIN digit AS hundreds
    CROSS JOIN digit AS tens
    CROSS JOIN digit AS units
),
calendar AS (
    SELECT DATEADD(day, n, CAST('2015-01-01' AS date)) AS d
    FROM day_number
    WHERE n <= DATEDIFF(day, CAST('2015-01-01' AS date), CAST('2035-12-31' AS date))
)
INSERT INTO dim.date (date_key, calendar_date, year, quarter, month, month_name, day_of_month,
                      day_of_week, day_name, iso_year, iso_week, iso_week_label, week_start_date, is_weekend)
SELECT YEAR(calendar.d) * 10000 + MONTH(calendar.d) * 100 + DAY(calendar.d),
       calendar.d,
       YEAR(calendar.d),
       DATEPART(quarter, calendar.d),
       MONTH(calendar.d),
       CHOOSE(MONTH(calendar.d), N'January', N'February', N'March', N'April', N'May', N'June',
              N'July', N'August', N'September', N'October', N'November', N'December'),
       DAY(calendar.d),
       iso.day_of_week,
       CHOOSE(iso.day_of_week, N'Monday', N'Tuesday', N'Wednesday', N'Thursday', N'Friday', N'Saturday', N'Sunday'),
       iso.iso_year,
       iso.iso_week,
       CONCAT(iso.iso_year, N'-W', RIGHT(CONCAT(N'0', iso.iso_week), 2)),
       DATEADD(day, 1 - iso.day_of_week, calendar.d),
       CASE WHEN iso.day_of_week IN (6, 7) THEN 1 ELSE 0 END
FROM calendar
CROSS APPLY (SELECT (DATEDIFF(day, CAST('1900-01-01' AS date), calendar.d) % 7) + 1 AS day_of_week) AS weekday
CROSS APPLY (SELECT weekday.day_of_week,
                    YEAR(DATEADD(day, 4 - weekday.day_of_week, calendar.d)) AS iso_year,
                    DATEPART(ISO_WEEK, calendar.d) AS iso_week) AS iso;
GO

CREATE TABLE dim.shop (
    shop_key    int IDENTITY(1,1) NOT NULL,
    shop_id     nvarchar(64)  NOT NULL,
    shop_name   nvarchar(200) NOT NULL,
    region      nvarchar(8)   NOT NULL,
    currency    nvarchar(3)   NOT NULL,
    time_zone   nvarchar(64)  NOT NULL,
    etl_run_id  bigint        NOT NULL,
    CONSTRAINT pk_dim_shop PRIMARY KEY (shop_key),
    CONSTRAINT uq_dim_shop_shop_id UNIQUE (shop_id)
);
GO

SET IDENTITY_INSERT dim.shop ON;
INSERT INTO dim.shop (shop_key, shop_id, shop_name, region, currency, time_zone, etl_run_id)
VALUES (0, N'', N'Unknown', N'', N'', N'UTC', 0);
SET IDENTITY_INSERT dim.shop OFF;
GO

-- One row per SKU (the grain of every SKU figure); the product is an attribute.
CREATE TABLE dim.product (
    product_key     int IDENTITY(1,1) NOT NULL,
    shop_id         nvarchar(64)  NOT NULL,
    product_id      nvarchar(64)  NOT NULL,
    sku_id          nvarchar(64)  NOT NULL,
    seller_sku      nvarchar(100) NULL,
    product_name    nvarchar(500) NOT NULL,
    sku_name        nvarchar(200) NULL,
    category        nvarchar(200) NULL,
    etl_run_id      bigint        NOT NULL,
    CONSTRAINT pk_dim_product PRIMARY KEY (product_key),
    CONSTRAINT uq_dim_product_sku UNIQUE (shop_id, sku_id)
);
CREATE INDEX ix_dim_product_product ON dim.product (shop_id, product_id);
GO

SET IDENTITY_INSERT dim.product ON;
INSERT INTO dim.product (product_key, shop_id, product_id, sku_id, seller_sku, product_name, sku_name, category, etl_run_id)
VALUES (0, N'', N'', N'', NULL, N'Unknown / Unallocated', NULL, NULL, 0);
SET IDENTITY_INSERT dim.product OFF;
GO

-- Unit cost history: an order takes the cost valid on its paid date.
CREATE TABLE dim.sku_cost (
    product_key     int           NOT NULL,
    valid_from      date          NOT NULL,
    valid_to        date          NOT NULL,  -- exclusive; 9999-12-31 while current
    unit_cost       decimal(19,4) NOT NULL,
    currency        nvarchar(3)   NOT NULL,
    is_current      bit           NOT NULL,
    etl_run_id      bigint        NOT NULL,
    CONSTRAINT pk_dim_sku_cost PRIMARY KEY (product_key, valid_from),
    CONSTRAINT fk_dim_sku_cost_product FOREIGN KEY (product_key) REFERENCES dim.product (product_key)
);
GO

-- One row per ad, plus one per campaign (adgroup_id and ad_id blank) for spend reported at campaign level.
CREATE TABLE dim.campaign (
    campaign_key                int IDENTITY(1,1) NOT NULL,
    advertiser_id               nvarchar(64)  NOT NULL,
    campaign_id                 nvarchar(64)  NOT NULL,
    campaign_name               nvarchar(500) NOT NULL,
    campaign_type               nvarchar(32)  NOT NULL,
    shop_id                     nvarchar(64)  NULL,
    adgroup_id                  nvarchar(64)  NOT NULL,
    adgroup_name                nvarchar(500) NULL,
    click_attribution_window    nvarchar(32)  NULL,
    view_attribution_window     nvarchar(32)  NULL,
    ad_id                       nvarchar(64)  NOT NULL,
    ad_name                     nvarchar(500) NULL,
    etl_run_id                  bigint        NOT NULL,
    CONSTRAINT pk_dim_campaign PRIMARY KEY (campaign_key),
    CONSTRAINT uq_dim_campaign_ad UNIQUE (advertiser_id, campaign_id, adgroup_id, ad_id)
);
CREATE INDEX ix_dim_campaign_ad_id ON dim.campaign (ad_id);
GO

SET IDENTITY_INSERT dim.campaign ON;
INSERT INTO dim.campaign (campaign_key, advertiser_id, campaign_id, campaign_name, campaign_type, shop_id,
                          adgroup_id, adgroup_name, click_attribution_window, view_attribution_window, ad_id, ad_name, etl_run_id)
VALUES (0, N'', N'', N'Unknown', N'', NULL, N'', NULL, NULL, NULL, N'', NULL, 0);
SET IDENTITY_INSERT dim.campaign OFF;
GO

CREATE TABLE dim.traffic_source (
    traffic_source_key  int           NOT NULL,
    traffic_source      nvarchar(20)  NOT NULL,
    description         nvarchar(200) NOT NULL,
    CONSTRAINT pk_dim_traffic_source PRIMARY KEY (traffic_source_key)
);
GO

INSERT INTO dim.traffic_source (traffic_source_key, traffic_source, description) VALUES
    (0, N'unknown',   N'Not attributable (spend with no sale)'),
    (1, N'organic',   N'No ad and no creator got credit'),
    (2, N'paid_ads',  N'Attributed to an ad by touchpoint or by TikTok'),
    (3, N'affiliate', N'A creator earned commission on the line');
GO
