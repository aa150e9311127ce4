using System.Text.Json;

namespace Warehouse.Extract;

/// <summary>
/// TikTok Marketing API v1.3 over HTTP: the <c>Access-Token</c> header, array parameters as JSON
/// strings, the envelope's code judged: 40100 (rate limited) and 60001 (maintenance) are retried,
/// 40067 (query too large) is thrown for the caller to shrink its date step.
/// </summary>
public sealed class MarketingApiClient(HttpClient http, TikTokSettings settings, ApiResilience resilience)
{
    public const long RateLimitedCode = 40100;
    public const long QueryTooLargeCode = 40067;
    public const long MaintenanceCode = 60001;
    public const long InvalidAccessTokenCode = 40105;

    public Task<T> GetAsync<T>(string path, IReadOnlyDictionary<string, string> query, Func<JsonElement, string, T> read, CancellationToken cancellationToken) =>
        resilience.Pipeline.ExecuteAsync(async token =>
        {
            var request = $"GET {path}?{ShopApiClient.QueryString(query.Where(p => p.Key != "secret"))}";
            using var message = new HttpRequestMessage(HttpMethod.Get, settings.MarketingApiUrl.TrimEnd('/') + path + "?" + ShopApiClient.QueryString(query));
            message.Headers.Add("Access-Token", settings.MarketingAccessToken);
            using var response = await http.SendAsync(message, token);
            var envelope = await ApiEnvelope.ReadAsync(response, request, token);
            switch (envelope.Code)
            {
                case 0:
                    return PageReader.ReadPage(read, envelope.Data, request);
                case RateLimitedCode or MaintenanceCode:
                    throw new TransientApiException(request, $"TikTok code {envelope.Code}: {envelope.Message}");
                case QueryTooLargeCode:
                    throw new QueryTooLargeException(request, envelope.Message);
                default:
                    throw new TikTokApiException(request, envelope.Code, envelope.Message);
            }
        }, cancellationToken).AsTask();

    /// <summary>The Marketing API's page protocol: <c>page</c>/<c>page_size</c> in, <c>page_info.total_page</c> out.</summary>
    public static bool HasNextPage(JsonElement data, int page) =>
        data.TryGetProperty("page_info", out var info) && JsonFields.Text(info, "total_page") is { } total
        && int.TryParse(total, System.Globalization.CultureInfo.InvariantCulture, out var pages) && page < pages;
}
