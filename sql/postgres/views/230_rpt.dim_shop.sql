-- The shop dimension; key 0 = Unknown (spend that maps to no shop).
CREATE OR REPLACE VIEW rpt.dim_shop AS
SELECT shop.shop_key,
       shop.shop_id,
       shop.shop_name,
       shop.region,
       shop.currency,
       shop.time_zone
FROM dim.shop AS shop;
