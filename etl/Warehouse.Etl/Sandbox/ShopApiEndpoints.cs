using System.Collections.Specialized;
using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;
using Warehouse.Extract;
using static Warehouse.Sandbox.SandboxJson;

namespace Warehouse.Sandbox;

/// <summary>The TikTok Shop 202309 endpoints the warehouse reads, answered from the sample rows, paged by page_token.</summary>
internal sealed class ShopApiEndpoints(SandboxData data)
{
    public const int MaxPageSize = 100;

    private readonly Dictionary<string, Dictionary<string, string>> shopsByCipher =
        data["shop"].ToDictionary(s => Cipher(s["shop_id"]), StringComparer.Ordinal);

    public static string Cipher(string shopId) => "GCP_" + Convert.ToBase64String(System.Text.Encoding.UTF8.GetBytes(shopId)).TrimEnd('=');

    public SandboxResponse Handle(string method, string path, NameValueCollection query, JsonElement body)
    {
        if (path == "/authorization/202309/shops" && method == "GET")
        {
            return SandboxResponse.Ok(new JsonObject
            {
                ["shops"] = Array(data["shop"].Select(s => (JsonNode)new JsonObject
                {
                    ["id"] = s["shop_id"], ["name"] = s["shop_name"], ["region"] = s["region"], ["seller_type"] = "LOCAL",
                    ["cipher"] = Cipher(s["shop_id"]), ["code"] = "SANDBOX" + s["shop_id"][^4..],
                })),
            });
        }

        if (query["shop_cipher"] is not { } cipher || !shopsByCipher.TryGetValue(cipher, out var shop))
        {
            return SandboxResponse.Error(106011, "shop_cipher is missing or not one of the authorized shops");
        }

        var shopId = shop["shop_id"];
        return (method, path) switch
        {
            ("POST", "/order/202309/orders/search") => Search(query, body, "orders", data["shop_order"], shopId, Order),
            ("POST", "/return_refund/202309/returns/search") => Search(query, body, "return_orders", data["return_order"], shopId, Return),
            ("POST", "/return_refund/202309/cancellations/search") => Search(query, body, "cancellations", data["cancellation"], shopId, Cancellation),
            ("GET", "/finance/202309/statements") => Statements(query, shopId),
            ("GET", _) when path.StartsWith("/finance/202309/statements/", StringComparison.Ordinal) && path.EndsWith("/statement_transactions", StringComparison.Ordinal)
                => StatementTransactions(query, shopId, path["/finance/202309/statements/".Length..^"/statement_transactions".Length]),
            ("POST", "/product/202309/products/search") => PageOf(query, "products", data["product"].Where(p => p["shop_id"] == shopId).ToList(), Product),
            _ => SandboxResponse.Error(36009001, $"no such API: {method} {path}", 404),
        };
    }

    private SandboxResponse Search(
        NameValueCollection query, JsonElement body, string listName, IReadOnlyList<Dictionary<string, string>> rows, string shopId, Func<Dictionary<string, string>, JsonObject> shape)
    {
        var from = Bound(body, "update_time_ge") ?? long.MinValue;
        var to = Bound(body, "update_time_lt") ?? long.MaxValue;
        var matching = rows
            .Where(r => r["shop_id"] == shopId)
            .Select(r => (Row: r, Updated: long.Parse(r["update_time"], CultureInfo.InvariantCulture)))
            .Where(r => r.Updated >= from && r.Updated < to)
            .Select(r => (r.Row, r.Updated, Id: r.Row.Values.Skip(1).First())) // the id (second column), read once per row, not per comparison
            .OrderBy(r => r.Updated).ThenBy(r => r.Id, StringComparer.Ordinal)
            .Select(r => r.Row).ToList();
        return PageOf(query, listName, matching, shape);
    }

    private SandboxResponse Statements(NameValueCollection query, string shopId)
    {
        var from = long.TryParse(query["statement_time_ge"], CultureInfo.InvariantCulture, out var ge) ? ge : long.MinValue;
        var to = long.TryParse(query["statement_time_lt"], CultureInfo.InvariantCulture, out var lt) ? lt : long.MaxValue;
        var rows = data["statement"]
            .Where(s => s["shop_id"] == shopId)
            .Where(s => long.Parse(s["statement_time"], CultureInfo.InvariantCulture) is var t && t >= from && t < to)
            .OrderBy(s => long.Parse(s["statement_time"], CultureInfo.InvariantCulture)).ThenBy(s => s["statement_id"], StringComparer.Ordinal)
            .ToList();
        return PageOf(query, "statements", rows, s =>
        {
            var json = Strings(s, ShopPayloads.StatementFields.Where(f => f != "statement_time").ToArray());
            json["id"] = s["statement_id"];
            Time(json, s, "statement_time");
            return json;
        });
    }

    private SandboxResponse StatementTransactions(NameValueCollection query, string shopId, string statementId)
    {
        var orders = data.SkuTransactions[SandboxData.Key(shopId, statementId)]
            .GroupBy(t => t["order_id"], StringComparer.Ordinal)
            .OrderBy(g => g.Key, StringComparer.Ordinal)
            .Select(g => g.ToList()).ToList();
        return PageOf(query, "statement_transactions", orders, lines => new JsonObject
        {
            ["id"] = statementId + "-" + lines[0]["order_id"],
            ["type"] = "ORDER",
            ["order_id"] = lines[0]["order_id"],
            ["sku_statement_transactions"] = Array(lines.Select(l =>
            {
                var json = Strings(l, ShopPayloads.SkuTransactionFields.Where(f => f != "quantity").Prepend("sku_id").ToArray());
                json["quantity"] = int.Parse(l["quantity"], CultureInfo.InvariantCulture);
                return (JsonNode)json;
            })),
        });
    }

    private JsonObject Order(Dictionary<string, string> order)
    {
        var json = new JsonObject { ["id"] = order["order_id"], ["status"] = order["status"] };
        Time(json, order, "create_time");
        Time(json, order, "update_time");
        Time(json, order, "paid_time");
        Time(json, order, "cancel_time");
        json["is_sample_order"] = Bool(order["is_sample_order"]);
        json["is_replacement_order"] = Bool(order["is_replacement_order"]);
        json["replaced_order_id"] = order["replaced_order_id"];
        json["user_id"] = order["user_id"];
        var payment = Strings(order, ShopPayloads.PaymentFields);
        payment["currency"] = order["currency"];
        json["payment"] = payment;
        json["line_items"] = Array(data.LineItems[SandboxData.Key(order["shop_id"], order["order_id"])].Select(line =>
        {
            var item = Strings(line, ShopPayloads.LineItemFields.Where(f => f != "is_gift").ToArray());
            item["id"] = line["line_item_id"];
            item["is_gift"] = Bool(line["is_gift"]);
            return (JsonNode)item;
        }));
        return json;
    }

    private JsonObject Return(Dictionary<string, string> item)
    {
        var json = Strings(item, "return_id", "order_id", "return_type", "return_status");
        Time(json, item, "create_time");
        Time(json, item, "update_time");
        json["refund_amount"] = new JsonObject { ["currency"] = "", ["refund_total"] = item["refund_total"] };
        json["return_line_items"] = Array(data.ReturnLines[SandboxData.Key(item["shop_id"], item["return_id"])].Select(line =>
        {
            var lineJson = Strings(line, "return_line_item_id", "order_line_item_id", "sku_id", "seller_sku");
            lineJson["refund_amount"] = new JsonObject { ["refund_total"] = line["refund_amount"] };
            return (JsonNode)lineJson;
        }));
        return json;
    }

    private JsonObject Cancellation(Dictionary<string, string> item)
    {
        var json = Strings(item, "cancel_id", "order_id", "cancel_type", "cancel_status");
        Time(json, item, "create_time");
        Time(json, item, "update_time");
        json["refund_amount"] = Strings(item, "refund_total", "refund_subtotal", "refund_shipping_fee", "refund_tax");
        json["cancel_line_items"] = Array(data.CancelLines[SandboxData.Key(item["shop_id"], item["cancel_id"])].Select(line =>
        {
            var lineJson = Strings(line, "order_line_item_id", "sku_id");
            lineJson["refund_amount"] = new JsonObject { ["refund_total"] = line["refund_amount"] };
            return (JsonNode)lineJson;
        }));
        return json;
    }

    private JsonObject Product(Dictionary<string, string> product)
    {
        var json = new JsonObject { ["id"] = product["product_id"], ["title"] = product["title"], ["status"] = product["status"] };
        Time(json, product, "create_time");
        Time(json, product, "update_time");
        json["category_chains"] = product["category"] is { Length: > 0 } category
            ? Array([new JsonObject { ["id"] = "600001", ["local_name"] = category, ["is_leaf"] = true, ["parent_id"] = "0" }])
            : new JsonArray();
        json["skus"] = Array(data.ProductSkus[SandboxData.Key(product["shop_id"], product["product_id"])].Select(sku => (JsonNode)new JsonObject
        {
            ["id"] = sku["sku_id"],
            ["seller_sku"] = sku["seller_sku"],
            ["sales_attributes"] = sku["sku_name"] is { Length: > 0 } name ? Array([new JsonObject { ["name"] = "Variant", ["value_name"] = name }]) : new JsonArray(),
            ["price"] = new JsonObject { ["currency"] = sku["currency"], ["sale_price"] = sku["sale_price"], ["tax_exclusive_price"] = sku["sale_price"] },
            ["inventory"] = Array([new JsonObject { ["warehouse_id"] = "7000000000000000001", ["quantity"] = int.Parse(sku["inventory_quantity"], CultureInfo.InvariantCulture) }]),
        }));
        return json;
    }

    /// <summary>TikTok's paging: page_size (1–100) and page_token in; the list, next_page_token and total_count out; the list key left out when empty.</summary>
    private static SandboxResponse PageOf<T>(NameValueCollection query, string listName, IReadOnlyList<T> items, Func<T, JsonObject> shape)
    {
        if (!int.TryParse(query["page_size"], CultureInfo.InvariantCulture, out var size) || size < 1 || size > MaxPageSize)
        {
            return SandboxResponse.Error(36009003, $"page_size must be between 1 and {MaxPageSize}");
        }

        if (Offset(query["page_token"]) is not { } offset || offset > items.Count)
        {
            return SandboxResponse.Error(36009003, "page_token is invalid");
        }

        var page = items.Skip(offset).Take(size).ToList();
        var data = new JsonObject
        {
            ["next_page_token"] = offset + page.Count < items.Count ? Token(offset + page.Count) : "",
            ["total_count"] = items.Count,
        };
        if (page.Count > 0)
        {
            data[listName] = Array(page.Select(i => (JsonNode)shape(i)));
        }

        return SandboxResponse.Ok(data);
    }

    private static long? Bound(JsonElement body, string name) =>
        body.ValueKind == JsonValueKind.Object && body.TryGetProperty(name, out var value) && value.TryGetInt64(out var bound) ? bound : null;
}
