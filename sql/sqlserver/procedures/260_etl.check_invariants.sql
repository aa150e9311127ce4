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
    -- Each check assigns only when it finds a failure, and a failure ends the procedure, so
    -- @v_failure is NULL until then (as PL/pgSQL's SELECT INTO leaves it on no row).
    DECLARE @v_failure nvarchar(2000);
    BEGIN TRY
        IF @own_transaction = 1 BEGIN TRANSACTION;

        -- Allocated spend per day = source spend per day, to the cent.
        WITH source_spend AS (
            SELECT date_key, SUM(spend) AS spend FROM etl.work_ad_daily GROUP BY date_key
        ),
        allocated_spend AS (
            SELECT date_key, SUM(ad_spend) AS spend FROM etl.work_sku_ad_spend GROUP BY date_key
        ),
        spend_mismatch AS (
            SELECT COALESCE(source_spend.date_key, allocated_spend.date_key) AS date_key,
                   COALESCE(source_spend.spend, 0) AS source_spend, COALESCE(allocated_spend.spend, 0) AS allocated_spend
            FROM source_spend
            FULL JOIN allocated_spend ON allocated_spend.date_key = source_spend.date_key
            WHERE COALESCE(source_spend.spend, 0) <> COALESCE(allocated_spend.spend, 0)
        )
        SELECT @v_failure = CONCAT(N'check allocated_spend_equals_source_spend failed on ', CAST(d.calendar_date AS nvarchar(10)),
                                   N': source spend ', CAST(first_mismatch.source_spend AS nvarchar(30)),
                                   N', allocated ', CAST(first_mismatch.allocated_spend AS nvarchar(30)))
        FROM (SELECT TOP (1) * FROM spend_mismatch ORDER BY date_key) AS first_mismatch
        JOIN dim.date AS d ON d.date_key = first_mismatch.date_key;
        IF @v_failure IS NOT NULL THROW 50001, @v_failure, 1;

        -- Sum of line gmv per order = order GMV from the source (revenue orders).
        WITH order_line_total AS (
            SELECT shop_id, order_id, MIN(date_key) AS date_key, SUM(gmv) AS lines_gmv
            FROM etl.work_order_line
            WHERE is_revenue = 1
            GROUP BY shop_id, order_id
        ),
        order_mismatch AS (
            SELECT total.order_id, total.date_key, o.original_total_product_price - o.seller_discount AS source_gmv, total.lines_gmv
            FROM order_line_total AS total
            JOIN stg.shop_order AS o ON o.shop_id = total.shop_id AND o.order_id = total.order_id
            WHERE total.lines_gmv <> o.original_total_product_price - o.seller_discount
        )
        SELECT @v_failure = CONCAT(N'check order_gmv_equals_source failed on ', CAST(d.calendar_date AS nvarchar(10)),
                                   N' for order ', first_mismatch.order_id, N': source gmv ', CAST(first_mismatch.source_gmv AS nvarchar(30)),
                                   N', lines ', CAST(first_mismatch.lines_gmv AS nvarchar(30)))
        FROM (SELECT TOP (1) * FROM order_mismatch ORDER BY date_key, order_id) AS first_mismatch
        JOIN dim.date AS d ON d.date_key = first_mismatch.date_key;
        IF @v_failure IS NOT NULL THROW 50001, @v_failure, 1;

        -- Lines split from a whole sum to the whole.
        WITH split_total AS (
            SELECT split_name, whole_id, MAX(whole_amount) AS whole_amount, SUM(part_amount) AS parts_amount,
                   COUNT(*) - COUNT(part_amount) AS unsplit_parts
            FROM etl.work_split
            GROUP BY split_name, whole_id
        )
        SELECT TOP (1) @v_failure = CONCAT(N'check split_parts_sum_to_whole failed for ', split_name, N' whole ', CAST(whole_id AS nvarchar(30)),
                                           N': whole ', CAST(whole_amount AS nvarchar(30)), N', parts ', CAST(COALESCE(parts_amount, 0) AS nvarchar(30)))
        FROM split_total
        WHERE parts_amount IS NULL OR parts_amount <> whole_amount OR unsplit_parts > 0
        ORDER BY split_name, whole_id;
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
