-- The reporting currency is compared with every shop's currency (rpt.fx_rate and the views that
-- convert amounts): it is held as ISO 4217 spells it, three capital letters, as the loader now
-- stores every staged currency ('usd ' is USD). On SQL Server a case-insensitive collation would
-- otherwise take 'usd' for USD where PostgreSQL does not.
UPDATE etl.setting SET setting_value = UPPER(LTRIM(RTRIM(setting_value))) WHERE setting_name = N'reporting_currency';
ALTER TABLE etl.setting ADD CONSTRAINT ck_etl_setting_reporting_currency
    CHECK (setting_name <> N'reporting_currency'
           OR (DATALENGTH(setting_value) = 6 AND setting_value COLLATE Latin1_General_100_BIN2 LIKE N'[A-Z][A-Z][A-Z]'));
