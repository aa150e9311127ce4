-- The SKU dimension (one row per SKU, the grain of every SKU figure; key 0 = Unknown / Unallocated),
-- with its current unit cost and the tier of its latest review period.
CREATE OR REPLACE VIEW rpt.dim_sku AS
WITH current_cost AS (
    SELECT cost.product_key, cost.unit_cost, cost.currency
    FROM dim.sku_cost AS cost
    WHERE cost.is_current
),
ranked_period AS (
    SELECT period.product_key, period.tier, period.action, period.period_end_date_key,
           ROW_NUMBER() OVER (PARTITION BY period.product_key ORDER BY period.period_end_date_key DESC) AS recency
    FROM fact.sku_period AS period
)
SELECT product.product_key,
       COALESCE(shop.shop_key, 0) AS shop_key,
       product.shop_id,
       COALESCE(shop.shop_name, 'Unknown') AS shop_name,
       product.product_id,
       product.sku_id,
       product.seller_sku,
       product.product_name,
       product.sku_name,
       COALESCE(product.category, 'Uncategorized') AS category,
       current_cost.unit_cost AS current_unit_cost,
       current_cost.currency AS cost_currency,
       COALESCE(latest.tier, 'none') AS latest_tier,
       latest.action AS latest_action,
       latest.period_end_date_key AS latest_period_end_date_key,
       product.product_key = 0 AS is_unallocated
FROM dim.product AS product
LEFT JOIN dim.shop AS shop ON shop.shop_id = product.shop_id AND product.product_key <> 0
LEFT JOIN current_cost ON current_cost.product_key = product.product_key
LEFT JOIN ranked_period AS latest ON latest.product_key = product.product_key AND latest.recency = 1;
