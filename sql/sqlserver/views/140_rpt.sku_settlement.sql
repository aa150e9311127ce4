-- SKU x day: how much of the revenue is settled by TikTok and how much still carries estimated
-- fees, and for the settled lines TikTok's settlement beside the computed one
-- (net revenue - platform fee - transaction fee - affiliate commission - shipping, profit model section 7).
DROP VIEW IF EXISTS rpt.sku_settlement;
GO

CREATE VIEW rpt.sku_settlement AS
SELECT line.date_key,
       d.calendar_date,
       d.iso_week_label,
       line.shop_key,
       line.product_key,
       COUNT(*) AS order_lines,
       SUM(CASE WHEN line.fee_basis = 'settled' THEN 1 ELSE 0 END) AS settled_order_lines,
       SUM(CASE WHEN line.fee_basis = 'settled' THEN 0 ELSE 1 END) AS estimated_order_lines,
       SUM(line.net_revenue) AS net_revenue,
       SUM(CASE WHEN line.fee_basis = 'settled' THEN line.net_revenue ELSE 0 END) AS settled_net_revenue,
       SUM(CASE WHEN line.fee_basis = 'settled' THEN 0 ELSE line.net_revenue END) AS estimated_net_revenue,
       SUM(CASE WHEN line.fee_basis = 'settled' THEN 0 ELSE line.platform_fee + line.transaction_fee END) AS estimated_fees,
       SUM(CASE WHEN line.fee_basis = 'settled'
                THEN line.net_revenue - line.platform_fee - line.transaction_fee - line.affiliate_commission - line.shipping_cost
                ELSE 0 END) AS computed_settlement_amount,
       SUM(CASE WHEN line.fee_basis = 'settled' THEN COALESCE(line.tiktok_settlement_amount, 0) ELSE 0 END) AS tiktok_settlement_amount,
       SUM(CASE WHEN line.fee_basis = 'settled'
                THEN COALESCE(line.tiktok_settlement_amount, 0)
                     - (line.net_revenue - line.platform_fee - line.transaction_fee - line.affiliate_commission - line.shipping_cost)
                ELSE 0 END) AS settlement_difference
FROM fact.order_line AS line
JOIN dim.date AS d ON d.date_key = line.date_key
GROUP BY line.date_key, d.calendar_date, d.iso_week_label, line.shop_key, line.product_key;
GO
