-- The date dimension for Power BI: whole calendar years (dim.date), ISO week, month and fiscal
-- columns. The fiscal year starts in the month of setting fiscal_year_start_month (1 when absent)
-- and is named after the calendar year it ends in.
DROP VIEW IF EXISTS rpt.dim_date;
GO

CREATE VIEW rpt.dim_date AS
WITH fiscal AS (
    SELECT COALESCE(MAX(CASE WHEN setting.setting_name = 'fiscal_year_start_month' THEN CAST(setting.setting_value AS int) END), 1) AS start_month
    FROM etl.setting AS setting
),
calendar AS (
    SELECT d.*,
           ((d.month - fiscal.start_month + 12) % 12) + 1 AS fiscal_month,
           CASE WHEN fiscal.start_month = 1 OR d.month < fiscal.start_month THEN d.year ELSE d.year + 1 END AS fiscal_year
    FROM dim.date AS d
    CROSS JOIN fiscal
)
SELECT calendar.date_key,
       calendar.calendar_date,
       calendar.year,
       calendar.quarter,
       CONCAT('Q', calendar.quarter) AS quarter_label,
       calendar.year * 10 + calendar.quarter AS year_quarter_key,
       CONCAT(calendar.year, '-Q', calendar.quarter) AS year_quarter_label,
       calendar.month,
       calendar.month_name,
       LEFT(calendar.month_name, 3) AS month_short_name,
       calendar.year * 100 + calendar.month AS year_month_key,
       CONVERT(char(7), calendar.calendar_date, 126) AS year_month_label,
       DATEFROMPARTS(calendar.year, calendar.month, 1) AS month_start_date,
       calendar.day_of_month,
       calendar.day_of_week,
       calendar.day_name,
       calendar.is_weekend,
       calendar.iso_year,
       calendar.iso_week,
       calendar.iso_year * 100 + calendar.iso_week AS iso_week_key,
       calendar.iso_week_label,
       calendar.week_start_date,
       DATEADD(day, 6, calendar.week_start_date) AS week_end_date,
       calendar.fiscal_year,
       CONCAT('FY', calendar.fiscal_year) AS fiscal_year_label,
       (calendar.fiscal_month - 1) / 3 + 1 AS fiscal_quarter,
       CONCAT('FY', calendar.fiscal_year, '-Q', (calendar.fiscal_month - 1) / 3 + 1) AS fiscal_quarter_label,
       calendar.fiscal_month
FROM calendar;
GO
