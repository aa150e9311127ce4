using System.Globalization;
using System.Text;

namespace Warehouse.Tests.Infrastructure;

/// <summary>
/// A small, hand-made set of staging files for one shop in UTC, written in the same CSV shapes
/// `warehouse sample` writes, so a test states its inputs and works out the expected numbers by hand.
/// </summary>
public sealed class Scenario
{
    public const string ShopId = "S1";
    public const string AdvertiserId = "ADV1";
    public static readonly DateOnly Day = new(2026, 11, 2);

    private readonly Dictionary<string, List<Dictionary<string, string>>> tables = [];
    private int nextLine;

    public Scenario(decimal commissionRate = 0.06m, decimal shippingCostPerOrder = 0m, decimal packagingCostPerUnit = 0m, decimal feePerOrder = 0m)
    {
        Add("shop", new() { ["shop_id"] = ShopId, ["shop_name"] = "Scenario shop", ["region"] = "US", ["currency"] = "USD", ["time_zone"] = "UTC" });
        Add("cost_setting", new()
        {
            ["shop_id"] = ShopId, ["effective_from"] = "2026-01-01", ["commission_rate"] = Text(commissionRate), ["payment_rate"] = "0",
            ["refund_admin_fee_share"] = "0.20", ["refund_admin_fee_cap"] = "5.00", ["shipping_cost_per_order"] = Text(shippingCostPerOrder),
            ["packaging_cost_per_unit"] = Text(packagingCostPerUnit), ["fee_per_order"] = Text(feePerOrder), ["lead_time_days"] = "14",
        });
    }

    public static long Epoch(DateOnly day, int hour = 12, int minute = 0) =>
        new DateTimeOffset(day.ToDateTime(new TimeOnly(hour, minute)), TimeSpan.Zero).ToUnixTimeSeconds();

    public Scenario Sku(string productId, string skuId, decimal unitCost, int inventory = 100, string? costFrom = "2026-01-01")
    {
        if (!tables.TryGetValue("product", out var products) || products.All(p => p["product_id"] != productId))
        {
            Add("product", new() { ["shop_id"] = ShopId, ["product_id"] = productId, ["title"] = $"Product {productId}", ["status"] = "ACTIVATE", ["create_time"] = "0", ["update_time"] = "0" });
        }

        Add("product_sku", new() { ["shop_id"] = ShopId, ["product_id"] = productId, ["sku_id"] = skuId, ["seller_sku"] = $"SELLER-{skuId}", ["currency"] = "USD", ["sale_price"] = "0", ["inventory_quantity"] = inventory.ToString(CultureInfo.InvariantCulture) });
        if (costFrom is not null)
        {
            Cost(skuId, DateOnly.Parse(costFrom, CultureInfo.InvariantCulture), unitCost);
        }

        return this;
    }

    public Scenario Cost(string skuId, DateOnly from, decimal unitCost) =>
        Add("sku_cost", new() { ["shop_id"] = ShopId, ["sku_id"] = skuId, ["effective_from"] = from.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture), ["unit_cost"] = Text(unitCost), ["currency"] = "USD" });

    public sealed record Line(string SkuId, decimal OriginalPrice, decimal SellerDiscount = 0, decimal PlatformDiscount = 0, string? ProductId = null);

    /// <summary>An order paid at the given time; the order's seller discount is its lines' plus the voucher.</summary>
    public Scenario Order(string orderId, long paidTime, string buyer, decimal voucher, params Line[] lines) =>
        Order(orderId, paidTime, buyer, voucher, isSample: false, lines);

    public Scenario Order(string orderId, long paidTime, string buyer, decimal voucher, bool isSample, params Line[] lines)
    {
        var list = lines.Sum(l => l.OriginalPrice);
        var lineSellerDiscount = lines.Sum(l => l.SellerDiscount);
        var platformDiscount = lines.Sum(l => l.PlatformDiscount);
        var subTotal = list - lineSellerDiscount - platformDiscount - voucher;
        Add("shop_order", new()
        {
            ["shop_id"] = ShopId, ["order_id"] = orderId, ["status"] = "COMPLETED", ["create_time"] = (paidTime - 60).ToString(CultureInfo.InvariantCulture),
            ["update_time"] = paidTime.ToString(CultureInfo.InvariantCulture), ["paid_time"] = paidTime.ToString(CultureInfo.InvariantCulture),
            ["is_sample_order"] = isSample ? "true" : "false", ["is_replacement_order"] = "false", ["user_id"] = buyer, ["currency"] = "USD",
            ["total_amount"] = Text(subTotal), ["sub_total"] = Text(subTotal), ["shipping_fee"] = "0", ["seller_discount"] = Text(lineSellerDiscount + voucher),
            ["platform_discount"] = Text(platformDiscount), ["original_total_product_price"] = Text(list), ["original_shipping_fee"] = "0",
            ["shipping_fee_seller_discount"] = "0", ["shipping_fee_platform_discount"] = "0", ["tax"] = "0",
        });
        foreach (var line in lines)
        {
            nextLine++;
            Add("order_line_item", new()
            {
                ["shop_id"] = ShopId, ["order_id"] = orderId, ["line_item_id"] = $"{orderId}-L{nextLine}", ["product_id"] = line.ProductId ?? ProductOf(line.SkuId),
                ["product_name"] = "Scenario product", ["sku_id"] = line.SkuId, ["currency"] = "USD", ["quantity"] = "1",
                ["original_price"] = Text(line.OriginalPrice), ["sale_price"] = Text(line.OriginalPrice - line.SellerDiscount - line.PlatformDiscount),
                ["platform_discount"] = Text(line.PlatformDiscount), ["seller_discount"] = Text(line.SellerDiscount), ["is_gift"] = "false",
            });
        }

        return this;
    }

    public string LineIdOf(string orderId, string skuId) =>
        tables["order_line_item"].First(l => l["order_id"] == orderId && l["sku_id"] == skuId)["line_item_id"];

    public Scenario Return(string returnId, string orderId, string skuId, decimal refund, string returnType, long time) =>
        Add("return_order", new()
        {
            ["shop_id"] = ShopId, ["return_id"] = returnId, ["order_id"] = orderId, ["return_type"] = returnType, ["return_status"] = "RETURN_OR_REFUND_REQUEST_COMPLETE",
            ["create_time"] = time.ToString(CultureInfo.InvariantCulture), ["update_time"] = time.ToString(CultureInfo.InvariantCulture), ["refund_total"] = Text(refund),
        }).Add("return_line_item", new()
        {
            ["shop_id"] = ShopId, ["return_id"] = returnId, ["return_line_item_id"] = returnId + "-1", ["order_id"] = orderId,
            ["order_line_item_id"] = LineIdOf(orderId, skuId), ["sku_id"] = skuId, ["refund_amount"] = Text(refund),
        });

    /// <summary>A SKU statement transaction; amounts as TikTok signs them (fees negative).</summary>
    public Scenario Settlement(string statementId, long statementTime, string orderId, string skuId, int quantity, decimal revenue,
        decimal referralFee = 0, decimal refundAdminFee = 0, decimal shippingCost = 0, decimal affiliate = 0, decimal transactionFee = 0)
    {
        if (!tables.TryGetValue("statement", out var statements) || statements.All(s => s["statement_id"] != statementId))
        {
            Add("statement", new()
            {
                ["shop_id"] = ShopId, ["statement_id"] = statementId, ["statement_time"] = statementTime.ToString(CultureInfo.InvariantCulture), ["payment_status"] = "PAID",
                ["currency"] = "USD", ["settlement_amount"] = "0", ["revenue_amount"] = "0", ["fee_amount"] = "0", ["adjustment_amount"] = "0",
                ["shipping_cost_amount"] = "0", ["net_sales_amount"] = "0",
            });
        }

        var fees = referralFee + refundAdminFee + affiliate + transactionFee;
        var row = new Dictionary<string, string>
        {
            ["shop_id"] = ShopId, ["statement_id"] = statementId, ["order_id"] = orderId, ["sku_id"] = skuId, ["quantity"] = quantity.ToString(CultureInfo.InvariantCulture),
            ["settlement_amount"] = Text(revenue + fees + shippingCost), ["revenue_amount"] = Text(revenue), ["fee_amount"] = Text(fees),
            ["shipping_cost_amount"] = Text(shippingCost), ["referral_fee_amount"] = Text(referralFee), ["refund_administration_fee_amount"] = Text(refundAdminFee),
            ["affiliate_commission_amount"] = Text(affiliate), ["transaction_fee_amount"] = Text(transactionFee),
        };
        foreach (var zero in new[]
        {
            "platform_commission_amount", "affiliate_ads_commission_amount", "affiliate_partner_commission_amount", "platform_discount_amount",
            "customer_refund_amount", "shipping_fee_amount", "shipping_fee_subsidy_amount", "actual_shipping_fee_amount",
            "platform_shipping_fee_discount_amount", "customer_shipping_fee_amount", "return_shipping_fee_amount", "sales_tax_amount",
        })
        {
            row[zero] = "0";
        }

        return Add("sku_statement_transaction", row);
    }

    /// <summary>
    /// A row of the Seller Center income export: order-level, fees negative as the export shows them; <paramref name="difference"/>
    /// is added to TikTok's settlement amount only (a settlement that does not tie out).
    /// </summary>
    public Scenario OrderSettlement(string orderId, long settledTime, decimal revenue, decimal commission, decimal sellerShipping, decimal affiliate = 0, decimal difference = 0)
    {
        var row = new Dictionary<string, string>
        {
            ["shop_id"] = ShopId, ["settlement_id"] = orderId, ["settlement_type"] = "Order", ["order_id"] = orderId,
            ["settled_time"] = settledTime.ToString(CultureInfo.InvariantCulture), ["currency"] = "USD",
            ["total_settlement_amount"] = Text(revenue + commission + sellerShipping + affiliate + difference), ["total_revenue"] = Text(revenue),
            ["subtotal_after_seller_discounts"] = Text(revenue), ["total_fees"] = Text(commission + affiliate),
            ["tiktok_shop_commission_fee"] = Text(commission), ["seller_shipping_fee"] = Text(sellerShipping), ["affiliate_commission"] = Text(affiliate),
        };
        foreach (var zero in new[]
        {
            "platform_discounts", "refund_subtotal_after_seller_discounts", "transaction_fee", "sfp_service_fee", "actual_shipping_fee",
            "platform_shipping_fee_discount", "customer_shipping_fee", "affiliate_partner_commission", "affiliate_shop_ads_commission",
        })
        {
            row[zero] = "0";
        }

        return Add("order_settlement", row);
    }

    public Scenario Ad(string campaignId, string adId, string campaignType = "REGULAR")
    {
        if (!tables.TryGetValue("campaign", out var campaigns) || campaigns.All(c => c["campaign_id"] != campaignId))
        {
            Add("campaign", new() { ["advertiser_id"] = AdvertiserId, ["campaign_id"] = campaignId, ["campaign_name"] = $"Campaign {campaignId}", ["campaign_type"] = campaignType, ["store_id"] = ShopId });
            Add("adgroup", new() { ["advertiser_id"] = AdvertiserId, ["adgroup_id"] = campaignId + "-G", ["campaign_id"] = campaignId, ["adgroup_name"] = "Group", ["click_attribution_window"] = "SEVEN_DAYS", ["view_attribution_window"] = "ONE_DAY" });
        }

        return Add("ad", new() { ["advertiser_id"] = AdvertiserId, ["ad_id"] = adId, ["adgroup_id"] = campaignId + "-G", ["campaign_id"] = campaignId, ["ad_name"] = $"Ad {adId}" });
    }

    public Scenario Spend(string adId, DateOnly day, decimal spend) =>
        Add("ad_report_daily", new()
        {
            ["advertiser_id"] = AdvertiserId, ["ad_id"] = adId, ["stat_time_day"] = day.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture), ["spend"] = Text(spend),
            ["impressions"] = "1000", ["clicks"] = "10", ["conversion"] = "1", ["complete_payment"] = "1", ["total_onsite_shopping_value"] = "0",
        });

    public Scenario MapAdToSku(string campaignId, string adId, string skuId) =>
        Add("ad_product_map", new() { ["shop_id"] = ShopId, ["advertiser_id"] = AdvertiserId, ["campaign_id"] = campaignId, ["adgroup_id"] = "", ["ad_id"] = adId, ["product_id"] = "", ["sku_id"] = skuId });

    public Scenario GmvMaxProduct(string campaignId, string productId, DateOnly day, decimal cost, int orders = 0) =>
        Add("gmv_max_product_daily", new()
        {
            ["advertiser_id"] = AdvertiserId, ["campaign_id"] = campaignId, ["store_id"] = ShopId, ["item_group_id"] = productId,
            ["stat_time_day"] = day.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture), ["cost"] = Text(cost), ["net_cost"] = Text(cost),
            ["orders"] = orders.ToString(CultureInfo.InvariantCulture), ["gross_revenue"] = "0",
        });

    public Scenario GmvMaxCampaign(string campaignId, DateOnly day, decimal cost) =>
        Add("gmv_max_campaign_daily", new()
        {
            ["advertiser_id"] = AdvertiserId, ["campaign_id"] = campaignId, ["stat_time_day"] = day.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture),
            ["cost"] = Text(cost), ["net_cost"] = Text(cost), ["orders"] = "0", ["gross_revenue"] = "0",
        });

    public Scenario Touch(string buyer, string adId, string eventType, long time) =>
        Add("touchpoint", new() { ["shop_id"] = ShopId, ["buyer_user_id"] = buyer, ["ad_id"] = adId, ["event_type"] = eventType, ["event_time"] = time.ToString(CultureInfo.InvariantCulture) });

    /// <summary>A band of the seller's shipping rate card: orders of at least minUnits units cost cost per order from the day given.</summary>
    public Scenario ShippingRate(DateOnly from, int minUnits, decimal cost) =>
        Add("shipping_rate", new()
        {
            ["shop_id"] = ShopId, ["effective_from"] = from.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture),
            ["min_units"] = minUnits.ToString(CultureInfo.InvariantCulture), ["cost_per_order"] = Text(cost),
        });

    /// <summary>A fixed or manual expense covering the days from..to.</summary>
    public Scenario Expense(string category, string description, DateOnly from, DateOnly to, decimal amount) =>
        Add("expense", new()
        {
            ["shop_id"] = ShopId, ["category"] = category, ["description"] = description,
            ["date_from"] = from.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture), ["date_to"] = to.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture),
            ["amount"] = Text(amount),
        });

    public Scenario Add(string table, Dictionary<string, string> row)
    {
        if (!tables.TryGetValue(table, out var rows))
        {
            tables[table] = rows = [];
        }

        rows.Add(row);
        return this;
    }

    /// <summary>Writes one CSV per table into a new folder and returns it.</summary>
    public string Write()
    {
        var folder = Path.Combine(Path.GetTempPath(), "warehouse-tests", $"scenario-{Guid.NewGuid():N}");
        Directory.CreateDirectory(folder);
        foreach (var (table, rows) in tables)
        {
            var columns = rows.SelectMany(r => r.Keys).Distinct().ToList();
            var text = new StringBuilder().AppendJoin(',', columns).Append('\n');
            foreach (var row in rows)
            {
                text.AppendJoin(',', columns.Select(c => Quote(row.GetValueOrDefault(c, "")))).Append('\n');
            }

            File.WriteAllText(Path.Combine(folder, table + ".csv"), text.ToString());
        }

        return folder;
    }

    private string ProductOf(string skuId) =>
        tables.TryGetValue("product_sku", out var skus) && skus.FirstOrDefault(s => s["sku_id"] == skuId) is { } sku ? sku["product_id"] : "P-" + skuId;

    private static string Text(decimal value) => value.ToString(CultureInfo.InvariantCulture);

    private static string Quote(string value) => value.Contains(',') || value.Contains('"') ? $"\"{value.Replace("\"", "\"\"")}\"" : value;
}
