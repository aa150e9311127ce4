using Microsoft.Extensions.Configuration;
using Warehouse.Database;
using Warehouse.Sandbox;

namespace Warehouse.Extract;

/// <summary>
/// Where the clients go and with which credentials. For <c>--source tiktok</c> everything comes from
/// configuration (environment <c>TikTok__Shop__AppSecret</c> etc., user secrets, appsettings.json);
/// for <c>--source sandbox</c> the sandbox's own published test credentials are used.
/// </summary>
public sealed record TikTokSettings(
    string ShopApiUrl,
    string AuthUrl,
    string AppKey,
    string AppSecret,
    string AccessToken,
    string RefreshToken,
    string MarketingApiUrl,
    string MarketingAppId,
    string MarketingSecret,
    string MarketingAccessToken,
    IReadOnlyList<string> AdvertiserIds)
{
    /// <summary>Currency and time zone per shop id (TikTok:Shops:{id}:Currency / :TimeZone); TikTok does not send them.</summary>
    public IReadOnlyDictionary<string, (string Currency, string TimeZone)> ShopSettings { get; init; } = new Dictionary<string, (string, string)>();

    public static TikTokSettings ForSandbox(string url)
    {
        var root = url.TrimEnd('/');
        return new TikTokSettings(
            root, root + "/api/v2", SandboxCredentials.AppKey, SandboxCredentials.AppSecret, SandboxCredentials.AccessToken, SandboxCredentials.RefreshToken,
            root, SandboxCredentials.AdsAppId, SandboxCredentials.AdsSecret, SandboxCredentials.AdsAccessToken, []);
    }

    public static TikTokSettings FromConfiguration(IConfiguration configuration)
    {
        string Get(string key, string? fallback = null) =>
            configuration[key] is { Length: > 0 } value ? value
            : fallback ?? throw new WarehouseException($"--source tiktok needs {key} in configuration (environment {key.Replace(":", "__", StringComparison.Ordinal)} or user secrets)");

        var shops = configuration.GetSection("TikTok:Shops").GetChildren()
            .Where(s => s["Currency"] is { Length: > 0 } && s["TimeZone"] is { Length: > 0 })
            .ToDictionary(s => s.Key, s => (s["Currency"]!, s["TimeZone"]!));
        return new TikTokSettings(
            Get("TikTok:Shop:ApiUrl", "https://open-api.tiktokglobalshop.com"),
            Get("TikTok:Shop:AuthUrl", "https://auth.tiktok-shops.com/api/v2"),
            Get("TikTok:Shop:AppKey"),
            Get("TikTok:Shop:AppSecret"),
            Get("TikTok:Shop:AccessToken"),
            Get("TikTok:Shop:RefreshToken"),
            Get("TikTok:Ads:ApiUrl", "https://business-api.tiktok.com"),
            Get("TikTok:Ads:AppId"),
            Get("TikTok:Ads:Secret"),
            Get("TikTok:Ads:AccessToken"),
            (configuration["TikTok:Ads:AdvertiserIds"] ?? "").Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
        {
            ShopSettings = shops,
        };
    }
}
