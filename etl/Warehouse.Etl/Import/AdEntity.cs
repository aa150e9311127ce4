using System.Data.Common;
using Dapper;

namespace Warehouse.Import;

/// <summary>A staged campaign, ad group or ad (level "campaign", "adgroup" or "ad") with its name and the ids above it.</summary>
public sealed record AdEntity(string Level, string AdvertiserId, string Name, string CampaignId, string AdgroupId, string AdId)
{
    public static async Task<IReadOnlyList<AdEntity>> ReadAsync(DbConnection connection, string? advertiserId) =>
        (await connection.QueryAsync<AdEntity>(
            """
            SELECT 'campaign' AS Level, advertiser_id AS AdvertiserId, campaign_name AS Name, campaign_id AS CampaignId, '' AS AdgroupId, '' AS AdId
            FROM stg.campaign WHERE @advertiserId IS NULL OR advertiser_id = @advertiserId
            UNION ALL
            SELECT 'adgroup', advertiser_id, adgroup_name, campaign_id, adgroup_id, ''
            FROM stg.adgroup WHERE @advertiserId IS NULL OR advertiser_id = @advertiserId
            UNION ALL
            SELECT 'ad', advertiser_id, ad_name, campaign_id, adgroup_id, ad_id
            FROM stg.ad WHERE @advertiserId IS NULL OR advertiser_id = @advertiserId
            """, new { advertiserId })).ToList();
}
