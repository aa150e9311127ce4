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

        -- Allocated + unallocated spend per day and campaign = the spend staged for that campaign and
        -- day, counted from staging itself (each staged ad once, under the campaign staging gives its
        -- ad group; GMV Max campaigns by their campaign cost), so that spend joined twice (an ad with
        -- two rows in dim.campaign) can never publish.
        WITH affected_day AS (
            SELECT d.calendar_date FROM dim.date AS d JOIN etl.work_affected_date AS affected ON affected.date_key = d.date_key
        ),
        staged_product_cost AS (
            SELECT advertiser_id, campaign_id, stat_time_day, SUM(cost) AS cost
            FROM stg.gmv_max_product_daily
            WHERE stat_time_day IN (SELECT calendar_date FROM affected_day)  -- the recomputed days only
            GROUP BY advertiser_id, campaign_id, stat_time_day
        ),
        staged_spend_row AS (
            SELECT report.advertiser_id, adgroup.campaign_id, report.stat_time_day, report.spend
            FROM stg.ad_report_daily AS report
            LEFT JOIN stg.ad AS ad ON ad.advertiser_id = report.advertiser_id AND ad.ad_id = report.ad_id
            LEFT JOIN stg.adgroup AS adgroup ON adgroup.advertiser_id = ad.advertiser_id AND adgroup.adgroup_id = ad.adgroup_id
            WHERE report.stat_time_day IN (SELECT calendar_date FROM affected_day)
            UNION ALL
            SELECT COALESCE(campaign_cost.advertiser_id, product_cost.advertiser_id), COALESCE(campaign_cost.campaign_id, product_cost.campaign_id),
                   COALESCE(campaign_cost.stat_time_day, product_cost.stat_time_day), COALESCE(campaign_cost.cost, product_cost.cost)
            FROM (SELECT * FROM stg.gmv_max_campaign_daily WHERE stat_time_day IN (SELECT calendar_date FROM affected_day)) AS campaign_cost
            FULL JOIN staged_product_cost AS product_cost
              ON product_cost.advertiser_id = campaign_cost.advertiser_id AND product_cost.campaign_id = campaign_cost.campaign_id
             AND product_cost.stat_time_day = campaign_cost.stat_time_day
        ),
        staged_spend AS (
            -- spend of an ad or campaign missing from the entity tables is the Unknown campaign's ('')
            SELECT d.date_key, COALESCE(campaign.advertiser_id, N'') AS advertiser_id, COALESCE(campaign.campaign_id, N'') AS campaign_id,
                   SUM(staged.spend) AS spend
            FROM staged_spend_row AS staged
            JOIN dim.date AS d ON d.calendar_date = staged.stat_time_day
            JOIN etl.work_affected_date AS affected ON affected.date_key = d.date_key
            LEFT JOIN stg.campaign AS campaign ON campaign.advertiser_id = staged.advertiser_id AND campaign.campaign_id = staged.campaign_id
            GROUP BY d.date_key, COALESCE(campaign.advertiser_id, N''), COALESCE(campaign.campaign_id, N'')
        ),
        placed_spend AS (
            SELECT spend.date_key, campaign.advertiser_id, campaign.campaign_id,
                   SUM(CASE WHEN spend.product_key <> 0 THEN spend.ad_spend ELSE 0 END) AS allocated,
                   SUM(CASE WHEN spend.product_key = 0 THEN spend.ad_spend ELSE 0 END) AS unallocated
            FROM etl.work_sku_ad_spend AS spend
            JOIN dim.campaign AS campaign ON campaign.campaign_key = spend.campaign_key
            GROUP BY spend.date_key, campaign.advertiser_id, campaign.campaign_id
        ),
        campaign_mismatch AS (
            SELECT COALESCE(staged_spend.date_key, placed_spend.date_key) AS date_key,
                   COALESCE(staged_spend.advertiser_id, placed_spend.advertiser_id) AS advertiser_id,
                   COALESCE(staged_spend.campaign_id, placed_spend.campaign_id) AS campaign_id,
                   COALESCE(staged_spend.spend, 0) AS staged, COALESCE(placed_spend.allocated, 0) AS allocated,
                   COALESCE(placed_spend.unallocated, 0) AS unallocated
            FROM staged_spend
            FULL JOIN placed_spend
              ON placed_spend.date_key = staged_spend.date_key AND placed_spend.advertiser_id = staged_spend.advertiser_id
             AND placed_spend.campaign_id = staged_spend.campaign_id
            WHERE COALESCE(staged_spend.spend, 0) <> COALESCE(placed_spend.allocated, 0) + COALESCE(placed_spend.unallocated, 0)
        )
        SELECT @v_failure = CONCAT(N'check campaign_spend_equals_staged_spend failed on ', CAST(d.calendar_date AS nvarchar(10)),
                                   N' for campaign ', CASE WHEN first_mismatch.campaign_id = N'' THEN N'(unknown)'
                                                           ELSE CONCAT(first_mismatch.advertiser_id, N'/', first_mismatch.campaign_id) END,
                                   N': staged spend ', CAST(CAST(first_mismatch.staged AS decimal(19,4)) AS nvarchar(30)),
                                   N', allocated ', CAST(CAST(first_mismatch.allocated AS decimal(19,4)) AS nvarchar(30)),
                                   N' + unallocated ', CAST(CAST(first_mismatch.unallocated AS decimal(19,4)) AS nvarchar(30)),
                                   N' = ', CAST(CAST(first_mismatch.allocated + first_mismatch.unallocated AS decimal(19,4)) AS nvarchar(30)))
        FROM (SELECT TOP (1) * FROM campaign_mismatch ORDER BY date_key, advertiser_id, campaign_id) AS first_mismatch
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
