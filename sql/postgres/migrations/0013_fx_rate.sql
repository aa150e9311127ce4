-- Dated exchange rates into the reporting currency (setting reporting_currency, default USD), one
-- row per currency and day the rate starts; a rate applies from its rate_date until the currency's
-- next one. Cross-shop totals convert each day's amounts with that day's rate (rpt.fx_rate); the
-- reporting currency itself converts at 1; a currency with no rate on or before a day has no rate
-- (NULL, flagged in rpt.reconciliation), never 1. Loaded from fx_rate.csv like every staging file.
CREATE TABLE stg.fx_rate (
    currency            varchar(3)     NOT NULL,  -- ISO 4217 code of the currency the rate converts from (a shop currency)
    rate_date           date           NOT NULL,  -- first day the rate applies; it applies until the currency's next rate_date
    rate_to_reporting   numeric(19,8)  NOT NULL,  -- units of the reporting currency per unit of currency (GBP 1.27 = 1.27 USD per GBP)
    etl_run_id          bigint         NOT NULL,
    CONSTRAINT pk_stg_fx_rate PRIMARY KEY (currency, rate_date)
);
