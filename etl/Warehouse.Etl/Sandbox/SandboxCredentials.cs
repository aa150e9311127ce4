namespace Warehouse.Sandbox;

/// <summary>
/// The local sandbox's fixed test credentials: they open nothing but the sandbox on 127.0.0.1,
/// which verifies them (and every signature) exactly as TikTok verifies real ones.
/// </summary>
public static class SandboxCredentials
{
    public const string AppKey = "sandbox-app-key";
    public const string AppSecret = "sandbox-app-secret";
    public const string AccessToken = "sandbox-shop-access-token";
    public const string RefreshToken = "sandbox-shop-refresh-token";
    public const string AdsAppId = "sandbox-ads-app";
    public const string AdsSecret = "sandbox-ads-secret";
    public const string AdsAccessToken = "sandbox-ads-access-token";
}
