-- SKUs from the catalogue, plus SKUs seen only on orders (sold before the catalogue was read),
-- and the unit cost history as dated rows.
DROP PROCEDURE IF EXISTS etl.load_dim_product;
GO

CREATE PROCEDURE etl.load_dim_product
    @p_run_id bigint,
    @p_rows_written bigint = 0 OUTPUT
AS
BEGIN
    SET NOCOUNT ON;
    SET XACT_ABORT ON;
    DECLARE @own_transaction bit = CASE WHEN @@TRANCOUNT = 0 THEN 1 ELSE 0 END;
    DECLARE @v_updated bigint;
    DECLARE @v_cost_rows bigint;
    BEGIN TRY
        IF @own_transaction = 1 BEGIN TRANSACTION;

        WITH catalogue_sku AS (
            SELECT sku.shop_id, sku.product_id, sku.sku_id, sku.seller_sku, product.title AS product_name,
                   sku.sku_name, product.category
            FROM stg.product_sku AS sku
            JOIN stg.product AS product ON product.shop_id = sku.shop_id AND product.product_id = sku.product_id
        ),
        ordered_sku AS (
            SELECT shop_id, sku_id,
                   -- the greatest in binary order, as PostgreSQL's C locale picks it
                   MAX(product_id COLLATE Latin1_General_100_BIN2) COLLATE DATABASE_DEFAULT AS product_id,
                   MAX(seller_sku COLLATE Latin1_General_100_BIN2) COLLATE DATABASE_DEFAULT AS seller_sku,
                   MAX(product_name COLLATE Latin1_General_100_BIN2) COLLATE DATABASE_DEFAULT AS product_name,
                   MAX(sku_name COLLATE Latin1_General_100_BIN2) COLLATE DATABASE_DEFAULT AS sku_name
            FROM stg.order_line_item AS line
            WHERE NOT EXISTS (SELECT 1 FROM catalogue_sku WHERE catalogue_sku.shop_id = line.shop_id AND catalogue_sku.sku_id = line.sku_id)
            GROUP BY shop_id, sku_id
        )
        SELECT shop_id, product_id, sku_id, seller_sku, product_name, sku_name, category
        INTO #source_sku
        FROM catalogue_sku
        UNION ALL
        SELECT shop_id, product_id, sku_id, seller_sku, product_name, sku_name, NULL FROM ordered_sku;

        -- Changes are detected case- and accent-sensitively, as PostgreSQL's IS DISTINCT FROM does.
        UPDATE target
        SET product_id = source.product_id, seller_sku = source.seller_sku, product_name = source.product_name,
            sku_name = source.sku_name, category = source.category, etl_run_id = @p_run_id
        FROM dim.product AS target
        JOIN #source_sku AS source ON target.shop_id = source.shop_id AND target.sku_id = source.sku_id
        WHERE EXISTS (SELECT target.product_id COLLATE Latin1_General_100_BIN2, target.seller_sku COLLATE Latin1_General_100_BIN2,
                             target.product_name COLLATE Latin1_General_100_BIN2, target.sku_name COLLATE Latin1_General_100_BIN2,
                             target.category COLLATE Latin1_General_100_BIN2
                      EXCEPT
                      SELECT source.product_id COLLATE Latin1_General_100_BIN2, source.seller_sku COLLATE Latin1_General_100_BIN2,
                             source.product_name COLLATE Latin1_General_100_BIN2, source.sku_name COLLATE Latin1_General_100_BIN2,
                             source.category COLLATE Latin1_General_100_BIN2);
        SET @v_updated = @@ROWCOUNT;

        INSERT INTO dim.product (shop_id, product_id, sku_id, seller_sku, product_name, sku_name, category, etl_run_id)
        SELECT source.shop_id, source.product_id, source.sku_id, source.seller_sku, source.product_name,
               source.sku_name, source.category, @p_run_id
        FROM #source_sku AS source
        WHERE NOT EXISTS (SELECT 1 FROM dim.product AS target WHERE target.shop_id = source.shop_id AND target.sku_id = source.sku_id)
        ORDER BY source.shop_id COLLATE Latin1_General_100_BIN2, source.sku_id COLLATE Latin1_General_100_BIN2;
        SET @p_rows_written = @@ROWCOUNT;

        -- Cost history is small and fully restated by the seller's file: replace it.
        DELETE FROM dim.sku_cost;

        WITH dated_cost AS (
            SELECT product.product_key, cost.effective_from AS valid_from,
                   LEAD(cost.effective_from) OVER (PARTITION BY product.product_key ORDER BY cost.effective_from) AS next_valid_from,
                   cost.unit_cost, cost.currency
            FROM stg.sku_cost AS cost
            JOIN dim.product AS product ON product.shop_id = cost.shop_id AND product.sku_id = cost.sku_id
        )
        INSERT INTO dim.sku_cost (product_key, valid_from, valid_to, unit_cost, currency, is_current, etl_run_id)
        SELECT product_key, valid_from, COALESCE(next_valid_from, CAST('9999-12-31' AS date)), unit_cost, currency,
               CASE WHEN next_valid_from IS NULL THEN 1 ELSE 0 END, @p_run_id
        FROM dated_cost;
        SET @v_cost_rows = @@ROWCOUNT;

        SET @p_rows_written = @p_rows_written + @v_updated + @v_cost_rows;

        DROP TABLE #source_sku;

        IF @own_transaction = 1 COMMIT TRANSACTION;
    END TRY
    BEGIN CATCH
        IF @own_transaction = 1 AND XACT_STATE() <> 0 ROLLBACK TRANSACTION;
        THROW;
    END CATCH;
END;
GO
