-- Shop x day x expense category: the seller's fixed and manual expenses, spread over the days they
-- cover. They belong to no SKU: net profit = contribution after ads (rpt.sku_daily) - these.
DROP VIEW IF EXISTS rpt.shop_expense_daily;
GO

CREATE VIEW rpt.shop_expense_daily AS
SELECT expense.date_key,
       d.calendar_date,
       d.iso_week_label,
       expense.shop_key,
       shop.shop_id,
       shop.shop_name,
       shop.currency,
       expense.expense_category,
       expense.expense_amount,
       reporting.setting_value AS reporting_currency,
       CAST(CASE WHEN shop.currency = reporting.setting_value THEN 1 ELSE fx.rate_to_reporting END AS decimal(19,8)) AS fx_rate_to_reporting
FROM fact.shop_expense_daily AS expense
JOIN dim.date AS d ON d.date_key = expense.date_key
JOIN dim.shop AS shop ON shop.shop_key = expense.shop_key
LEFT JOIN etl.setting AS reporting ON reporting.setting_name = N'reporting_currency'
OUTER APPLY (
    SELECT TOP (1) rate.rate_to_reporting
    FROM stg.fx_rate AS rate
    WHERE rate.currency = shop.currency AND rate.rate_date <= d.calendar_date
    ORDER BY rate.rate_date DESC
) AS fx;
GO
