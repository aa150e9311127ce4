-- Profit model section 1: every figure of every order line on the affected days.
-- Order-level amounts (vouchers, estimated shipping, per-order fees) and SKU-level settlement
-- amounts are split to lines by etl.split_by_largest_remainder, so parts sum to their wholes.
DROP PROCEDURE IF EXISTS etl.compute_order_line;
GO

CREATE PROCEDURE etl.compute_order_line
    @p_run_id bigint,
    @p_allocation_method nvarchar(100),
    @p_click_window_days int,
    @p_view_window_days int,
    @p_rows_written bigint = 0 OUTPUT
AS
BEGIN
    SET NOCOUNT ON;
    SET XACT_ABORT ON;
    DECLARE @own_transaction bit = CASE WHEN @@TRANCOUNT = 0 THEN 1 ELSE 0 END;
    DECLARE @v_unmapped_time_zones nvarchar(max);
    DECLARE @v_message nvarchar(2048);
    BEGIN TRY
        IF @own_transaction = 1 BEGIN TRANSACTION;

        -- The profit model's defaults (etl.setting), read once.
        DECLARE @v_default_commission_rate decimal(19,6) = etl.setting_number(N'commission_rate');
        DECLARE @v_default_payment_rate decimal(19,6) = etl.setting_number(N'payment_rate');
        DECLARE @v_default_refund_admin_fee_share decimal(19,6) = etl.setting_number(N'refund_admin_fee_share');
        DECLARE @v_default_refund_admin_fee_cap decimal(19,6) = etl.setting_number(N'refund_admin_fee_cap');
        DECLARE @v_default_shipping_cost_per_order decimal(19,6) = etl.setting_number(N'shipping_cost_per_order');
        DECLARE @v_default_packaging_cost_per_unit decimal(19,6) = etl.setting_number(N'packaging_cost_per_unit');
        DECLARE @v_default_fee_per_order decimal(19,6) = etl.setting_number(N'fee_per_order');

        -- PostgreSQL refuses an unknown time zone name; so does this, instead of dropping the shop's orders.
        SELECT @v_unmapped_time_zones = STRING_AGG(CAST(CONCAT(shop.shop_id, N' (', shop.time_zone, N')') AS nvarchar(max)), N', ')
        FROM dim.shop AS shop
        WHERE NOT EXISTS (SELECT 1 FROM etl.time_zone_map AS tz WHERE tz.iana_name = shop.time_zone);
        IF @v_unmapped_time_zones IS NOT NULL
        BEGIN
            SET @v_message = LEFT(CONCAT(N'Time zone not in etl.time_zone_map for shop(s): ', @v_unmapped_time_zones), 2048);
            THROW 50001, @v_message, 1;
        END;

        -- Source figures of each line: list amount, line discounts, refunds, restocked units, COGS.
        WITH shop_order_day AS (
            SELECT o.shop_id, o.order_id, o.status, o.user_id, o.paid_time, shop.shop_key, d.date_key,
                   d.calendar_date AS order_date,
                   CASE WHEN o.paid_time IS NOT NULL AND o.is_sample_order = 0 AND o.is_replacement_order = 0
                        THEN CAST(1 AS bit) ELSE CAST(0 AS bit) END AS is_revenue
            FROM stg.shop_order AS o
            JOIN dim.shop AS shop ON shop.shop_id = o.shop_id
            JOIN etl.time_zone_map AS tz ON tz.iana_name = shop.time_zone
            CROSS APPLY (VALUES (COALESCE(o.paid_time, o.create_time))) AS epoch (t)
            JOIN dim.date AS d
              ON d.calendar_date = CAST(DATEADD(second, CAST(epoch.t % 86400 AS int),
                                                DATEADD(day, CAST(epoch.t / 86400 AS int), CAST('1970-01-01' AS datetime2)))
                                        AT TIME ZONE 'UTC' AT TIME ZONE tz.windows_name AS date)
            WHERE d.date_key IN (SELECT date_key FROM etl.work_affected_date)
        ),
        returned_line AS (
            SELECT return_line.shop_id, return_line.order_id, return_line.order_line_item_id,
                   SUM(return_line.refund_amount) AS refund_amount,
                   SUM(CASE WHEN return_order.return_type = N'RETURN_AND_REFUND' THEN 1 ELSE 0 END) AS restockable_units
            FROM stg.return_line_item AS return_line
            JOIN stg.return_order AS return_order
              ON return_order.shop_id = return_line.shop_id AND return_order.return_id = return_line.return_id
            WHERE return_order.return_status NOT IN (N'RETURN_OR_REFUND_REQUEST_REJECT', N'RETURN_OR_REFUND_REQUEST_CANCEL')
              AND EXISTS (SELECT 1 FROM shop_order_day AS o WHERE o.shop_id = return_line.shop_id AND o.order_id = return_line.order_id)
            GROUP BY return_line.shop_id, return_line.order_id, return_line.order_line_item_id
        ),
        cancelled_line AS (
            SELECT cancel_line.shop_id, cancel_line.order_id, cancel_line.order_line_item_id,
                   SUM(cancel_line.refund_amount) AS refund_amount
            FROM stg.cancellation_line_item AS cancel_line
            JOIN stg.cancellation AS cancellation
              ON cancellation.shop_id = cancel_line.shop_id AND cancellation.cancel_id = cancel_line.cancel_id
            WHERE cancellation.cancel_status NOT IN (N'CANCELLATION_REQUEST_REJECT', N'CANCELLATION_REQUEST_CANCEL')
              AND EXISTS (SELECT 1 FROM shop_order_day AS o WHERE o.shop_id = cancel_line.shop_id AND o.order_id = cancel_line.order_id)
            GROUP BY cancel_line.shop_id, cancel_line.order_id, cancel_line.order_line_item_id
        ),
        source_line AS (
            SELECT o.shop_id, o.order_id, o.status, o.user_id, o.paid_time, o.shop_key, o.date_key, o.is_revenue,
                   line.line_item_id, line.sku_id, line.product_id, line.quantity,
                   COALESCE(product.product_key, 0) AS product_key,
                   CASE WHEN o.is_revenue = 1 THEN line.original_price * line.quantity ELSE 0 END AS list_amount,
                   CASE WHEN o.is_revenue = 1 THEN line.seller_discount ELSE 0 END AS seller_discount,
                   CASE WHEN o.is_revenue = 1 THEN line.platform_discount ELSE 0 END AS platform_discount,
                   CASE WHEN o.is_revenue = 1 THEN COALESCE(returned_line.refund_amount, 0) + COALESCE(cancelled_line.refund_amount, 0) ELSE 0 END AS refund_amount,
                   CASE WHEN o.paid_time IS NULL THEN line.quantity
                        WHEN cancelled_line.order_line_item_id IS NOT NULL THEN line.quantity
                        WHEN COALESCE(returned_line.restockable_units, 0) < line.quantity THEN COALESCE(returned_line.restockable_units, 0)
                        ELSE line.quantity END AS restocked_units,
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
        INSERT INTO etl.work_order_line (
            line_number, order_number, shop_id, sku_id, product_id, buyer_user_id, paid_time,
            shop_key, order_id, line_item_id, date_key, product_key, campaign_key, traffic_source_key,
            order_status, is_revenue, quantity, restocked_units, list_amount, seller_discount, platform_discount,
            gmv, refund_amount, net_revenue, platform_fee, transaction_fee, affiliate_commission, shipping_cost,
            cogs, other_variable_cost, contribution_before_ads, fee_basis, tiktok_settlement_amount,
            attribution_touch, click_window_days, view_window_days, allocation_method, etl_run_id)
        SELECT ROW_NUMBER() OVER (ORDER BY shop_id, order_id, line_item_id),
               DENSE_RANK() OVER (ORDER BY shop_id, order_id),
               shop_id, sku_id, product_id, user_id, paid_time,
               shop_key, order_id, line_item_id, date_key, product_key, 0, 1,
               status, is_revenue, quantity, restocked_units, list_amount, seller_discount, platform_discount,
               list_amount - seller_discount, refund_amount, list_amount - seller_discount - refund_amount,
               0, 0, 0, 0,
               unit_cost * (quantity - restocked_units), 0, 0, N'estimated', NULL,
               NULL, @p_click_window_days, @p_view_window_days, @p_allocation_method, @p_run_id
        FROM source_line;
        SET @p_rows_written = @@ROWCOUNT;
        -- Fresh work tables have no statistics; without them the planner loops.
        UPDATE STATISTICS etl.work_order_line;

        -- Order-level seller vouchers: what the order's seller discount holds beyond its lines' own.
        WITH order_voucher AS (
            SELECT line.order_number, MAX(o.seller_discount) - SUM(line.seller_discount) AS voucher_amount
            FROM etl.work_order_line AS line
            JOIN stg.shop_order AS o ON o.shop_id = line.shop_id AND o.order_id = line.order_id
            WHERE line.is_revenue = 1
            GROUP BY line.order_number
        )
        INSERT INTO etl.work_split (split_name, whole_id, part_id, whole_amount, weight)
        SELECT N'order_voucher', line.order_number, line.line_number, order_voucher.voucher_amount,
               CASE @p_allocation_method
                   WHEN N'units' THEN line.quantity
                   WHEN N'margin' THEN CASE WHEN MIN(line.gmv - line.cogs) OVER (PARTITION BY line.order_number) > 0
                                            THEN line.gmv - line.cogs ELSE line.gmv END
                   ELSE line.gmv END
        FROM etl.work_order_line AS line
        JOIN order_voucher ON order_voucher.order_number = line.order_number
        WHERE line.is_revenue = 1 AND order_voucher.voucher_amount <> 0
        ORDER BY line.order_number, line.line_number;  -- key order: appends to the primary key instead of scattering
        UPDATE STATISTICS etl.work_split;  -- fresh statistics: with the last run's, a new split looks empty and the split loops
        EXEC etl.split_by_largest_remainder @p_split_name = N'order_voucher';

        UPDATE line
        SET seller_discount = line.seller_discount + split.part_amount,
            gmv = line.gmv - split.part_amount,
            net_revenue = line.net_revenue - split.part_amount
        FROM etl.work_order_line AS line
        JOIN etl.work_split AS split ON split.split_name = N'order_voucher' AND split.part_id = line.line_number;

        -- Settled fees, normalised to positive costs whatever sign convention they arrive in:
        -- TikTok's SKU statement transactions, split over the units of that SKU in the order; for
        -- orders without them, the order-level income export, split over the order's lines by the
        -- allocation method (its wholes get negative ids, so the two never share one).
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
               CAST(line.quantity AS decimal(38,10)) AS weight,
               settlement.platform_fee, settlement.transaction_fee, settlement.affiliate_commission,
               settlement.shipping_cost, settlement.settlement_amount
        INTO #settled_sku
        FROM etl.work_order_line AS line
        JOIN settlement ON settlement.shop_id = line.shop_id AND settlement.order_id = line.order_id AND settlement.sku_id = line.sku_id;

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
               CAST(CASE @p_allocation_method
                        WHEN N'units' THEN line.quantity
                        WHEN N'margin' THEN CASE WHEN MIN(line.gmv - line.cogs) OVER (PARTITION BY line.order_number) > 0
                                                 THEN line.gmv - line.cogs ELSE line.gmv END
                        ELSE line.gmv END AS decimal(38,10)) AS weight,
               settlement.platform_fee, settlement.transaction_fee, settlement.affiliate_commission,
               settlement.shipping_cost, settlement.settlement_amount
        INTO #settled_order
        FROM etl.work_order_line AS line
        JOIN settlement ON settlement.shop_id = line.shop_id AND settlement.order_id = line.order_id
        WHERE NOT EXISTS (SELECT 1 FROM #settled_sku AS settled_sku WHERE settled_sku.order_number = line.order_number);

        INSERT INTO etl.work_split (split_name, whole_id, part_id, whole_amount, weight)
        SELECT measure.split_name, settled.whole_id, settled.line_number, measure.whole_amount, settled.weight
        FROM (SELECT * FROM #settled_sku UNION ALL SELECT * FROM #settled_order) AS settled
        CROSS APPLY (VALUES
            (N'settled_platform_fee', settled.platform_fee),
            (N'settled_transaction_fee', settled.transaction_fee),
            (N'settled_affiliate', settled.affiliate_commission),
            (N'settled_shipping', settled.shipping_cost),
            (N'settled_amount', settled.settlement_amount)) AS measure (split_name, whole_amount)
        ORDER BY measure.split_name, settled.whole_id, settled.line_number;  -- key order (see order_voucher)
        UPDATE STATISTICS etl.work_split;  -- fresh statistics: with the last run's, a new split looks empty and the split loops
        EXEC etl.split_by_largest_remainder @p_split_name = N'settled_platform_fee';
        EXEC etl.split_by_largest_remainder @p_split_name = N'settled_transaction_fee';
        EXEC etl.split_by_largest_remainder @p_split_name = N'settled_affiliate';
        EXEC etl.split_by_largest_remainder @p_split_name = N'settled_shipping';
        EXEC etl.split_by_largest_remainder @p_split_name = N'settled_amount';
        UPDATE STATISTICS etl.work_split;

        UPDATE line
        SET platform_fee = settled_part.platform_fee,
            transaction_fee = settled_part.transaction_fee,
            affiliate_commission = settled_part.affiliate_commission,
            shipping_cost = settled_part.shipping_cost,
            tiktok_settlement_amount = settled_part.settlement_amount,
            fee_basis = N'settled'
        FROM etl.work_order_line AS line
        JOIN (
            SELECT part_id AS line_number,
                   SUM(CASE WHEN split_name = N'settled_platform_fee' THEN part_amount ELSE 0 END) AS platform_fee,
                   SUM(CASE WHEN split_name = N'settled_transaction_fee' THEN part_amount ELSE 0 END) AS transaction_fee,
                   SUM(CASE WHEN split_name = N'settled_affiliate' THEN part_amount ELSE 0 END) AS affiliate_commission,
                   SUM(CASE WHEN split_name = N'settled_shipping' THEN part_amount ELSE 0 END) AS shipping_cost,
                   SUM(CASE WHEN split_name = N'settled_amount' THEN part_amount ELSE 0 END) AS settlement_amount
            FROM etl.work_split
            WHERE split_name LIKE N'settled%'
            GROUP BY part_id
        ) AS settled_part ON settled_part.line_number = line.line_number;

        -- Estimated fees where TikTok has not settled yet: rates by shop and date (stg.cost_setting,
        -- else etl.setting), refund administration fee included, affiliate from the creator feed.
        -- Rates are decimal(9,6) as in stg.cost_setting, so rate x amount stays exact before ROUND.
        WITH shop_cost_setting AS (
            SELECT setting.*, LEAD(effective_from) OVER (PARTITION BY shop_id ORDER BY effective_from) AS next_effective_from
            FROM stg.cost_setting AS setting
        )
        SELECT line.line_number,
               CAST(COALESCE(setting.commission_rate, @v_default_commission_rate) AS decimal(9,6)) AS commission_rate,
               CAST(COALESCE(setting.payment_rate, @v_default_payment_rate) AS decimal(9,6)) AS payment_rate,
               CAST(COALESCE(setting.refund_admin_fee_share, @v_default_refund_admin_fee_share) AS decimal(9,6)) AS refund_admin_fee_share,
               COALESCE(setting.refund_admin_fee_cap, @v_default_refund_admin_fee_cap) AS refund_admin_fee_cap,
               COALESCE(setting.shipping_cost_per_order, @v_default_shipping_cost_per_order) AS shipping_cost_per_order,
               COALESCE(setting.packaging_cost_per_unit, @v_default_packaging_cost_per_unit) AS packaging_cost_per_unit,
               COALESCE(setting.fee_per_order, @v_default_fee_per_order) AS fee_per_order
        INTO #line_rate
        FROM etl.work_order_line AS line
        JOIN dim.date AS d ON d.date_key = line.date_key
        LEFT JOIN shop_cost_setting AS setting
          ON setting.shop_id = line.shop_id AND d.calendar_date >= setting.effective_from
         AND (setting.next_effective_from IS NULL OR d.calendar_date < setting.next_effective_from);

        -- LEAST(admin fee, cap) of PostgreSQL, which ignores a NULL argument.
        UPDATE line
        SET platform_fee = ROUND(line.net_revenue * rate.commission_rate, 2)
                           + CASE WHEN line.refund_amount > 0
                                  THEN CASE WHEN admin_fee.amount IS NULL THEN rate.refund_admin_fee_cap
                                            WHEN rate.refund_admin_fee_cap IS NULL OR admin_fee.amount < rate.refund_admin_fee_cap THEN admin_fee.amount
                                            ELSE rate.refund_admin_fee_cap END
                                  ELSE 0 END,
            transaction_fee = ROUND(line.net_revenue * rate.payment_rate, 2)
        FROM etl.work_order_line AS line
        JOIN #line_rate AS rate ON rate.line_number = line.line_number
        CROSS APPLY (VALUES (ROUND(rate.refund_admin_fee_share * rate.commission_rate * line.refund_amount, 2))) AS admin_fee (amount)
        WHERE line.fee_basis = N'estimated' AND line.is_revenue = 1;

        UPDATE line
        SET affiliate_commission = CASE WHEN line.refund_amount = 0 THEN affiliate.estimated_commission
                                        ELSE ROUND(affiliate.commission_rate * line.net_revenue, 2) END
        FROM etl.work_order_line AS line
        JOIN stg.affiliate_order AS affiliate
          ON affiliate.shop_id = line.shop_id AND affiliate.order_id = line.order_id
         AND affiliate.order_line_item_id = line.line_item_id
        WHERE line.fee_basis = N'estimated' AND line.is_revenue = 1;

        -- The seller's shipping rate card (stg.shipping_rate) for each paid order: the card in force
        -- on its paid date, the highest units band the order reaches. Orders no band covers keep the
        -- flat shipping_cost_per_order of the cost settings.
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
        SELECT order_number, cost_per_order
        INTO #order_shipping_rate
        FROM band_reached
        WHERE band_rank = 1;

        -- Order-level costs split to lines: estimated shipping for orders TikTok has not settled,
        -- and the per-order fee.
        WITH order_cost AS (
            SELECT line.order_number, line.line_number,
                   CASE @p_allocation_method
                       WHEN N'units' THEN line.quantity
                       WHEN N'margin' THEN CASE WHEN MIN(line.gmv - line.cogs) OVER (PARTITION BY line.order_number) > 0
                                                THEN line.gmv - line.cogs ELSE line.gmv END
                       ELSE line.gmv END AS weight,
                   CASE WHEN MAX(CASE WHEN line.fee_basis = N'settled' THEN 1 ELSE 0 END) OVER (PARTITION BY line.order_number) = 0
                        THEN COALESCE(card.cost_per_order, MAX(rate.shipping_cost_per_order) OVER (PARTITION BY line.order_number))
                        ELSE 0 END AS estimated_shipping,
                   MAX(rate.fee_per_order) OVER (PARTITION BY line.order_number) AS order_fee
            FROM etl.work_order_line AS line
            JOIN #line_rate AS rate ON rate.line_number = line.line_number
            LEFT JOIN #order_shipping_rate AS card ON card.order_number = line.order_number
            WHERE line.paid_time IS NOT NULL
        )
        INSERT INTO etl.work_split (split_name, whole_id, part_id, whole_amount, weight)
        SELECT measure.split_name, order_cost.order_number, order_cost.line_number, measure.whole_amount, order_cost.weight
        FROM order_cost
        CROSS APPLY (VALUES
            (N'estimated_shipping', order_cost.estimated_shipping),
            (N'order_fee', order_cost.order_fee)) AS measure (split_name, whole_amount)
        WHERE measure.whole_amount <> 0
        ORDER BY measure.split_name, order_cost.order_number, order_cost.line_number;  -- key order (see order_voucher)
        UPDATE STATISTICS etl.work_split;  -- fresh statistics: with the last run's, a new split looks empty and the split loops
        EXEC etl.split_by_largest_remainder @p_split_name = N'estimated_shipping';
        EXEC etl.split_by_largest_remainder @p_split_name = N'order_fee';

        UPDATE line
        SET shipping_cost = line.shipping_cost + split.part_amount
        FROM etl.work_order_line AS line
        JOIN etl.work_split AS split ON split.split_name = N'estimated_shipping' AND split.part_id = line.line_number;

        UPDATE line
        SET other_variable_cost = CASE WHEN line.paid_time IS NULL THEN 0 ELSE rate.packaging_cost_per_unit * line.quantity END
        FROM etl.work_order_line AS line
        JOIN #line_rate AS rate ON rate.line_number = line.line_number;

        UPDATE line
        SET other_variable_cost = line.other_variable_cost + split.part_amount
        FROM etl.work_order_line AS line
        JOIN etl.work_split AS split ON split.split_name = N'order_fee' AND split.part_id = line.line_number;

        UPDATE etl.work_order_line
        SET contribution_before_ads = net_revenue - platform_fee - transaction_fee - affiliate_commission
                                      - shipping_cost - cogs - other_variable_cost;

        DROP TABLE #settled_sku;
        DROP TABLE #settled_order;
        DROP TABLE #line_rate;
        DROP TABLE #order_shipping_rate;

        IF @own_transaction = 1 COMMIT TRANSACTION;
    END TRY
    BEGIN CATCH
        IF @own_transaction = 1 AND XACT_STATE() <> 0 ROLLBACK TRANSACTION;
        THROW;
    END CATCH;
END;
GO
