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
    IReadOnlyDictionary<string, string> ProductBySku)
{
    /// <summary>Every shop in stg.shop by id (cost settings update a shop's time zone and currency, which TikTok does not send).</summary>
    public IReadOnlyDictionary<string, ShopRow> Shops { get; init; } = new Dictionary<string, ShopRow>();

    /// <summary>The campaigns, ad groups and ads already staged (of the advertiser, when given): Ads Manager reports without ids resolve their names here.</summary>
    public IReadOnlyList<AdEntity> AdEntities { get; init; } = [];
}

/// <summary>A row of stg.shop.</summary>
public sealed record ShopRow(string ShopId, string ShopName, string Region, string Currency, string TimeZone);
