using System.Data.Common;
using Serilog;
using Warehouse.Control;
using Warehouse.Database;
using Warehouse.Stage;

namespace Warehouse.Extract;

/// <summary>
/// A whole extract: the authorized shops, then every shop source for every shop, then every
/// marketing source for every advertiser, each source a step in etl.run_step. A source that fails
/// (after the retries; a malformed page is kept in etl.reject) is reported and the others go on;
/// the run fails at the end if any source failed.
/// </summary>
public sealed class ExtractRunner(WarehouseDatabase database, HttpClient http, TikTokSettings settings, ResilienceSettings resilienceSettings)
{
    /// <summary>The staging tables the TikTok Shop and Marketing APIs fill; every other one comes from the seller's files.</summary>
    public static readonly IReadOnlyList<string> ApiTables =
    [
        "shop", "shop_order", "order_line_item", "return_order", "return_line_item", "cancellation", "cancellation_line_item",
        "statement", "sku_statement_transaction", "product", "product_sku", "campaign", "adgroup", "ad", "ad_report_daily",
        "gmv_max_product_daily", "gmv_max_campaign_daily",
    ];

    /// <summary>Called after each committed page; the tests stop a run here.</summary>
    public Action<string, ExtractCursor?>? PageCommitted { get; init; }

    /// <summary>Called after each committed page with its rows (progress).</summary>
    public Action<PageWritten>? PageWritten { get; init; }

    public ApiResilience Resilience { get; } = new(resilienceSettings);

    public async Task<IReadOnlyList<SourceResult>> RunAsync(DbConnection connection, long runId, ExtractOptions options, CancellationToken cancellationToken = default)
    {
        var tables = await StagingTable.ReadAllAsync(connection);
        var reader = new ResumableRead(database, tables, runId) { PageCommitted = PageCommitted, PageWritten = PageWritten };
        var runLog = new RunLog(database);
        var results = new List<SourceResult>();

        var shopClient = new ShopApiClient(http, settings, Resilience);
        IReadOnlyList<AuthorizedShop> shops = [];
        results.Add(await StepAsync(connection, runLog, runId, reader, "shops", "all", async () =>
        {
            (shops, var written) = await ReadShopsAsync(shopClient, reader, options, cancellationToken);
            return new SourceResult("shops", "all", 1, shops.Count, written, 0, null);
        }, cancellationToken));

        var shopExtractor = new ShopExtractor(shopClient, reader, options);
        foreach (var shop in shops)
        {
            foreach (var source in ShopExtractor.Sources)
            {
                results.Add(await StepAsync(connection, runLog, runId, reader, source, shop.Id, () => shopExtractor.RunAsync(source, shop, cancellationToken), cancellationToken));
            }
        }

        var marketingClient = new MarketingApiClient(http, settings, Resilience);
        IReadOnlyList<string> advertisers = settings.AdvertiserIds;
        if (advertisers.Count == 0)
        {
            results.Add(await StepAsync(connection, runLog, runId, reader, "advertisers", "all", async () =>
            {
                advertisers = await ReadAdvertisersAsync(marketingClient, cancellationToken);
                return new SourceResult("advertisers", "all", 1, advertisers.Count, 0, 0, null);
            }, cancellationToken));
        }

        foreach (var advertiser in advertisers)
        {
            var extractor = new MarketingExtractor(marketingClient, reader, options);
            foreach (var source in MarketingExtractor.Sources)
            {
                results.Add(await StepAsync(connection, runLog, runId, reader, source, advertiser, () => extractor.RunAsync(source, advertiser, cancellationToken), cancellationToken));
            }
        }

        return results;
    }

    /// <summary>GET /authorization/202309/shops: staging rows for the shops (or the one asked for) and their ciphers.</summary>
    private async Task<(IReadOnlyList<AuthorizedShop> Shops, long Written)> ReadShopsAsync(ShopApiClient client, ResumableRead reader, ExtractOptions options, CancellationToken cancellationToken)
    {
        Dictionary<string, (string Currency, string TimeZone)> staged;
        await using (var read = await database.OpenAsync(cancellationToken))
        {
            staged = (await Dapper.SqlMapper.QueryAsync<(string ShopId, string Currency, string TimeZone)>(read, "SELECT shop_id, currency, time_zone FROM stg.shop"))
                .ToDictionary(s => s.ShopId, s => (s.Currency, s.TimeZone), StringComparer.Ordinal);
        }

        var (shops, batch) = await client.CallAsync(HttpMethod.Get, "/authorization/202309/shops", new Dictionary<string, string>(), null, (data, request) =>
        {
            var list = AuthorizedShop.Read(data, request).Where(s => options.ShopId is null || s.Id == options.ShopId).ToList();
            var rows = reader.NewBatch(request);
            foreach (var shop in list)
            {
                var (currency, timeZone) = ShopSettingsOf(shop, staged);
                rows.Add("shop", ShopPayloads.Row(("shop_id", shop.Id), ("shop_name", shop.Name), ("region", shop.Region), ("currency", currency), ("time_zone", timeZone)));
            }

            return (list, rows);
        }, cancellationToken);

        if (options.ShopId is not null && shops.Count == 0)
        {
            throw new WarehouseException($"shop {options.ShopId} is not among the shops this app is authorized for");
        }

        await using var connection = await database.OpenAsync(cancellationToken);
        await using var transaction = await connection.BeginTransactionAsync(cancellationToken);
        var written = await batch.WriteAsync(connection, transaction, new StagingWriter(database.Engine), reader.RunId, cancellationToken);
        await transaction.CommitAsync(cancellationToken);
        return (shops, written);
    }

    /// <summary>
    /// TikTok does not send a shop's currency and time zone: TikTok:Shops:{id} when configured, else what staging
    /// already has (a cost-settings file may have set it), else the region's main currency and zone.
    /// </summary>
    private (string Currency, string TimeZone) ShopSettingsOf(AuthorizedShop shop, IReadOnlyDictionary<string, (string Currency, string TimeZone)> staged)
    {
        if (settings.ShopSettings.TryGetValue(shop.Id, out var configured))
        {
            return configured;
        }

        if (staged.TryGetValue(shop.Id, out var known))
        {
            return known;
        }

        var defaults = AuthorizedShop.RegionDefaults(shop.Region)
            ?? throw new WarehouseException($"shop {shop.Id}: region {shop.Region} has no known currency and time zone; set TikTok:Shops:{shop.Id}:Currency and :TimeZone");
        Log.Information("shop {Shop}: currency {Currency} and time zone {TimeZone} from its region {Region} (set TikTok:Shops:{Shop}:TimeZone to change)", shop.Id, defaults.Currency, defaults.TimeZone, shop.Region, shop.Id);
        return defaults;
    }

    /// <summary>GET /open_api/v1.3/oauth2/advertiser/get/: the advertisers the token may read.</summary>
    private Task<IReadOnlyList<string>> ReadAdvertisersAsync(MarketingApiClient client, CancellationToken cancellationToken) =>
        client.GetAsync("/open_api/v1.3/oauth2/advertiser/get/", new Dictionary<string, string> { ["app_id"] = settings.MarketingAppId, ["secret"] = settings.MarketingSecret },
            (data, request) => (IReadOnlyList<string>)JsonFields.List(data, "list").Select(a => JsonFields.Required(a, "advertiser_id", request)).ToList(), cancellationToken);

    private static async Task<SourceResult> StepAsync(
        DbConnection connection, RunLog runLog, long runId, ResumableRead reader, string source, string scope, Func<Task<SourceResult>> work, CancellationToken cancellationToken)
    {
        SourceResult? result = null;
        try
        {
            await runLog.StepAsync(connection, runId, $"extract {source} {scope}", async () =>
            {
                result = await work();
                return new StepResult(result.RowsRead, result.RowsWritten, result.Rejected);
            });
            Log.Information("extracted {Source} {Scope}: {Pages} pages, {Read} rows read, {Written} written", source, scope, result!.Pages, result.RowsRead, result.RowsWritten);
            return result;
        }
        catch (Exception error) when (error is OperationCanceledException or System.Data.Common.DbException && cancellationToken.IsCancellationRequested)
        {
            throw; // a stop (SqlClient says so with a SqlException), not a failed source
        }
        catch (Exception error)
        {
            long rejected = 0;
            if (error is MalformedPageException malformed)
            {
                await reader.RejectAsync(source, malformed);
                rejected = 1;
            }

            var message = SecretMasker.Mask(error.Message);
            Log.Warning("extract {Source} {Scope} failed: {Error}", source, scope, message);
            return new SourceResult(source, scope, 0, 0, 0, rejected, message);
        }
    }
}
