-- SKU x day: how much of the revenue is settled by TikTok and how much still carries estimated
-- fees, and for the settled lines TikTok's settlement beside the computed one
-- (net revenue - platform fee - transaction fee - affiliate commission - shipping, profit model section 7).
CREATE OR REPLACE VIEW rpt.sku_settlement AS
WITH settlement AS (
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
    GROUP BY line.date_key, d.calendar_date, d.iso_week_label, line.shop_key, line.product_key
)
SELECT settlement.date_key,
       settlement.calendar_date,
       settlement.iso_week_label,
       settlement.shop_key,
       settlement.product_key,
       settlement.order_lines,
       settlement.settled_order_lines,
       settlement.estimated_order_lines,
       settlement.net_revenue,
       settlement.settled_net_revenue,
       settlement.estimated_net_revenue,
       settlement.estimated_fees,
       settlement.computed_settlement_amount,
       settlement.tiktok_settlement_amount,
       settlement.settlement_difference,
       shop.currency,
       reporting.setting_value AS reporting_currency,
       CAST(CASE WHEN shop.currency = reporting.setting_value THEN 1 ELSE fx.rate_to_reporting END AS numeric(19,8)) AS fx_rate_to_reporting
FROM settlement
JOIN dim.shop AS shop ON shop.shop_key = settlement.shop_key
LEFT JOIN etl.setting AS reporting ON reporting.setting_name = 'reporting_currency'
LEFT JOIN LATERAL (
    SELECT rate.rate_to_reporting
    FROM stg.fx_rate AS rate
    WHERE rate.currency = shop.currency AND rate.rate_date <= settlement.calendar_date
    ORDER BY rate.rate_date DESC
    LIMIT 1
) AS fx ON TRUE;
