using System.Text.Json;
using static Warehouse.Extract.JsonFields;

namespace Warehouse.Extract;

/// <summary>Marketing API v1.3 payloads to staging rows: entities, BASIC ad reports, GMV Max reports (every metric a string).</summary>
public static class MarketingPayloads
{
    public static void AddCampaigns(StagingBatch batch, string advertiserId, JsonElement data, string request)
    {
        foreach (var item in List(data, "list"))
        {
            batch.Add("campaign", ShopPayloads.Row(
                ("advertiser_id", advertiserId), ("campaign_id", Required(item, "campaign_id", request)), ("campaign_name", Text(item, "campaign_name")),
                ("campaign_type", Text(item, "campaign_type")), ("objective_type", Text(item, "objective_type")), ("store_id", Text(item, "store_id")),
                ("budget", Text(item, "budget"))));
        }
    }

    public static void AddAdgroups(StagingBatch batch, string advertiserId, JsonElement data, string request)
    {
        foreach (var item in List(data, "list"))
        {
            batch.Add("adgroup", ShopPayloads.Row(
                ("advertiser_id", advertiserId), ("adgroup_id", Required(item, "adgroup_id", request)), ("campaign_id", Required(item, "campaign_id", request)),
                ("adgroup_name", Text(item, "adgroup_name")), ("click_attribution_window", Text(item, "click_attribution_window")),
                ("view_attribution_window", Text(item, "view_attribution_window"))));
        }
    }

    public static void AddAds(StagingBatch batch, string advertiserId, JsonElement data, string request)
    {
        foreach (var item in List(data, "list"))
        {
            batch.Add("ad", ShopPayloads.Row(
                ("advertiser_id", advertiserId), ("ad_id", Required(item, "ad_id", request)), ("adgroup_id", Required(item, "adgroup_id", request)),
                ("campaign_id", Required(item, "campaign_id", request)), ("ad_name", Text(item, "ad_name"))));
        }
    }

    /// <summary>report/integrated/get, AUCTION_AD by stat_time_day: list[]{dimensions{ad_id, stat_time_day}, metrics{…}}.</summary>
    public static void AddAdReport(StagingBatch batch, string advertiserId, JsonElement data, string request)
    {
        foreach (var item in List(data, "list"))
        {
            var dimensions = RequiredObject(item, "dimensions", request);
            var metrics = RequiredObject(item, "metrics", request);
            batch.Add("ad_report_daily", ShopPayloads.Row(
                ("advertiser_id", advertiserId), ("ad_id", Required(dimensions, "ad_id", request)), ("stat_time_day", Day(dimensions, request)),
                ("spend", Text(metrics, "spend")), ("impressions", Text(metrics, "impressions")), ("clicks", Text(metrics, "clicks")),
                ("conversion", Text(metrics, "conversion")), ("complete_payment", Text(metrics, "complete_payment")),
                ("total_onsite_shopping_value", Text(metrics, "total_onsite_shopping_value"))));
        }
    }

    /// <summary>gmv_max/report/get by campaign_id, item_group_id and stat_time_day (store from the request); a page may omit list.</summary>
    public static void AddGmvMaxProducts(StagingBatch batch, string advertiserId, string storeId, JsonElement data, string request)
    {
        foreach (var item in List(data, "list"))
        {
            var dimensions = RequiredObject(item, "dimensions", request);
            var metrics = RequiredObject(item, "metrics", request);
            batch.Add("gmv_max_product_daily", ShopPayloads.Row(
                ("advertiser_id", advertiserId), ("campaign_id", Required(dimensions, "campaign_id", request)), ("store_id", storeId),
                ("item_group_id", Required(dimensions, "item_group_id", request)), ("stat_time_day", Day(dimensions, request)),
                ("cost", Text(metrics, "cost")), ("net_cost", Text(metrics, "net_cost")), ("orders", Text(metrics, "orders")), ("gross_revenue", Text(metrics, "gross_revenue"))));
        }
    }

    /// <summary>gmv_max/report/get by campaign_id and stat_time_day: the campaign totals.</summary>
    public static void AddGmvMaxCampaigns(StagingBatch batch, string advertiserId, JsonElement data, string request)
    {
        foreach (var item in List(data, "list"))
        {
            var dimensions = RequiredObject(item, "dimensions", request);
            var metrics = RequiredObject(item, "metrics", request);
            batch.Add("gmv_max_campaign_daily", ShopPayloads.Row(
                ("advertiser_id", advertiserId), ("campaign_id", Required(dimensions, "campaign_id", request)), ("stat_time_day", Day(dimensions, request)),
                ("cost", Text(metrics, "cost")), ("net_cost", Text(metrics, "net_cost")), ("orders", Text(metrics, "orders")), ("gross_revenue", Text(metrics, "gross_revenue"))));
        }
    }

    /// <summary>stat_time_day arrives as "2026-11-01 00:00:00" in the advertiser's time zone: the date part is the day.</summary>
    private static string Day(JsonElement dimensions, string request)
    {
        var text = Required(dimensions, "stat_time_day", request);
        return text.Length >= 10 ? text[..10] : text;
    }
}
