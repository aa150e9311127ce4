-- Shops: new ones appear, renamed ones update.
DROP PROCEDURE IF EXISTS etl.load_dim_shop;
GO

CREATE PROCEDURE etl.load_dim_shop
    @p_run_id bigint,
    @p_rows_written bigint = 0 OUTPUT
AS
BEGIN
    SET NOCOUNT ON;
    SET XACT_ABORT ON;
    DECLARE @own_transaction bit = CASE WHEN @@TRANCOUNT = 0 THEN 1 ELSE 0 END;
    DECLARE @v_updated bigint;
    BEGIN TRY
        IF @own_transaction = 1 BEGIN TRANSACTION;

        -- Changes are detected case- and accent-sensitively, as PostgreSQL's IS DISTINCT FROM does.
        UPDATE target
        SET shop_name = source.shop_name, region = source.region, currency = source.currency,
            time_zone = source.time_zone, etl_run_id = @p_run_id
        FROM dim.shop AS target
        JOIN stg.shop AS source ON target.shop_id = source.shop_id
        WHERE EXISTS (SELECT target.shop_name COLLATE Latin1_General_100_BIN2, target.region COLLATE Latin1_General_100_BIN2,
                             target.currency COLLATE Latin1_General_100_BIN2, target.time_zone COLLATE Latin1_General_100_BIN2
                      EXCEPT
                      SELECT source.shop_name COLLATE Latin1_General_100_BIN2, source.region COLLATE Latin1_General_100_BIN2,
                             source.currency COLLATE Latin1_General_100_BIN2, source.time_zone COLLATE Latin1_General_100_BIN2);
        SET @v_updated = @@ROWCOUNT;

        INSERT INTO dim.shop (shop_id, shop_name, region, currency, time_zone, etl_run_id)
        SELECT source.shop_id, source.shop_name, source.region, source.currency, source.time_zone, @p_run_id
        FROM stg.shop AS source
        WHERE NOT EXISTS (SELECT 1 FROM dim.shop AS target WHERE target.shop_id = source.shop_id)
        ORDER BY source.shop_id;
        SET @p_rows_written = @@ROWCOUNT;
        SET @p_rows_written = @p_rows_written + @v_updated;

        IF @own_transaction = 1 COMMIT TRANSACTION;
    END TRY
    BEGIN CATCH
        IF @own_transaction = 1 AND XACT_STATE() <> 0 ROLLBACK TRANSACTION;
        THROW;
    END CATCH;
END;
GO
