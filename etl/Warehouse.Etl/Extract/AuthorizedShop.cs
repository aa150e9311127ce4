using System.Text.Json;
using static Warehouse.Extract.JsonFields;

namespace Warehouse.Extract;

/// <summary>
/// One shop from GET /authorization/202309/shops: its id, name, region and the <c>cipher</c> every
/// shop call needs. TikTok does not send the shop's currency or time zone; they come from
/// configuration (TikTok:Shops:{id}:Currency / TimeZone) or else the region's main one, logged.
/// </summary>
public sealed record AuthorizedShop(string Id, string Name, string Region, string Cipher)
{
    public static IReadOnlyList<AuthorizedShop> Read(JsonElement data, string request) =>
        List(data, "shops").Select(s => new AuthorizedShop(
            Required(s, "id", request), Text(s, "name") ?? "", Required(s, "region", request), Required(s, "cipher", request))).ToList();

    /// <summary>Currency and IANA time zone of a region's main market (US: Pacific time, as Seller Center reports).</summary>
    public static (string Currency, string TimeZone)? RegionDefaults(string region) => region.ToUpperInvariant() switch
    {
        "US" => ("USD", "America/Los_Angeles"),
        "GB" or "UK" => ("GBP", "Europe/London"),
        "ID" => ("IDR", "Asia/Jakarta"),
        "MY" => ("MYR", "Asia/Kuala_Lumpur"),
        "TH" => ("THB", "Asia/Bangkok"),
        "VN" => ("VND", "Asia/Ho_Chi_Minh"),
        "PH" => ("PHP", "Asia/Manila"),
        "SG" => ("SGD", "Asia/Singapore"),
        "MX" => ("MXN", "America/Mexico_City"),
        "ES" => ("EUR", "Europe/Madrid"),
        "DE" => ("EUR", "Europe/Berlin"),
        "FR" => ("EUR", "Europe/Paris"),
        "IT" => ("EUR", "Europe/Rome"),
        "IE" => ("EUR", "Europe/Dublin"),
        "JP" => ("JPY", "Asia/Tokyo"),
        "BR" => ("BRL", "America/Sao_Paulo"),
        _ => null,
    };
}
