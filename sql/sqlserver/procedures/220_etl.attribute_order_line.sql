-- Profit model section 2: which ad, if any, gets credit for each paid order.
-- 1. The buyer's touchpoints at the order's paid time: a click within the click window beats
--    any view; among clicks the latest wins; with no click, the latest view within the view window.
-- 2. Else TikTok's own report: GMV Max product rows credit that product's orders of the day,
--    earliest paid first, up to the number of orders TikTok reports.
-- 3. Else affiliate where a creator earned commission, else organic.
DROP PROCEDURE IF EXISTS etl.attribute_order_line;
GO

CREATE PROCEDURE etl.attribute_order_line
    @p_run_id bigint,
    @p_click_window_days int,
    @p_view_window_days int,
    @p_rows_written bigint = 0 OUTPUT
AS
BEGIN
    SET NOCOUNT ON;
    SET XACT_ABORT ON;
    DECLARE @own_transaction bit = CASE WHEN @@TRANCOUNT = 0 THEN 1 ELSE 0 END;
    BEGIN TRY
        IF @own_transaction = 1 BEGIN TRANSACTION;

        WITH paid_order AS (
            SELECT DISTINCT order_number, shop_id, buyer_user_id, paid_time
            FROM etl.work_order_line
            WHERE is_revenue = 1 AND buyer_user_id IS NOT NULL
        ),
        touch_in_window AS (
            SELECT paid_order.order_number, touch.ad_id, touch.event_type, touch.event_time,
                   ROW_NUMBER() OVER (PARTITION BY paid_order.order_number
                                      ORDER BY CASE WHEN touch.event_type = N'click' THEN 0 ELSE 1 END,
                                               touch.event_time DESC, touch.ad_id COLLATE Latin1_General_100_BIN2) AS credit_rank  -- binary ties, as PostgreSQL's C locale
            FROM paid_order
            JOIN stg.touchpoint AS touch
              ON touch.shop_id = paid_order.shop_id AND touch.buyer_user_id = paid_order.buyer_user_id
             AND touch.event_time <= paid_order.paid_time
             AND ((touch.event_type = N'click' AND paid_order.paid_time - touch.event_time <= CAST(@p_click_window_days AS bigint) * 86400)
               OR (touch.event_type = N'view' AND paid_order.paid_time - touch.event_time <= CAST(@p_view_window_days AS bigint) * 86400))
        )
        SELECT touch_in_window.order_number, COALESCE(ad.campaign_key, 0) AS campaign_key, touch_in_window.event_type AS attribution_touch
        INTO #order_credit
        FROM touch_in_window
        LEFT JOIN dim.campaign AS ad ON ad.ad_id = touch_in_window.ad_id AND ad.ad_id <> N'' AND ad.is_current = 1
        WHERE touch_in_window.credit_rank = 1;
        UPDATE STATISTICS #order_credit;  -- as PostgreSQL's ANALYZE: it is joined to every line below

        -- TikTok-reported: GMV Max product rows, for orders no touchpoint explains.
        WITH product_order AS (
            SELECT line.order_number, line.order_id, line.shop_id, line.product_id, d.calendar_date, MIN(line.paid_time) AS paid_time
            FROM etl.work_order_line AS line
            JOIN dim.date AS d ON d.date_key = line.date_key
            WHERE line.is_revenue = 1 AND line.traffic_source_key = 1
              AND NOT EXISTS (SELECT 1 FROM #order_credit AS credit WHERE credit.order_number = line.order_number)
            GROUP BY line.order_number, line.order_id, line.shop_id, line.product_id, d.calendar_date
        ),
        ranked_product_order AS (
            SELECT product_order.*,
                   -- ties by order id, not order_number: an incremental run numbers the lines it takes as
                   -- published after those it recomputes
                   ROW_NUMBER() OVER (PARTITION BY shop_id, product_id, calendar_date ORDER BY paid_time, order_id COLLATE Latin1_General_100_BIN2) AS order_rank
            FROM product_order
        ),
        reported_product_day AS (
            SELECT report.store_id, report.item_group_id, report.stat_time_day, report.orders,
                   campaign.campaign_key,
                   ROW_NUMBER() OVER (PARTITION BY report.store_id, report.item_group_id, report.stat_time_day
                                      ORDER BY report.orders DESC, report.campaign_id COLLATE Latin1_General_100_BIN2) AS report_rank
            FROM stg.gmv_max_product_daily AS report
            JOIN dim.campaign AS campaign
              ON campaign.advertiser_id = report.advertiser_id AND campaign.campaign_id = report.campaign_id
             AND campaign.adgroup_id = N'' AND campaign.ad_id = N''
            WHERE report.orders > 0
        ),
        credited AS (
            SELECT ranked_product_order.order_number, ranked_product_order.product_id, reported_product_day.campaign_key
            FROM ranked_product_order
            JOIN reported_product_day
              ON reported_product_day.store_id = ranked_product_order.shop_id
             AND reported_product_day.item_group_id = ranked_product_order.product_id
             AND reported_product_day.stat_time_day = ranked_product_order.calendar_date
             AND reported_product_day.report_rank = 1
            WHERE ranked_product_order.order_rank <= reported_product_day.orders
        )
        SELECT order_number, product_id, campaign_key
        INTO #credited_order
        FROM credited;

        -- All three rules in one pass over the lines: touchpoint credit, else TikTok-reported, else
        -- affiliate where a creator earned commission; the rest stay organic.
        SELECT line.line_number,
               COALESCE(credit.campaign_key, credited.campaign_key, line.campaign_key) AS campaign_key,
               CASE WHEN credit.order_number IS NOT NULL OR credited.order_number IS NOT NULL THEN 2 ELSE 3 END AS traffic_source_key,
               CASE WHEN credit.order_number IS NOT NULL THEN credit.attribution_touch
                    WHEN credited.order_number IS NOT NULL THEN N'tiktok_reported'
                    ELSE line.attribution_touch END AS attribution_touch,
               CASE WHEN credit.order_number IS NOT NULL THEN 1 ELSE 0 END AS is_touch_credit
        INTO #line_attribution
        FROM etl.work_order_line AS line
        LEFT JOIN #order_credit AS credit ON credit.order_number = line.order_number AND line.is_revenue = 1
        LEFT JOIN #credited_order AS credited
          ON credited.order_number = line.order_number AND credited.product_id = line.product_id
         AND line.is_revenue = 1 AND line.traffic_source_key = 1
        WHERE credit.order_number IS NOT NULL OR credited.order_number IS NOT NULL
           OR (line.traffic_source_key = 1 AND line.affiliate_commission > 0);

        SELECT @p_rows_written = COUNT_BIG(*) FROM #line_attribution WHERE is_touch_credit = 1;  -- the lines touchpoints credit

        UPDATE line
        SET campaign_key = attribution.campaign_key, traffic_source_key = attribution.traffic_source_key,
            attribution_touch = attribution.attribution_touch
        FROM etl.work_order_line AS line
        JOIN #line_attribution AS attribution ON attribution.line_number = line.line_number;

        DROP TABLE #order_credit;
        DROP TABLE #credited_order;
        DROP TABLE #line_attribution;

        IF @own_transaction = 1 COMMIT TRANSACTION;
    END TRY
    BEGIN CATCH
        IF @own_transaction = 1 AND XACT_STATE() <> 0 ROLLBACK TRANSACTION;
        THROW;
    END CATCH;
END;
GO
