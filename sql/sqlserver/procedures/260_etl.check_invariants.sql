-- Profit model section 7: the checks a transform must pass before it publishes. A failure
-- names the check, the day and the amounts; nothing is published.
DROP PROCEDURE IF EXISTS etl.check_invariants;
GO

CREATE PROCEDURE etl.check_invariants
    @p_run_id bigint,
    @p_rows_written bigint = 0 OUTPUT
AS
BEGIN
    SET NOCOUNT ON;
    SET XACT_ABORT ON;
    DECLARE @own_transaction bit = CASE WHEN @@TRANCOUNT = 0 THEN 1 ELSE 0 END;
    DECLARE @v_failure nvarchar(2000);
    BEGIN TRY
        IF @own_transaction = 1 BEGIN TRANSACTION;

        -- Allocated spend per day = source spend per day, to the cent.
        SET @v_failure = (
            SELECT TOP (1) CONCAT(N'check allocated_spend_equals_source_spend failed on ', CAST(d.calendar_date AS nvarchar(10)),
                                  N': source spend ', CAST(source.spend AS nvarchar(30)), N', allocated ', CAST(COALESCE(allocated.spend, 0) AS nvarchar(30)))
            FROM (SELECT date_key, SUM(spend) AS spend FROM etl.work_ad_daily GROUP BY date_key) AS source
            JOIN dim.date AS d ON d.date_key = source.date_key
            LEFT JOIN (SELECT date_key, SUM(ad_spend) AS spend FROM etl.work_sku_ad_spend GROUP BY date_key) AS allocated
              ON allocated.date_key = source.date_key
            WHERE source.spend <> COALESCE(allocated.spend, 0)
            ORDER BY source.date_key);
        IF @v_failure IS NOT NULL THROW 50001, @v_failure, 1;

        -- Sum of line gmv per order = order GMV from the source (revenue orders).
        SET @v_failure = (
            SELECT TOP (1) CONCAT(N'check order_gmv_equals_source failed on ', CAST(d.calendar_date AS nvarchar(10)), N' for order ', line.order_id,
                                  N': source gmv ', CAST(MAX(o.original_total_product_price - o.seller_discount) AS nvarchar(30)),
                                  N', lines ', CAST(SUM(line.gmv) AS nvarchar(30)))
            FROM etl.work_order_line AS line
            JOIN stg.shop_order AS o ON o.shop_id = line.shop_id AND o.order_id = line.order_id
            JOIN dim.date AS d ON d.date_key = line.date_key
            WHERE line.is_revenue = 1
            GROUP BY line.order_id, d.calendar_date
            HAVING SUM(line.gmv) <> MAX(o.original_total_product_price - o.seller_discount)
            ORDER BY d.calendar_date, line.order_id);
        IF @v_failure IS NOT NULL THROW 50001, @v_failure, 1;

        -- Lines split from a whole sum to the whole.
        SET @v_failure = (
            SELECT TOP (1) CONCAT(N'check split_parts_sum_to_whole failed for ', split_name, N' whole ', CAST(whole_id AS nvarchar(30)),
                                  N': whole ', CAST(MAX(whole_amount) AS nvarchar(30)), N', parts ', CAST(SUM(part_amount) AS nvarchar(30)))
            FROM etl.work_split
            GROUP BY split_name, whole_id
            HAVING SUM(part_amount) <> MAX(whole_amount) OR COUNT(part_amount) <> COUNT(*)
            ORDER BY split_name, whole_id);
        IF @v_failure IS NOT NULL THROW 50001, @v_failure, 1;

        SET @p_rows_written = (SELECT COUNT_BIG(*) FROM etl.work_order_line);

        IF @own_transaction = 1 COMMIT TRANSACTION;
    END TRY
    BEGIN CATCH
        IF @own_transaction = 1 AND XACT_STATE() <> 0 ROLLBACK TRANSACTION;
        THROW;
    END CATCH;
END;
GO
