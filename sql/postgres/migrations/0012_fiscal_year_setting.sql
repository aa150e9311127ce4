-- The month the seller's fiscal year starts in (rpt.dim_date's fiscal columns); 1 = calendar year.
INSERT INTO etl.setting (setting_name, setting_value, description)
SELECT 'fiscal_year_start_month', '1', 'Month (1-12) the fiscal year starts in; the fiscal year is named after the calendar year it ends in'
WHERE NOT EXISTS (SELECT 1 FROM etl.setting WHERE setting_name = 'fiscal_year_start_month');
