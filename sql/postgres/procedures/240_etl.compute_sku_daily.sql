-- Profit model section 5: SKU x day x traffic source. Ad spend sits on the paid_ads row of the
-- SKU it was allocated to; unallocated spend on the Unknown / Unallocated member.
-- Also the per-order settlement check (section 7): TikTok's settlement beside the computed one.
CREATE OR REPLACE PROCEDURE etl.compute_sku_daily(p_run_id bigint, INOUT p_rows_written bigint DEFAULT 0)
LANGUAGE plpgsql
AS $$
BEGIN
    PERFORM set_config('work_mem', '256MB', true);  -- this transaction only: sorts and hashes of a full rebuild stay in memory
    ANALYZE etl.work_sku_ad_spend;
    INSERT INTO etl.work_sku_daily (
        date_key, shop_key, product_key, traffic_source_key, orders, units, list_amount, seller_discount,
        platform_discount, gmv, refund_amount, net_revenue, platform_fee, transaction_fee, affiliate_commission,
        shipping_cost, cogs, other_variable_cost, contribution_before_ads, ad_spend, contribution_after_ads,
        attributed_gmv, attributed_orders, estimated_fee_revenue, tiktok_settlement_amount, settled_net_revenue, etl_run_id)
    WITH line_total AS (
        SELECT date_key, shop_key, product_key, traffic_source_key,
               COUNT(DISTINCT CASE WHEN is_revenue THEN order_id END) AS orders,
               SUM(CASE WHEN is_revenue THEN quantity ELSE 0 END) AS units,
               SUM(list_amount) AS list_amount, SUM(seller_discount) AS seller_discount,
               SUM(platform_discount) AS platform_discount, SUM(gmv) AS gmv, SUM(refund_amount) AS refund_amount,
               SUM(net_revenue) AS net_revenue, SUM(platform_fee) AS platform_fee, SUM(transaction_fee) AS transaction_fee,
               SUM(affiliate_commission) AS affiliate_commission, SUM(shipping_cost) AS shipping_cost, SUM(cogs) AS cogs,
               SUM(other_variable_cost) AS other_variable_cost, SUM(contribution_before_ads) AS contribution_before_ads,
               SUM(CASE WHEN fee_basis = 'estimated' THEN net_revenue ELSE 0 END) AS estimated_fee_revenue,
               SUM(COALESCE(tiktok_settlement_amount, 0)) AS tiktok_settlement_amount,
               SUM(CASE WHEN fee_basis = 'settled' THEN net_revenue ELSE 0 END) AS settled_net_revenue
        FROM etl.work_order_line
        GROUP BY date_key, shop_key, product_key, traffic_source_key
    ),
    spend_total AS (
        SELECT date_key, shop_key, product_key, 2 AS traffic_source_key, SUM(ad_spend) AS ad_spend
        FROM etl.work_sku_ad_spend
        GROUP BY date_key, shop_key, product_key
    ),
    sku_day AS (
        SELECT COALESCE(line_total.date_key, spend_total.date_key) AS date_key,
               COALESCE(line_total.shop_key, spend_total.shop_key) AS shop_key,
               COALESCE(line_total.product_key, spend_total.product_key) AS product_key,
               COALESCE(line_total.traffic_source_key, spend_total.traffic_source_key) AS traffic_source_key,
               line_total.orders, line_total.units, line_total.list_amount, line_total.seller_discount,
               line_total.platform_discount, line_total.gmv, line_total.refund_amount, line_total.net_revenue,
               line_total.platform_fee, line_total.transaction_fee, line_total.affiliate_commission,
               line_total.shipping_cost, line_total.cogs, line_total.other_variable_cost,
               line_total.contribution_before_ads, line_total.estimated_fee_revenue,
               line_total.tiktok_settlement_amount, line_total.settled_net_revenue,
               COALESCE(spend_total.ad_spend, 0) AS ad_spend
        FROM line_total
        FULL JOIN spend_total
          ON spend_total.date_key = line_total.date_key AND spend_total.shop_key = line_total.shop_key
         AND spend_total.product_key = line_total.product_key AND spend_total.traffic_source_key = line_total.traffic_source_key
    )
    SELECT sku_day.date_key, sku_day.shop_key, sku_day.product_key, sku_day.traffic_source_key,
           COALESCE(orders, 0), COALESCE(units, 0), COALESCE(list_amount, 0), COALESCE(seller_discount, 0),
           COALESCE(platform_discount, 0), COALESCE(gmv, 0), COALESCE(refund_amount, 0), COALESCE(net_revenue, 0),
           COALESCE(platform_fee, 0), COALESCE(transaction_fee, 0), COALESCE(affiliate_commission, 0),
           COALESCE(shipping_cost, 0), COALESCE(cogs, 0), COALESCE(other_variable_cost, 0),
           COALESCE(contribution_before_ads, 0), ad_spend, COALESCE(contribution_before_ads, 0) - ad_spend,
           CASE WHEN sku_day.traffic_source_key = 2 THEN COALESCE(gmv, 0) ELSE 0 END,
           CASE WHEN sku_day.traffic_source_key = 2 THEN COALESCE(orders, 0) ELSE 0 END,
           COALESCE(estimated_fee_revenue, 0), COALESCE(tiktok_settlement_amount, 0), COALESCE(settled_net_revenue, 0),
           p_run_id
    FROM sku_day;
    GET DIAGNOSTICS p_rows_written = ROW_COUNT;
    ANALYZE etl.work_sku_daily;

    INSERT INTO etl.work_settlement_check (shop_key, order_id, date_key, tiktok_settlement_amount, computed_settlement_amount,
                                           difference, is_flagged, etl_run_id)
    SELECT shop_key, order_id, MIN(date_key),
           SUM(tiktok_settlement_amount),
           SUM(net_revenue - platform_fee - transaction_fee - affiliate_commission - shipping_cost),
           SUM(tiktok_settlement_amount) - SUM(net_revenue - platform_fee - transaction_fee - affiliate_commission - shipping_cost),
           ABS(SUM(tiktok_settlement_amount) - SUM(net_revenue - platform_fee - transaction_fee - affiliate_commission - shipping_cost))
               > etl.setting_number('settlement_tolerance'),
           p_run_id
    FROM etl.work_order_line
    WHERE fee_basis = 'settled'
    GROUP BY shop_key, order_id;
END;
$$;
