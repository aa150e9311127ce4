using System.Globalization;

namespace Warehouse.Import;

/// <summary>
/// What the order export says about refunds and cancellations, as the API's return and cancellation rows
/// (source <c>order_export</c>), so the transform has one path for every source:
/// <list type="bullet">
/// <item>an order cancelled (<c>Order Status</c> or <c>Order Substatus</c> cancelled) after payment: cancellation
/// <c>order-export:&lt;order id&gt;</c>, every line refunded its gmv (what the API's cancellation refunds);
/// cancelled before payment it carries no revenue and needs no row;</item>
/// <item>a line with <c>Sku Quantity of return</c> r of q units: return <c>order-export:&lt;order id&gt;</c>, refund
/// gmv × r / q to the cent, one return line per unit (<c>&lt;line id&gt;/1</c>, <c>/2</c>…) as the API sends them, of type
/// RETURN_AND_REFUND (restockable) unless <c>Cancelation/Return Type</c> says refund only;</item>
/// <item>an <c>Order Refund Amount</c> with no returned quantity: a refund-only of that amount (at most the order's
/// gmv), split over the lines by gmv to the cent.</item>
/// </list>
/// Where the export has an <c>Order Refund Amount</c> column and it is 0, returned quantities are not refunded (yet).
/// Ids are made from the order id, so importing the export again rewrites the same rows.
/// </summary>
public sealed class OrderExportRefunds
{
    public const string Source = "order_export";

    private sealed record Line(string LineId, string SkuId, int Quantity, decimal Gmv, int Returned, string? Type);

    private sealed class Order(string shopId, string orderId)
    {
        public string ShopId { get; } = shopId;
        public string OrderId { get; } = orderId;
        public bool Cancelled { get; set; }
        public bool Paid { get; set; }
        public string? CancelTime { get; set; }
        public string? UpdateTime { get; set; }
        public string? Type { get; set; }
        public decimal? RefundAmount { get; set; }
        public List<Line> Lines { get; } = [];
    }

    private readonly Dictionary<string, Order> orders = new(StringComparer.Ordinal);

    public void AddLine(ImportRow row, IReadOnlyDictionary<string, string?> order, string lineId, string skuId, int quantity, decimal gmv)
    {
        var shopId = order["shop_id"]!;
        var orderId = order["order_id"]!;
        var type = row.Text("Cancelation/Return Type", "Cancellation/Return Type");
        var cancelled = IsCancelled(row.Text("Order Status")) || IsCancelled(row.Text("Order Substatus"));
        decimal? refundAmount = row.Has("Order Refund Amount") ? Math.Abs(decimal.Parse(row.Money("Order Refund Amount") ?? "0", CultureInfo.InvariantCulture)) : null;
        var returned = int.Parse(row.Count("Sku Quantity of return", "SKU Quantity of return") ?? "0", CultureInfo.InvariantCulture);
        if (returned < 0 || returned > quantity)
        {
            throw new ImportRowException(row.NameOf("Sku Quantity of return", "SKU Quantity of return"), $"{returned} returned of a line of {quantity}");
        }

        // Only orders with a refund or cancellation are kept (order-level columns repeat on every line, so the first line says).
        if (!orders.TryGetValue(shopId + "|" + orderId, out var state))
        {
            if (!cancelled && (refundAmount ?? 0m) == 0m && returned == 0)
            {
                return;
            }

            orders[shopId + "|" + orderId] = state = new Order(shopId, orderId);
        }

        state.Cancelled |= cancelled;
        state.Paid = order["paid_time"] is not null;
        state.CancelTime = order["cancel_time"] ?? state.CancelTime;
        state.UpdateTime = order["update_time"];
        state.Type ??= type;
        state.RefundAmount = refundAmount ?? state.RefundAmount;
        state.Lines.Add(new Line(lineId, skuId, quantity, gmv, returned, type));
    }

    public IEnumerable<(string Table, Dictionary<string, string?> Values)> Rows()
    {
        foreach (var order in orders.Values)
        {
            var id = "order-export:" + order.OrderId;
            if (order.Cancelled && order.Paid)
            {
                var total = order.Lines.Sum(l => l.Gmv);
                yield return ("cancellation", Values(
                    ("shop_id", order.ShopId), ("cancel_id", id), ("order_id", order.OrderId), ("cancel_type", Shorten(order.Type ?? "CANCEL")),
                    ("cancel_status", "CANCELLED"), ("create_time", order.CancelTime ?? order.UpdateTime), ("update_time", order.UpdateTime),
                    ("refund_total", Text(order.RefundAmount is > 0m ? order.RefundAmount.Value : total)), ("refund_subtotal", Text(total)), ("refund_shipping_fee", "0"), ("refund_tax", "0"),
                    ("refund_source", Source)));
                foreach (var line in order.Lines)
                {
                    yield return ("cancellation_line_item", Values(
                        ("shop_id", order.ShopId), ("cancel_id", id), ("order_id", order.OrderId), ("order_line_item_id", line.LineId),
                        ("sku_id", line.SkuId), ("refund_amount", Text(line.Gmv))));
                }

                continue;
            }

            if (order.Cancelled || !order.Paid || order.RefundAmount == 0m)
            {
                continue; // cancelled before payment (no revenue to refund), unpaid, or nothing refunded yet
            }

            var returnedLines = order.Lines.Where(l => l.Returned > 0).ToList();
            var refundOnly = returnedLines.Count == 0;
            var parts = refundOnly
                ? Split(Math.Min(order.RefundAmount ?? 0m, order.Lines.Sum(l => l.Gmv)), order.Lines).Select((amount, i) => (Line: order.Lines[i], Amount: amount, Units: 1)).Where(p => p.Amount != 0m).ToList()
                : returnedLines.Select(l => (Line: l, Amount: Math.Round(l.Gmv * l.Returned / l.Quantity, 2, MidpointRounding.AwayFromZero), Units: l.Returned)).ToList();
            if (parts.Count == 0)
            {
                continue;
            }

            var goodsBack = !refundOnly && !IsRefundOnly(order.Type);
            yield return ("return_order", Values(
                ("shop_id", order.ShopId), ("return_id", id), ("order_id", order.OrderId), ("return_type", goodsBack ? "RETURN_AND_REFUND" : "REFUND"),
                ("return_status", "RETURN_OR_REFUND_REQUEST_COMPLETE"), ("create_time", order.UpdateTime), ("update_time", order.UpdateTime),
                ("refund_total", Text(order.RefundAmount ?? parts.Sum(p => p.Amount))), ("refund_source", Source)));
            foreach (var (line, amount, units) in parts)
            {
                var unitAmounts = Split(amount, Enumerable.Repeat(line, units).ToList());
                for (var unit = 0; unit < units; unit++)
                {
                    yield return ("return_line_item", Values(
                        ("shop_id", order.ShopId), ("return_id", id), ("return_line_item_id", $"{line.LineId}/{(unit + 1).ToString(CultureInfo.InvariantCulture)}"),
                        ("order_id", order.OrderId), ("order_line_item_id", line.LineId), ("sku_id", line.SkuId), ("refund_amount", Text(unitAmounts[unit]))));
                }
            }
        }

        orders.Clear();
    }

    /// <summary>Cancelled, canceled, CANCELLED: a status that says the order was cancelled.</summary>
    public static bool IsCancelled(string? status) => status is not null && status.Contains("cancel", StringComparison.OrdinalIgnoreCase);

    /// <summary>Refund only, REFUND_ONLY, Refund: a type that says the goods did not come back.</summary>
    public static bool IsRefundOnly(string? type) =>
        type is not null && type.Contains("refund", StringComparison.OrdinalIgnoreCase) && !type.Contains("return", StringComparison.OrdinalIgnoreCase);

    /// <summary>The amount over the lines by their gmv (equally when it is 0), to the cent, largest remainders first.</summary>
    private static List<decimal> Split(decimal amount, IReadOnlyList<Line> lines)
    {
        var weights = lines.Select(l => l.Gmv).ToList();
        if (weights.Sum() <= 0m)
        {
            weights = lines.Select(_ => 1m).ToList();
        }

        var total = weights.Sum();
        var exact = weights.Select(w => amount * w / total).ToList();
        var parts = exact.Select(e => Math.Floor(e * 100m) / 100m).ToList();
        var cents = (int)Math.Round((amount - parts.Sum()) * 100m);
        foreach (var index in exact.Select((e, i) => (Remainder: e - parts[i], Index: i)).OrderByDescending(p => p.Remainder).ThenBy(p => p.Index).Take(cents).Select(p => p.Index))
        {
            parts[index] += 0.01m;
        }

        return parts;
    }

    private static string Shorten(string text) => text.Length <= 32 ? text : text[..32];

    private static string Text(decimal value) => value.ToString(CultureInfo.InvariantCulture);

    private static Dictionary<string, string?> Values(params (string Column, string? Value)[] values) =>
        values.ToDictionary(v => v.Column, v => v.Value, StringComparer.Ordinal);
}
