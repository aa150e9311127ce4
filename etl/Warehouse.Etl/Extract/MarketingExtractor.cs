using System.Globalization;
using System.Text.Json;

namespace Warehouse.Extract;

/// <summary>
/// One advertiser's sources: campaigns, ad groups and ads (whole), the BASIC ad report by
/// <c>stat_time_day</c> and the GMV Max reports by product and by campaign, in date chunks of at
/// most 30 days (halved while TikTok answers 40067), re-reading 8 days before the watermark.
/// </summary>
public sealed class MarketingExtractor(MarketingApiClient client, ResumableRead reader, ExtractOptions options)
{
    public const int MaxDaysPerCall = 30;
    public const int ReportPageSize = 1000;

    public static readonly IReadOnlyList<string> Sources = ["ads_campaigns", "ads_adgroups", "ads_ads", "ads_report", "gmv_max_product_report", "gmv_max_campaign_report"];

    public static readonly string[] AdMetrics = ["spend", "impressions", "clicks", "conversion", "complete_payment", "total_onsite_shopping_value"];
    public static readonly string[] GmvMaxMetrics = ["cost", "net_cost", "orders", "gross_revenue"];

    /// <summary>The shops (store ids) the advertiser's GMV Max campaigns sell for, learnt from its campaigns.</summary>
    public HashSet<string> StoreIds { get; } = new(StringComparer.Ordinal);

    public Task<SourceResult> RunAsync(string source, string advertiserId, CancellationToken cancellationToken) => source switch
    {
        "ads_campaigns" => EntitiesAsync(source, advertiserId, "/open_api/v1.3/campaign/get/", MarketingPayloads.AddCampaigns, cancellationToken),
        "ads_adgroups" => EntitiesAsync(source, advertiserId, "/open_api/v1.3/adgroup/get/", MarketingPayloads.AddAdgroups, cancellationToken),
        "ads_ads" => EntitiesAsync(source, advertiserId, "/open_api/v1.3/ad/get/", MarketingPayloads.AddAds, cancellationToken),
        "ads_report" => ReportAsync(source, advertiserId, "/open_api/v1.3/report/integrated/get/", cursor => new()
        {
            ["report_type"] = "BASIC",
            ["data_level"] = "AUCTION_AD",
            ["dimensions"] = """["ad_id","stat_time_day"]""",
            ["metrics"] = JsonSerializer.Serialize(AdMetrics),
        }, (batch, data, request) => MarketingPayloads.AddAdReport(batch, advertiserId, data, request), cancellationToken),
        "gmv_max_product_report" => GmvMaxProductsAsync(advertiserId, cancellationToken),
        "gmv_max_campaign_report" => ReportAsync(source, advertiserId, "/open_api/v1.3/gmv_max/report/get/", cursor => new()
        {
            ["store_ids"] = JsonSerializer.Serialize(StoreIds.Order(StringComparer.Ordinal)),
            ["dimensions"] = """["campaign_id","stat_time_day"]""",
            ["metrics"] = JsonSerializer.Serialize(GmvMaxMetrics),
            ["filtering"] = "{}",
        }, (batch, data, request) => MarketingPayloads.AddGmvMaxCampaigns(batch, advertiserId, data, request), cancellationToken),
        _ => throw new ArgumentOutOfRangeException(nameof(source), source, "unknown marketing source"),
    };

    private Task<SourceResult> EntitiesAsync(string source, string advertiserId, string path, Action<StagingBatch, string, JsonElement, string> add, CancellationToken cancellationToken) =>
        reader.RunAsync(source, advertiserId, TimeSpan.Zero, options, cursor =>
        {
            var page = PageOf(cursor);
            var query = new Dictionary<string, string>
            {
                ["advertiser_id"] = advertiserId,
                ["page"] = page.ToString(CultureInfo.InvariantCulture),
                ["page_size"] = ReportPageSize.ToString(CultureInfo.InvariantCulture),
            };
            return client.GetAsync(path, query, (data, request) =>
            {
                var batch = reader.NewBatch(request);
                add(batch, advertiserId, data, request);
                if (source == "ads_campaigns")
                {
                    foreach (var item in JsonFields.List(data, "list"))
                    {
                        if (JsonFields.Text(item, "campaign_type") == "GMV_MAX" && JsonFields.Text(item, "store_id") is { Length: > 0 } store)
                        {
                            StoreIds.Add(store);
                        }
                    }
                }

                return new ExtractPage(batch, MarketingApiClient.HasNextPage(data, page) ? cursor with { Page = (page + 1).ToString(CultureInfo.InvariantCulture) } : null);
            }, cancellationToken);
        }, cancellationToken);

    /// <summary>GMV Max by product: one read per store (the store id is a request filter, not a dimension).</summary>
    private async Task<SourceResult> GmvMaxProductsAsync(string advertiserId, CancellationToken cancellationToken)
    {
        var total = new SourceResult("gmv_max_product_report", advertiserId, 0, 0, 0, 0, null);
        foreach (var store in StoreIds.Order(StringComparer.Ordinal))
        {
            var result = await ReportAsync("gmv_max_product_report", advertiserId + ":" + store, "/open_api/v1.3/gmv_max/report/get/", cursor => new()
            {
                ["store_ids"] = JsonSerializer.Serialize(new[] { store }),
                ["dimensions"] = """["campaign_id","item_group_id","stat_time_day"]""",
                ["metrics"] = JsonSerializer.Serialize(GmvMaxMetrics),
                ["filtering"] = "{}",
            }, (batch, data, request) => MarketingPayloads.AddGmvMaxProducts(batch, advertiserId, store, data, request), cancellationToken, advertiserId);
            total = total with { Pages = total.Pages + result.Pages, RowsRead = total.RowsRead + result.RowsRead, RowsWritten = total.RowsWritten + result.RowsWritten };
        }

        return total;
    }

    /// <summary>A report read in date chunks; on 40067 the chunk is halved and asked again.</summary>
    private Task<SourceResult> ReportAsync(
        string source, string scope, string path, Func<ExtractCursor, Dictionary<string, string>> parameters,
        Action<StagingBatch, JsonElement, string> add, CancellationToken cancellationToken, string? advertiserId = null) =>
        reader.RunAsync(source, scope, ExtractOptions.AdsLookback, options, async cursor =>
        {
            var chunk = cursor.Chunk ?? cursor.FromDay;
            var step = cursor.StepDays ?? options.AdsDaysPerCall;
            var page = PageOf(cursor);
            if (chunk > cursor.LastDay)
            {
                return new ExtractPage(reader.NewBatch(path), null); // an empty window
            }

            while (true)
            {
                var last = Min(chunk.AddDays(step - 1), cursor.LastDay);
                var query = parameters(cursor);
                query["advertiser_id"] = advertiserId ?? scope;
                query["start_date"] = chunk.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture);
                query["end_date"] = last.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture);
                query["page"] = page.ToString(CultureInfo.InvariantCulture);
                query["page_size"] = ReportPageSize.ToString(CultureInfo.InvariantCulture);
                try
                {
                    return await client.GetAsync(path, query, (data, request) =>
                    {
                        var batch = reader.NewBatch(request);
                        add(batch, data, request);
                        ExtractCursor? next = MarketingApiClient.HasNextPage(data, page)
                            ? cursor with { Chunk = chunk, StepDays = step, Page = (page + 1).ToString(CultureInfo.InvariantCulture) }
                            : last < cursor.LastDay ? cursor with { Chunk = last.AddDays(1), StepDays = step, Page = null } : null;
                        return new ExtractPage(batch, next);
                    }, cancellationToken);
                }
                catch (QueryTooLargeException) when (step > 1)
                {
                    step = Math.Max(1, step / 2);
                    page = 1;
                }
            }
        }, cancellationToken);

    private static int PageOf(ExtractCursor cursor) => int.TryParse(cursor.Page, CultureInfo.InvariantCulture, out var page) ? page : 1;

    private static DateOnly Min(DateOnly a, DateOnly b) => a < b ? a : b;
}
