-- Step 1 of a transform: empty the work tables and decide which days it recomputes.
-- A full rebuild (no dates) covers every day that has data or published facts. An incremental
-- run covers its own days plus the paid days of orders whose refunds, cancellations or
-- settlements changed within those days (late events restate the order's own day).
-- Epoch seconds become the shop's local date through etl.time_zone_map (IANA -> Windows name).
DROP PROCEDURE IF EXISTS etl.prepare_transform;
GO

CREATE PROCEDURE etl.prepare_transform
    @p_run_id bigint,
    @p_from date,
    @p_to date,
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

        -- PostgreSQL refuses an unknown time zone name; so does this, instead of dropping the shop's rows.
        SELECT @v_unmapped_time_zones = STRING_AGG(CAST(CONCAT(shop.shop_id, N' (', shop.time_zone, N')') AS nvarchar(max)), N', ')
        FROM dim.shop AS shop
        WHERE NOT EXISTS (SELECT 1 FROM etl.time_zone_map AS tz WHERE tz.iana_name = shop.time_zone);
        IF @v_unmapped_time_zones IS NOT NULL
        BEGIN
            SET @v_message = LEFT(CONCAT(N'Time zone not in etl.time_zone_map for shop(s): ', @v_unmapped_time_zones), 2048);
            THROW 50001, @v_message, 1;
        END;

        -- The PostgreSQL twin analyses staging and dimension tables whose statistics a bulk load left
        -- stale (beyond autovacuum's 50 rows + 10 %), before the transform plans its joins on them.
        -- SQL Server does this itself: AUTO_UPDATE_STATISTICS (on by default, synchronous) refreshes
        -- statistics past their modification threshold when the next statement that reads them compiles.

        TRUNCATE TABLE etl.work_affected_date;
        TRUNCATE TABLE etl.work_order_line;
        TRUNCATE TABLE etl.work_split;
        TRUNCATE TABLE etl.work_ad_daily;
        TRUNCATE TABLE etl.work_sku_ad_spend;
        TRUNCATE TABLE etl.work_gmv_max_tieout;
        TRUNCATE TABLE etl.work_sku_daily;
        TRUNCATE TABLE etl.work_sku_period;
        TRUNCATE TABLE etl.work_settlement_check;
        TRUNCATE TABLE etl.work_sku_attribution_sensitivity;

        WITH order_day AS (
            SELECT o.shop_id, o.order_id,
                   CAST(DATEADD(second, CAST(epoch.t % 86400 AS int),
                                DATEADD(day, CAST(epoch.t / 86400 AS int), CAST('1970-01-01' AS datetime2)))
                        AT TIME ZONE 'UTC' AT TIME ZONE tz.windows_name AS date) AS order_date
            FROM stg.shop_order AS o
            JOIN dim.shop AS shop ON shop.shop_id = o.shop_id
            JOIN etl.time_zone_map AS tz ON tz.iana_name = shop.time_zone
            CROSS APPLY (VALUES (COALESCE(o.paid_time, o.create_time))) AS epoch (t)
        ),
        event_window AS (
            -- UTC epoch seconds a day either side of the requested days (every shop's local day lies
            -- within them), so an incremental run reads only the events of its own days
            SELECT DATEDIFF_BIG(second, CAST('1970-01-01' AS datetime2), CAST(DATEADD(day, -1, @p_from) AS datetime2)) AS first_time,
                   DATEDIFF_BIG(second, CAST('1970-01-01' AS datetime2), CAST(DATEADD(day, 2, @p_to) AS datetime2)) AS last_time
        ),
        late_event AS (
            SELECT r.shop_id, r.order_id, r.update_time AS event_time
            FROM stg.return_order AS r JOIN event_window AS w ON r.update_time BETWEEN w.first_time AND w.last_time
            UNION ALL
            SELECT c.shop_id, c.order_id, c.update_time
            FROM stg.cancellation AS c JOIN event_window AS w ON c.update_time BETWEEN w.first_time AND w.last_time
            UNION ALL
            SELECT t.shop_id, t.order_id, s.statement_time
            FROM stg.statement AS s
            JOIN event_window AS w ON s.statement_time BETWEEN w.first_time AND w.last_time
            JOIN stg.sku_statement_transaction AS t ON t.shop_id = s.shop_id AND t.statement_id = s.statement_id
            UNION ALL
            SELECT o.shop_id, o.order_id, o.settled_time
            FROM stg.order_settlement AS o JOIN event_window AS w ON o.settled_time BETWEEN w.first_time AND w.last_time
        ),
        late_event_day AS (
            SELECT late_event.shop_id, late_event.order_id,
                   CAST(DATEADD(second, CAST(late_event.event_time % 86400 AS int),
                                DATEADD(day, CAST(late_event.event_time / 86400 AS int), CAST('1970-01-01' AS datetime2)))
                        AT TIME ZONE 'UTC' AT TIME ZONE tz.windows_name AS date) AS event_date
            FROM late_event
            JOIN dim.shop AS shop ON shop.shop_id = late_event.shop_id
            JOIN etl.time_zone_map AS tz ON tz.iana_name = shop.time_zone
        ),
        data_day AS (
            SELECT order_date AS calendar_date FROM order_day
            UNION
            SELECT stat_time_day FROM stg.ad_report_daily
            UNION
            SELECT stat_time_day FROM stg.gmv_max_product_daily
            UNION
            SELECT stat_time_day FROM stg.gmv_max_campaign_daily
        ),
        requested_day AS (
            SELECT calendar_date FROM data_day
            WHERE @p_from IS NULL OR calendar_date BETWEEN @p_from AND @p_to
            UNION
            SELECT d.calendar_date FROM dim.date AS d
            WHERE @p_from IS NOT NULL AND d.calendar_date BETWEEN @p_from AND @p_to
            UNION
            SELECT d.calendar_date FROM fact.sku_daily AS f JOIN dim.date AS d ON d.date_key = f.date_key
            WHERE @p_from IS NULL
        ),
        restated_day AS (
            SELECT order_day.order_date AS calendar_date
            FROM late_event_day
            JOIN order_day ON order_day.shop_id = late_event_day.shop_id AND order_day.order_id = late_event_day.order_id
            WHERE @p_from IS NOT NULL AND late_event_day.event_date BETWEEN @p_from AND @p_to
        )
        INSERT INTO etl.work_affected_date (date_key)
        SELECT d.date_key
        FROM dim.date AS d
        WHERE d.calendar_date IN (SELECT calendar_date FROM requested_day UNION SELECT calendar_date FROM restated_day);
        SET @p_rows_written = @@ROWCOUNT;
        UPDATE STATISTICS etl.work_affected_date;  -- every step filters by it

        IF @own_transaction = 1 COMMIT TRANSACTION;
    END TRY
    BEGIN CATCH
        IF @own_transaction = 1 AND XACT_STATE() <> 0 ROLLBACK TRANSACTION;
        THROW;
    END CATCH;
END;
GO
