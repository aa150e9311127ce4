using System.Globalization;
using System.Text.Json;

namespace Warehouse.Extract;

/// <summary>
/// One shop's sources, each a resumable read: orders, returns and cancellations by
/// <c>update_time</c> (45-day lookback), statements with their SKU transactions by
/// <c>statement_time</c> (60 days), and the whole product catalogue with SKUs and inventory.
/// </summary>
public sealed class ShopExtractor(ShopApiClient client, ResumableRead reader, ExtractOptions options)
{
    public const int PageSize = 100;

    public static readonly IReadOnlyList<string> Sources = ["shop_orders", "shop_returns", "shop_cancellations", "shop_statements", "shop_products"];

    public Task<SourceResult> RunAsync(string source, AuthorizedShop shop, CancellationToken cancellationToken) => source switch
    {
        "shop_orders" => SearchAsync(source, shop, "/order/202309/orders/search", ExtractOptions.OrderLookback, ShopPayloads.AddOrders, cancellationToken),
        "shop_returns" => SearchAsync(source, shop, "/return_refund/202309/returns/search", ExtractOptions.OrderLookback, ShopPayloads.AddReturns, cancellationToken),
        "shop_cancellations" => SearchAsync(source, shop, "/return_refund/202309/cancellations/search", ExtractOptions.OrderLookback, ShopPayloads.AddCancellations, cancellationToken),
        "shop_statements" => StatementsAsync(shop, cancellationToken),
        "shop_products" => ProductsAsync(shop, cancellationToken),
        _ => throw new ArgumentOutOfRangeException(nameof(source), source, "unknown shop source"),
    };

    /// <summary>POST …/search with the update_time window in the body, paged by page_token.</summary>
    private Task<SourceResult> SearchAsync(
        string source, AuthorizedShop shop, string path, TimeSpan lookback, Action<StagingBatch, string, JsonElement, string> add, CancellationToken cancellationToken) =>
        reader.RunAsync(source, shop.Id, lookback, options, async cursor =>
        {
            var body = new Dictionary<string, long> { ["update_time_ge"] = cursor.From.ToUnixTimeSeconds(), ["update_time_lt"] = cursor.To.ToUnixTimeSeconds() };
            return await client.CallAsync(HttpMethod.Post, path, Query(shop, cursor.Page, ("sort_field", "update_time"), ("sort_order", "ASC")), body, (data, request) =>
            {
                var batch = reader.NewBatch(request);
                add(batch, shop.Id, data, request);
                return new ExtractPage(batch, Next(cursor, data));
            }, cancellationToken);
        }, cancellationToken);

    /// <summary>GET statements by statement_time; each page's statements are written with all their SKU transactions.</summary>
    private Task<SourceResult> StatementsAsync(AuthorizedShop shop, CancellationToken cancellationToken) =>
        reader.RunAsync("shop_statements", shop.Id, ExtractOptions.SettlementLookback, options, async cursor =>
        {
            var query = Query(shop, cursor.Page, ("statement_time_ge", Epoch(cursor.From)), ("statement_time_lt", Epoch(cursor.To)), ("sort_field", "statement_time"), ("sort_order", "ASC"));
            var (batch, ids, next) = await client.CallAsync(HttpMethod.Get, "/finance/202309/statements", query, null, (data, request) =>
            {
                var rows = reader.NewBatch(request);
                return (rows, ShopPayloads.AddStatements(rows, shop.Id, data, request), Next(cursor, data));
            }, cancellationToken);

            foreach (var id in ids)
            {
                string? page = null;
                do
                {
                    page = await client.CallAsync(HttpMethod.Get, $"/finance/202309/statements/{Uri.EscapeDataString(id)}/statement_transactions", Query(shop, page), null, (data, request) =>
                    {
                        ShopPayloads.AddSkuTransactions(batch, shop.Id, id, data, request);
                        return ShopApiClient.NextPageToken(data);
                    }, cancellationToken);
                }
                while (page is not null);
            }

            return new ExtractPage(batch, next);
        }, cancellationToken);

    /// <summary>POST products/search without a time filter: the catalogue, SKUs and stock as they are now.</summary>
    private Task<SourceResult> ProductsAsync(AuthorizedShop shop, CancellationToken cancellationToken) =>
        reader.RunAsync("shop_products", shop.Id, TimeSpan.Zero, options, cursor =>
            client.CallAsync(HttpMethod.Post, "/product/202309/products/search", Query(shop, cursor.Page), new Dictionary<string, string>(), (data, request) =>
            {
                var batch = reader.NewBatch(request);
                ShopPayloads.AddProducts(batch, shop.Id, data, request);
                return new ExtractPage(batch, Next(cursor, data));
            }, cancellationToken), cancellationToken);

    private static Dictionary<string, string> Query(AuthorizedShop shop, string? pageToken, params (string Key, string Value)[] extra)
    {
        var query = new Dictionary<string, string>(StringComparer.Ordinal)
        {
            ["shop_cipher"] = shop.Cipher,
            ["page_size"] = PageSize.ToString(CultureInfo.InvariantCulture),
        };
        if (!string.IsNullOrEmpty(pageToken))
        {
            query["page_token"] = pageToken;
        }

        foreach (var (key, value) in extra)
        {
            query[key] = value;
        }

        return query;
    }

    private static ExtractCursor? Next(ExtractCursor cursor, JsonElement data) =>
        ShopApiClient.NextPageToken(data) is { } token ? cursor with { Page = token } : null;

    private static string Epoch(DateTimeOffset time) => time.ToUnixTimeSeconds().ToString(CultureInfo.InvariantCulture);
}
