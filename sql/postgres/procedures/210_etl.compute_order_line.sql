-- Profit model section 1: every figure of every order line on the affected days.
-- Order-level amounts (vouchers, estimated shipping, per-order fees) and SKU-level settlement
-- amounts are split to lines by etl.split_by_largest_remainder, so parts sum to their wholes.
CREATE OR REPLACE PROCEDURE etl.compute_order_line(
    p_run_id bigint, p_allocation_method varchar, p_click_window_days integer, p_view_window_days integer,
    INOUT p_rows_written bigint DEFAULT 0)
LANGUAGE plpgsql
AS $$
BEGIN
    -- Sorts, hashes and window functions over every line of the run stay in memory (the 4 MB
    -- default spills them to disk at a few hundred thousand lines); for this transaction only.
    PERFORM set_config('work_mem', '256MB', true);

    -- Source figures of each line: list amount, line discounts, refunds, restocked units, COGS.
    INSERT INTO etl.work_order_line (
        line_number, order_number, shop_id, sku_id, product_id, buyer_user_id, paid_time,
        shop_key, order_id, line_item_id, date_key, product_key, campaign_key, traffic_source_key,
        order_status, is_revenue, quantity, restocked_units, list_amount, seller_discount, platform_discount,
        gmv, refund_amount, net_revenue, platform_fee, transaction_fee, affiliate_commission, shipping_cost,
        cogs, other_variable_cost, contribution_before_ads, fee_basis, tiktok_settlement_amount,
        attribution_touch, click_window_days, view_window_days, allocation_method, etl_run_id)
    WITH shop_order_day AS (
        SELECT o.shop_id, o.order_id, o.status, o.user_id, o.paid_time, shop.shop_key, d.date_key,
               d.calendar_date AS order_date,
               (o.paid_time IS NOT NULL AND NOT o.is_sample_order AND NOT o.is_replacement_order) AS is_revenue
        FROM stg.shop_order AS o
        JOIN dim.shop AS shop ON shop.shop_id = o.shop_id
        JOIN dim.date AS d
          ON d.calendar_date = CAST(to_timestamp(COALESCE(o.paid_time, o.create_time)) AT TIME ZONE shop.time_zone AS date)
        WHERE d.date_key IN (SELECT date_key FROM etl.work_affected_date)
    ),
    returned_line AS (
        SELECT return_line.shop_id, return_line.order_id, return_line.order_line_item_id,
               SUM(return_line.refund_amount) AS refund_amount,
               SUM(CASE WHEN return_order.return_type = 'RETURN_AND_REFUND' THEN 1 ELSE 0 END) AS restockable_units
        FROM stg.return_line_item AS return_line
        JOIN stg.return_order AS return_order
          ON return_order.shop_id = return_line.shop_id AND return_order.return_id = return_line.return_id
        WHERE return_order.return_status NOT IN ('RETURN_OR_REFUND_REQUEST_REJECT', 'RETURN_OR_REFUND_REQUEST_CANCEL')
          AND EXISTS (SELECT 1 FROM shop_order_day AS o WHERE o.shop_id = return_line.shop_id AND o.order_id = return_line.order_id)
        GROUP BY return_line.shop_id, return_line.order_id, return_line.order_line_item_id
    ),
    cancelled_line AS (
        SELECT cancel_line.shop_id, cancel_line.order_id, cancel_line.order_line_item_id,
               SUM(cancel_line.refund_amount) AS refund_amount
        FROM stg.cancellation_line_item AS cancel_line
        JOIN stg.cancellation AS cancellation
          ON cancellation.shop_id = cancel_line.shop_id AND cancellation.cancel_id = cancel_line.cancel_id
        WHERE cancellation.cancel_status NOT IN ('CANCELLATION_REQUEST_REJECT', 'CANCELLATION_REQUEST_CANCEL')
          AND EXISTS (SELECT 1 FROM shop_order_day AS o WHERE o.shop_id = cancel_line.shop_id AND o.order_id = cancel_line.order_id)
        GROUP BY cancel_line.shop_id, cancel_line.order_id, cancel_line.order_line_item_id
    ),
    source_line AS (
        SELECT o.shop_id, o.order_id, o.status, o.user_id, o.paid_time, o.shop_key, o.date_key, o.is_revenue,
               line.line_item_id, line.sku_id, line.product_id, line.quantity,
               COALESCE(product.product_key, 0) AS product_key,
               CASE WHEN o.is_revenue THEN line.original_price * line.quantity ELSE 0 END AS list_amount,
               CASE WHEN o.is_revenue THEN line.seller_discount ELSE 0 END AS seller_discount,
               CASE WHEN o.is_revenue THEN line.platform_discount ELSE 0 END AS platform_discount,
               CASE WHEN o.is_revenue THEN COALESCE(returned_line.refund_amount, 0) + COALESCE(cancelled_line.refund_amount, 0) ELSE 0 END AS refund_amount,
               CASE WHEN o.paid_time IS NULL THEN line.quantity
                    WHEN cancelled_line.order_line_item_id IS NOT NULL THEN line.quantity
                    ELSE LEAST(line.quantity, COALESCE(returned_line.restockable_units, 0)) END AS restocked_units,
               COALESCE(cost.unit_cost, 0) AS unit_cost
        FROM shop_order_day AS o
        JOIN stg.order_line_item AS line ON line.shop_id = o.shop_id AND line.order_id = o.order_id
        LEFT JOIN dim.product AS product ON product.shop_id = line.shop_id AND product.sku_id = line.sku_id
        LEFT JOIN dim.sku_cost AS cost
          ON cost.product_key = product.product_key AND o.order_date >= cost.valid_from AND o.order_date < cost.valid_to
        LEFT JOIN returned_line
          ON returned_line.shop_id = line.shop_id AND returned_line.order_id = line.order_id AND returned_line.order_line_item_id = line.line_item_id
        LEFT JOIN cancelled_line
          ON cancelled_line.shop_id = line.shop_id AND cancelled_line.order_id = line.order_id AND cancelled_line.order_line_item_id = line.line_item_id
    )
    SELECT ROW_NUMBER() OVER (ORDER BY shop_id, order_id, line_item_id),
           DENSE_RANK() OVER (ORDER BY shop_id, order_id),
           shop_id, sku_id, product_id, user_id, paid_time,
           shop_key, order_id, line_item_id, date_key, product_key, 0, 1,
           status, is_revenue, quantity, restocked_units, list_amount, seller_discount, platform_discount,
           list_amount - seller_discount, refund_amount, list_amount - seller_discount - refund_amount,
           0, 0, 0, 0,
           unit_cost * (quantity - restocked_units), 0, 0, 'estimated', NULL,
           NULL, p_click_window_days, p_view_window_days, p_allocation_method, p_run_id
    FROM source_line;
    GET DIAGNOSTICS p_rows_written = ROW_COUNT;
    -- Fresh work tables have no statistics; without them the planner loops.
    ANALYZE etl.work_order_line;

    -- Order-level seller vouchers: what the order's seller discount holds beyond its lines' own.
    INSERT INTO etl.work_split (split_name, whole_id, part_id, whole_amount, weight)
    WITH order_voucher AS (
        SELECT line.order_number, MAX(o.seller_discount) - SUM(line.seller_discount) AS voucher_amount
        FROM etl.work_order_line AS line
        JOIN stg.shop_order AS o ON o.shop_id = line.shop_id AND o.order_id = line.order_id
        WHERE line.is_revenue
        GROUP BY line.order_number
    )
    SELECT 'order_voucher', line.order_number, line.line_number, order_voucher.voucher_amount,
           CASE p_allocation_method
               WHEN 'units' THEN line.quantity
               WHEN 'margin' THEN CASE WHEN MIN(line.gmv - line.cogs) OVER (PARTITION BY line.order_number) > 0
                                       THEN line.gmv - line.cogs ELSE line.gmv END
               ELSE line.gmv END
    FROM etl.work_order_line AS line
    JOIN order_voucher ON order_voucher.order_number = line.order_number
    WHERE line.is_revenue AND order_voucher.voucher_amount <> 0
    ORDER BY line.order_number, line.line_number;  -- key order: appends to the primary key instead of scattering
    ANALYZE etl.work_split;  -- fresh statistics: with the last run's, a new split looks empty and the split loops
    CALL etl.split_by_largest_remainder('order_voucher');

    UPDATE etl.work_order_line AS line
    SET seller_discount = line.seller_discount + split.part_amount,
        gmv = line.gmv - split.part_amount,
        net_revenue = line.net_revenue - split.part_amount
    FROM etl.work_split AS split
    WHERE split.split_name = 'order_voucher' AND split.part_id = line.line_number;

    -- Settled fees, normalised to positive costs whatever sign convention they arrive in:
    -- TikTok's SKU statement transactions, split over the units of that SKU in the order; for
    -- orders without them, the order-level income export, split over the order's lines by the
    -- allocation method (its wholes get negative ids, so the two never share one).
    CREATE TEMP TABLE settled_sku ON COMMIT DROP AS
    WITH settlement AS (
        SELECT shop_id, order_id, sku_id,
               ABS(SUM(referral_fee_amount)) + ABS(SUM(platform_commission_amount))
                   + ABS(SUM(refund_administration_fee_amount)) AS platform_fee,
               ABS(SUM(transaction_fee_amount)) AS transaction_fee,
               ABS(SUM(affiliate_commission_amount)) + ABS(SUM(affiliate_ads_commission_amount))
                   + ABS(SUM(affiliate_partner_commission_amount)) AS affiliate_commission,
               ABS(SUM(shipping_cost_amount)) AS shipping_cost,
               SUM(settlement_amount) AS settlement_amount
        FROM stg.sku_statement_transaction AS t
        -- only the run's orders: an incremental run must not aggregate every settlement ever loaded
        WHERE EXISTS (SELECT 1 FROM etl.work_order_line AS line WHERE line.shop_id = t.shop_id AND line.order_id = t.order_id)
        GROUP BY shop_id, order_id, sku_id
    )
    SELECT line.line_number, line.order_number,
           MIN(line.line_number) OVER (PARTITION BY line.order_number, line.sku_id) AS whole_id,
           CAST(line.quantity AS numeric(38,10)) AS weight,
           settlement.platform_fee, settlement.transaction_fee, settlement.affiliate_commission,
           settlement.shipping_cost, settlement.settlement_amount
    FROM etl.work_order_line AS line
    JOIN settlement ON settlement.shop_id = line.shop_id AND settlement.order_id = line.order_id AND settlement.sku_id = line.sku_id;

    CREATE TEMP TABLE settled_order ON COMMIT DROP AS
    WITH settlement AS (
        SELECT shop_id, order_id,
               ABS(SUM(tiktok_shop_commission_fee)) + ABS(SUM(sfp_service_fee)) AS platform_fee,
               ABS(SUM(transaction_fee)) AS transaction_fee,
               ABS(SUM(affiliate_commission)) + ABS(SUM(affiliate_partner_commission))
                   + ABS(SUM(affiliate_shop_ads_commission)) AS affiliate_commission,
               ABS(SUM(seller_shipping_fee)) AS shipping_cost,
               SUM(total_settlement_amount) AS settlement_amount
        FROM stg.order_settlement AS t
        WHERE EXISTS (SELECT 1 FROM etl.work_order_line AS line WHERE line.shop_id = t.shop_id AND line.order_id = t.order_id)
        GROUP BY shop_id, order_id
    )
    SELECT line.line_number, line.order_number, -line.order_number AS whole_id,
           CAST(CASE p_allocation_method
                    WHEN 'units' THEN line.quantity
                    WHEN 'margin' THEN CASE WHEN MIN(line.gmv - line.cogs) OVER (PARTITION BY line.order_number) > 0
                                            THEN line.gmv - line.cogs ELSE line.gmv END
                    ELSE line.gmv END AS numeric(38,10)) AS weight,
           settlement.platform_fee, settlement.transaction_fee, settlement.affiliate_commission,
           settlement.shipping_cost, settlement.settlement_amount
    FROM etl.work_order_line AS line
    JOIN settlement ON settlement.shop_id = line.shop_id AND settlement.order_id = line.order_id
    WHERE NOT EXISTS (SELECT 1 FROM settled_sku WHERE settled_sku.order_number = line.order_number);

    INSERT INTO etl.work_split (split_name, whole_id, part_id, whole_amount, weight)
    SELECT measure.split_name, settled.whole_id, settled.line_number, measure.whole_amount, settled.weight
    FROM (SELECT * FROM settled_sku UNION ALL SELECT * FROM settled_order) AS settled
    CROSS JOIN LATERAL (VALUES
        ('settled_platform_fee', settled.platform_fee),
        ('settled_transaction_fee', settled.transaction_fee),
        ('settled_affiliate', settled.affiliate_commission),
        ('settled_shipping', settled.shipping_cost),
        ('settled_amount', settled.settlement_amount)) AS measure (split_name, whole_amount)
    ORDER BY measure.split_name, settled.whole_id, settled.line_number;  -- key order (see order_voucher)
    ANALYZE etl.work_split;  -- fresh statistics: with the last run's, a new split looks empty and the split loops
    CALL etl.split_by_largest_remainder('settled_platform_fee');
    CALL etl.split_by_largest_remainder('settled_transaction_fee');
    CALL etl.split_by_largest_remainder('settled_affiliate');
    CALL etl.split_by_largest_remainder('settled_shipping');
    CALL etl.split_by_largest_remainder('settled_amount');
    ANALYZE etl.work_split;

    UPDATE etl.work_order_line AS line
    SET platform_fee = settled_part.platform_fee,
        transaction_fee = settled_part.transaction_fee,
        affiliate_commission = settled_part.affiliate_commission,
        shipping_cost = settled_part.shipping_cost,
        tiktok_settlement_amount = settled_part.settlement_amount,
        fee_basis = 'settled'
    FROM (
        SELECT part_id AS line_number,
               SUM(CASE WHEN split_name = 'settled_platform_fee' THEN part_amount ELSE 0 END) AS platform_fee,
               SUM(CASE WHEN split_name = 'settled_transaction_fee' THEN part_amount ELSE 0 END) AS transaction_fee,
               SUM(CASE WHEN split_name = 'settled_affiliate' THEN part_amount ELSE 0 END) AS affiliate_commission,
               SUM(CASE WHEN split_name = 'settled_shipping' THEN part_amount ELSE 0 END) AS shipping_cost,
               SUM(CASE WHEN split_name = 'settled_amount' THEN part_amount ELSE 0 END) AS settlement_amount
        FROM etl.work_split
        WHERE split_name LIKE 'settled%'
        GROUP BY part_id
    ) AS settled_part
    WHERE settled_part.line_number = line.line_number;

    -- Estimated fees where TikTok has not settled yet: rates by shop and date (stg.cost_setting,
    -- else etl.setting), refund administration fee included, affiliate from the creator feed.
    CREATE TEMP TABLE line_rate ON COMMIT DROP AS
    WITH shop_cost_setting AS (
        SELECT setting.*, LEAD(effective_from) OVER (PARTITION BY shop_id ORDER BY effective_from) AS next_effective_from
        FROM stg.cost_setting AS setting
    )
    SELECT line.line_number,
           COALESCE(setting.commission_rate, etl.setting_number('commission_rate')) AS commission_rate,
           COALESCE(setting.payment_rate, etl.setting_number('payment_rate')) AS payment_rate,
           COALESCE(setting.refund_admin_fee_share, etl.setting_number('refund_admin_fee_share')) AS refund_admin_fee_share,
           COALESCE(setting.refund_admin_fee_cap, etl.setting_number('refund_admin_fee_cap')) AS refund_admin_fee_cap,
           COALESCE(setting.shipping_cost_per_order, etl.setting_number('shipping_cost_per_order')) AS shipping_cost_per_order,
           COALESCE(setting.packaging_cost_per_unit, etl.setting_number('packaging_cost_per_unit')) AS packaging_cost_per_unit,
           COALESCE(setting.fee_per_order, etl.setting_number('fee_per_order')) AS fee_per_order
    FROM etl.work_order_line AS line
    JOIN dim.date AS d ON d.date_key = line.date_key
    LEFT JOIN shop_cost_setting AS setting
      ON setting.shop_id = line.shop_id AND d.calendar_date >= setting.effective_from
     AND (setting.next_effective_from IS NULL OR d.calendar_date < setting.next_effective_from);

    UPDATE etl.work_order_line AS line
    SET platform_fee = ROUND(line.net_revenue * rate.commission_rate, 2)
                       + CASE WHEN line.refund_amount > 0
                              THEN LEAST(ROUND(rate.refund_admin_fee_share * rate.commission_rate * line.refund_amount, 2), rate.refund_admin_fee_cap)
                              ELSE 0 END,
        transaction_fee = ROUND(line.net_revenue * rate.payment_rate, 2)
    FROM line_rate AS rate
    WHERE rate.line_number = line.line_number AND line.fee_basis = 'estimated' AND line.is_revenue;

    UPDATE etl.work_order_line AS line
    SET affiliate_commission = CASE WHEN line.refund_amount = 0 THEN affiliate.estimated_commission
                                    ELSE ROUND(affiliate.commission_rate * line.net_revenue, 2) END
    FROM stg.affiliate_order AS affiliate
    WHERE affiliate.shop_id = line.shop_id AND affiliate.order_id = line.order_id
      AND affiliate.order_line_item_id = line.line_item_id
      AND line.fee_basis = 'estimated' AND line.is_revenue;

    -- The seller's shipping rate card (stg.shipping_rate) for each paid order: the card in force
    -- on its paid date, the highest units band the order reaches. Orders no band covers keep the
    -- flat shipping_cost_per_order of the cost settings.
    CREATE TEMP TABLE order_shipping_rate ON COMMIT DROP AS
    WITH paid_order AS (
        SELECT line.order_number, MIN(line.shop_id) AS shop_id, MIN(d.calendar_date) AS paid_date, SUM(line.quantity) AS units
        FROM etl.work_order_line AS line
        JOIN dim.date AS d ON d.date_key = line.date_key
        WHERE line.paid_time IS NOT NULL
          AND EXISTS (SELECT 1 FROM stg.shipping_rate AS card WHERE card.shop_id = line.shop_id)
        GROUP BY line.order_number
    ),
    card_in_force AS (
        SELECT paid_order.order_number, paid_order.shop_id, paid_order.units, MAX(card.effective_from) AS effective_from
        FROM paid_order
        JOIN stg.shipping_rate AS card ON card.shop_id = paid_order.shop_id AND card.effective_from <= paid_order.paid_date
        GROUP BY paid_order.order_number, paid_order.shop_id, paid_order.units
    ),
    band_reached AS (
        SELECT card_in_force.order_number, card.cost_per_order,
               ROW_NUMBER() OVER (PARTITION BY card_in_force.order_number ORDER BY card.min_units DESC) AS band_rank
        FROM card_in_force
        JOIN stg.shipping_rate AS card
          ON card.shop_id = card_in_force.shop_id AND card.effective_from = card_in_force.effective_from
         AND card.min_units <= card_in_force.units
    )
    SELECT order_number, cost_per_order FROM band_reached WHERE band_rank = 1;

    -- Order-level costs split to lines: estimated shipping for orders TikTok has not settled,
    -- and the per-order fee.
    INSERT INTO etl.work_split (split_name, whole_id, part_id, whole_amount, weight)
    WITH order_cost AS (
        SELECT line.order_number, line.line_number,
               CASE p_allocation_method
                   WHEN 'units' THEN line.quantity
                   WHEN 'margin' THEN CASE WHEN MIN(line.gmv - line.cogs) OVER (PARTITION BY line.order_number) > 0
                                           THEN line.gmv - line.cogs ELSE line.gmv END
                   ELSE line.gmv END AS weight,
               CASE WHEN MAX(CASE WHEN line.fee_basis = 'settled' THEN 1 ELSE 0 END) OVER (PARTITION BY line.order_number) = 0
                    THEN COALESCE(card.cost_per_order, MAX(rate.shipping_cost_per_order) OVER (PARTITION BY line.order_number))
                    ELSE 0 END AS estimated_shipping,
               MAX(rate.fee_per_order) OVER (PARTITION BY line.order_number) AS order_fee
        FROM etl.work_order_line AS line
        JOIN line_rate AS rate ON rate.line_number = line.line_number
        LEFT JOIN order_shipping_rate AS card ON card.order_number = line.order_number
        WHERE line.paid_time IS NOT NULL
    )
    SELECT measure.split_name, order_cost.order_number, order_cost.line_number, measure.whole_amount, order_cost.weight
    FROM order_cost
    CROSS JOIN LATERAL (VALUES
        ('estimated_shipping', order_cost.estimated_shipping),
        ('order_fee', order_cost.order_fee)) AS measure (split_name, whole_amount)
    WHERE measure.whole_amount <> 0
    ORDER BY measure.split_name, order_cost.order_number, order_cost.line_number;  -- key order (see order_voucher)
    ANALYZE etl.work_split;  -- fresh statistics: with the last run's, a new split looks empty and the split loops
    CALL etl.split_by_largest_remainder('estimated_shipping');
    CALL etl.split_by_largest_remainder('order_fee');

    UPDATE etl.work_order_line AS line
    SET shipping_cost = line.shipping_cost + split.part_amount
    FROM etl.work_split AS split
    WHERE split.split_name = 'estimated_shipping' AND split.part_id = line.line_number;

    UPDATE etl.work_order_line AS line
    SET other_variable_cost = CASE WHEN line.paid_time IS NULL THEN 0 ELSE rate.packaging_cost_per_unit * line.quantity END
    FROM line_rate AS rate
    WHERE rate.line_number = line.line_number;

    UPDATE etl.work_order_line AS line
    SET other_variable_cost = line.other_variable_cost + split.part_amount
    FROM etl.work_split AS split
    WHERE split.split_name = 'order_fee' AND split.part_id = line.line_number;

    UPDATE etl.work_order_line
    SET contribution_before_ads = net_revenue - platform_fee - transaction_fee - affiliate_commission
                                  - shipping_cost - cogs - other_variable_cost;
END;
$$;
