-- Issue 13, items 1 and 9.
--
-- An ad has one current parent (ad group and campaign), and so has an ad group: when TikTok moves
-- an ad to another ad group (or an ad group to another campaign), dim.campaign keeps the old row
-- (published facts of past days may still point at its key) but marks it no longer current, and
-- every join of spend or touchpoints by ad id takes the current row only. Campaign-level rows
-- (blank ad group and ad) are always current.
ALTER TABLE dim.campaign ADD is_current bit NOT NULL CONSTRAINT df_dim_campaign_is_current DEFAULT 1;
GO

-- Rows already superseded: per ad, the row staging places it under now (else the newest row) stays current.
WITH staged_parent AS (
    SELECT ad.advertiser_id, ad.ad_id, adgroup.campaign_id, adgroup.adgroup_id
    FROM stg.ad AS ad
    JOIN stg.adgroup AS adgroup ON adgroup.advertiser_id = ad.advertiser_id AND adgroup.adgroup_id = ad.adgroup_id
),
current_row AS (
    SELECT campaign.advertiser_id, campaign.ad_id,
           COALESCE(MAX(CASE WHEN staged_parent.ad_id IS NOT NULL THEN campaign.campaign_key END), MAX(campaign.campaign_key)) AS campaign_key
    FROM dim.campaign AS campaign
    LEFT JOIN staged_parent
      ON staged_parent.advertiser_id = campaign.advertiser_id AND staged_parent.ad_id = campaign.ad_id
     AND staged_parent.campaign_id = campaign.campaign_id AND staged_parent.adgroup_id = campaign.adgroup_id
    WHERE campaign.ad_id <> N''
    GROUP BY campaign.advertiser_id, campaign.ad_id
)
UPDATE target
SET is_current = 0
FROM dim.campaign AS target
JOIN current_row ON current_row.advertiser_id = target.advertiser_id AND current_row.ad_id = target.ad_id
WHERE current_row.campaign_key <> target.campaign_key;
GO

-- One current row per ad, enforced.
CREATE UNIQUE INDEX uq_dim_campaign_current_ad ON dim.campaign (advertiser_id, ad_id) WHERE is_current = 1 AND ad_id <> N'';
GO

-- Which process runs a run, so that a run whose process died (kill -9, power loss) is found and
-- marked 'abandoned' instead of staying 'running' for ever. While a run is running, its own
-- database session holds the lock warehouse.run.<run_id> (a session advisory lock / applock),
-- which the database releases when the session ends, whatever way the process ends.
ALTER TABLE etl.run ADD host_name nvarchar(255) NULL,   -- machine the run's process ran on
                        process_id int NULL;            -- its process id there
GO
