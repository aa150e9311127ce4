-- SKU ROAS and ROI over each review period under 1, 7 and 28-day click windows side by side.
-- Attributed ROI = (contribution before ads of the attributed sales - ad spend) / ad spend.
DROP VIEW IF EXISTS rpt.attribution_sensitivity;
GO

CREATE VIEW rpt.attribution_sensitivity AS
WITH attributed AS (
    SELECT period.period_end_date_key, period.shop_key, period.product_key,
           SUM(CASE WHEN sensitivity.click_window_days = 1 THEN sensitivity.attributed_gmv ELSE 0 END) AS attributed_gmv_1d,
           SUM(CASE WHEN sensitivity.click_window_days = 7 THEN sensitivity.attributed_gmv ELSE 0 END) AS attributed_gmv_7d,
           SUM(CASE WHEN sensitivity.click_window_days = 28 THEN sensitivity.attributed_gmv ELSE 0 END) AS attributed_gmv_28d,
           SUM(CASE WHEN sensitivity.click_window_days = 1 THEN sensitivity.attributed_contribution ELSE 0 END) AS attributed_contribution_1d,
           SUM(CASE WHEN sensitivity.click_window_days = 7 THEN sensitivity.attributed_contribution ELSE 0 END) AS attributed_contribution_7d,
           SUM(CASE WHEN sensitivity.click_window_days = 28 THEN sensitivity.attributed_contribution ELSE 0 END) AS attributed_contribution_28d
    FROM fact.sku_period AS period
    JOIN fact.sku_attribution_sensitivity AS sensitivity
      ON sensitivity.shop_key = period.shop_key AND sensitivity.product_key = period.product_key
     AND sensitivity.date_key BETWEEN period.period_start_date_key AND period.period_end_date_key
    GROUP BY period.period_end_date_key, period.shop_key, period.product_key
)
SELECT period.period_end_date_key,
       period_end.calendar_date AS period_end_date,
       period.shop_key,
       period.product_key,
       product.sku_id,
       product.product_name,
       period.ad_spend,
       attributed.attributed_gmv_1d,
       attributed.attributed_gmv_7d,
       attributed.attributed_gmv_28d,
       -- decimal(19,4) over decimal(19,4) keeps 19 places (sums of decimal(19,4) would keep only 6)
       CASE WHEN period.ad_spend <> 0 THEN CAST(attributed.attributed_gmv_1d AS decimal(19,4)) / period.ad_spend END AS roas_1d,
       CASE WHEN period.ad_spend <> 0 THEN CAST(attributed.attributed_gmv_7d AS decimal(19,4)) / period.ad_spend END AS roas_7d,
       CASE WHEN period.ad_spend <> 0 THEN CAST(attributed.attributed_gmv_28d AS decimal(19,4)) / period.ad_spend END AS roas_28d,
       CASE WHEN period.ad_spend <> 0 THEN CAST(attributed.attributed_contribution_1d - period.ad_spend AS decimal(19,4)) / period.ad_spend END AS attributed_roi_1d,
       CASE WHEN period.ad_spend <> 0 THEN CAST(attributed.attributed_contribution_7d - period.ad_spend AS decimal(19,4)) / period.ad_spend END AS attributed_roi_7d,
       CASE WHEN period.ad_spend <> 0 THEN CAST(attributed.attributed_contribution_28d - period.ad_spend AS decimal(19,4)) / period.ad_spend END AS attributed_roi_28d
FROM fact.sku_period AS period
JOIN attributed
  ON attributed.period_end_date_key = period.period_end_date_key AND attributed.shop_key = period.shop_key
 AND attributed.product_key = period.product_key
JOIN dim.date AS period_end ON period_end.date_key = period.period_end_date_key
JOIN dim.product AS product ON product.product_key = period.product_key;
GO
