using System.Text.Json;
using static Warehouse.Extract.JsonFields;

namespace Warehouse.Extract;

/// <summary>
/// TikTok Shop 202309 payloads to staging rows, field by field under TikTok's own names. Ids are
/// required (a page without them is malformed); money stays the decimal string TikTok sent.
/// </summary>
public static class ShopPayloads
{
    public static readonly string[] PaymentFields =
    [
        "total_amount", "sub_total", "shipping_fee", "seller_discount", "platform_discount", "original_total_product_price",
        "original_shipping_fee", "shipping_fee_seller_discount", "shipping_fee_platform_discount", "tax",
    ];

    public static readonly string[] LineItemFields =
    [
        "product_id", "product_name", "sku_id", "sku_name", "seller_sku", "currency", "original_price", "sale_price",
        "platform_discount", "seller_discount", "display_status", "is_gift",
    ];

    public static readonly string[] StatementFields =
    [
        "statement_time", "payment_status", "currency", "settlement_amount", "revenue_amount", "fee_amount",
        "adjustment_amount", "shipping_cost_amount", "net_sales_amount",
    ];

    public static readonly string[] SkuTransactionFields =
    [
        "sku_name", "product_name", "quantity", "settlement_amount", "revenue_amount", "fee_amount", "shipping_cost_amount",
        "platform_commission_amount", "referral_fee_amount", "transaction_fee_amount", "refund_administration_fee_amount",
        "affiliate_commission_amount", "affiliate_ads_commission_amount", "affiliate_partner_commission_amount",
        "platform_discount_amount", "customer_refund_amount", "shipping_fee_amount", "shipping_fee_subsidy_amount",
        "actual_shipping_fee_amount", "platform_shipping_fee_discount_amount", "customer_shipping_fee_amount",
        "return_shipping_fee_amount", "sales_tax_amount",
    ];

    /// <summary>data.orders[] with payment{} and line_items[] (one per unit, so quantity 1).</summary>
    public static void AddOrders(StagingBatch batch, string shopId, JsonElement data, string request)
    {
        foreach (var order in List(data, "orders"))
        {
            var orderId = Required(order, "id", request);
            var payment = RequiredObject(order, "payment", request);
            var row = Row(("shop_id", shopId), ("order_id", orderId), ("currency", Text(payment, "currency")));
            foreach (var field in new[] { "status", "create_time", "update_time", "paid_time", "cancel_time", "is_sample_order", "is_replacement_order", "replaced_order_id", "user_id" })
            {
                row[field] = Text(order, field);
            }

            foreach (var field in PaymentFields)
            {
                row[field] = Text(payment, field);
            }

            batch.Add("shop_order", row);
            foreach (var line in List(order, "line_items"))
            {
                var lineRow = Row(("shop_id", shopId), ("order_id", orderId), ("line_item_id", Required(line, "id", request)), ("quantity", "1"));
                foreach (var field in LineItemFields)
                {
                    lineRow[field] = Text(line, field);
                }

                batch.Add("order_line_item", lineRow);
            }
        }
    }

    /// <summary>data.return_orders[] with refund_amount{} and return_line_items[].</summary>
    public static void AddReturns(StagingBatch batch, string shopId, JsonElement data, string request)
    {
        foreach (var item in List(data, "return_orders"))
        {
            var returnId = Required(item, "return_id", request);
            var orderId = Required(item, "order_id", request);
            batch.Add("return_order", Row(
                ("shop_id", shopId), ("return_id", returnId), ("order_id", orderId), ("return_type", Text(item, "return_type")),
                ("return_status", Text(item, "return_status")), ("create_time", Text(item, "create_time")), ("update_time", Text(item, "update_time")),
                ("refund_total", Nested(item, "refund_amount", "refund_total"))));
            foreach (var line in List(item, "return_line_items"))
            {
                batch.Add("return_line_item", Row(
                    ("shop_id", shopId), ("return_id", returnId), ("return_line_item_id", Required(line, "return_line_item_id", request)),
                    ("order_id", orderId), ("order_line_item_id", Required(line, "order_line_item_id", request)), ("sku_id", Text(line, "sku_id")),
                    ("seller_sku", Text(line, "seller_sku")), ("refund_amount", Nested(line, "refund_amount", "refund_total"))));
            }
        }
    }

    /// <summary>data.cancellations[] with refund_amount{} and cancel_line_items[].</summary>
    public static void AddCancellations(StagingBatch batch, string shopId, JsonElement data, string request)
    {
        foreach (var item in List(data, "cancellations"))
        {
            var cancelId = Required(item, "cancel_id", request);
            var orderId = Required(item, "order_id", request);
            batch.Add("cancellation", Row(
                ("shop_id", shopId), ("cancel_id", cancelId), ("order_id", orderId), ("cancel_type", Text(item, "cancel_type")),
                ("cancel_status", Text(item, "cancel_status")), ("create_time", Text(item, "create_time")), ("update_time", Text(item, "update_time")),
                ("refund_total", Nested(item, "refund_amount", "refund_total")), ("refund_subtotal", Nested(item, "refund_amount", "refund_subtotal")),
                ("refund_shipping_fee", Nested(item, "refund_amount", "refund_shipping_fee")), ("refund_tax", Nested(item, "refund_amount", "refund_tax"))));
            foreach (var line in List(item, "cancel_line_items"))
            {
                batch.Add("cancellation_line_item", Row(
                    ("shop_id", shopId), ("cancel_id", cancelId), ("order_id", orderId), ("order_line_item_id", Required(line, "order_line_item_id", request)),
                    ("sku_id", Text(line, "sku_id")), ("refund_amount", Nested(line, "refund_amount", "refund_total"))));
            }
        }
    }

    /// <summary>data.statements[]: returns the statement ids of the page, for their transactions.</summary>
    public static List<string> AddStatements(StagingBatch batch, string shopId, JsonElement data, string request)
    {
        var ids = new List<string>();
        foreach (var statement in List(data, "statements"))
        {
            var id = Required(statement, "id", request);
            var row = Row(("shop_id", shopId), ("statement_id", id));
            foreach (var field in StatementFields)
            {
                row[field] = Text(statement, field);
            }

            batch.Add("statement", row);
            ids.Add(id);
        }

        return ids;
    }

    /// <summary>data.statement_transactions[] of one statement, each with its sku_statement_transactions[].</summary>
    public static void AddSkuTransactions(StagingBatch batch, string shopId, string statementId, JsonElement data, string request)
    {
        foreach (var transaction in List(data, "statement_transactions"))
        {
            var orderId = Required(transaction, "order_id", request);
            foreach (var sku in List(transaction, "sku_statement_transactions"))
            {
                var row = Row(("shop_id", shopId), ("statement_id", statementId), ("order_id", orderId), ("sku_id", Required(sku, "sku_id", request)));
                foreach (var field in SkuTransactionFields)
                {
                    row[field] = Text(sku, field);
                }

                batch.Add("sku_statement_transaction", row);
            }
        }
    }

    /// <summary>data.products[] with category_chains[] (the leaf's name) and skus[] (price, inventory summed over warehouses).</summary>
    public static void AddProducts(StagingBatch batch, string shopId, JsonElement data, string request)
    {
        foreach (var product in List(data, "products"))
        {
            var productId = Required(product, "id", request);
            var category = List(product, "category_chains").Where(c => Text(c, "is_leaf") == "true").Select(c => Text(c, "local_name")).FirstOrDefault();
            batch.Add("product", Row(
                ("shop_id", shopId), ("product_id", productId), ("title", Text(product, "title")), ("status", Text(product, "status")),
                ("category", category), ("create_time", Text(product, "create_time")), ("update_time", Text(product, "update_time"))));
            foreach (var sku in List(product, "skus"))
            {
                var attributes = List(sku, "sales_attributes").Select(a => Text(a, "value_name")).Where(v => !string.IsNullOrEmpty(v)).ToList();
                var inventory = List(sku, "inventory").Sum(i => long.TryParse(Text(i, "quantity"), out var q) ? q : throw new MalformedPageException(request, "inventory quantity is not a number"));
                batch.Add("product_sku", Row(
                    ("shop_id", shopId), ("product_id", productId), ("sku_id", Required(sku, "id", request)), ("seller_sku", Text(sku, "seller_sku")),
                    ("sku_name", attributes.Count == 0 ? null : string.Join(" / ", attributes)), ("currency", Nested(sku, "price", "currency")),
                    ("sale_price", Nested(sku, "price", "sale_price")), ("inventory_quantity", inventory.ToString(System.Globalization.CultureInfo.InvariantCulture))));
            }
        }
    }

    internal static Dictionary<string, string?> Row(params (string Column, string? Value)[] values) =>
        values.ToDictionary(v => v.Column, v => v.Value, StringComparer.Ordinal);
}
