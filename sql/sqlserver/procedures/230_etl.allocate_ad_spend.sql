-- Profit model section 3: every day's ad spend to the SKUs that consumed it.
-- 1. GMV Max product spend to that product's SKUs, by the allocation method over their sales;
--    what the campaign spent beyond its product rows goes to Unallocated (the tie-out difference).
-- 2. An ad mapped (at ad, else ad group, else campaign level) to one SKU gives it all its spend.
-- 3. One mapped to several SKUs splits by the method over its own attributed sales that day;
--    with none, over those SKUs' total sales that day; with no sales at all, equally.
-- 4. Spend mapped to no SKU goes to the Unknown / Unallocated member (key 0).
DROP PROCEDURE IF EXISTS etl.allocate_ad_spend;
GO

CREATE PROCEDURE etl.allocate_ad_spend
    @p_run_id bigint,
    @p_allocation_method nvarchar(100),
    @p_rows_written bigint = 0 OUTPUT
AS
BEGIN
    SET NOCOUNT ON;
    SET XACT_ABORT ON;
    DECLARE @own_transaction bit = CASE WHEN @@TRANCOUNT = 0 THEN 1 ELSE 0 END;
    BEGIN TRY
        IF @own_transaction = 1 BEGIN TRANSACTION;

        -- Source spend at its own grain: ads by day, GMV Max campaigns by day.
        INSERT INTO etl.work_ad_daily (date_key, campaign_key, shop_key, spend_source, spend, impressions, clicks, conversions, reported_gmv, etl_run_id)
        SELECT d.date_key, COALESCE(ad.campaign_key, 0), COALESCE(shop.shop_key, 0), N'ad_report',
               SUM(report.spend), SUM(report.impressions), SUM(report.clicks), SUM(report.complete_payment),
               SUM(report.total_onsite_shopping_value), @p_run_id
        FROM stg.ad_report_daily AS report
        JOIN dim.date AS d ON d.calendar_date = report.stat_time_day
        JOIN etl.work_affected_date AS affected ON affected.date_key = d.date_key
        LEFT JOIN dim.campaign AS ad ON ad.advertiser_id = report.advertiser_id AND ad.ad_id = report.ad_id AND ad.ad_id <> N'' AND ad.is_current = 1
        LEFT JOIN dim.shop AS shop ON shop.shop_id = ad.shop_id
        GROUP BY d.date_key, COALESCE(ad.campaign_key, 0), COALESCE(shop.shop_key, 0);

        WITH product_cost AS (
            SELECT advertiser_id, campaign_id, stat_time_day, SUM(cost) AS product_cost
            FROM stg.gmv_max_product_daily
            GROUP BY advertiser_id, campaign_id, stat_time_day
        ),
        campaign_day AS (
            SELECT COALESCE(campaign_cost.advertiser_id, product_cost.advertiser_id) AS advertiser_id,
                   COALESCE(campaign_cost.campaign_id, product_cost.campaign_id) AS campaign_id,
                   COALESCE(campaign_cost.stat_time_day, product_cost.stat_time_day) AS stat_time_day,
                   COALESCE(product_cost.product_cost, 0) AS product_cost,
                   COALESCE(campaign_cost.cost, product_cost.product_cost) AS campaign_cost
            FROM stg.gmv_max_campaign_daily AS campaign_cost
            FULL JOIN product_cost
              ON product_cost.advertiser_id = campaign_cost.advertiser_id AND product_cost.campaign_id = campaign_cost.campaign_id
             AND product_cost.stat_time_day = campaign_cost.stat_time_day
        )
        INSERT INTO etl.work_gmv_max_tieout (date_key, campaign_key, product_cost, campaign_cost, difference, etl_run_id)
        SELECT d.date_key, COALESCE(campaign.campaign_key, 0), SUM(campaign_day.product_cost), SUM(campaign_day.campaign_cost),
               SUM(campaign_day.campaign_cost) - SUM(campaign_day.product_cost), @p_run_id
        FROM campaign_day
        JOIN dim.date AS d ON d.calendar_date = campaign_day.stat_time_day
        JOIN etl.work_affected_date AS affected ON affected.date_key = d.date_key
        LEFT JOIN dim.campaign AS campaign
          ON campaign.advertiser_id = campaign_day.advertiser_id AND campaign.campaign_id = campaign_day.campaign_id
         AND campaign.adgroup_id = N'' AND campaign.ad_id = N''
        GROUP BY d.date_key, COALESCE(campaign.campaign_key, 0);

        INSERT INTO etl.work_ad_daily (date_key, campaign_key, shop_key, spend_source, spend, impressions, clicks, conversions, reported_gmv, etl_run_id)
        SELECT tieout.date_key, tieout.campaign_key, COALESCE(shop.shop_key, 0), N'gmv_max', tieout.campaign_cost, 0, 0,
               COALESCE(reported.orders, 0), COALESCE(reported.gross_revenue, 0), @p_run_id
        FROM etl.work_gmv_max_tieout AS tieout
        JOIN dim.campaign AS campaign ON campaign.campaign_key = tieout.campaign_key
        LEFT JOIN dim.shop AS shop ON shop.shop_id = campaign.shop_id
        LEFT JOIN (
            SELECT report.advertiser_id, report.campaign_id, d.date_key, SUM(report.orders) AS orders, SUM(report.gross_revenue) AS gross_revenue
            FROM stg.gmv_max_product_daily AS report
            JOIN dim.date AS d ON d.calendar_date = report.stat_time_day
            GROUP BY report.advertiser_id, report.campaign_id, d.date_key
        ) AS reported
          ON reported.advertiser_id = campaign.advertiser_id AND reported.campaign_id = campaign.campaign_id
         AND reported.date_key = tieout.date_key;

        -- Each SKU's sales per day: the weights of every split below.
        UPDATE STATISTICS etl.work_order_line;
        SELECT date_key, product_key, campaign_key, traffic_source_key,
               SUM(gmv) AS gmv, SUM(quantity) AS units, SUM(gmv - cogs) AS margin
        INTO #sku_day_sales
        FROM etl.work_order_line
        WHERE is_revenue = 1
        GROUP BY date_key, product_key, campaign_key, traffic_source_key;

        -- Which SKUs each spending ad or GMV Max product stands for, and by which rule.
        WITH ad_spend AS (
            -- ads missing from the entity tables have no campaign: they pool into one Unknown whole a day
            SELECT MAX(report.advertiser_id) AS advertiser_id, MAX(report.ad_id) AS ad_id, ad.campaign_id, ad.adgroup_id,
                   COALESCE(ad.campaign_key, 0) AS campaign_key, d.date_key, SUM(report.spend) AS spend
            FROM stg.ad_report_daily AS report
            JOIN dim.date AS d ON d.calendar_date = report.stat_time_day
            JOIN etl.work_affected_date AS affected ON affected.date_key = d.date_key
            LEFT JOIN dim.campaign AS ad ON ad.advertiser_id = report.advertiser_id AND ad.ad_id = report.ad_id AND ad.ad_id <> N'' AND ad.is_current = 1
            GROUP BY ad.campaign_id, ad.adgroup_id, COALESCE(ad.campaign_key, 0), d.date_key
        ),
        map_level AS (
            -- the most specific level the seller mapped: 1 ad, 2 ad group, 3 campaign
            SELECT spending_ad.advertiser_id, spending_ad.ad_id,
                   MIN(CASE WHEN map.ad_id <> N'' THEN 1 WHEN map.adgroup_id <> N'' THEN 2 ELSE 3 END) AS best_level
            FROM (SELECT DISTINCT advertiser_id, ad_id, campaign_id, adgroup_id FROM ad_spend) AS spending_ad
            JOIN stg.ad_product_map AS map
              ON map.advertiser_id = spending_ad.advertiser_id AND map.campaign_id = spending_ad.campaign_id
             AND (map.ad_id = spending_ad.ad_id OR (map.ad_id = N'' AND (map.adgroup_id = spending_ad.adgroup_id OR map.adgroup_id = N'')))
            GROUP BY spending_ad.advertiser_id, spending_ad.ad_id
        ),
        ad_sku AS (
            SELECT DISTINCT spending_ad.advertiser_id, spending_ad.ad_id, product.product_key
            FROM (SELECT DISTINCT advertiser_id, ad_id, campaign_id, adgroup_id FROM ad_spend) AS spending_ad
            JOIN map_level ON map_level.advertiser_id = spending_ad.advertiser_id AND map_level.ad_id = spending_ad.ad_id
            JOIN stg.ad_product_map AS map
              ON map.advertiser_id = spending_ad.advertiser_id AND map.campaign_id = spending_ad.campaign_id
             AND CASE WHEN map.ad_id <> N'' THEN 1 WHEN map.adgroup_id <> N'' THEN 2 ELSE 3 END = map_level.best_level
             AND (map.ad_id = spending_ad.ad_id OR (map.ad_id = N'' AND (map.adgroup_id = spending_ad.adgroup_id OR map.adgroup_id = N'')))
            JOIN dim.product AS product
              ON product.shop_id = map.shop_id
             AND ((map.sku_id <> N'' AND product.sku_id = map.sku_id) OR (map.sku_id = N'' AND product.product_id = map.product_id))
        ),
        ad_target AS (
            SELECT ad_spend.date_key, ad_spend.campaign_key, ad_spend.spend,
                   COALESCE(ad_sku.product_key, 0) AS product_key,
                   COUNT(ad_sku.product_key) OVER (PARTITION BY ad_spend.campaign_key, ad_spend.date_key) AS target_count
            FROM ad_spend
            LEFT JOIN ad_sku ON ad_sku.advertiser_id = ad_spend.advertiser_id AND ad_sku.ad_id = ad_spend.ad_id
        ),
        gmv_max_target AS (
            SELECT d.date_key, COALESCE(campaign.campaign_key, 0) AS campaign_key, report.item_group_id, report.cost AS spend, COALESCE(product.product_key, 0) AS product_key
            FROM stg.gmv_max_product_daily AS report
            JOIN dim.date AS d ON d.calendar_date = report.stat_time_day
            JOIN etl.work_affected_date AS affected ON affected.date_key = d.date_key
            LEFT JOIN dim.campaign AS campaign
              ON campaign.advertiser_id = report.advertiser_id AND campaign.campaign_id = report.campaign_id
             AND campaign.adgroup_id = N'' AND campaign.ad_id = N''
            LEFT JOIN dim.product AS product ON product.shop_id = report.store_id AND product.product_id = report.item_group_id
        )
        SELECT N'ad_report' AS spend_source, date_key, campaign_key, spend, product_key,
               CASE WHEN target_count = 0 THEN N'unmapped' WHEN target_count = 1 THEN N'single_sku' ELSE N'multi_sku' END AS allocation_rule,
               DENSE_RANK() OVER (ORDER BY date_key, campaign_key) AS whole_id
        INTO #spend_target
        FROM ad_target
        UNION ALL
        SELECT N'gmv_max', date_key, campaign_key, spend, product_key,
               CASE WHEN product_key = 0 THEN N'unmapped' ELSE N'gmv_max_product' END,
               -DENSE_RANK() OVER (ORDER BY date_key, campaign_key, item_group_id)
        FROM gmv_max_target;

        -- Split weights: the SKUs' attributed sales of this ad (multi-SKU ads), else their total
        -- sales that day; margin falls back to revenue where any part's margin is not positive.
        WITH target_sales AS (
            SELECT target.*,
                   COALESCE(SUM(CASE WHEN sales.traffic_source_key = 2 AND sales.campaign_key = target.campaign_key THEN sales.gmv END), 0) AS attributed_gmv,
                   COALESCE(SUM(CASE WHEN sales.traffic_source_key = 2 AND sales.campaign_key = target.campaign_key THEN sales.units END), 0) AS attributed_units,
                   COALESCE(SUM(CASE WHEN sales.traffic_source_key = 2 AND sales.campaign_key = target.campaign_key THEN sales.margin END), 0) AS attributed_margin,
                   COALESCE(SUM(sales.gmv), 0) AS total_gmv,
                   COALESCE(SUM(sales.units), 0) AS total_units,
                   COALESCE(SUM(sales.margin), 0) AS total_margin
            FROM #spend_target AS target
            LEFT JOIN #sku_day_sales AS sales ON sales.date_key = target.date_key AND sales.product_key = target.product_key
            GROUP BY target.spend_source, target.date_key, target.campaign_key, target.spend, target.product_key, target.allocation_rule, target.whole_id
        ),
        basis AS (
            SELECT target_sales.*,
                   CASE WHEN allocation_rule = N'multi_sku' AND SUM(attributed_units) OVER (PARTITION BY whole_id) > 0 THEN N'attributed'
                        WHEN SUM(total_units) OVER (PARTITION BY whole_id) > 0 THEN N'sales'
                        ELSE N'equal' END AS weight_basis,
                   MIN(attributed_margin) OVER (PARTITION BY whole_id) AS min_attributed_margin,
                   MIN(total_margin) OVER (PARTITION BY whole_id) AS min_total_margin
            FROM target_sales
        )
        SELECT basis.*,
               CASE weight_basis
                   WHEN N'attributed' THEN CASE WHEN @p_allocation_method = N'units' THEN attributed_units
                                                WHEN @p_allocation_method = N'margin' AND min_attributed_margin > 0 THEN attributed_margin
                                                ELSE attributed_gmv END
                   WHEN N'sales' THEN CASE WHEN @p_allocation_method = N'units' THEN total_units
                                           WHEN @p_allocation_method = N'margin' AND min_total_margin > 0 THEN total_margin
                                           ELSE total_gmv END
                   ELSE 0 END AS weight,
               COUNT(*) OVER (PARTITION BY whole_id) AS parts
        INTO #spend_weight
        FROM basis;

        -- Wholes of several parts are split here, in the arithmetic and types of
        -- etl.split_by_largest_remainder (the whole as work_split.whole_amount stores it, decimal(19,4);
        -- the weight as work_split.weight, decimal(38,10); equal weights when they sum to zero; the
        -- cents the floored shares leave go to the largest remainders, then the lowest part_id), and
        -- written to etl.work_split already split, so the publish check split_parts_sum_to_whole still
        -- covers them; no UPDATE of etl.work_split. A whole of one part (about 9 in 10 here: most spend
        -- goes to one SKU) is that part, rounded to the cent as the split rounds it: ROUND(whole, 2);
        -- it is not written to etl.work_split.
        WITH part AS (
            SELECT whole_id, product_key AS part_id,
                   CAST(spend AS decimal(19,4)) AS whole_amount,
                   CAST(weight AS decimal(38,10)) AS weight,
                   CASE WHEN SUM(CAST(weight AS decimal(38,10))) OVER (PARTITION BY whole_id) > 0
                        THEN CAST(weight AS decimal(38,10)) ELSE 1 END AS effective_weight
            FROM #spend_weight
            WHERE parts > 1
        ),
        -- the weight's ratio (16 decimals) times the whole, in types narrow enough to keep 18 decimals,
        -- rounded to 10 so that equal shares tie (see etl.split_by_largest_remainder)
        exact_shares AS (
            SELECT part.*,
                   ROUND(CAST(ABS(whole_amount)
                              * CAST(CAST(effective_weight AS decimal(22,10))
                                     / CAST(SUM(effective_weight) OVER (PARTITION BY whole_id) AS decimal(22,10)) AS decimal(20,16))
                              AS decimal(33,18)), 10) AS exact_share
            FROM part
        ),
        floored AS (
            SELECT exact_shares.*, CAST(FLOOR(exact_share * 100) / 100 AS decimal(19,2)) AS floor_share
            FROM exact_shares
        ),
        ranked AS (
            SELECT floored.*,
                   ROUND((ABS(whole_amount) - SUM(floor_share) OVER (PARTITION BY whole_id)) * 100, 0) AS cents_left,
                   ROW_NUMBER() OVER (PARTITION BY whole_id ORDER BY exact_share - floor_share DESC, part_id) AS remainder_rank
            FROM floored
        )
        SELECT whole_id, part_id, whole_amount, weight,
               CAST((CASE WHEN whole_amount < 0 THEN -1 ELSE 1 END)
                    * (floor_share + CASE WHEN remainder_rank <= cents_left THEN 0.01 ELSE 0 END) AS decimal(19,4)) AS part_amount
        INTO #spend_part
        FROM ranked;

        INSERT INTO etl.work_split (split_name, whole_id, part_id, whole_amount, weight, part_amount)
        SELECT N'ad_spend', whole_id, part_id, whole_amount, weight, part_amount
        FROM #spend_part
        ORDER BY whole_id, part_id;  -- key order: appends to the primary key instead of scattering
        UPDATE STATISTICS etl.work_split;

        INSERT INTO etl.work_sku_ad_spend (date_key, campaign_key, product_key, shop_key, spend_source, allocation_rule, allocation_method, ad_spend, etl_run_id)
        SELECT target.date_key, target.campaign_key, target.product_key, MAX(COALESCE(shop.shop_key, campaign_shop.shop_key, 0)), target.spend_source,
               MAX(CASE WHEN target.allocation_rule = N'multi_sku' THEN CONCAT(N'multi_sku_', target.weight_basis) ELSE target.allocation_rule END),
               @p_allocation_method,
               SUM(CASE WHEN target.parts = 1 THEN CAST(ROUND(CAST(target.spend AS decimal(19,4)), 2) AS decimal(19,4))
                        ELSE split.part_amount END),
               @p_run_id
        FROM #spend_weight AS target
        LEFT JOIN #spend_part AS split ON target.parts > 1 AND split.whole_id = target.whole_id AND split.part_id = target.product_key
        JOIN dim.product AS product ON product.product_key = target.product_key
        LEFT JOIN dim.shop AS shop ON shop.shop_id = product.shop_id AND product.product_key <> 0
        LEFT JOIN dim.campaign AS campaign ON campaign.campaign_key = target.campaign_key
        LEFT JOIN dim.shop AS campaign_shop ON campaign_shop.shop_id = campaign.shop_id
        GROUP BY target.date_key, target.campaign_key, target.product_key, target.spend_source;
        SET @p_rows_written = @@ROWCOUNT;

        -- GMV Max spend the product rows do not explain stays visible on Unallocated.
        INSERT INTO etl.work_sku_ad_spend (date_key, campaign_key, product_key, shop_key, spend_source, allocation_rule, allocation_method, ad_spend, etl_run_id)
        SELECT tieout.date_key, tieout.campaign_key, 0, COALESCE(shop.shop_key, 0), N'gmv_max_untied', N'gmv_max_untied', @p_allocation_method, tieout.difference, @p_run_id
        FROM etl.work_gmv_max_tieout AS tieout
        JOIN dim.campaign AS campaign ON campaign.campaign_key = tieout.campaign_key
        LEFT JOIN dim.shop AS shop ON shop.shop_id = campaign.shop_id
        WHERE tieout.difference <> 0;

        DROP TABLE #sku_day_sales;
        DROP TABLE #spend_target;
        DROP TABLE #spend_weight;
        DROP TABLE #spend_part;

        IF @own_transaction = 1 COMMIT TRANSACTION;
    END TRY
    BEGIN CATCH
        IF @own_transaction = 1 AND XACT_STATE() <> 0 ROLLBACK TRANSACTION;
        THROW;
    END CATCH;
END;
GO
