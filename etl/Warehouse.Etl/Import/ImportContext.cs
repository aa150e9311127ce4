namespace Warehouse.Import;

/// <summary>
/// What a file needs beyond its own columns: the shop or advertiser it belongs to, the shop's
/// currency, time zone and export date format (declared, never guessed), and the catalogue to
/// turn seller SKUs into TikTok SKU and product ids.
/// </summary>
public sealed record ImportContext(
    string? ShopId,
    string? AdvertiserId,
    string? Currency,
    TimeZoneInfo? TimeZone,
    string? DateFormat,
    IReadOnlyDictionary<string, string> SkuBySellerSku,
    IReadOnlyDictionary<string, string> ProductBySku);
