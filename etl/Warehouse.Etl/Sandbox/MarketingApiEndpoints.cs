using System.Collections.Specialized;
using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;
using static Warehouse.Sandbox.SandboxJson;

namespace Warehouse.Sandbox;

/// <summary>
/// The Marketing API v1.3 endpoints the warehouse reads, from the sample rows: advertisers, entities,
/// the BASIC report (at most 30 days per call, else 40067) and the GMV Max report (store_ids and an
/// object <c>filtering</c> required; a page without rows leaves out <c>list</c>).
/// </summary>
internal sealed class MarketingApiEndpoints(SandboxData data)
{
    public const int MaxPageSize = 1000;
    public const int MaxDays = 30;

    private readonly HashSet<string> advertisers = data["campaign"].Select(c => c["advertiser_id"]).ToHashSet(StringComparer.Ordinal);

    public SandboxResponse Handle(string path, NameValueCollection query)
    {
        if (path == "/open_api/v1.3/oauth2/advertiser/get/")
        {
            return query["app_id"] == SandboxCredentials.AdsAppId && query["secret"] == SandboxCredentials.AdsSecret
                ? SandboxResponse.Ok(new JsonObject
                {
                    ["list"] = Array(advertisers.Order(StringComparer.Ordinal).Select(a => (JsonNode)new JsonObject { ["advertiser_id"] = a, ["advertiser_name"] = "Sandbox advertiser " + a[^2..] })),
                })
                : SandboxResponse.Error(40001, "app_id or secret is invalid");
        }

        if (query["advertiser_id"] is not { } advertiser || !advertisers.Contains(advertiser))
        {
            return SandboxResponse.Error(40002, "advertiser_id is missing or not authorized for this token");
        }

        return path switch
        {
            "/open_api/v1.3/campaign/get/" => Entities(query, data["campaign"], advertiser, "campaign_id", "campaign_name", "campaign_type", "objective_type", "store_id", "budget"),
            "/open_api/v1.3/adgroup/get/" => Entities(query, data["adgroup"], advertiser, "adgroup_id", "campaign_id", "adgroup_name", "click_attribution_window", "view_attribution_window"),
            "/open_api/v1.3/ad/get/" => Entities(query, data["ad"], advertiser, "ad_id", "adgroup_id", "campaign_id", "ad_name"),
            "/open_api/v1.3/report/integrated/get/" => AdReport(query, advertiser),
            "/open_api/v1.3/gmv_max/report/get/" => GmvMaxReport(query, advertiser),
            _ => SandboxResponse.Error(40002, $"no such API: {path}", 404),
        };
    }

    private static SandboxResponse Entities(NameValueCollection query, IReadOnlyList<Dictionary<string, string>> rows, string advertiser, params string[] fields) =>
        PageOf(query, rows.Where(r => r["advertiser_id"] == advertiser).ToList(), r =>
        {
            var json = Strings(r, fields);
            json["advertiser_id"] = advertiser;
            return json;
        });

    private SandboxResponse AdReport(NameValueCollection query, string advertiser)
    {
        if (query["report_type"] != "BASIC" || query["data_level"] != "AUCTION_AD")
        {
            return SandboxResponse.Error(40002, "the sandbox serves report_type BASIC at data_level AUCTION_AD");
        }

        if (Dimensions(query) is not ["ad_id", "stat_time_day"])
        {
            return SandboxResponse.Error(40002, "dimensions must be [\"ad_id\",\"stat_time_day\"]");
        }

        return Report(query, data["ad_report_daily"].Where(r => r["advertiser_id"] == advertiser), r => r["ad_id"], r => new JsonObject
        {
            ["dimensions"] = new JsonObject { ["ad_id"] = r["ad_id"], ["stat_time_day"] = r["stat_time_day"] + " 00:00:00" },
            ["metrics"] = Strings(r, "spend", "impressions", "clicks", "conversion", "complete_payment", "total_onsite_shopping_value"),
        });
    }

    private SandboxResponse GmvMaxReport(NameValueCollection query, string advertiser)
    {
        string[] stores;
        try
        {
            stores = JsonSerializer.Deserialize<string[]>(query["store_ids"] ?? "") ?? [];
            using var filtering = JsonDocument.Parse(query["filtering"] ?? "");
            if (filtering.RootElement.ValueKind != JsonValueKind.Object)
            {
                return SandboxResponse.Error(40002, "filtering must be an object");
            }
        }
        catch (JsonException)
        {
            return SandboxResponse.Error(40002, "store_ids must be a JSON array and filtering a JSON object");
        }

        if (stores.Length == 0)
        {
            return SandboxResponse.Error(40002, "store_ids is required");
        }

        var campaignsOfStores = data["campaign"]
            .Where(c => c["advertiser_id"] == advertiser && stores.Contains(c["store_id"]))
            .Select(c => c["campaign_id"]).ToHashSet(StringComparer.Ordinal);
        return Dimensions(query) switch
        {
            ["campaign_id", "item_group_id", "stat_time_day"] => Report(
                query,
                data["gmv_max_product_daily"].Where(r => r["advertiser_id"] == advertiser && stores.Contains(r["store_id"])),
                r => r["campaign_id"] + r["item_group_id"],
                r => new JsonObject
                {
                    ["dimensions"] = new JsonObject { ["campaign_id"] = r["campaign_id"], ["item_group_id"] = r["item_group_id"], ["stat_time_day"] = r["stat_time_day"] + " 00:00:00" },
                    ["metrics"] = Strings(r, "cost", "net_cost", "orders", "gross_revenue"),
                }),
            ["campaign_id", "stat_time_day"] => Report(
                query,
                data["gmv_max_campaign_daily"].Where(r => r["advertiser_id"] == advertiser && campaignsOfStores.Contains(r["campaign_id"])),
                r => r["campaign_id"],
                r => new JsonObject
                {
                    ["dimensions"] = new JsonObject { ["campaign_id"] = r["campaign_id"], ["stat_time_day"] = r["stat_time_day"] + " 00:00:00" },
                    ["metrics"] = Strings(r, "cost", "net_cost", "orders", "gross_revenue"),
                }),
            _ => SandboxResponse.Error(40002, "dimensions must be [campaign_id, item_group_id, stat_time_day] or [campaign_id, stat_time_day]"),
        };
    }

    private static SandboxResponse Report(NameValueCollection query, IEnumerable<Dictionary<string, string>> rows, Func<Dictionary<string, string>, string> key, Func<Dictionary<string, string>, JsonObject> shape)
    {
        if (!DateOnly.TryParseExact(query["start_date"], "yyyy-MM-dd", CultureInfo.InvariantCulture, DateTimeStyles.None, out var start)
            || !DateOnly.TryParseExact(query["end_date"], "yyyy-MM-dd", CultureInfo.InvariantCulture, DateTimeStyles.None, out var end) || end < start)
        {
            return SandboxResponse.Error(40002, "start_date and end_date must be dates (YYYY-MM-DD), start before end");
        }

        if (end.DayNumber - start.DayNumber + 1 > MaxDays)
        {
            return SandboxResponse.Error(40067, $"query too large: at most {MaxDays} days per call with stat_time_day");
        }

        var first = start.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture);
        var last = end.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture);
        var matching = rows
            .Where(r => string.CompareOrdinal(r["stat_time_day"], first) >= 0 && string.CompareOrdinal(r["stat_time_day"], last) <= 0)
            .OrderBy(r => r["stat_time_day"], StringComparer.Ordinal).ThenBy(key, StringComparer.Ordinal)
            .ToList();
        return PageOf(query, matching, shape);
    }

    /// <summary>page (from 1) and page_size (1–1000) in; data.list and data.page_info out; list left out when the page is empty.</summary>
    private static SandboxResponse PageOf(NameValueCollection query, IReadOnlyList<Dictionary<string, string>> rows, Func<Dictionary<string, string>, JsonObject> shape)
    {
        var page = int.TryParse(query["page"], CultureInfo.InvariantCulture, out var p) ? p : 1;
        var size = int.TryParse(query["page_size"], CultureInfo.InvariantCulture, out var s) ? s : 10;
        if (page < 1 || size < 1 || size > MaxPageSize)
        {
            return SandboxResponse.Error(40002, $"page must be at least 1 and page_size between 1 and {MaxPageSize}");
        }

        var items = rows.Skip((page - 1) * size).Take(size).Select(r => (JsonNode)shape(r)).ToList();
        var data = new JsonObject
        {
            ["page_info"] = new JsonObject { ["page"] = page, ["page_size"] = size, ["total_number"] = rows.Count, ["total_page"] = (rows.Count + size - 1) / size },
        };
        if (items.Count > 0)
        {
            data["list"] = Array(items);
        }

        return SandboxResponse.Ok(data);
    }

    private static string[] Dimensions(NameValueCollection query)
    {
        try
        {
            return JsonSerializer.Deserialize<string[]>(query["dimensions"] ?? "") ?? [];
        }
        catch (JsonException)
        {
            return [];
        }
    }
}
