using System.Data.Common;
using System.Globalization;
using Dapper;

namespace Warehouse.Import;

/// <summary>
/// The Seller Center order export: one row per SKU line with a quantity, TikTok's own headers, extra
/// columns ignored. Times are local shop time in the shop's declared format. Order-level amounts
/// repeat on every line of the order and are taken once; line amounts add up. A line's id is its SKU id
/// (the export has no line id), <c>&lt;sku_id&gt;#2</c> for the second line of the same SKU in the order, and so on
/// in file order; its product id comes from the shop's catalogue in staging (or a <c>Product ID</c> column), and a
/// SKU the catalogue does not have yet is kept with the stand-in product id <c>sku:&lt;sku id&gt;</c> (the transform adds
/// it to dim.product from the order; a product export or the API brings the real id, which then replaces it there). Refunds and cancellations the export shows become
/// stg.return_order / stg.cancellation rows of source <c>order_export</c> (see <see cref="OrderExportRefunds"/>).
/// </summary>
public sealed class OrderExportKind : ImportKind
{
    private readonly Dictionary<string, int> linesOfSku = new(StringComparer.Ordinal);
    private readonly Dictionary<string, (long RowNumber, Dictionary<string, string?> Order, decimal SubTotal, decimal Before, decimal Seller, decimal Platform)> orders = new(StringComparer.Ordinal);
    private readonly OrderExportRefunds refunds = new();
    private readonly HashSet<string> ordersInFile = new(StringComparer.Ordinal);
    private readonly HashSet<string> shown = new(StringComparer.Ordinal);

    public override string Name => "order-export";

    public override IReadOnlyList<string[]> RequiredColumns =>
        [["Order ID"], ["Order Status"], ["SKU ID"], ["Quantity"], ["SKU Unit Original Price"], ["SKU Subtotal After Discount"], ["Order Amount"], ["Created Time"]];

    public override IEnumerable<(string, Dictionary<string, string?>)> Map(ImportRow row, ImportContext context)
    {
        if (context.DateFormat is null || context.TimeZone is null)
        {
            throw new ImportRowException("Created Time", "the shop's export date format and time zone are not set (--date-format, and the shop in stg.shop)");
        }

        var shopId = Shop(row, context);
        var orderId = row.Required("Order ID");
        var skuId = row.Required("SKU ID");
        var count = row.Count("Quantity") ?? throw new ImportRowException("Quantity", "a value is required");
        var quantity = int.TryParse(count, CultureInfo.InvariantCulture, out var units) ? units : throw new ImportRowException("Quantity", $"{count} is outside the range of a quantity");
        if (quantity <= 0)
        {
            throw new ImportRowException("Quantity", $"{quantity} is not a positive quantity");
        }

        var productId = context.ProductBySku.TryGetValue(skuId, out var product) ? product : row.Text("Product ID") ?? UnknownProduct(skuId);
        var after = Amount(row.Money("SKU Subtotal After Discount"));
        var before = Amount(row.Money("SKU Subtotal Before Discount"));
        var seller = Amount(row.Money("SKU Seller Discount"));
        var platform = Amount(row.Money("SKU Platform Discount"));
        var status = row.Required("Order Status");

        var created = row.LocalTime(context, "Created Time");
        var paid = row.LocalTime(context, "Paid Time");
        var cancelled = row.LocalTime(context, "Cancelled Time");
        var updated = new[] { created, paid, cancelled }.Where(t => t is not null).Max(t => long.Parse(t!, CultureInfo.InvariantCulture));
        var order = Row(
            ("shop_id", shopId), ("order_id", orderId), ("status", status), ("create_time", created), ("update_time", updated.ToString(CultureInfo.InvariantCulture)),
            ("paid_time", paid), ("cancel_time", cancelled), ("is_sample_order", "false"), ("is_replacement_order", "false"),
            ("user_id", row.Text("Buyer Username")), ("currency", context.Currency), ("total_amount", row.Money("Order Amount")),
            ("shipping_fee", row.Money("Shipping Fee After Discount") ?? "0"), ("original_shipping_fee", row.Money("Original Shipping Fee") ?? "0"),
            ("shipping_fee_seller_discount", row.Money("Shipping Fee Seller Discount") ?? "0"), ("shipping_fee_platform_discount", row.Money("Shipping Fee Platform Discount") ?? "0"),
            ("tax", row.Money("Taxes") ?? "0"));
        var key = shopId + "|" + orderId;
        // The export has no line id: a SKU's first line in the order is its SKU id, a second line of the same SKU <sku_id>#2, and so on (file order).
        var occurrence = linesOfSku[key + "|" + skuId] = linesOfSku.GetValueOrDefault(key + "|" + skuId) + 1;
        var lineId = occurrence == 1 ? skuId : $"{skuId}#{occurrence.ToString(CultureInfo.InvariantCulture)}";
        orders[key] = orders.TryGetValue(key, out var sum)
            ? (sum.RowNumber, sum.Order, sum.SubTotal + after, sum.Before + before, sum.Seller + seller, sum.Platform + platform)
            : (0, order, after, before, seller, platform);

        var originalPrice = row.Money("SKU Unit Original Price");
        refunds.AddLine(row, order, lineId, skuId, quantity, Amount(originalPrice) * quantity - seller);
        ordersInFile.Add(key); // only once its refund columns were read without a reject
        yield return ("order_line_item", Row(
            ("shop_id", shopId), ("order_id", orderId), ("line_item_id", lineId), ("product_id", productId), ("product_name", row.Required("Product Name")),
            ("sku_id", skuId), ("sku_name", row.Text("Variation")), ("seller_sku", row.Text("Seller SKU")), ("currency", context.Currency),
            ("quantity", quantity.ToString(CultureInfo.InvariantCulture)), ("original_price", originalPrice),
            ("sale_price", Math.Round(after / quantity, 4).ToString(CultureInfo.InvariantCulture)), ("platform_discount", platform.ToString(CultureInfo.InvariantCulture)),
            ("seller_discount", seller.ToString(CultureInfo.InvariantCulture)), ("display_status", status), ("is_gift", "false")));
    }

    public override IEnumerable<(string, long, Dictionary<string, string?>)> Finish(ImportContext context)
    {
        foreach (var (_, sum) in orders)
        {
            var order = new Dictionary<string, string?>(sum.Order, StringComparer.Ordinal)
            {
                ["sub_total"] = sum.SubTotal.ToString(CultureInfo.InvariantCulture),
                ["original_total_product_price"] = sum.Before.ToString(CultureInfo.InvariantCulture),
                ["seller_discount"] = sum.Seller.ToString(CultureInfo.InvariantCulture),
                ["platform_discount"] = sum.Platform.ToString(CultureInfo.InvariantCulture),
            };
            yield return ("shop_order", 0, order);
        }

        foreach (var refund in refunds.Rows())
        {
            if (refund.Table is "return_order" or "cancellation")
            {
                shown.Add(refund.Table + "|" + refund.Values["shop_id"] + "|" + refund.Values[refund.Table == "return_order" ? "return_id" : "cancel_id"]);
            }

            yield return (refund.Table, 0, refund.Values);
        }

        orders.Clear();
        linesOfSku.Clear();
    }

    /// <summary>
    /// The export is the shop's latest word on the orders it lists: a return or cancellation an earlier export
    /// made for one of them (source <c>order_export</c>) that this one no longer shows (the return request was
    /// rejected, the refund reversed) is deleted with its lines, and etl.staging_deletion names the order so the
    /// next transform restates it. Orders the file does not list keep theirs. The other sources' rows are
    /// never touched.
    /// </summary>
    public override async Task<long> RemoveSupersededAsync(DbConnection connection, DbTransaction transaction, long runId, CancellationToken cancellationToken)
    {
        var earlier = await connection.QueryAsync<(string Table, string ShopId, string OrderId, string Id)>(new CommandDefinition(
            """
            SELECT 'return_order', shop_id, order_id, return_id FROM stg.return_order WHERE refund_source = @source
            UNION ALL
            SELECT 'cancellation', shop_id, order_id, cancel_id FROM stg.cancellation WHERE refund_source = @source
            """, new { source = OrderExportRefunds.Source }, transaction, cancellationToken: cancellationToken));
        var stale = earlier
            .Where(row => ordersInFile.Contains(row.ShopId + "|" + row.OrderId) && !shown.Contains(row.Table + "|" + row.ShopId + "|" + row.Id))
            .ToList();
        ordersInFile.Clear();
        shown.Clear();

        long removed = 0;
        foreach (var group in stale.GroupBy(row => (row.Table, row.ShopId)))
        {
            var (parent, child, id) = group.Key.Table == "return_order"
                ? ("return_order", "return_line_item", "return_id")
                : ("cancellation", "cancellation_line_item", "cancel_id");
            foreach (var chunk in group.Chunk(500))
            {
                var ids = chunk.Select(row => row.Id).ToArray();
                var shopId = group.Key.ShopId;
                // Npgsql takes the array as one parameter; Dapper expands it into a list for SQL Server.
                var isOneOf = connection is Npgsql.NpgsqlConnection ? $"{id} = ANY(@ids)" : $"{id} IN @ids";
                await connection.ExecuteAsync(new CommandDefinition(
                    $"INSERT INTO etl.staging_deletion (etl_run_id, table_name, shop_id, order_id) SELECT @runId, '{parent}', shop_id, order_id FROM stg.{parent} WHERE shop_id = @shopId AND {isOneOf}",
                    new { runId, shopId, ids }, transaction, cancellationToken: cancellationToken));
                removed += await connection.ExecuteAsync(new CommandDefinition(
                    $"DELETE FROM stg.{child} WHERE shop_id = @shopId AND {isOneOf}", new { shopId, ids }, transaction, cancellationToken: cancellationToken));
                removed += await connection.ExecuteAsync(new CommandDefinition(
                    $"DELETE FROM stg.{parent} WHERE shop_id = @shopId AND {isOneOf}", new { shopId, ids }, transaction, cancellationToken: cancellationToken));
            }
        }

        return removed;
    }

    /// <summary>The stand-in product id of a SKU the catalogue does not have yet (the catalogue's own id replaces it in dim.product).</summary>
    public static string UnknownProduct(string skuId) => "sku:" + skuId;

    private static decimal Amount(string? text) => text is null ? 0m : decimal.Parse(text, CultureInfo.InvariantCulture);
}
