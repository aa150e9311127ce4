using System.Globalization;
using System.Net.Http.Headers;
using System.Text.Json;
using Serilog;

namespace Warehouse.Extract;

/// <summary>
/// TikTok Shop Open API 202309 over HTTP: signs every request (see <see cref="ShopApiSignature"/>),
/// sends the access token in <c>x-tts-access-token</c>, refreshes it through the auth host when
/// TikTok says it expired, and runs every call through the resilience pipeline. Each attempt is
/// signed anew with a fresh timestamp.
/// </summary>
public sealed class ShopApiClient(HttpClient http, TikTokSettings settings, ApiResilience resilience)
{
    public const long AccessTokenExpiredCode = 105002;
    public const long InvalidAccessTokenCode = 105001;
    public const long InvalidSignatureCode = 106001;

    private readonly SemaphoreSlim refreshing = new(1, 1);
    private string accessToken = settings.AccessToken;
    private string refreshToken = settings.RefreshToken;

    /// <summary>Calls one endpoint and reads its data object with <paramref name="read"/> (inside the retries).</summary>
    public Task<T> CallAsync<T>(
        HttpMethod method, string path, IReadOnlyDictionary<string, string> query, object? body, Func<JsonElement, string, T> read, CancellationToken cancellationToken) =>
        resilience.Pipeline.ExecuteAsync(async token =>
        {
            var parameters = new Dictionary<string, string>(query, StringComparer.Ordinal)
            {
                ["app_key"] = settings.AppKey,
                ["timestamp"] = DateTimeOffset.UtcNow.ToUnixTimeSeconds().ToString(CultureInfo.InvariantCulture),
            };
            var bodyBytes = method == HttpMethod.Get || body is null ? [] : JsonSerializer.SerializeToUtf8Bytes(body);
            parameters["sign"] = ShopApiSignature.Sign(settings.AppSecret, path, parameters, bodyBytes);
            var request = Describe(method, path, query, bodyBytes);

            using var message = new HttpRequestMessage(method, settings.ShopApiUrl.TrimEnd('/') + path + "?" + QueryString(parameters));
            message.Headers.Add("x-tts-access-token", accessToken);
            if (method != HttpMethod.Get)
            {
                message.Content = new ByteArrayContent(bodyBytes);
                message.Content.Headers.ContentType = new MediaTypeHeaderValue("application/json");
            }

            using var response = await http.SendAsync(message, token);
            var envelope = await ApiEnvelope.ReadAsync(response, request, token);
            if (envelope.Code == AccessTokenExpiredCode)
            {
                await RefreshAccessTokenAsync(token);
                throw new TransientApiException(request, "access token expired: refreshed");
            }

            if (envelope.Code != 0)
            {
                throw new TikTokApiException(request, envelope.Code, envelope.Message);
            }

            return PageReader.ReadPage(read, envelope.Data, request);
        }, cancellationToken).AsTask();

    /// <summary>The shop API's page protocol: <c>page_size</c> and <c>page_token</c> in, <c>next_page_token</c> out.</summary>
    public static string? NextPageToken(JsonElement data) => JsonFields.Text(data, "next_page_token") is { Length: > 0 } next ? next : null;

    /// <summary>GET {auth}/token/refresh: not signed; the new token replaces the old one for every later call.</summary>
    private async Task RefreshAccessTokenAsync(CancellationToken cancellationToken)
    {
        var expired = accessToken;
        await refreshing.WaitAsync(cancellationToken);
        try
        {
            if (accessToken != expired)
            {
                return; // another call refreshed it meanwhile
            }

            var query = new Dictionary<string, string>
            {
                ["app_key"] = settings.AppKey,
                ["app_secret"] = settings.AppSecret,
                ["refresh_token"] = refreshToken,
                ["grant_type"] = "refresh_token",
            };
            using var response = await http.GetAsync(settings.AuthUrl.TrimEnd('/') + "/token/refresh?" + QueryString(query), cancellationToken);
            var envelope = await ApiEnvelope.ReadAsync(response, "GET /token/refresh", cancellationToken);
            if (envelope.Code != 0)
            {
                throw new TikTokApiException("GET /token/refresh", envelope.Code, envelope.Message);
            }

            accessToken = JsonFields.Required(envelope.Data, "access_token", "GET /token/refresh");
            refreshToken = JsonFields.Text(envelope.Data, "refresh_token") is { Length: > 0 } next ? next : refreshToken;
            Log.Information("TikTok Shop access token refreshed (expires in {Seconds} s)", JsonFields.Text(envelope.Data, "access_token_expire_in"));
        }
        finally
        {
            refreshing.Release();
        }
    }

    internal static string QueryString(IEnumerable<KeyValuePair<string, string>> parameters) =>
        string.Join("&", parameters.Select(p => Uri.EscapeDataString(p.Key) + "=" + Uri.EscapeDataString(p.Value)));

    /// <summary>The request as it goes to etl.reject and logs: method, path, query and body, never a secret.</summary>
    private static string Describe(HttpMethod method, string path, IReadOnlyDictionary<string, string> query, byte[] body) =>
        $"{method} {path}?{QueryString(query)}" + (body.Length > 0 ? " " + System.Text.Encoding.UTF8.GetString(body) : "");
}
