namespace Warehouse.Import;

/// <summary>
/// An Ads Manager custom report by day at whatever level the seller exported: ad rows (an <c>Ad ID</c> or
/// <c>Ad name</c> column), ad group rows (ad group columns, no ad column) or campaign rows (campaign columns only).
/// Columns are whatever the seller chose, matched by the alias lists below (docs/extract.md). Ids win; a row with
/// a name and no id resolves the name against the entities already staged (of the advertiser), and an unknown or
/// ambiguous name is a named reject. Spend of an ad group or campaign row is staged on a stand-in ad of that
/// entity (<c>adgroup:&lt;id&gt;</c>, <c>campaign:&lt;id&gt;</c>) so it maps through ad_product_map rows at that level
/// or above, as an ad's does. Entities the file names by id that are not staged yet are added (store = --shop).
/// </summary>
public sealed class AdsExportKind : ImportKind
{
    public static readonly string[] DayAliases = ["Date", "By Day", "Day", "stat_time_day"];
    public static readonly string[] SpendAliases = ["Cost", "Spend", "Total cost"];
    public static readonly string[] AdIdAliases = ["Ad ID", "ad_id"];
    public static readonly string[] AdNameAliases = ["Ad name", "Ad Name"];
    public static readonly string[] AdgroupIdAliases = ["Ad group ID", "Ad Group ID", "adgroup_id"];
    public static readonly string[] AdgroupNameAliases = ["Ad group name", "Ad Group Name"];
    public static readonly string[] CampaignIdAliases = ["Campaign ID", "campaign_id"];
    public static readonly string[] CampaignNameAliases = ["Campaign name", "Campaign Name"];
    public static readonly string[] ImpressionAliases = ["Impressions", "Impression"];
    public static readonly string[] ClickAliases = ["Clicks (destination)", "Clicks", "Click"];
    public static readonly string[] ConversionAliases = ["Conversions", "Conversion"];
    public static readonly string[] PurchaseAliases = ["Purchases", "Complete payment", "Orders (Shop)", "Shop orders"];
    public static readonly string[] PurchaseValueAliases = ["Purchase value", "Total purchase value", "Gross revenue (Shop)", "Total onsite shopping value"];

    /// <summary>The stand-in ad (and, for campaign rows, ad group) id that carries spend reported above ad level.</summary>
    public static string StandIn(string level, string id) => level + ":" + id;

    public override string Name => "ads-export";

    public override IReadOnlyList<string[]> RequiredColumns => [DayAliases, SpendAliases];

    public override bool Detect(IReadOnlySet<string> header) =>
        base.Detect(header) && new[] { AdIdAliases, AdNameAliases, AdgroupIdAliases, AdgroupNameAliases, CampaignIdAliases, CampaignNameAliases }.Any(g => g.Any(header.Contains));

    public override IEnumerable<(string, Dictionary<string, string?>)> Map(ImportRow row, ImportContext context)
    {
        var advertiser = Advertiser(row, context);
        var level = row.Has([.. AdIdAliases, .. AdNameAliases]) ? "ad" : row.Has([.. AdgroupIdAliases, .. AdgroupNameAliases]) ? "adgroup" : row.Has([.. CampaignIdAliases, .. CampaignNameAliases]) ? "campaign"
            : throw new ImportRowException("Campaign ID", "the report has no campaign, ad group or ad column");
        var campaignId = row.Text(CampaignIdAliases);
        var adgroupId = row.Text(AdgroupIdAliases);
        var adId = row.Text(AdIdAliases);
        var campaignName = row.Text(CampaignNameAliases);
        var adgroupName = row.Text(AdgroupNameAliases);
        var adName = row.Text(AdNameAliases);

        // Resolve what the row names without an id, from the finest level up.
        if (level == "ad" && adId is null)
        {
            var ad = Resolve(context, advertiser, "ad", adName, row.NameOf(AdNameAliases), campaignId, adgroupId);
            (adId, adgroupId, campaignId) = (ad.AdId, ad.AdgroupId, ad.CampaignId);
        }

        if (level == "adgroup" && adgroupId is null)
        {
            var adgroup = Resolve(context, advertiser, "adgroup", adgroupName, row.NameOf(AdgroupNameAliases), campaignId, null);
            (adgroupId, campaignId) = (adgroup.AdgroupId, adgroup.CampaignId);
        }

        if (level == "campaign" && campaignId is null)
        {
            campaignId = Resolve(context, advertiser, "campaign", campaignName, row.NameOf(CampaignNameAliases), null, null).CampaignId;
        }

        var known = context.AdEntities.Where(e => e.AdvertiserId == advertiser).ToList();
        campaignId ??= level == "ad" ? known.FirstOrDefault(e => e.Level == "ad" && e.AdId == adId)?.CampaignId
            : known.FirstOrDefault(e => e.Level == "adgroup" && e.AdgroupId == adgroupId)?.CampaignId;
        var reportAdId = level switch { "ad" => adId!, "adgroup" => StandIn("adgroup", adgroupId!), _ => StandIn("campaign", campaignId!) };
        yield return ("ad_report_daily", Row(
            ("advertiser_id", advertiser), ("ad_id", reportAdId), ("stat_time_day", row.Day(DayAliases)),
            ("spend", row.Money(SpendAliases) ?? "0"), ("impressions", row.Count(ImpressionAliases) ?? "0"), ("clicks", row.Count(ClickAliases) ?? "0"),
            ("conversion", row.Count(ConversionAliases) ?? "0"), ("complete_payment", row.Count(PurchaseAliases) ?? "0"),
            ("total_onsite_shopping_value", row.Money(PurchaseValueAliases) ?? "0")));

        if (campaignId is null || (level == "ad" && adgroupId is null))
        {
            if (level != "ad")
            {
                throw new ImportRowException(row.NameOf(CampaignIdAliases), $"ad group {adgroupId} is not a known ad group: add a Campaign ID column");
            }

            yield break; // an ad of unknown place: its spend is staged and reported Unallocated, as before
        }

        // Campaigns and ad groups not staged yet (a staged one keeps what the API said of it: type, store, attribution
        // windows), the ad itself (the file's last row of it names it), and the stand-ins of ad group and campaign rows.
        if (level == "campaign")
        {
            adgroupId = StandIn("campaign", campaignId);
            adgroupName = "(campaign-level spend)";
        }

        if (!known.Any(e => e.Level == "campaign" && e.CampaignId == campaignId))
        {
            yield return ("campaign", Row(("advertiser_id", advertiser), ("campaign_id", campaignId), ("campaign_name", campaignName ?? campaignId), ("campaign_type", "REGULAR"), ("store_id", context.ShopId)));
        }

        if (!known.Any(e => e.Level == "adgroup" && e.AdgroupId == adgroupId))
        {
            yield return ("adgroup", Row(("advertiser_id", advertiser), ("adgroup_id", adgroupId), ("campaign_id", campaignId), ("adgroup_name", adgroupName ?? adgroupId)));
        }

        var name = level switch { "ad" => adName ?? reportAdId, "adgroup" => "(ad group-level spend)", _ => "(campaign-level spend)" };
        yield return ("ad", Row(("advertiser_id", advertiser), ("ad_id", reportAdId), ("adgroup_id", adgroupId), ("campaign_id", campaignId), ("ad_name", name)));
    }

    /// <summary>The one staged entity of that level and name (within the campaign or ad group the row gives), else a named reject.</summary>
    private static AdEntity Resolve(ImportContext context, string advertiser, string level, string? name, string column, string? campaignId, string? adgroupId)
    {
        var label = level == "adgroup" ? "ad group" : level;
        if (name is null)
        {
            throw new ImportRowException(column, $"no {label} id and no {label} name");
        }

        var matches = context.AdEntities.Where(e => e.Level == level && e.AdvertiserId == advertiser && e.Name == name
            && (campaignId is null || e.CampaignId == campaignId) && (adgroupId is null || e.AdgroupId == adgroupId)).ToList();
        return matches.Count switch
        {
            1 => matches[0],
            0 => throw new ImportRowException(column, $"'{name}' is not a known {label} of advertiser {advertiser} (import a report with its ids first, or extract the Marketing API)"),
            _ => throw new ImportRowException(column, $"'{name}' names {matches.Count} {label}s of advertiser {advertiser}: add the id column"),
        };
    }
}

/// <summary>The GMV Max product report export: date, campaign id, product id (= item_group_id), cost, gross revenue, orders; the shop is the store.</summary>
public sealed class GmvMaxExportKind : ImportKind
{
    public static readonly string[] ProductAliases = ["Product ID", "item_group_id", "Item group ID"];
    public static readonly string[] RevenueAliases = ["Gross revenue", "gross_revenue"];
    public static readonly string[] OrderAliases = ["Orders", "orders", "SKU orders"];

    public override string Name => "gmv-max-export";

    public override IReadOnlyList<string[]> RequiredColumns => [AdsExportKind.DayAliases, AdsExportKind.CampaignIdAliases, ProductAliases, AdsExportKind.SpendAliases, RevenueAliases];

    public override IEnumerable<(string, Dictionary<string, string?>)> Map(ImportRow row, ImportContext context)
    {
        var cost = row.Money(AdsExportKind.SpendAliases) ?? "0";
        var advertiser = Advertiser(row, context);
        var campaignId = row.Required(AdsExportKind.CampaignIdAliases);
        var store = row.Text("Store ID", "store_id") ?? context.ShopId ?? throw new ImportRowException("store_id", "no Store ID column and no --shop given");
        yield return ("gmv_max_product_daily", Row(
            ("advertiser_id", advertiser), ("campaign_id", campaignId), ("store_id", store),
            ("item_group_id", row.Required(ProductAliases)), ("stat_time_day", row.Day(AdsExportKind.DayAliases)),
            ("cost", cost), ("net_cost", row.Money("Net cost", "net_cost") ?? cost), ("orders", row.Count(OrderAliases) ?? "0"), ("gross_revenue", row.Money(RevenueAliases) ?? "0")));
        if (Campaign(row, context, advertiser, campaignId, store) is { } campaign)
        {
            yield return ("campaign", campaign);
        }
    }

    /// <summary>A GMV Max campaign not staged yet (an export-only seller has no API to send it), so its spend reaches its shop.</summary>
    public static Dictionary<string, string?>? Campaign(ImportRow row, ImportContext context, string advertiser, string campaignId, string? store) =>
        context.AdEntities.Any(e => e.Level == "campaign" && e.AdvertiserId == advertiser && e.CampaignId == campaignId) ? null
            : Row(("advertiser_id", advertiser), ("campaign_id", campaignId), ("campaign_name", row.Text(AdsExportKind.CampaignNameAliases) ?? campaignId),
                ("campaign_type", "GMV_MAX"), ("store_id", store));
}

/// <summary>
/// The GMV Max campaign report export (no product column): date, campaign id, cost, gross revenue, orders, into
/// stg.gmv_max_campaign_daily, the total the product report is tied out against (rpt.gmv_max_tieout). Its gross
/// revenue column tells it from an Ads Manager campaign report, whose spend is not GMV Max.
/// </summary>
public sealed class GmvMaxCampaignExportKind : ImportKind
{
    public override string Name => "gmv-max-campaign-export";

    public override IReadOnlyList<string[]> RequiredColumns => [AdsExportKind.DayAliases, AdsExportKind.CampaignIdAliases, AdsExportKind.SpendAliases, GmvMaxExportKind.RevenueAliases];

    public override bool Detect(IReadOnlySet<string> header) => base.Detect(header) && !GmvMaxExportKind.ProductAliases.Any(header.Contains);

    public override IEnumerable<(string, Dictionary<string, string?>)> Map(ImportRow row, ImportContext context)
    {
        var cost = row.Money(AdsExportKind.SpendAliases) ?? "0";
        var advertiser = Advertiser(row, context);
        var campaignId = row.Required(AdsExportKind.CampaignIdAliases);
        yield return ("gmv_max_campaign_daily", Row(
            ("advertiser_id", advertiser), ("campaign_id", campaignId), ("stat_time_day", row.Day(AdsExportKind.DayAliases)),
            ("cost", cost), ("net_cost", row.Money("Net cost", "net_cost") ?? cost), ("orders", row.Count(GmvMaxExportKind.OrderAliases) ?? "0"),
            ("gross_revenue", row.Money(GmvMaxExportKind.RevenueAliases) ?? "0")));
        if (GmvMaxExportKind.Campaign(row, context, advertiser, campaignId, row.Text("Store ID", "store_id") ?? context.ShopId) is { } campaign)
        {
            yield return ("campaign", campaign);
        }
    }
}
