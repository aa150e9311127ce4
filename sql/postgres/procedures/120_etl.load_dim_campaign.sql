-- Campaigns, ad groups (with their attribution windows) and ads: one row per ad, and one per
-- campaign (blank ad group and ad) for spend that TikTok reports at campaign or product level.
-- An ad has one current parent: when staging places it under another ad group (or its ad group
-- under another campaign), the old row stays for the facts that point at it but is no longer
-- current, and spend and touchpoints join to the current row only (one row per ad, never two).
CREATE OR REPLACE PROCEDURE etl.load_dim_campaign(p_run_id bigint, INOUT p_rows_written bigint DEFAULT 0)
LANGUAGE plpgsql
AS $$
DECLARE
    v_updated bigint;
    v_renamed bigint;
    v_moved bigint;
BEGIN
    CREATE TEMP TABLE source_campaign ON COMMIT DROP AS
    SELECT campaign.advertiser_id, campaign.campaign_id, campaign.campaign_name, campaign.campaign_type,
           campaign.store_id AS shop_id, adgroup.adgroup_id, adgroup.adgroup_name,
           adgroup.click_attribution_window, adgroup.view_attribution_window, ad.ad_id, ad.ad_name
    FROM stg.ad AS ad
    JOIN stg.adgroup AS adgroup ON adgroup.advertiser_id = ad.advertiser_id AND adgroup.adgroup_id = ad.adgroup_id
    JOIN stg.campaign AS campaign ON campaign.advertiser_id = ad.advertiser_id AND campaign.campaign_id = adgroup.campaign_id
    UNION ALL
    SELECT campaign.advertiser_id, campaign.campaign_id, campaign.campaign_name, campaign.campaign_type,
           campaign.store_id, '', NULL, NULL, NULL, '', NULL
    FROM stg.campaign AS campaign;

    -- Ads staged under another parent than a current row's: that row is history now.
    UPDATE dim.campaign AS target
    SET is_current = false, etl_run_id = p_run_id
    WHERE target.is_current AND target.ad_id <> ''
      AND EXISTS (SELECT 1 FROM source_campaign AS source
                  WHERE source.advertiser_id = target.advertiser_id AND source.ad_id = target.ad_id
                    AND (source.campaign_id <> target.campaign_id OR source.adgroup_id <> target.adgroup_id));
    GET DIAGNOSTICS v_moved = ROW_COUNT;

    -- An ad moved back to a parent it had before: its old row is current again.
    UPDATE dim.campaign AS target
    SET is_current = true, etl_run_id = p_run_id
    FROM source_campaign AS source
    WHERE NOT target.is_current
      AND target.advertiser_id = source.advertiser_id AND target.campaign_id = source.campaign_id
      AND target.adgroup_id = source.adgroup_id AND target.ad_id = source.ad_id;
    GET DIAGNOSTICS v_updated = ROW_COUNT;
    v_moved := v_moved + v_updated;

    UPDATE dim.campaign AS target
    SET campaign_name = source.campaign_name, campaign_type = source.campaign_type, shop_id = source.shop_id,
        adgroup_name = source.adgroup_name, click_attribution_window = source.click_attribution_window,
        view_attribution_window = source.view_attribution_window, ad_name = source.ad_name, etl_run_id = p_run_id
    FROM source_campaign AS source
    WHERE target.advertiser_id = source.advertiser_id AND target.campaign_id = source.campaign_id
      AND target.adgroup_id = source.adgroup_id AND target.ad_id = source.ad_id
      AND (target.campaign_name, target.campaign_type, target.shop_id, target.adgroup_name,
           target.click_attribution_window, target.view_attribution_window, target.ad_name)
          IS DISTINCT FROM (source.campaign_name, source.campaign_type, source.shop_id, source.adgroup_name,
           source.click_attribution_window, source.view_attribution_window, source.ad_name);
    GET DIAGNOSTICS v_updated = ROW_COUNT;

    -- A campaign's own name, type and shop on every row of it, history rows included: a campaign
    -- renamed after one of its ads moved away is still one campaign, under its current name, in the
    -- reports that group by campaign (rpt.budget_plan_campaign).
    UPDATE dim.campaign AS target
    SET campaign_name = campaign.campaign_name, campaign_type = campaign.campaign_type, shop_id = campaign.store_id,
        etl_run_id = p_run_id
    FROM stg.campaign AS campaign
    WHERE target.advertiser_id = campaign.advertiser_id AND target.campaign_id = campaign.campaign_id
      AND (target.campaign_name, target.campaign_type, target.shop_id)
          IS DISTINCT FROM (campaign.campaign_name, campaign.campaign_type, campaign.store_id);
    GET DIAGNOSTICS v_renamed = ROW_COUNT;
    v_updated := v_updated + v_renamed;

    INSERT INTO dim.campaign (advertiser_id, campaign_id, campaign_name, campaign_type, shop_id, adgroup_id,
                              adgroup_name, click_attribution_window, view_attribution_window, ad_id, ad_name, etl_run_id)
    SELECT source.advertiser_id, source.campaign_id, source.campaign_name, source.campaign_type, source.shop_id,
           source.adgroup_id, source.adgroup_name, source.click_attribution_window, source.view_attribution_window,
           source.ad_id, source.ad_name, p_run_id
    FROM source_campaign AS source
    WHERE NOT EXISTS (SELECT 1 FROM dim.campaign AS target
                      WHERE target.advertiser_id = source.advertiser_id AND target.campaign_id = source.campaign_id
                        AND target.adgroup_id = source.adgroup_id AND target.ad_id = source.ad_id)
    ORDER BY source.advertiser_id, source.campaign_id, source.adgroup_id, source.ad_id;
    GET DIAGNOSTICS p_rows_written = ROW_COUNT;
    p_rows_written := p_rows_written + v_updated + v_moved;
END;
$$;
