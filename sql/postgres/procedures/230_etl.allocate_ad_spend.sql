-- Profit model section 3: every day's ad spend to the SKUs that consumed it.
-- 1. GMV Max product spend to that product's SKUs, by the allocation method over their sales;
--    what the campaign spent beyond its product rows goes to Unallocated (the tie-out difference).
-- 2. An ad mapped (at ad, else ad group, else campaign level) to one SKU gives it all its spend.
-- 3. One mapped to several SKUs splits by the method over its own attributed sales that day;
--    with none, over those SKUs' total sales that day; with no sales at all, equally.
-- 4. Spend mapped to no SKU goes to the Unknown / Unallocated member (key 0).
CREATE OR REPLACE PROCEDURE etl.allocate_ad_spend(p_run_id bigint, p_allocation_method varchar, INOUT p_rows_written bigint DEFAULT 0)
LANGUAGE plpgsql
AS $$
BEGIN
    PERFORM set_config('work_mem', '256MB', true);  -- this transaction only: sorts and hashes of a full rebuild stay in memory
    -- Source spend at its own grain: ads by day, GMV Max campaigns by day.
    INSERT INTO etl.work_ad_daily (date_key, campaign_key, shop_key, spend_source, spend, impressions, clicks, conversions, reported_gmv, etl_run_id)
    SELECT d.date_key, COALESCE(ad.campaign_key, 0), COALESCE(shop.shop_key, 0), 'ad_report',
           SUM(report.spend), SUM(report.impressions), SUM(report.clicks), SUM(report.complete_payment),
           SUM(report.total_onsite_shopping_value), p_run_id
    FROM stg.ad_report_daily AS report
    JOIN dim.date AS d ON d.calendar_date = report.stat_time_day
    JOIN etl.work_affected_date AS affected ON affected.date_key = d.date_key
    LEFT JOIN dim.campaign AS ad ON ad.advertiser_id = report.advertiser_id AND ad.ad_id = report.ad_id AND ad.ad_id <> '' AND ad.is_current
    LEFT JOIN dim.shop AS shop ON shop.shop_id = ad.shop_id
    GROUP BY d.date_key, COALESCE(ad.campaign_key, 0), COALESCE(shop.shop_key, 0);

    INSERT INTO etl.work_gmv_max_tieout (date_key, campaign_key, product_cost, campaign_cost, difference, etl_run_id)
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
    SELECT d.date_key, COALESCE(campaign.campaign_key, 0), SUM(campaign_day.product_cost), SUM(campaign_day.campaign_cost),
           SUM(campaign_day.campaign_cost) - SUM(campaign_day.product_cost), p_run_id
    FROM campaign_day
    JOIN dim.date AS d ON d.calendar_date = campaign_day.stat_time_day
    JOIN etl.work_affected_date AS affected ON affected.date_key = d.date_key
    LEFT JOIN dim.campaign AS campaign
      ON campaign.advertiser_id = campaign_day.advertiser_id AND campaign.campaign_id = campaign_day.campaign_id
     AND campaign.adgroup_id = '' AND campaign.ad_id = ''
    GROUP BY d.date_key, COALESCE(campaign.campaign_key, 0);

    INSERT INTO etl.work_ad_daily (date_key, campaign_key, shop_key, spend_source, spend, impressions, clicks, conversions, reported_gmv, etl_run_id)
    SELECT tieout.date_key, tieout.campaign_key, COALESCE(shop.shop_key, 0), 'gmv_max', tieout.campaign_cost, 0, 0,
           COALESCE(reported.orders, 0), COALESCE(reported.gross_revenue, 0), p_run_id
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
    ANALYZE etl.work_order_line;
    CREATE TEMP TABLE sku_day_sales ON COMMIT DROP AS
    SELECT date_key, product_key, campaign_key, traffic_source_key,
           SUM(gmv) AS gmv, SUM(quantity) AS units, SUM(gmv - cogs) AS margin
    FROM etl.work_order_line
    WHERE is_revenue
    GROUP BY date_key, product_key, campaign_key, traffic_source_key;

    -- Which SKUs each spending ad or GMV Max product stands for, and by which rule.
    CREATE TEMP TABLE spend_target ON COMMIT DROP AS
    WITH ad_spend AS (
        -- ads missing from the entity tables have no campaign: they pool into one Unknown whole a day
        SELECT MAX(report.advertiser_id) AS advertiser_id, MAX(report.ad_id) AS ad_id, ad.campaign_id, ad.adgroup_id,
               COALESCE(ad.campaign_key, 0) AS campaign_key, d.date_key, SUM(report.spend) AS spend
        FROM stg.ad_report_daily AS report
        JOIN dim.date AS d ON d.calendar_date = report.stat_time_day
        JOIN etl.work_affected_date AS affected ON affected.date_key = d.date_key
        LEFT JOIN dim.campaign AS ad ON ad.advertiser_id = report.advertiser_id AND ad.ad_id = report.ad_id AND ad.ad_id <> '' AND ad.is_current
        GROUP BY ad.campaign_id, ad.adgroup_id, COALESCE(ad.campaign_key, 0), d.date_key
    ),
    map_level AS (
        -- the most specific level the seller mapped: 1 ad, 2 ad group, 3 campaign
        SELECT ad_spend.advertiser_id, ad_spend.ad_id, MIN(CASE WHEN map.ad_id <> '' THEN 1 WHEN map.adgroup_id <> '' THEN 2 ELSE 3 END) AS best_level
        FROM (SELECT DISTINCT advertiser_id, ad_id, campaign_id, adgroup_id FROM ad_spend) AS ad_spend
        JOIN stg.ad_product_map AS map
          ON map.advertiser_id = ad_spend.advertiser_id AND map.campaign_id = ad_spend.campaign_id
         AND (map.ad_id = ad_spend.ad_id OR (map.ad_id = '' AND (map.adgroup_id = ad_spend.adgroup_id OR map.adgroup_id = '')))
        GROUP BY ad_spend.advertiser_id, ad_spend.ad_id
    ),
    ad_sku AS (
        SELECT DISTINCT ad_spend.advertiser_id, ad_spend.ad_id, product.product_key
        FROM (SELECT DISTINCT advertiser_id, ad_id, campaign_id, adgroup_id FROM ad_spend) AS ad_spend
        JOIN map_level ON map_level.advertiser_id = ad_spend.advertiser_id AND map_level.ad_id = ad_spend.ad_id
        JOIN stg.ad_product_map AS map
          ON map.advertiser_id = ad_spend.advertiser_id AND map.campaign_id = ad_spend.campaign_id
         AND CASE WHEN map.ad_id <> '' THEN 1 WHEN map.adgroup_id <> '' THEN 2 ELSE 3 END = map_level.best_level
         AND (map.ad_id = ad_spend.ad_id OR (map.ad_id = '' AND (map.adgroup_id = ad_spend.adgroup_id OR map.adgroup_id = '')))
        JOIN dim.product AS product
          ON product.shop_id = map.shop_id
         AND ((map.sku_id <> '' AND product.sku_id = map.sku_id) OR (map.sku_id = '' AND product.product_id = map.product_id))
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
         AND campaign.adgroup_id = '' AND campaign.ad_id = ''
        LEFT JOIN dim.product AS product ON product.shop_id = report.store_id AND product.product_id = report.item_group_id
    )
    SELECT 'ad_report' AS spend_source, date_key, campaign_key, spend, product_key,
           CASE WHEN target_count = 0 THEN 'unmapped' WHEN target_count = 1 THEN 'single_sku' ELSE 'multi_sku' END AS allocation_rule,
           DENSE_RANK() OVER (ORDER BY date_key, campaign_key) AS whole_id
    FROM ad_target
    UNION ALL
    SELECT 'gmv_max', date_key, campaign_key, spend, product_key,
           CASE WHEN product_key = 0 THEN 'unmapped' ELSE 'gmv_max_product' END,
           -DENSE_RANK() OVER (ORDER BY date_key, campaign_key, item_group_id)
    FROM gmv_max_target;

    -- Split weights: the SKUs' attributed sales of this ad (multi-SKU ads), else their total
    -- sales that day; margin falls back to revenue where any part's margin is not positive.
    CREATE TEMP TABLE spend_weight ON COMMIT DROP AS
    WITH target_sales AS (
        SELECT target.*,
               COALESCE(SUM(CASE WHEN sales.traffic_source_key = 2 AND sales.campaign_key = target.campaign_key THEN sales.gmv END), 0) AS attributed_gmv,
               COALESCE(SUM(CASE WHEN sales.traffic_source_key = 2 AND sales.campaign_key = target.campaign_key THEN sales.units END), 0) AS attributed_units,
               COALESCE(SUM(CASE WHEN sales.traffic_source_key = 2 AND sales.campaign_key = target.campaign_key THEN sales.margin END), 0) AS attributed_margin,
               COALESCE(SUM(sales.gmv), 0) AS total_gmv,
               COALESCE(SUM(sales.units), 0) AS total_units,
               COALESCE(SUM(sales.margin), 0) AS total_margin
        FROM spend_target AS target
        LEFT JOIN sku_day_sales AS sales ON sales.date_key = target.date_key AND sales.product_key = target.product_key
        GROUP BY target.spend_source, target.date_key, target.campaign_key, target.spend, target.product_key, target.allocation_rule, target.whole_id
    ),
    basis AS (
        SELECT target_sales.*,
               CASE WHEN allocation_rule = 'multi_sku' AND SUM(attributed_units) OVER (PARTITION BY whole_id) > 0 THEN 'attributed'
                    WHEN SUM(total_units) OVER (PARTITION BY whole_id) > 0 THEN 'sales'
                    ELSE 'equal' END AS weight_basis,
               MIN(attributed_margin) OVER (PARTITION BY whole_id) AS min_attributed_margin,
               MIN(total_margin) OVER (PARTITION BY whole_id) AS min_total_margin
        FROM target_sales
    )
    SELECT basis.*,
           CASE weight_basis
               WHEN 'attributed' THEN CASE WHEN p_allocation_method = 'units' THEN attributed_units
                                           WHEN p_allocation_method = 'margin' AND min_attributed_margin > 0 THEN attributed_margin
                                           ELSE attributed_gmv END
               WHEN 'sales' THEN CASE WHEN p_allocation_method = 'units' THEN total_units
                                      WHEN p_allocation_method = 'margin' AND min_total_margin > 0 THEN total_margin
                                      ELSE total_gmv END
               ELSE 0 END AS weight,
           COUNT(*) OVER (PARTITION BY whole_id) AS parts
    FROM basis;

    -- Wholes of several parts are split here, in the arithmetic of etl.split_by_largest_remainder
    -- (the whole as work_split.whole_amount stores it, numeric(19,4); the weight as work_split.weight,
    -- numeric(38,10); equal weights when they sum to zero; the cents the floored shares leave go to
    -- the largest remainders, then the lowest part_id), and written to etl.work_split already split,
    -- so the publish check split_parts_sum_to_whole still covers them. No UPDATE of etl.work_split:
    -- with few rows per product the planner looped that UPDATE over the (split_name, part_id) index.
    -- A whole of one part (about 9 in 10 here: most spend goes to one SKU) is that part, rounded to
    -- the cent as the split rounds it: ROUND(whole, 2); it is not written to etl.work_split.
    CREATE TEMP TABLE spend_part ON COMMIT DROP AS
    WITH part AS (
        SELECT whole_id, product_key AS part_id,
               CAST(spend AS numeric(19,4)) AS whole_amount,
               CAST(weight AS numeric(38,10)) AS weight,
               CASE WHEN SUM(CAST(weight AS numeric(38,10))) OVER (PARTITION BY whole_id) > 0
                    THEN CAST(weight AS numeric(38,10)) ELSE 1 END AS effective_weight
        FROM spend_weight
        WHERE parts > 1
    ),
    exact_shares AS (
        SELECT part.*,
               -- rounded to 10 places so equal shares tie exactly, whatever precision the division kept
               ROUND(ABS(whole_amount) * effective_weight / SUM(effective_weight) OVER (PARTITION BY whole_id), 10) AS exact_share
        FROM part
    ),
    floored AS (
        SELECT exact_shares.*, FLOOR(exact_share * 100) / 100 AS floor_share
        FROM exact_shares
    ),
    ranked AS (
        SELECT floored.*,
               ROUND((ABS(whole_amount) - SUM(floor_share) OVER (PARTITION BY whole_id)) * 100) AS cents_left,
               ROW_NUMBER() OVER (PARTITION BY whole_id ORDER BY exact_share - floor_share DESC, part_id) AS remainder_rank
        FROM floored
    )
    SELECT whole_id, part_id, whole_amount, weight,
           CAST(CASE WHEN whole_amount < 0 THEN -1 ELSE 1 END
                * (floor_share + CASE WHEN remainder_rank <= cents_left THEN 0.01 ELSE 0 END) AS numeric(19,4)) AS part_amount
    FROM ranked;
    ANALYZE spend_part;

    INSERT INTO etl.work_split (split_name, whole_id, part_id, whole_amount, weight, part_amount)
    SELECT 'ad_spend', whole_id, part_id, whole_amount, weight, part_amount
    FROM spend_part
    ORDER BY whole_id, part_id;  -- key order: appends to the primary key instead of scattering
    ANALYZE etl.work_split;

    INSERT INTO etl.work_sku_ad_spend (date_key, campaign_key, product_key, shop_key, spend_source, allocation_rule, allocation_method, ad_spend, etl_run_id)
    SELECT target.date_key, target.campaign_key, target.product_key, MAX(COALESCE(shop.shop_key, campaign_shop.shop_key, 0)), target.spend_source,
           MAX(CASE WHEN target.allocation_rule = 'multi_sku' THEN 'multi_sku_' || target.weight_basis ELSE target.allocation_rule END),
           p_allocation_method,
           SUM(CASE WHEN target.parts = 1 THEN CAST(ROUND(CAST(target.spend AS numeric(19,4)), 2) AS numeric(19,4))
                    ELSE split.part_amount END),
           p_run_id
    FROM spend_weight AS target
    LEFT JOIN spend_part AS split ON target.parts > 1 AND split.whole_id = target.whole_id AND split.part_id = target.product_key
    JOIN dim.product AS product ON product.product_key = target.product_key
    LEFT JOIN dim.shop AS shop ON shop.shop_id = product.shop_id AND product.product_key <> 0
    LEFT JOIN dim.campaign AS campaign ON campaign.campaign_key = target.campaign_key
    LEFT JOIN dim.shop AS campaign_shop ON campaign_shop.shop_id = campaign.shop_id
    GROUP BY target.date_key, target.campaign_key, target.product_key, target.spend_source;
    GET DIAGNOSTICS p_rows_written = ROW_COUNT;

    -- GMV Max spend the product rows do not explain stays visible on Unallocated.
    INSERT INTO etl.work_sku_ad_spend (date_key, campaign_key, product_key, shop_key, spend_source, allocation_rule, allocation_method, ad_spend, etl_run_id)
    SELECT tieout.date_key, tieout.campaign_key, 0, COALESCE(shop.shop_key, 0), 'gmv_max_untied', 'gmv_max_untied', p_allocation_method, tieout.difference, p_run_id
    FROM etl.work_gmv_max_tieout AS tieout
    JOIN dim.campaign AS campaign ON campaign.campaign_key = tieout.campaign_key
    LEFT JOIN dim.shop AS shop ON shop.shop_id = campaign.shop_id
    WHERE tieout.difference <> 0;
END;
$$;
