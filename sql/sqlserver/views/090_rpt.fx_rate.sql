-- Currency x day: the rate that converts the currency into the reporting currency (setting
-- reporting_currency) on that day, from stg.fx_rate: the latest rate on or before the day (a rate
-- applies until the currency's next one). The reporting currency converts at 1. A currency without
-- a rate on or before the day has a NULL rate, never 1: rpt.reconciliation flags the shop-days it
-- leaves unconverted. Currencies: those of the shops, of stg.fx_rate and the reporting currency.
-- Reporting amount = shop-currency amount x fx_rate_to_reporting, day by day (docs/power-bi.md).
DROP VIEW IF EXISTS rpt.fx_rate;
GO

CREATE VIEW rpt.fx_rate AS
WITH reporting AS (
    SELECT setting.setting_value AS reporting_currency
    FROM etl.setting AS setting
    WHERE setting.setting_name = N'reporting_currency'
),
currency AS (
    SELECT shop.currency FROM dim.shop AS shop WHERE shop.shop_key <> 0
    UNION
    SELECT rate.currency FROM stg.fx_rate AS rate
    UNION
    SELECT reporting.reporting_currency FROM reporting
)
SELECT d.date_key,
       d.calendar_date,
       currency.currency,
       reporting.reporting_currency,
       CASE WHEN currency.currency = reporting.reporting_currency THEN CAST(1 AS decimal(19,8))
            ELSE rate_range.rate_to_reporting END AS fx_rate_to_reporting,
       CASE WHEN currency.currency = reporting.reporting_currency THEN NULL
            ELSE rate_range.rate_date END AS fx_rate_date
FROM dim.date AS d
CROSS JOIN currency
CROSS JOIN reporting
OUTER APPLY (
    SELECT TOP (1) rate.rate_date, rate.rate_to_reporting
    FROM stg.fx_rate AS rate
    WHERE rate.currency = currency.currency AND rate.rate_date <= d.calendar_date
      AND currency.currency <> reporting.reporting_currency
    ORDER BY rate.rate_date DESC
) AS rate_range;
GO
