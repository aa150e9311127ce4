-- The publish step: checks, then replaces the recomputed days (and review periods) of every
-- fact in one transaction (of fact.order_line, the recomputed orders' lines). Until it commits, readers see the previous facts whole.
CREATE OR REPLACE PROCEDURE etl.publish_transform(p_run_id bigint, INOUT p_rows_written bigint DEFAULT 0)
LANGUAGE plpgsql
AS $$
DECLARE
    v_rows bigint;
BEGIN
    PERFORM set_config('work_mem', '256MB', true);  -- this transaction only: sorts and hashes of a full rebuild stay in memory
    CALL etl.check_invariants(p_run_id, v_rows);

    -- Order lines: those of the affected days except the lines taken as published (the work rows
    -- of an earlier run: etl.compute_order_line), which stay; an incremental run writes only the
    -- lines it recomputed, and the new credit of a line taken as published.
    DELETE FROM fact.order_line AS published
    WHERE published.date_key IN (SELECT date_key FROM etl.work_affected_date)
      AND NOT EXISTS (SELECT 1 FROM etl.work_order_line AS kept
                      WHERE kept.etl_run_id <> p_run_id AND kept.shop_key = published.shop_key
                        AND kept.order_id = published.order_id AND kept.line_item_id = published.line_item_id);
    UPDATE fact.order_line AS published
    SET campaign_key = kept.campaign_key, traffic_source_key = kept.traffic_source_key,
        attribution_touch = kept.attribution_touch, etl_run_id = p_run_id
    FROM etl.work_order_line AS kept
    WHERE published.date_key IN (SELECT date_key FROM etl.work_affected_date)  -- the index range of the kept lines' days
      AND kept.date_key = published.date_key
      AND kept.etl_run_id <> p_run_id AND kept.shop_key = published.shop_key
      AND kept.order_id = published.order_id AND kept.line_item_id = published.line_item_id
      AND (kept.campaign_key <> published.campaign_key OR kept.traffic_source_key <> published.traffic_source_key
           OR kept.attribution_touch IS DISTINCT FROM published.attribution_touch);
    DELETE FROM fact.ad_daily WHERE date_key IN (SELECT date_key FROM etl.work_affected_date);
    DELETE FROM fact.gmv_max_tieout WHERE date_key IN (SELECT date_key FROM etl.work_affected_date);
    DELETE FROM fact.settlement_check WHERE date_key IN (SELECT date_key FROM etl.work_affected_date);
    -- Review periods that were recomputed (all of them when the plan says so), and a previous
    -- "latest day" period that is no longer latest (the latest day's is recomputed by every run).
    DELETE FROM fact.sku_period
    WHERE EXISTS (SELECT 1 FROM etl.work_transform_plan WHERE all_periods)
       OR period_end_date_key IN (SELECT period_end_date_key FROM etl.work_review_period)
       OR (period_end_date_key NOT IN (SELECT date_key FROM dim.date WHERE day_of_week = 7)
           AND EXISTS (SELECT 1 FROM etl.work_review_period));

    INSERT INTO fact.order_line (
        shop_key, order_id, line_item_id, date_key, product_key, campaign_key, traffic_source_key, order_status,
        is_revenue, quantity, restocked_units, list_amount, seller_discount, platform_discount, gmv, refund_amount,
        net_revenue, platform_fee, transaction_fee, affiliate_commission, shipping_cost, cogs, other_variable_cost,
        contribution_before_ads, fee_basis, tiktok_settlement_amount, attribution_touch, click_window_days,
        view_window_days, allocation_method, etl_run_id)
    SELECT shop_key, order_id, line_item_id, date_key, product_key, campaign_key, traffic_source_key, order_status,
           is_revenue, quantity, restocked_units, list_amount, seller_discount, platform_discount, gmv, refund_amount,
           net_revenue, platform_fee, transaction_fee, affiliate_commission, shipping_cost, cogs, other_variable_cost,
           contribution_before_ads, fee_basis, tiktok_settlement_amount, attribution_touch, click_window_days,
           view_window_days, allocation_method, etl_run_id
    FROM etl.work_order_line
    WHERE etl_run_id = p_run_id;
    GET DIAGNOSTICS p_rows_written = ROW_COUNT;

    INSERT INTO fact.ad_daily SELECT * FROM etl.work_ad_daily;
    INSERT INTO fact.gmv_max_tieout SELECT * FROM etl.work_gmv_max_tieout;
    INSERT INTO fact.settlement_check SELECT * FROM etl.work_settlement_check;
    -- The SKU-day aggregates of the affected days by difference: rows equal to the recomputed ones
    -- (all but etl_run_id) stay, so a late file touching a few orders on many days rewrites a few
    -- SKU-days, not every SKU-day of those days (fewer index and log writes; readers unaffected).
    DELETE FROM fact.sku_daily AS published
    WHERE published.date_key IN (SELECT date_key FROM etl.work_affected_date)
      AND NOT EXISTS (SELECT 1 FROM etl.work_sku_daily AS work
                      WHERE work.date_key = published.date_key AND work.shop_key = published.shop_key
                        AND work.product_key = published.product_key AND work.traffic_source_key = published.traffic_source_key
                        AND work.orders = published.orders AND work.units = published.units
                        AND work.list_amount = published.list_amount AND work.seller_discount = published.seller_discount
                        AND work.platform_discount = published.platform_discount AND work.gmv = published.gmv
                        AND work.refund_amount = published.refund_amount AND work.net_revenue = published.net_revenue
                        AND work.platform_fee = published.platform_fee AND work.transaction_fee = published.transaction_fee
                        AND work.affiliate_commission = published.affiliate_commission
                        AND work.shipping_cost = published.shipping_cost AND work.cogs = published.cogs
                        AND work.other_variable_cost = published.other_variable_cost
                        AND work.contribution_before_ads = published.contribution_before_ads AND work.ad_spend = published.ad_spend
                        AND work.contribution_after_ads = published.contribution_after_ads
                        AND work.attributed_gmv = published.attributed_gmv AND work.attributed_orders = published.attributed_orders
                        AND work.estimated_fee_revenue = published.estimated_fee_revenue
                        AND work.tiktok_settlement_amount = published.tiktok_settlement_amount
                        AND work.settled_net_revenue = published.settled_net_revenue);
    INSERT INTO fact.sku_daily
    SELECT * FROM etl.work_sku_daily AS work
    WHERE NOT EXISTS (SELECT 1 FROM fact.sku_daily AS published
                      WHERE published.date_key IN (SELECT date_key FROM etl.work_affected_date)  -- the index range of the recomputed days
                        AND work.date_key = published.date_key AND work.shop_key = published.shop_key
                        AND work.product_key = published.product_key AND work.traffic_source_key = published.traffic_source_key);
    DELETE FROM fact.sku_attribution_sensitivity AS published
    WHERE published.date_key IN (SELECT date_key FROM etl.work_affected_date)
      AND NOT EXISTS (SELECT 1 FROM etl.work_sku_attribution_sensitivity AS work
                      WHERE work.date_key = published.date_key AND work.shop_key = published.shop_key
                        AND work.product_key = published.product_key AND work.click_window_days = published.click_window_days
                        AND work.view_window_days = published.view_window_days
                        AND work.attributed_orders = published.attributed_orders AND work.attributed_gmv = published.attributed_gmv
                        AND work.attributed_contribution = published.attributed_contribution);
    INSERT INTO fact.sku_attribution_sensitivity
    SELECT * FROM etl.work_sku_attribution_sensitivity AS work
    WHERE NOT EXISTS (SELECT 1 FROM fact.sku_attribution_sensitivity AS published
                      WHERE published.date_key IN (SELECT date_key FROM etl.work_affected_date)  -- the index range of the recomputed days
                        AND work.date_key = published.date_key AND work.shop_key = published.shop_key
                        AND work.product_key = published.product_key AND work.click_window_days = published.click_window_days);
    DELETE FROM fact.sku_ad_spend AS published
    WHERE published.date_key IN (SELECT date_key FROM etl.work_affected_date)
      AND NOT EXISTS (SELECT 1 FROM etl.work_sku_ad_spend AS work
                      WHERE work.date_key = published.date_key AND work.campaign_key = published.campaign_key
                        AND work.product_key = published.product_key AND work.spend_source = published.spend_source
                        AND work.shop_key = published.shop_key AND work.allocation_rule = published.allocation_rule
                        AND work.allocation_method = published.allocation_method AND work.ad_spend = published.ad_spend);
    INSERT INTO fact.sku_ad_spend
    SELECT * FROM etl.work_sku_ad_spend AS work
    WHERE NOT EXISTS (SELECT 1 FROM fact.sku_ad_spend AS published
                      WHERE published.date_key IN (SELECT date_key FROM etl.work_affected_date)  -- the index range of the recomputed days
                        AND work.date_key = published.date_key AND work.campaign_key = published.campaign_key
                        AND work.product_key = published.product_key AND work.spend_source = published.spend_source);
    INSERT INTO fact.sku_period SELECT * FROM etl.work_sku_period;
    GET DIAGNOSTICS v_rows = ROW_COUNT;
    p_rows_written := p_rows_written + v_rows;

    -- What the facts now include and were computed with, in the same transaction: the next
    -- transform recomputes only what changed after this.
    INSERT INTO etl.transform_consumed_run (etl_run_id, transform_run_id)
    SELECT etl_run_id, p_run_id FROM etl.work_source_run;
    DELETE FROM etl.staging_deletion WHERE etl_run_id IN (SELECT etl_run_id FROM etl.work_source_run);
    DELETE FROM etl.transform_basis;
    INSERT INTO etl.transform_basis (basis_id, settings_hash, procedures_hash, click_window_days, view_window_days,
                                     allocation_method, transform_run_id, published_at)
    SELECT 1, settings_hash, procedures_hash, click_window_days, view_window_days, allocation_method, p_run_id, now()
    FROM etl.work_transform_plan;
END;
$$;
