namespace Warehouse.Import;

/// <summary>
/// The Seller Center income (settlement) export: one row per order or adjustment, as the export sends it, into
/// stg.order_settlement; the transform splits its fees over the order's lines by the allocation method. Fees
/// stay negative as the export shows them. An adjustment settles its related order (<c>Related order ID</c>
/// when the column is there and filled), an order row itself. Times are local shop time in the shop's declared
/// format (<c>--date-format</c>), converted with the shop's time zone from stg.shop, as in the order export.
/// </summary>
public sealed class IncomeExportKind : ImportKind
{
    public static readonly string[] RelatedOrderAliases = ["Related order ID", "Related Order ID", "Related order id", "Order ID"];

    /// <summary>Export header to staging column; blank amounts are 0 (adjustments leave most of them empty).</summary>
    public static readonly IReadOnlyList<(string Header, string Column)> Amounts =
    [
        ("Total settlement amount", "total_settlement_amount"),
        ("Total revenue", "total_revenue"),
        ("Subtotal after seller discounts", "subtotal_after_seller_discounts"),
        ("Platform discounts", "platform_discounts"),
        ("Refund subtotal after seller discounts", "refund_subtotal_after_seller_discounts"),
        ("Total fees", "total_fees"),
        ("Transaction fee", "transaction_fee"),
        ("TikTok Shop commission fee", "tiktok_shop_commission_fee"),
        ("SFP service fee", "sfp_service_fee"),
        ("Seller shipping fee", "seller_shipping_fee"),
        ("Actual shipping fee", "actual_shipping_fee"),
        ("Platform shipping fee discount", "platform_shipping_fee_discount"),
        ("Customer shipping fee", "customer_shipping_fee"),
        ("Affiliate commission", "affiliate_commission"),
        ("Affiliate partner commission", "affiliate_partner_commission"),
        ("Affiliate Shop Ads commission", "affiliate_shop_ads_commission"),
    ];

    public override string Name => "income-export";

    public override IReadOnlyList<string[]> RequiredColumns =>
        [["Order/adjustment ID"], ["Type"], ["Order settled time"], ["Total settlement amount"]];

    public override IEnumerable<(string, Dictionary<string, string?>)> Map(ImportRow row, ImportContext context)
    {
        if (context.DateFormat is null || context.TimeZone is null)
        {
            throw new ImportRowException("Order settled time", "the shop's export date format and time zone are not set (--date-format, and the shop in stg.shop)");
        }

        var settlementId = row.Required("Order/adjustment ID");
        var values = Row(
            ("shop_id", Shop(row, context)), ("settlement_id", settlementId), ("settlement_type", row.Required("Type")),
            ("order_id", row.Text(RelatedOrderAliases) ?? settlementId),
            ("order_create_time", row.LocalTime(context, "Order created time")),
            ("settled_time", row.LocalTime(context, "Order settled time") ?? throw new ImportRowException("Order settled time", "a value is required")),
            ("currency", row.Text("Currency") ?? context.Currency));
        foreach (var (header, column) in Amounts)
        {
            values[column] = row.Money(header) ?? "0";
        }

        values["total_settlement_amount"] = row.Money("Total settlement amount") ?? throw new ImportRowException("Total settlement amount", "a value is required");
        yield return ("order_settlement", values);
    }
}
