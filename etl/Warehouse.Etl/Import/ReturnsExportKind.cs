using System.Globalization;

namespace Warehouse.Import;

/// <summary>
/// The Seller Center returns/refunds export: one row per return and SKU (return id, order id, SKU id, return type,
/// status, quantity, refund amount, times) into stg.return_order / stg.return_line_item with source
/// <c>returns_export</c>, keyed by TikTok's own return id, so the API's copy of the same return is the same row.
/// Each returned unit is a return line (<c>&lt;sku id&gt;/1</c>, <c>/2</c>…, as the API sends one per unit) of the
/// order-export line of that SKU; a type that says refund only is not restockable, any other return is.
/// Rejected or cancelled requests are kept with the API's status for them, so the transform leaves them out.
/// </summary>
public sealed class ReturnsExportKind : ImportKind
{
    public const string Source = "returns_export";

    public static readonly string[] ReturnIdAliases = ["Return Order ID", "Return order ID", "Return ID", "Return Id", "return_id"];
    public static readonly string[] OrderIdAliases = ["Order ID", "order_id"];
    public static readonly string[] SkuIdAliases = ["SKU ID", "sku_id"];
    public static readonly string[] TypeAliases = ["Return Type", "Return type", "Type"];
    public static readonly string[] StatusAliases = ["Return Status", "Return status", "Status"];
    public static readonly string[] QuantityAliases = ["Return Quantity", "Return quantity", "Returned Quantity", "Quantity"];
    public static readonly string[] AmountAliases = ["Refund Amount", "Refund amount", "Refund Total", "Return Refund Amount"];
    public static readonly string[] CreatedAliases = ["Time Requested", "Request Time", "Return Created Time", "Created Time"];
    public static readonly string[] UpdatedAliases = ["Return Update Time", "Update Time", "Refund Time", "Updated Time"];

    private readonly Dictionary<string, (Dictionary<string, string?> Header, decimal Total)> returns = new(StringComparer.Ordinal);
    private readonly Dictionary<string, int> unitsOfSku = new(StringComparer.Ordinal);

    public override string Name => "returns-export";

    public override IReadOnlyList<string[]> RequiredColumns => [ReturnIdAliases, OrderIdAliases, SkuIdAliases, AmountAliases];

    public override IEnumerable<(string, Dictionary<string, string?>)> Map(ImportRow row, ImportContext context)
    {
        if (context.DateFormat is null || context.TimeZone is null)
        {
            throw new ImportRowException(row.NameOf(CreatedAliases), "the shop's export date format and time zone are not set (warehouse shop add, or --date-format and the shop in stg.shop)");
        }

        var shopId = Shop(row, context);
        var returnId = row.Required(ReturnIdAliases);
        var orderId = row.Required(OrderIdAliases);
        var skuId = row.Required(SkuIdAliases);
        var amount = Math.Abs(decimal.Parse(row.Money(AmountAliases) ?? "0", CultureInfo.InvariantCulture));
        var units = int.Parse(row.Count(QuantityAliases) ?? "1", CultureInfo.InvariantCulture);
        if (units < 1)
        {
            throw new ImportRowException(row.NameOf(QuantityAliases), $"{units} is not a returned quantity");
        }

        var created = row.LocalTime(context, CreatedAliases);
        var updated = row.LocalTime(context, UpdatedAliases) ?? created;
        created ??= updated ?? throw new ImportRowException(row.NameOf(CreatedAliases), "a request or update time is required");
        var type = row.Text(TypeAliases);
        var header = Row(
            ("shop_id", shopId), ("return_id", returnId), ("order_id", orderId),
            ("return_type", OrderExportRefunds.IsRefundOnly(type) ? "REFUND" : "RETURN_AND_REFUND"),
            ("return_status", Status(row.Text(StatusAliases))), ("create_time", created), ("update_time", updated), ("refund_source", Source));
        var key = shopId + "|" + returnId;
        returns[key] = (header, (returns.TryGetValue(key, out var known) ? known.Total : 0m) + amount);

        var first = unitsOfSku.GetValueOrDefault(key + "|" + skuId);
        unitsOfSku[key + "|" + skuId] = first + units;
        var cents = (long)Math.Round(amount * 100m);
        for (var unit = 0; unit < units; unit++)
        {
            var unitCents = cents / units + (unit < cents % units ? 1 : 0);
            yield return ("return_line_item", Row(
                ("shop_id", shopId), ("return_id", returnId), ("return_line_item_id", $"{skuId}/{(first + unit + 1).ToString(CultureInfo.InvariantCulture)}"),
                ("order_id", orderId), ("order_line_item_id", skuId), ("sku_id", skuId), ("seller_sku", row.Text("Seller SKU")),
                ("refund_amount", (unitCents / 100m).ToString(CultureInfo.InvariantCulture))));
        }
    }

    public override IEnumerable<(string, long, Dictionary<string, string?>)> Finish(ImportContext context)
    {
        foreach (var (header, total) in returns.Values)
        {
            var values = new Dictionary<string, string?>(header, StringComparer.Ordinal) { ["refund_total"] = total.ToString(CultureInfo.InvariantCulture) };
            yield return ("return_order", 0, values);
        }

        returns.Clear();
        unitsOfSku.Clear();
    }

    /// <summary>A rejected or cancelled request as the API names it (the transform leaves those out); any other status as exported.</summary>
    private static string Status(string? status) => status switch
    {
        null => "COMPLETED",
        _ when status.Contains("reject", StringComparison.OrdinalIgnoreCase) || status.Contains("declin", StringComparison.OrdinalIgnoreCase) => "RETURN_OR_REFUND_REQUEST_REJECT",
        _ when status.Contains("cancel", StringComparison.OrdinalIgnoreCase) || status.Contains("withdr", StringComparison.OrdinalIgnoreCase) || status.Contains("closed", StringComparison.OrdinalIgnoreCase) => "RETURN_OR_REFUND_REQUEST_CANCEL",
        _ => status.Length <= 64 ? status : status[..64],
    };
}
