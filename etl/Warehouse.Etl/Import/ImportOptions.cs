namespace Warehouse.Import;

/// <summary>
/// The options of `warehouse import`: the kind (else detected), the shop and advertiser, the shop's export date format,
/// and the encoding of CSV files that are not UTF-8 (<see cref="Stage.TextEncoding"/>).
/// </summary>
public sealed record ImportOptions(string? Kind = null, string? ShopId = null, string? AdvertiserId = null, string? DateFormat = null, string? Currency = null, string? Encoding = null);
