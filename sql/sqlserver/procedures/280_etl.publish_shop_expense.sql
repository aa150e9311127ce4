-- Fixed and manual expenses per shop, day and category: each expense spread evenly over the days
-- it covers, exactly to the cent (section 4's largest remainder, one part per day). Expenses are
-- few, so every transform rebuilds the fact whole, in one transaction of its own.
DROP PROCEDURE IF EXISTS etl.publish_shop_expense;
GO

CREATE PROCEDURE etl.publish_shop_expense
    @p_run_id bigint,
    @p_rows_written bigint = 0 OUTPUT
AS
BEGIN
    SET NOCOUNT ON;
    SET XACT_ABORT ON;
    DECLARE @own_transaction bit = CASE WHEN @@TRANCOUNT = 0 THEN 1 ELSE 0 END;
    BEGIN TRY
        IF @own_transaction = 1 BEGIN TRANSACTION;

        DELETE FROM etl.work_split WHERE split_name = N'expense_day';

        -- Each expense numbered once: its split's whole id.
        SELECT expense.*, ROW_NUMBER() OVER (ORDER BY expense.shop_id, expense.category, expense.description, expense.date_from) AS expense_number
        INTO #numbered_expense
        FROM stg.expense AS expense;

        INSERT INTO etl.work_split (split_name, whole_id, part_id, whole_amount, weight)
        SELECT N'expense_day', expense.expense_number, d.date_key, expense.amount, 1
        FROM #numbered_expense AS expense
        JOIN dim.date AS d ON d.calendar_date BETWEEN expense.date_from AND expense.date_to
        WHERE expense.amount <> 0;
        -- fresh statistics: with those of the transform's own splits the split's UPDATE looped (PostgreSQL, 14 s at 200 k lines)
        UPDATE STATISTICS etl.work_split;
        EXEC etl.split_by_largest_remainder @p_split_name = N'expense_day';

        DELETE FROM fact.shop_expense_daily;

        INSERT INTO fact.shop_expense_daily (date_key, shop_key, expense_category, expense_amount, etl_run_id)
        SELECT CAST(split.part_id AS int), shop.shop_key, expense.category, SUM(split.part_amount), @p_run_id
        FROM etl.work_split AS split
        JOIN #numbered_expense AS expense ON expense.expense_number = split.whole_id
        JOIN dim.shop AS shop ON shop.shop_id = expense.shop_id
        WHERE split.split_name = N'expense_day'
        GROUP BY split.part_id, shop.shop_key, expense.category
        ORDER BY 1, 2, 3;
        SET @p_rows_written = @@ROWCOUNT;

        DELETE FROM etl.work_split WHERE split_name = N'expense_day';
        DROP TABLE #numbered_expense;

        IF @own_transaction = 1 COMMIT TRANSACTION;
    END TRY
    BEGIN CATCH
        IF @own_transaction = 1 AND XACT_STATE() <> 0 ROLLBACK TRANSACTION;
        THROW;
    END CATCH;
END;
GO
