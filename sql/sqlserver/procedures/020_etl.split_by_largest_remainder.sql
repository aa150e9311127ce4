-- Profit model section 4: split each whole over its parts by weight, rounded to the cent with
-- the largest-remainder method, so the parts always sum to the whole exactly. A set whose
-- weights sum to zero splits equally. Negative wholes are split by their absolute value.
DROP PROCEDURE IF EXISTS etl.split_by_largest_remainder;
GO

CREATE PROCEDURE etl.split_by_largest_remainder
    @p_split_name nvarchar(100)
AS
BEGIN
    SET NOCOUNT ON;
    SET XACT_ABORT ON;
    DECLARE @own_transaction bit = CASE WHEN @@TRANCOUNT = 0 THEN 1 ELSE 0 END;
    BEGIN TRY
        IF @own_transaction = 1 BEGIN TRANSACTION;

        WITH parts AS (
            SELECT whole_id,
                   part_id,
                   whole_amount,
                   CASE WHEN whole_amount < 0 THEN -1 ELSE 1 END AS whole_sign,
                   CASE WHEN SUM(weight) OVER (PARTITION BY whole_id) > 0 THEN weight ELSE 1 END AS effective_weight
            FROM etl.work_split
            WHERE split_name = @p_split_name
        ),
        -- A decimal(38,x) product or quotient can keep as few as 6 decimals in SQL Server. So the
        -- share is the weight's ratio (16 decimals) times the whole, in types narrow enough to keep
        -- 18 decimals, then rounded to 10 so that equal shares tie (and part_id decides) exactly as
        -- they do mathematically.
        exact_shares AS (
            SELECT whole_id, part_id, whole_amount, whole_sign,
                   ROUND(CAST(ABS(whole_amount)
                              * CAST(CAST(effective_weight AS decimal(22,10))
                                     / CAST(SUM(effective_weight) OVER (PARTITION BY whole_id) AS decimal(22,10)) AS decimal(20,16))
                              AS decimal(33,18)), 10) AS exact_share
            FROM parts
        ),
        floored AS (
            SELECT whole_id, part_id, whole_amount, whole_sign,
                   CAST(FLOOR(exact_share * 100) / 100 AS decimal(19,2)) AS floor_share,
                   exact_share - CAST(FLOOR(exact_share * 100) / 100 AS decimal(19,2)) AS remainder
            FROM exact_shares
        ),
        ranked AS (
            SELECT whole_id, part_id, whole_sign, floor_share,
                   ROUND((ABS(whole_amount) - SUM(floor_share) OVER (PARTITION BY whole_id)) * 100, 0) AS cents_left,
                   ROW_NUMBER() OVER (PARTITION BY whole_id ORDER BY remainder DESC, part_id) AS remainder_rank
            FROM floored
        )
        UPDATE split
        SET part_amount = ranked.whole_sign * (ranked.floor_share + CASE WHEN ranked.remainder_rank <= ranked.cents_left THEN 0.01 ELSE 0 END)
        FROM etl.work_split AS split
        JOIN ranked ON split.whole_id = ranked.whole_id AND split.part_id = ranked.part_id
        WHERE split.split_name = @p_split_name;

        IF @own_transaction = 1 COMMIT TRANSACTION;
    END TRY
    BEGIN CATCH
        IF @own_transaction = 1 AND XACT_STATE() <> 0 ROLLBACK TRANSACTION;
        THROW;
    END CATCH;
END;
GO
