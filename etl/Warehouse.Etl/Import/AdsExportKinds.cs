namespace Warehouse.Import;

/// <summary>
/// An Ads Manager custom report at ad level by day. Columns are whatever the seller chose, matched by
/// the alias lists below (docs/extract.md); ids and names of campaign, ad group and ad also fill the entities.
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

    public override string Name => "ads-export";

    public override IReadOnlyList<string[]> RequiredColumns => [DayAliases, SpendAliases, AdIdAliases];

    public override IEnumerable<(string, Dictionary<string, string?>)> Map(ImportRow row, ImportContext context)
    {
        var advertiser = Advertiser(row, context);
        var adId = row.Required(AdIdAliases);
        yield return ("ad_report_daily", Row(
            ("advertiser_id", advertiser), ("ad_id", adId), ("stat_time_day", row.Day(DayAliases)),
            ("spend", row.Money(SpendAliases) ?? "0"), ("impressions", row.Count(ImpressionAliases) ?? "0"), ("clicks", row.Count(ClickAliases) ?? "0"),
            ("conversion", row.Count(ConversionAliases) ?? "0"), ("complete_payment", row.Count(PurchaseAliases) ?? "0"),
            ("total_onsite_shopping_value", row.Money(PurchaseValueAliases) ?? "0")));

        if (row.Text(CampaignIdAliases) is { } campaignId && row.Text(AdgroupIdAliases) is { } adgroupId)
        {
            yield return ("campaign", Row(("advertiser_id", advertiser), ("campaign_id", campaignId), ("campaign_name", row.Text(CampaignNameAliases) ?? campaignId), ("campaign_type", "REGULAR")));
            yield return ("adgroup", Row(("advertiser_id", advertiser), ("adgroup_id", adgroupId), ("campaign_id", campaignId), ("adgroup_name", row.Text(AdgroupNameAliases) ?? adgroupId)));
            yield return ("ad", Row(("advertiser_id", advertiser), ("ad_id", adId), ("adgroup_id", adgroupId), ("campaign_id", campaignId), ("ad_name", row.Text(AdNameAliases) ?? adId)));
        }
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
        yield return ("gmv_max_product_daily", Row(
            ("advertiser_id", Advertiser(row, context)), ("campaign_id", row.Required(AdsExportKind.CampaignIdAliases)),
            ("store_id", row.Text("Store ID", "store_id") ?? context.ShopId ?? throw new ImportRowException("store_id", "no Store ID column and no --shop given")),
            ("item_group_id", row.Required(ProductAliases)), ("stat_time_day", row.Day(AdsExportKind.DayAliases)),
            ("cost", cost), ("net_cost", row.Money("Net cost", "net_cost") ?? cost), ("orders", row.Count(OrderAliases) ?? "0"), ("gross_revenue", row.Money(RevenueAliases) ?? "0")));
    }
}
