-- Campaigns, ad groups (with their attribution windows) and ads: one row per ad, and one per
-- campaign (blank ad group and ad) for spend that TikTok reports at campaign or product level.
-- An ad has one current parent: when staging places it under another ad group (or its ad group
-- under another campaign), the old row stays for the facts that point at it but is no longer
-- current, and spend and touchpoints join to the current row only (one row per ad, never two).
DROP PROCEDURE IF EXISTS etl.load_dim_campaign;
GO

CREATE PROCEDURE etl.load_dim_campaign
    @p_run_id bigint,
    @p_rows_written bigint = 0 OUTPUT
AS
BEGIN
    SET NOCOUNT ON;
    SET XACT_ABORT ON;
    DECLARE @own_transaction bit = CASE WHEN @@TRANCOUNT = 0 THEN 1 ELSE 0 END;
    DECLARE @v_updated bigint;
    DECLARE @v_moved bigint;
    BEGIN TRY
        IF @own_transaction = 1 BEGIN TRANSACTION;

        SELECT campaign.advertiser_id, campaign.campaign_id, campaign.campaign_name, campaign.campaign_type,
               campaign.store_id AS shop_id, adgroup.adgroup_id, adgroup.adgroup_name,
               adgroup.click_attribution_window, adgroup.view_attribution_window, ad.ad_id, ad.ad_name
        INTO #source_campaign
        FROM stg.ad AS ad
        JOIN stg.adgroup AS adgroup ON adgroup.advertiser_id = ad.advertiser_id AND adgroup.adgroup_id = ad.adgroup_id
        JOIN stg.campaign AS campaign ON campaign.advertiser_id = ad.advertiser_id AND campaign.campaign_id = adgroup.campaign_id
        UNION ALL
        SELECT campaign.advertiser_id, campaign.campaign_id, campaign.campaign_name, campaign.campaign_type,
               campaign.store_id, N'', NULL, NULL, NULL, N'', NULL
        FROM stg.campaign AS campaign;

        -- Ads staged under another parent than a current row's: that row is history now.
        UPDATE target
        SET is_current = 0, etl_run_id = @p_run_id
        FROM dim.campaign AS target
        WHERE target.is_current = 1 AND target.ad_id <> N''
          AND EXISTS (SELECT 1 FROM #source_campaign AS source
                      WHERE source.advertiser_id = target.advertiser_id AND source.ad_id = target.ad_id
                        AND (source.campaign_id <> target.campaign_id OR source.adgroup_id <> target.adgroup_id));
        SET @v_moved = @@ROWCOUNT;

        -- An ad moved back to a parent it had before: its old row is current again.
        UPDATE target
        SET is_current = 1, etl_run_id = @p_run_id
        FROM dim.campaign AS target
        JOIN #source_campaign AS source
          ON target.advertiser_id = source.advertiser_id AND target.campaign_id = source.campaign_id
         AND target.adgroup_id = source.adgroup_id AND target.ad_id = source.ad_id
        WHERE target.is_current = 0;
        SET @v_moved = @v_moved + @@ROWCOUNT;

        -- Changes are detected case- and accent-sensitively, as PostgreSQL's IS DISTINCT FROM does.
        UPDATE target
        SET campaign_name = source.campaign_name, campaign_type = source.campaign_type, shop_id = source.shop_id,
            adgroup_name = source.adgroup_name, click_attribution_window = source.click_attribution_window,
            view_attribution_window = source.view_attribution_window, ad_name = source.ad_name, etl_run_id = @p_run_id
        FROM dim.campaign AS target
        JOIN #source_campaign AS source
          ON target.advertiser_id = source.advertiser_id AND target.campaign_id = source.campaign_id
         AND target.adgroup_id = source.adgroup_id AND target.ad_id = source.ad_id
        WHERE EXISTS (SELECT target.campaign_name COLLATE Latin1_General_100_BIN2, target.campaign_type COLLATE Latin1_General_100_BIN2,
                             target.shop_id COLLATE Latin1_General_100_BIN2, target.adgroup_name COLLATE Latin1_General_100_BIN2,
                             target.click_attribution_window COLLATE Latin1_General_100_BIN2,
                             target.view_attribution_window COLLATE Latin1_General_100_BIN2, target.ad_name COLLATE Latin1_General_100_BIN2
                      EXCEPT
                      SELECT source.campaign_name COLLATE Latin1_General_100_BIN2, source.campaign_type COLLATE Latin1_General_100_BIN2,
                             source.shop_id COLLATE Latin1_General_100_BIN2, source.adgroup_name COLLATE Latin1_General_100_BIN2,
                             source.click_attribution_window COLLATE Latin1_General_100_BIN2,
                             source.view_attribution_window COLLATE Latin1_General_100_BIN2, source.ad_name COLLATE Latin1_General_100_BIN2);
        SET @v_updated = @@ROWCOUNT;

        -- A campaign's own name, type and shop on every row of it, history rows included: a campaign
        -- renamed after one of its ads moved away is still one campaign, under its current name, in the
        -- reports that group by campaign (rpt.budget_plan_campaign). Compared byte for byte (a case-only
        -- rename or a trailing space is a change), as PostgreSQL does.
        UPDATE target
        SET campaign_name = campaign.campaign_name, campaign_type = campaign.campaign_type, shop_id = campaign.store_id,
            etl_run_id = @p_run_id
        FROM dim.campaign AS target
        JOIN stg.campaign AS campaign
          ON target.advertiser_id = campaign.advertiser_id AND target.campaign_id = campaign.campaign_id
        WHERE EXISTS (SELECT target.campaign_name COLLATE Latin1_General_100_BIN2, DATALENGTH(target.campaign_name),
                             target.campaign_type COLLATE Latin1_General_100_BIN2, target.shop_id COLLATE Latin1_General_100_BIN2
                      EXCEPT
                      SELECT campaign.campaign_name COLLATE Latin1_General_100_BIN2, DATALENGTH(campaign.campaign_name),
                             campaign.campaign_type COLLATE Latin1_General_100_BIN2, campaign.store_id COLLATE Latin1_General_100_BIN2);
        SET @v_updated = @v_updated + @@ROWCOUNT;

        INSERT INTO dim.campaign (advertiser_id, campaign_id, campaign_name, campaign_type, shop_id, adgroup_id,
                                  adgroup_name, click_attribution_window, view_attribution_window, ad_id, ad_name, etl_run_id)
        SELECT source.advertiser_id, source.campaign_id, source.campaign_name, source.campaign_type, source.shop_id,
               source.adgroup_id, source.adgroup_name, source.click_attribution_window, source.view_attribution_window,
               source.ad_id, source.ad_name, @p_run_id
        FROM #source_campaign AS source
        WHERE NOT EXISTS (SELECT 1 FROM dim.campaign AS target
                          WHERE target.advertiser_id = source.advertiser_id AND target.campaign_id = source.campaign_id
                            AND target.adgroup_id = source.adgroup_id AND target.ad_id = source.ad_id)
        ORDER BY source.advertiser_id, source.campaign_id, source.adgroup_id, source.ad_id;
        SET @p_rows_written = @@ROWCOUNT;
        SET @p_rows_written = @p_rows_written + @v_updated + @v_moved;

        DROP TABLE #source_campaign;

        IF @own_transaction = 1 COMMIT TRANSACTION;
    END TRY
    BEGIN CATCH
        IF @own_transaction = 1 AND XACT_STATE() <> 0 ROLLBACK TRANSACTION;
        THROW;
    END CATCH;
END;
GO
