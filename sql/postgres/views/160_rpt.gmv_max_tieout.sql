-- GMV Max campaign x day: the product rows' cost tied out against the campaign's own cost; the
-- difference is the spend allocated to Unknown / Unallocated (rule gmv_max_untied).
CREATE OR REPLACE VIEW rpt.gmv_max_tieout AS
SELECT tieout.date_key,
       d.calendar_date,
       d.iso_week_label,
       COALESCE(shop.shop_key, 0) AS shop_key,
       tieout.campaign_key,
       campaign.advertiser_id,
       campaign.campaign_id,
       campaign.campaign_name,
       tieout.product_cost,
       tieout.campaign_cost,
       tieout.difference,
       CASE WHEN tieout.campaign_cost <> 0 THEN tieout.difference / tieout.campaign_cost END AS untied_share,
       tieout.difference = 0 AS is_tied_out
FROM fact.gmv_max_tieout AS tieout
JOIN dim.date AS d ON d.date_key = tieout.date_key
JOIN dim.campaign AS campaign ON campaign.campaign_key = tieout.campaign_key
LEFT JOIN dim.shop AS shop ON shop.shop_id = campaign.shop_id;
