-- The shop dimension; key 0 = Unknown (spend that maps to no shop).
DROP VIEW IF EXISTS rpt.dim_shop;
GO

CREATE VIEW rpt.dim_shop AS
SELECT shop.shop_key,
       shop.shop_id,
       shop.shop_name,
       shop.region,
       shop.currency,
       shop.time_zone
FROM dim.shop AS shop;
GO
