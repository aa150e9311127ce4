-- The campaign dimension: one row per ad, plus one per campaign (campaign_level 'campaign') for
-- spend TikTok reports at campaign level (GMV Max); key 0 = Unknown. An ad moved to another ad group
-- keeps its old row (is_current false) for the days published under it.
DROP VIEW IF EXISTS rpt.dim_campaign;
GO

CREATE VIEW rpt.dim_campaign AS
SELECT campaign.campaign_key,
       CASE WHEN campaign.campaign_key = 0 THEN 'unknown' WHEN campaign.ad_id = '' THEN 'campaign' ELSE 'ad' END AS campaign_level,
       COALESCE(shop.shop_key, 0) AS shop_key,
       campaign.advertiser_id,
       campaign.campaign_id,
       campaign.campaign_name,
       campaign.campaign_type,
       campaign.adgroup_id,
       campaign.adgroup_name,
       campaign.ad_id,
       campaign.ad_name,
       CASE WHEN campaign.ad_id = '' THEN campaign.campaign_name
            ELSE CONCAT(campaign.campaign_name, ' / ', COALESCE(campaign.ad_name, campaign.ad_id)) END AS campaign_ad_label,
       campaign.click_attribution_window,
       campaign.view_attribution_window,
       campaign.is_current
FROM dim.campaign AS campaign
LEFT JOIN dim.shop AS shop ON shop.shop_id = campaign.shop_id AND campaign.campaign_key <> 0;
GO
