-- Profit model section 1: every figure of every order line on the affected days. An incremental
-- run computes the lines of the changed orders (and of every order on etl.work_order_day) and takes
-- the other lines of the affected days as published (issue 12, per-order restating).
-- Order-level amounts (vouchers, estimated shipping, per-order fees) and SKU-level settlement
-- amounts are split to lines by etl.split_by_largest_remainder, so parts sum to their wholes
-- (the five settled amounts of a whole in one pass of the same arithmetic, below).
--
-- Written for speed (issue 7), as the PostgreSQL twin: every figure is computed in temporary
-- tables and the lines are written to etl.work_order_line once, by one INSERT, instead of an
-- INSERT and ten UPDATE passes. Only wholes with more than one part go through etl.work_split:
-- a whole with a single part (a single-line order, a SKU on one line of its order) is its own
-- part, rounded to the cent as the split rounds it: ROUND(whole, 2).
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

        -- The orders whose lines are computed: every order of the days whose orders are all recomputed
        -- (every day of a full rebuild), and the changed orders on the other affected days. A table
        -- with statistics, as the PostgreSQL twin (whose planner guessed a CTE of it at 16 rows). Two
        -- statements, as PostgreSQL's two branches: an incremental run with no whole day reads only its
        -- changed orders, not every staged order through AT TIME ZONE.
        SELECT o.shop_id, o.order_id, o.status, o.user_id, o.paid_time, shop.shop_key, d.date_key,
               d.calendar_date AS order_date, o.seller_discount AS order_seller_discount,
               CASE WHEN o.paid_time IS NOT NULL AND o.is_sample_order = 0 AND o.is_replacement_order = 0
                    THEN CAST(1 AS bit) ELSE CAST(0 AS bit) END AS is_revenue
        INTO #shop_order_day
        FROM etl.work_changed_order AS changed
        JOIN stg.shop_order AS o ON o.shop_id = changed.shop_id AND o.order_id = changed.order_id
        JOIN dim.shop AS shop ON shop.shop_id = o.shop_id
        JOIN etl.time_zone_map AS tz ON tz.iana_name = shop.time_zone
        CROSS APPLY (VALUES (COALESCE(o.paid_time, o.create_time))) AS epoch (t)
        JOIN dim.date AS d
          ON d.calendar_date = CAST(DATEADD(second, CAST(epoch.t % 86400 AS int),
                                            DATEADD(day, CAST(epoch.t / 86400 AS int), CAST('1970-01-01' AS datetime2)))
                                    AT TIME ZONE 'UTC' AT TIME ZONE tz.windows_name AS date)
        WHERE d.date_key IN (SELECT date_key FROM etl.work_affected_date)
          AND d.date_key NOT IN (SELECT date_key FROM etl.work_order_day);

        IF EXISTS (SELECT 1 FROM etl.work_order_day)
            INSERT INTO #shop_order_day (shop_id, order_id, status, user_id, paid_time, shop_key, date_key,
                                         order_date, order_seller_discount, is_revenue)
            SELECT o.shop_id, o.order_id, o.status, o.user_id, o.paid_time, shop.shop_key, d.date_key,
                   d.calendar_date, o.seller_discount,
                   CASE WHEN o.paid_time IS NOT NULL AND o.is_sample_order = 0 AND o.is_replacement_order = 0
                        THEN CAST(1 AS bit) ELSE CAST(0 AS bit) END
            FROM stg.shop_order AS o
            JOIN dim.shop AS shop ON shop.shop_id = o.shop_id
            JOIN etl.time_zone_map AS tz ON tz.iana_name = shop.time_zone
            CROSS APPLY (VALUES (COALESCE(o.paid_time, o.create_time))) AS epoch (t)
            JOIN dim.date AS d
              ON d.calendar_date = CAST(DATEADD(second, CAST(epoch.t % 86400 AS int),
                                                DATEADD(day, CAST(epoch.t / 86400 AS int), CAST('1970-01-01' AS datetime2)))
                                        AT TIME ZONE 'UTC' AT TIME ZONE tz.windows_name AS date)
            WHERE d.date_key IN (SELECT date_key FROM etl.work_order_day);

        -- Source figures of each line: list amount, line discounts, refunds, restocked units, COGS;
        -- with its order's seller discount and number of lines.
        WITH shop_order_day AS (
            SELECT * FROM #shop_order_day
        ),
        returned_line AS (
            SELECT return_line.shop_id, return_line.order_id, return_line.order_line_item_id,
                   SUM(return_line.refund_amount) AS refund_amount,
                   SUM(CASE WHEN return_order.return_type = N'RETURN_AND_REFUND' THEN 1 ELSE 0 END) AS restockable_units
            FROM stg.return_line_item AS return_line
            JOIN stg.return_order AS return_order
              ON return_order.shop_id = return_line.shop_id AND return_order.return_id = return_line.return_id
            WHERE return_order.return_status NOT IN (N'RETURN_OR_REFUND_REQUEST_REJECT', N'RETURN_OR_REFUND_REQUEST_CANCEL')
              -- one refund counted once: the order export's copy only where no other source (API, returns export) has the order's
              AND NOT (COALESCE(return_order.refund_source, N'') = N'order_export' AND EXISTS (
                      SELECT 1 FROM stg.return_order AS other
                      WHERE other.shop_id = return_order.shop_id AND other.order_id = return_order.order_id
                        AND COALESCE(other.refund_source, N'') <> N'order_export'
                        AND other.return_status NOT IN (N'RETURN_OR_REFUND_REQUEST_REJECT', N'RETURN_OR_REFUND_REQUEST_CANCEL')))
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
              AND NOT (COALESCE(cancellation.refund_source, N'') = N'order_export' AND EXISTS (
                      SELECT 1 FROM stg.cancellation AS other
                      WHERE other.shop_id = cancellation.shop_id AND other.order_id = cancellation.order_id
                        AND COALESCE(other.refund_source, N'') <> N'order_export'
                        AND other.cancel_status NOT IN (N'CANCELLATION_REQUEST_REJECT', N'CANCELLATION_REQUEST_CANCEL')))
              AND EXISTS (SELECT 1 FROM shop_order_day AS o WHERE o.shop_id = cancel_line.shop_id AND o.order_id = cancel_line.order_id)
            GROUP BY cancel_line.shop_id, cancel_line.order_id, cancel_line.order_line_item_id
        ),
        source_line AS (
            SELECT o.shop_id, o.order_id, o.status, o.user_id, o.paid_time, o.shop_key, o.date_key, o.order_date, o.is_revenue,
                   o.order_seller_discount, line.line_item_id, line.sku_id,
                   COALESCE(product.product_id, line.product_id) AS product_id, line.quantity,  -- product id: the catalogue's, once it has the SKU
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
        SELECT ROW_NUMBER() OVER (ORDER BY shop_id, order_id, line_item_id) AS line_number,
               DENSE_RANK() OVER (ORDER BY shop_id, order_id) AS order_number,
               COUNT(*) OVER (PARTITION BY shop_id, order_id) AS order_lines,
               shop_id, sku_id, product_id, user_id, paid_time, shop_key, order_id, line_item_id, date_key, order_date,
               product_key, status, is_revenue, quantity, restocked_units,
               CAST(list_amount AS decimal(19,4)) AS list_amount,
               CAST(seller_discount AS decimal(19,4)) AS seller_discount,
               CAST(platform_discount AS decimal(19,4)) AS platform_discount,
               CAST(refund_amount AS decimal(19,4)) AS refund_amount,
               CAST(unit_cost * (quantity - restocked_units) AS decimal(19,4)) AS cogs,
               order_seller_discount
        INTO #source_line
        FROM source_line;

        -- The settlement's refund (income export: Refund subtotal after seller discounts) is the most authoritative
        -- source: where it is not zero it replaces the order's refund from returns and the order export, split over
        -- the order's lines by their refunds from those (by gmv where they have none); a single line takes it whole.
        WITH settlement AS (
            SELECT shop_id, order_id, ABS(SUM(refund_subtotal_after_seller_discounts)) AS refund_amount
            FROM stg.order_settlement AS t
            WHERE EXISTS (SELECT 1 FROM #source_line AS line WHERE line.shop_id = t.shop_id AND line.order_id = t.order_id)
            GROUP BY shop_id, order_id
            HAVING SUM(refund_subtotal_after_seller_discounts) <> 0
        )
        SELECT line.line_number, line.order_number, line.order_lines, CAST(settlement.refund_amount AS decimal(19,4)) AS whole_amount,
               CASE WHEN SUM(line.refund_amount) OVER (PARTITION BY line.order_number) > 0 THEN line.refund_amount
                    ELSE line.list_amount - line.seller_discount END AS weight
        INTO #settled_refund
        FROM #source_line AS line
        JOIN settlement ON settlement.shop_id = line.shop_id AND settlement.order_id = line.order_id
        WHERE line.is_revenue = 1;

        INSERT INTO etl.work_split (split_name, whole_id, part_id, whole_amount, weight)
        SELECT N'settled_refund', order_number, line_number, whole_amount, weight
        FROM #settled_refund
        WHERE order_lines > 1
        ORDER BY order_number, line_number;
        UPDATE STATISTICS etl.work_split;
        EXEC etl.split_by_largest_remainder @p_split_name = N'settled_refund';

        UPDATE line
        SET refund_amount = CASE WHEN refund.order_lines = 1 THEN ROUND(refund.whole_amount, 2) ELSE split.part_amount END
        FROM #source_line AS line
        JOIN #settled_refund AS refund ON refund.line_number = line.line_number
        LEFT JOIN etl.work_split AS split ON split.split_name = N'settled_refund' AND split.part_id = refund.line_number;

        -- Order-level seller vouchers: what the order's seller discount holds beyond its lines' own.
        -- Orders of several lines split it here; a single-line order's line takes it whole (below).
        INSERT INTO etl.work_split (split_name, whole_id, part_id, whole_amount, weight)
        SELECT N'order_voucher', part.order_number, part.line_number, part.voucher_amount, part.weight
        FROM (
            SELECT line.order_number, line.line_number,
                   MAX(line.order_seller_discount) OVER (PARTITION BY line.order_number)
                       - SUM(line.seller_discount) OVER (PARTITION BY line.order_number) AS voucher_amount,
                   CASE @p_allocation_method
                       WHEN N'units' THEN line.quantity
                       WHEN N'margin' THEN CASE WHEN MIN(line.list_amount - line.seller_discount - line.cogs) OVER (PARTITION BY line.order_number) > 0
                                                THEN line.list_amount - line.seller_discount - line.cogs
                                                ELSE line.list_amount - line.seller_discount END
                       ELSE line.list_amount - line.seller_discount END AS weight
            FROM #source_line AS line
            WHERE line.is_revenue = 1 AND line.order_lines > 1
        ) AS part
        WHERE part.voucher_amount <> 0
        ORDER BY part.order_number, part.line_number;  -- key order: appends to the primary key instead of scattering
        UPDATE STATISTICS etl.work_split;  -- fresh statistics: with the last run's, a new split looks empty and the split loops
        EXEC etl.split_by_largest_remainder @p_split_name = N'order_voucher';

        -- Each line after its voucher share, with the cost settings in force on its day (stg.cost_setting,
        -- else etl.setting) and its creator commission from the affiliate feed.
        -- Rates are decimal(9,6) as in stg.cost_setting, so rate x amount stays exact before ROUND.
        WITH shop_cost_setting AS (
            SELECT setting.*, LEAD(effective_from) OVER (PARTITION BY shop_id ORDER BY effective_from) AS next_effective_from
            FROM stg.cost_setting AS setting
        ),
        voucher_line AS (
            SELECT line.*,
                   CASE WHEN line.is_revenue = 0 THEN 0
                        WHEN line.order_lines = 1 THEN ROUND(CAST(line.order_seller_discount - line.seller_discount AS decimal(19,4)), 2)
                        ELSE COALESCE(voucher.part_amount, 0) END AS voucher_part
            FROM #source_line AS line
            LEFT JOIN etl.work_split AS voucher ON voucher.split_name = N'order_voucher' AND voucher.part_id = line.line_number
        )
        SELECT line.line_number, line.order_number, line.order_lines, line.shop_id, line.sku_id, line.product_id,
               line.user_id, line.paid_time, line.shop_key, line.order_id, line.line_item_id, line.date_key, line.order_date,
               line.product_key, line.status, line.is_revenue, line.quantity, line.restocked_units, line.list_amount,
               CAST(line.seller_discount + line.voucher_part AS decimal(19,4)) AS seller_discount,
               line.platform_discount,
               CAST(line.list_amount - line.seller_discount - line.voucher_part AS decimal(19,4)) AS gmv,
               line.refund_amount,
               CAST(line.list_amount - line.seller_discount - line.refund_amount - line.voucher_part AS decimal(19,4)) AS net_revenue,
               line.cogs,
               CAST(COALESCE(setting.commission_rate, @v_default_commission_rate) AS decimal(9,6)) AS commission_rate,
               CAST(COALESCE(setting.payment_rate, @v_default_payment_rate) AS decimal(9,6)) AS payment_rate,
               CAST(COALESCE(setting.refund_admin_fee_share, @v_default_refund_admin_fee_share) AS decimal(9,6)) AS refund_admin_fee_share,
               COALESCE(setting.refund_admin_fee_cap, @v_default_refund_admin_fee_cap) AS refund_admin_fee_cap,
               COALESCE(setting.shipping_cost_per_order, @v_default_shipping_cost_per_order) AS shipping_cost_per_order,
               COALESCE(setting.packaging_cost_per_unit, @v_default_packaging_cost_per_unit) AS packaging_cost_per_unit,
               COALESCE(setting.fee_per_order, @v_default_fee_per_order) AS fee_per_order,
               affiliate.commission_rate AS affiliate_commission_rate,
               affiliate.estimated_commission AS affiliate_estimated_commission,
               CASE WHEN affiliate.order_id IS NOT NULL THEN 1 ELSE 0 END AS has_affiliate
        INTO #line_base
        FROM voucher_line AS line
        LEFT JOIN shop_cost_setting AS setting
          ON setting.shop_id = line.shop_id AND line.order_date >= setting.effective_from
         AND (setting.next_effective_from IS NULL OR line.order_date < setting.next_effective_from)
        LEFT JOIN stg.affiliate_order AS affiliate
          ON affiliate.shop_id = line.shop_id AND affiliate.order_id = line.order_id
         AND affiliate.order_line_item_id = line.line_item_id;

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
            WHERE EXISTS (SELECT 1 FROM #source_line AS line WHERE line.shop_id = t.shop_id AND line.order_id = t.order_id)
            GROUP BY shop_id, order_id, sku_id
        )
        SELECT line.line_number, line.order_number,
               MIN(line.line_number) OVER (PARTITION BY line.order_number, line.sku_id) AS whole_id,
               COUNT(*) OVER (PARTITION BY line.order_number, line.sku_id) AS parts,
               CAST(line.quantity AS decimal(38,10)) AS weight,
               settlement.platform_fee, settlement.transaction_fee, settlement.affiliate_commission,
               settlement.shipping_cost, settlement.settlement_amount
        INTO #settled_sku
        FROM #line_base AS line
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
            WHERE EXISTS (SELECT 1 FROM #source_line AS line WHERE line.shop_id = t.shop_id AND line.order_id = t.order_id)
            GROUP BY shop_id, order_id
        )
        SELECT settled_sku.line_number, settled_sku.order_number, settled_sku.whole_id, settled_sku.parts, settled_sku.weight,
               settled_sku.platform_fee, settled_sku.transaction_fee, settled_sku.affiliate_commission,
               settled_sku.shipping_cost, settled_sku.settlement_amount
        INTO #settled_line
        FROM #settled_sku AS settled_sku
        UNION ALL
        SELECT line.line_number, line.order_number, -line.order_number AS whole_id, line.order_lines AS parts,
               CAST(CASE @p_allocation_method
                        WHEN N'units' THEN line.quantity
                        WHEN N'margin' THEN CASE WHEN MIN(line.gmv - line.cogs) OVER (PARTITION BY line.order_number) > 0
                                                 THEN line.gmv - line.cogs ELSE line.gmv END
                        ELSE line.gmv END AS decimal(38,10)) AS weight,
               settlement.platform_fee, settlement.transaction_fee, settlement.affiliate_commission,
               settlement.shipping_cost, settlement.settlement_amount
        FROM #line_base AS line
        JOIN settlement ON settlement.shop_id = line.shop_id AND settlement.order_id = line.order_id
        WHERE NOT EXISTS (SELECT 1 FROM #settled_sku AS settled_sku WHERE settled_sku.order_number = line.order_number);

        -- The seller's shipping rate card (stg.shipping_rate) for each paid order: the card in force
        -- on its paid date, the highest units band the order reaches. Orders no band covers keep the
        -- flat shipping_cost_per_order of the cost settings.
        WITH paid_order AS (
            SELECT line.order_number, MIN(line.shop_id) AS shop_id, MIN(line.order_date) AS paid_date, SUM(line.quantity) AS units
            FROM #line_base AS line
            WHERE line.paid_time IS NOT NULL
              AND EXISTS (SELECT 1 FROM stg.shipping_rate AS card WHERE card.shop_id = line.shop_id)
            GROUP BY line.order_number
        ),
        -- the card and band depend only on the shop, the paid date and the units: look them up once
        -- per such combination (a few thousand), not once per order
        order_shape AS (
            SELECT DISTINCT shop_id, paid_date, units FROM paid_order
        ),
        card_in_force AS (
            SELECT order_shape.shop_id, order_shape.paid_date, order_shape.units, MAX(card.effective_from) AS effective_from
            FROM order_shape
            JOIN stg.shipping_rate AS card ON card.shop_id = order_shape.shop_id AND card.effective_from <= order_shape.paid_date
            GROUP BY order_shape.shop_id, order_shape.paid_date, order_shape.units
        ),
        band_reached AS (
            SELECT card_in_force.shop_id, card_in_force.paid_date, card_in_force.units, card.cost_per_order,
                   ROW_NUMBER() OVER (PARTITION BY card_in_force.shop_id, card_in_force.paid_date, card_in_force.units
                                      ORDER BY card.min_units DESC) AS band_rank
            FROM card_in_force
            JOIN stg.shipping_rate AS card
              ON card.shop_id = card_in_force.shop_id AND card.effective_from = card_in_force.effective_from
             AND card.min_units <= card_in_force.units
        )
        SELECT paid_order.order_number, band_reached.cost_per_order
        INTO #order_shipping_rate
        FROM paid_order
        JOIN band_reached
          ON band_reached.shop_id = paid_order.shop_id AND band_reached.paid_date = paid_order.paid_date
         AND band_reached.units = paid_order.units AND band_reached.band_rank = 1;

        -- Order-level costs of each paid order: estimated shipping for orders TikTok has not settled
        -- (no line settled), and the per-order fee; with what the allocation method needs to weigh its lines.
        SELECT line.order_number, MAX(line.order_lines) AS order_lines,
               CAST(CASE WHEN settled.order_number IS NULL
                         THEN COALESCE(MAX(card.cost_per_order), MAX(line.shipping_cost_per_order))
                         ELSE 0 END AS decimal(19,4)) AS estimated_shipping,
               CAST(MAX(line.fee_per_order) AS decimal(19,4)) AS order_fee,
               MIN(line.gmv - line.cogs) AS min_margin
        INTO #order_cost
        FROM #line_base AS line
        LEFT JOIN (SELECT DISTINCT order_number FROM #settled_line) AS settled ON settled.order_number = line.order_number
        LEFT JOIN #order_shipping_rate AS card ON card.order_number = line.order_number
        WHERE line.paid_time IS NOT NULL
        GROUP BY line.order_number, settled.order_number;

        -- The five settled amounts of a whole of several parts share its parts and weights, so they are
        -- split in one pass here instead of five passes of etl.split_by_largest_remainder (each a window
        -- query and an UPDATE of etl.work_split). Same arithmetic and types as that procedure, measure
        -- by measure: the whole as work_split.whole_amount stores it (decimal(19,4)), the weight as
        -- work_split.weight (decimal(38,10)); equal weights when they sum to zero; the cents the
        -- floored shares leave go to the largest remainders, then the lowest part_id.
        WITH part AS (
            SELECT settled.whole_id, settled.line_number AS part_id,
                   CAST(settled.platform_fee AS decimal(19,4)) AS platform_fee,
                   CAST(settled.transaction_fee AS decimal(19,4)) AS transaction_fee,
                   CAST(settled.affiliate_commission AS decimal(19,4)) AS affiliate_commission,
                   CAST(settled.shipping_cost AS decimal(19,4)) AS shipping_cost,
                   CAST(settled.settlement_amount AS decimal(19,4)) AS settlement_amount,
                   CAST(settled.weight AS decimal(38,10)) AS weight,
                   CASE WHEN SUM(CAST(settled.weight AS decimal(38,10))) OVER (PARTITION BY settled.whole_id) > 0
                        THEN CAST(settled.weight AS decimal(38,10)) ELSE 1 END AS effective_weight
            FROM #settled_line AS settled
            WHERE settled.parts > 1
        ),
        -- the weight's ratio (16 decimals) times the whole, in types narrow enough to keep 18 decimals,
        -- rounded to 10 so that equal shares tie (see etl.split_by_largest_remainder)
        weight_ratio AS (
            SELECT part.*,
                   CAST(CAST(effective_weight AS decimal(22,10))
                        / CAST(SUM(effective_weight) OVER (PARTITION BY whole_id) AS decimal(22,10)) AS decimal(20,16)) AS ratio
            FROM part
        ),
        exact_share AS (
            SELECT weight_ratio.*,
                   ROUND(CAST(ABS(platform_fee) * ratio AS decimal(33,18)), 10) AS platform_fee_share,
                   ROUND(CAST(ABS(transaction_fee) * ratio AS decimal(33,18)), 10) AS transaction_fee_share,
                   ROUND(CAST(ABS(affiliate_commission) * ratio AS decimal(33,18)), 10) AS affiliate_commission_share,
                   ROUND(CAST(ABS(shipping_cost) * ratio AS decimal(33,18)), 10) AS shipping_cost_share,
                   ROUND(CAST(ABS(settlement_amount) * ratio AS decimal(33,18)), 10) AS settlement_amount_share
            FROM weight_ratio
        ),
        floored AS (
            SELECT exact_share.*,
                   CAST(FLOOR(platform_fee_share * 100) / 100 AS decimal(19,2)) AS platform_fee_floor,
                   CAST(FLOOR(transaction_fee_share * 100) / 100 AS decimal(19,2)) AS transaction_fee_floor,
                   CAST(FLOOR(affiliate_commission_share * 100) / 100 AS decimal(19,2)) AS affiliate_commission_floor,
                   CAST(FLOOR(shipping_cost_share * 100) / 100 AS decimal(19,2)) AS shipping_cost_floor,
                   CAST(FLOOR(settlement_amount_share * 100) / 100 AS decimal(19,2)) AS settlement_amount_floor
            FROM exact_share
        ),
        ranked AS (
            SELECT floored.*,
                   ROUND((ABS(platform_fee) - SUM(platform_fee_floor) OVER (PARTITION BY whole_id)) * 100, 0) AS platform_fee_cents_left,
                   ROUND((ABS(transaction_fee) - SUM(transaction_fee_floor) OVER (PARTITION BY whole_id)) * 100, 0) AS transaction_fee_cents_left,
                   ROUND((ABS(affiliate_commission) - SUM(affiliate_commission_floor) OVER (PARTITION BY whole_id)) * 100, 0) AS affiliate_commission_cents_left,
                   ROUND((ABS(shipping_cost) - SUM(shipping_cost_floor) OVER (PARTITION BY whole_id)) * 100, 0) AS shipping_cost_cents_left,
                   ROUND((ABS(settlement_amount) - SUM(settlement_amount_floor) OVER (PARTITION BY whole_id)) * 100, 0) AS settlement_amount_cents_left,
                   ROW_NUMBER() OVER (PARTITION BY whole_id ORDER BY platform_fee_share - platform_fee_floor DESC, part_id) AS platform_fee_rank,
                   ROW_NUMBER() OVER (PARTITION BY whole_id ORDER BY transaction_fee_share - transaction_fee_floor DESC, part_id) AS transaction_fee_rank,
                   ROW_NUMBER() OVER (PARTITION BY whole_id ORDER BY affiliate_commission_share - affiliate_commission_floor DESC, part_id) AS affiliate_commission_rank,
                   ROW_NUMBER() OVER (PARTITION BY whole_id ORDER BY shipping_cost_share - shipping_cost_floor DESC, part_id) AS shipping_cost_rank,
                   ROW_NUMBER() OVER (PARTITION BY whole_id ORDER BY settlement_amount_share - settlement_amount_floor DESC, part_id) AS settlement_amount_rank
            FROM floored
        )
        SELECT whole_id, part_id AS line_number, weight,
               platform_fee AS platform_fee_whole,
               transaction_fee AS transaction_fee_whole,
               affiliate_commission AS affiliate_commission_whole,
               shipping_cost AS shipping_cost_whole,
               settlement_amount AS settlement_amount_whole,
               CAST((CASE WHEN platform_fee < 0 THEN -1 ELSE 1 END)
                    * (platform_fee_floor + CASE WHEN platform_fee_rank <= platform_fee_cents_left THEN 0.01 ELSE 0 END) AS decimal(19,4)) AS platform_fee,
               CAST((CASE WHEN transaction_fee < 0 THEN -1 ELSE 1 END)
                    * (transaction_fee_floor + CASE WHEN transaction_fee_rank <= transaction_fee_cents_left THEN 0.01 ELSE 0 END) AS decimal(19,4)) AS transaction_fee,
               CAST((CASE WHEN affiliate_commission < 0 THEN -1 ELSE 1 END)
                    * (affiliate_commission_floor + CASE WHEN affiliate_commission_rank <= affiliate_commission_cents_left THEN 0.01 ELSE 0 END) AS decimal(19,4)) AS affiliate_commission,
               CAST((CASE WHEN shipping_cost < 0 THEN -1 ELSE 1 END)
                    * (shipping_cost_floor + CASE WHEN shipping_cost_rank <= shipping_cost_cents_left THEN 0.01 ELSE 0 END) AS decimal(19,4)) AS shipping_cost,
               CAST((CASE WHEN settlement_amount < 0 THEN -1 ELSE 1 END)
                    * (settlement_amount_floor + CASE WHEN settlement_amount_rank <= settlement_amount_cents_left THEN 0.01 ELSE 0 END) AS decimal(19,4)) AS settlement_amount
        INTO #settled_part
        FROM ranked;

        -- Wholes of several parts go to etl.work_split: the five settled amounts already split (so the
        -- publish check split_parts_sum_to_whole still covers them), estimated shipping and the
        -- per-order fee to be split below.
        INSERT INTO etl.work_split (split_name, whole_id, part_id, whole_amount, weight, part_amount)
        SELECT part.split_name, part.whole_id, part.part_id, part.whole_amount, part.weight, part.part_amount
        FROM (
            SELECT measure.split_name, settled.whole_id, settled.line_number AS part_id, measure.whole_amount, settled.weight,
                   measure.part_amount
            FROM #settled_part AS settled
            CROSS APPLY (VALUES
                (N'settled_platform_fee', settled.platform_fee_whole, settled.platform_fee),
                (N'settled_transaction_fee', settled.transaction_fee_whole, settled.transaction_fee),
                (N'settled_affiliate', settled.affiliate_commission_whole, settled.affiliate_commission),
                (N'settled_shipping', settled.shipping_cost_whole, settled.shipping_cost),
                (N'settled_amount', settled.settlement_amount_whole, settled.settlement_amount)) AS measure (split_name, whole_amount, part_amount)
            UNION ALL
            SELECT measure.split_name, line.order_number, line.line_number, measure.whole_amount,
                   CAST(CASE @p_allocation_method
                            WHEN N'units' THEN line.quantity
                            WHEN N'margin' THEN CASE WHEN cost.min_margin > 0 THEN line.gmv - line.cogs ELSE line.gmv END
                            ELSE line.gmv END AS decimal(38,10)),
                   CAST(NULL AS decimal(19,4))
            FROM #line_base AS line
            JOIN #order_cost AS cost ON cost.order_number = line.order_number
            CROSS APPLY (VALUES
                (N'estimated_shipping', cost.estimated_shipping),
                (N'order_fee', cost.order_fee)) AS measure (split_name, whole_amount)
            WHERE cost.order_lines > 1 AND measure.whole_amount <> 0
        ) AS part
        ORDER BY part.split_name, part.whole_id, part.part_id;  -- key order (see order_voucher)
        UPDATE STATISTICS etl.work_split;  -- fresh statistics: with the last run's, a new split looks empty and the split loops
        EXEC etl.split_by_largest_remainder @p_split_name = N'estimated_shipping';
        EXEC etl.split_by_largest_remainder @p_split_name = N'order_fee';
        UPDATE STATISTICS etl.work_split;

        -- Every line, written once: settled fees where TikTok settled (the line's part), else estimated
        -- (rates by shop and date, refund administration fee included, affiliate from the creator
        -- feed); shipping, packaging and the per-order fee; contribution before ads.
        -- Each figure is rounded to its column's scale, as the UPDATEs that used to compute them stored it.
        -- LEAST(admin fee, cap) of PostgreSQL, which ignores a NULL argument.
        WITH split_part AS (
            SELECT part_id AS line_number,
                   SUM(CASE WHEN split_name = N'estimated_shipping' THEN part_amount ELSE 0 END) AS estimated_shipping,
                   SUM(CASE WHEN split_name = N'order_fee' THEN part_amount ELSE 0 END) AS order_fee
            FROM etl.work_split
            WHERE split_name IN (N'estimated_shipping', N'order_fee')
            GROUP BY part_id
        ),
        line_figure AS (
            SELECT line.*,
                   CASE WHEN settled.line_number IS NOT NULL THEN N'settled' ELSE N'estimated' END AS fee_basis,
                   CAST(CASE WHEN settled.parts = 1 THEN ROUND(CAST(settled.platform_fee AS decimal(19,4)), 2)
                             WHEN settled.line_number IS NOT NULL THEN settled_part.platform_fee
                             WHEN line.is_revenue = 1
                             THEN ROUND(line.net_revenue * line.commission_rate, 2)
                                  + CASE WHEN line.refund_amount > 0
                                         THEN CASE WHEN admin_fee.amount IS NULL THEN line.refund_admin_fee_cap
                                                   WHEN line.refund_admin_fee_cap IS NULL OR admin_fee.amount < line.refund_admin_fee_cap THEN admin_fee.amount
                                                   ELSE line.refund_admin_fee_cap END
                                         ELSE 0 END
                             ELSE 0 END AS decimal(19,4)) AS platform_fee,
                   CAST(CASE WHEN settled.parts = 1 THEN ROUND(CAST(settled.transaction_fee AS decimal(19,4)), 2)
                             WHEN settled.line_number IS NOT NULL THEN settled_part.transaction_fee
                             WHEN line.is_revenue = 1 THEN ROUND(line.net_revenue * line.payment_rate, 2)
                             ELSE 0 END AS decimal(19,4)) AS transaction_fee,
                   CAST(CASE WHEN settled.parts = 1 THEN ROUND(CAST(settled.affiliate_commission AS decimal(19,4)), 2)
                             WHEN settled.line_number IS NOT NULL THEN settled_part.affiliate_commission
                             WHEN line.is_revenue = 1 AND line.has_affiliate = 1
                             THEN CASE WHEN line.refund_amount = 0 THEN line.affiliate_estimated_commission
                                       ELSE ROUND(line.affiliate_commission_rate * line.net_revenue, 2) END
                             ELSE 0 END AS decimal(19,4)) AS affiliate_commission,
                   CAST(CASE WHEN settled.parts = 1 THEN ROUND(CAST(settled.shipping_cost AS decimal(19,4)), 2)
                             WHEN settled.line_number IS NOT NULL THEN settled_part.shipping_cost
                             ELSE 0 END
                        + CASE WHEN cost.order_lines = 1 THEN COALESCE(ROUND(cost.estimated_shipping, 2), 0)
                               ELSE COALESCE(part.estimated_shipping, 0) END AS decimal(19,4)) AS shipping_cost,
                   CAST(CAST(CASE WHEN line.paid_time IS NULL THEN 0 ELSE line.packaging_cost_per_unit * line.quantity END AS decimal(19,4))
                        + CASE WHEN cost.order_lines = 1 THEN COALESCE(ROUND(cost.order_fee, 2), 0)
                               ELSE COALESCE(part.order_fee, 0) END AS decimal(19,4)) AS other_variable_cost,
                   CAST(CASE WHEN settled.parts = 1 THEN ROUND(CAST(settled.settlement_amount AS decimal(19,4)), 2)
                             WHEN settled.line_number IS NOT NULL THEN settled_part.settlement_amount
                             END AS decimal(19,4)) AS tiktok_settlement_amount
            FROM #line_base AS line
            CROSS APPLY (VALUES (ROUND(line.refund_admin_fee_share * line.commission_rate * line.refund_amount, 2))) AS admin_fee (amount)
            LEFT JOIN #settled_line AS settled ON settled.line_number = line.line_number
            LEFT JOIN #order_cost AS cost ON cost.order_number = line.order_number
            LEFT JOIN split_part AS part ON part.line_number = line.line_number
            LEFT JOIN #settled_part AS settled_part ON settled_part.line_number = line.line_number
        )
        INSERT INTO etl.work_order_line (
            line_number, order_number, shop_id, sku_id, product_id, buyer_user_id, paid_time,
            shop_key, order_id, line_item_id, date_key, product_key, campaign_key, traffic_source_key,
            order_status, is_revenue, quantity, restocked_units, list_amount, seller_discount, platform_discount,
            gmv, refund_amount, net_revenue, platform_fee, transaction_fee, affiliate_commission, shipping_cost,
            cogs, other_variable_cost, contribution_before_ads, fee_basis, tiktok_settlement_amount,
            attribution_touch, click_window_days, view_window_days, allocation_method, etl_run_id)
        SELECT line_number, order_number, shop_id, sku_id, product_id, user_id, paid_time,
               shop_key, order_id, line_item_id, date_key, product_key, 0, 1,
               status, is_revenue, quantity, restocked_units, list_amount, seller_discount, platform_discount,
               gmv, refund_amount, net_revenue, platform_fee, transaction_fee, affiliate_commission, shipping_cost,
               cogs, other_variable_cost,
               net_revenue - platform_fee - transaction_fee - affiliate_commission - shipping_cost - cogs - other_variable_cost,
               fee_basis, tiktok_settlement_amount,
               NULL, @p_click_window_days, @p_view_window_days, @p_allocation_method, @p_run_id
        FROM line_figure
        ORDER BY line_number;  -- key order: appends to the primary key
        SET @p_rows_written = @@ROWCOUNT;

        -- The other lines of the affected days (incremental runs): unchanged orders' lines as published,
        -- before attribution (etl.attribute_order_line credits every line of the days again) and with
        -- the run that published them, which tells publish not to write them again. Their order's
        -- buyer and paid time, SKU and product come from staging, as for a recomputed line.
        DECLARE @v_last_line bigint;
        DECLARE @v_last_order bigint;
        SELECT @v_last_line = COALESCE(MAX(line_number), 0), @v_last_order = COALESCE(MAX(order_number), 0)
        FROM etl.work_order_line;
        INSERT INTO etl.work_order_line (
            line_number, order_number, shop_id, sku_id, product_id, buyer_user_id, paid_time,
            shop_key, order_id, line_item_id, date_key, product_key, campaign_key, traffic_source_key,
            order_status, is_revenue, quantity, restocked_units, list_amount, seller_discount, platform_discount,
            gmv, refund_amount, net_revenue, platform_fee, transaction_fee, affiliate_commission, shipping_cost,
            cogs, other_variable_cost, contribution_before_ads, fee_basis, tiktok_settlement_amount,
            attribution_touch, click_window_days, view_window_days, allocation_method, etl_run_id)
        SELECT @v_last_line + ROW_NUMBER() OVER (ORDER BY shop.shop_id, published.order_id, published.line_item_id),
               @v_last_order + DENSE_RANK() OVER (ORDER BY shop.shop_id, published.order_id),
               shop.shop_id, line.sku_id, COALESCE(product.product_id, line.product_id), o.user_id, o.paid_time,
               published.shop_key, published.order_id, published.line_item_id, published.date_key, published.product_key, 0, 1,
               published.order_status, published.is_revenue, published.quantity, published.restocked_units,
               published.list_amount, published.seller_discount, published.platform_discount, published.gmv,
               published.refund_amount, published.net_revenue, published.platform_fee, published.transaction_fee,
               published.affiliate_commission, published.shipping_cost, published.cogs, published.other_variable_cost,
               published.contribution_before_ads, published.fee_basis, published.tiktok_settlement_amount,
               NULL, published.click_window_days, published.view_window_days, published.allocation_method, published.etl_run_id
        FROM fact.order_line AS published
        JOIN dim.shop AS shop ON shop.shop_key = published.shop_key
        JOIN stg.shop_order AS o ON o.shop_id = shop.shop_id AND o.order_id = published.order_id
        JOIN stg.order_line_item AS line
          ON line.shop_id = shop.shop_id AND line.order_id = published.order_id AND line.line_item_id = published.line_item_id
        LEFT JOIN dim.product AS product ON product.shop_id = line.shop_id AND product.sku_id = line.sku_id
        WHERE published.date_key IN (SELECT date_key FROM etl.work_affected_date)
          AND published.date_key NOT IN (SELECT date_key FROM etl.work_order_day)
          AND NOT EXISTS (SELECT 1 FROM etl.work_changed_order AS changed
                          JOIN dim.shop AS changed_shop ON changed_shop.shop_id = changed.shop_id
                          WHERE changed_shop.shop_key = published.shop_key AND changed.order_id = published.order_id);
        -- Fresh work tables have no statistics; without them the planner loops in the next steps.
        UPDATE STATISTICS etl.work_order_line;

        DROP TABLE #shop_order_day;
        DROP TABLE #source_line;
        DROP TABLE #line_base;
        DROP TABLE #settled_sku;
        DROP TABLE #settled_line;
        DROP TABLE #settled_part;
        DROP TABLE #order_shipping_rate;
        DROP TABLE #order_cost;

        IF @own_transaction = 1 COMMIT TRANSACTION;
    END TRY
    BEGIN CATCH
        IF @own_transaction = 1 AND XACT_STATE() <> 0 ROLLBACK TRANSACTION;
        THROW;
    END CATCH;
END;
GO
