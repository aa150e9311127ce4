namespace Warehouse.Import;

/// <summary>The seller's SKU costs: seller_sku or sku_id, effective_from, unit_cost, optional currency (the shop's by default).</summary>
public sealed class SkuCostKind : ImportKind
{
    public override string Name => "sku-cost";

    public override IReadOnlyList<string[]> RequiredColumns => [["seller_sku", "sku_id"], ["effective_from"], ["unit_cost"]];

    public override IEnumerable<(string, Dictionary<string, string?>)> Map(ImportRow row, ImportContext context)
    {
        var skuId = row.Text("sku_id");
        if (skuId is null)
        {
            var sellerSku = row.Required("seller_sku");
            skuId = context.SkuBySellerSku.TryGetValue(sellerSku, out var known) ? known
                : throw new ImportRowException("seller_sku", $"'{sellerSku}' is not a seller SKU of the shop's catalogue (extract or load products first)");
        }

        yield return ("sku_cost", Row(
            ("shop_id", Shop(row, context)), ("sku_id", skuId), ("effective_from", row.Day("effective_from")),
            ("unit_cost", row.Money("unit_cost")), ("currency", row.Text("currency") ?? context.Currency)));
    }
}

/// <summary>The ad-to-product map: campaign_id / adgroup_id / ad_id to product_id / sku_id / seller_sku (the most specific given wins).</summary>
public sealed class AdProductMapKind : ImportKind
{
    public override string Name => "ad-product-map";

    public override IReadOnlyList<string[]> RequiredColumns => [["campaign_id"], ["product_id", "sku_id", "seller_sku"]];

    public override IEnumerable<(string, Dictionary<string, string?>)> Map(ImportRow row, ImportContext context)
    {
        var skuId = row.Text("sku_id");
        if (skuId is null && row.Text("seller_sku") is { } sellerSku)
        {
            skuId = context.SkuBySellerSku.TryGetValue(sellerSku, out var known) ? known
                : throw new ImportRowException("seller_sku", $"'{sellerSku}' is not a seller SKU of the shop's catalogue");
        }

        var productId = row.Text("product_id");
        if (productId is null && skuId is null)
        {
            throw new ImportRowException("product_id", "a product_id, sku_id or seller_sku is required");
        }

        yield return ("ad_product_map", Row(
            ("shop_id", Shop(row, context)), ("advertiser_id", Advertiser(row, context)), ("campaign_id", row.Required("campaign_id")),
            ("adgroup_id", row.Text("adgroup_id") ?? ""), ("ad_id", row.Text("ad_id") ?? ""), ("product_id", productId ?? ""), ("sku_id", skuId ?? "")));
    }
}

/// <summary>Touchpoints from the seller's pixel or CAPI export: event_time (ISO 8601 with offset), buyer_user_id, ad_id, type click|view.</summary>
public sealed class TouchpointKind : ImportKind
{
    public override string Name => "touchpoint";

    public override IReadOnlyList<string[]> RequiredColumns => [["event_time"], ["buyer_user_id"], ["ad_id"], ["type", "event_type"]];

    public override IEnumerable<(string, Dictionary<string, string?>)> Map(ImportRow row, ImportContext context)
    {
        var type = row.Required("type", "event_type").ToLowerInvariant();
        if (type is not ("click" or "view"))
        {
            throw new ImportRowException(row.NameOf("type", "event_type"), $"'{type}' is neither click nor view");
        }

        yield return ("touchpoint", Row(
            ("shop_id", Shop(row, context)), ("buyer_user_id", row.Required("buyer_user_id")), ("ad_id", row.Required("ad_id")),
            ("event_type", type), ("event_time", row.IsoTime("event_time"))));
    }
}

/// <summary>
/// Cost settings per shop and date: rates (0.06 or 6%), the refund admin fee, per-order and per-unit costs, lead time.
/// Optional <c>time_zone</c> (IANA) and <c>currency</c> (ISO 4217) update the shop's row in stg.shop, since TikTok does
/// not send them (the last row of a shop in the file wins); the shop must be there already (extracted or loaded).
/// <c>date_format</c> is accepted and not stored (give it to `warehouse import --date-format`).
/// </summary>
public sealed class CostSettingKind : ImportKind
{
    public override string Name => "cost-setting";

    public override IReadOnlyList<string[]> RequiredColumns => [["effective_from"], ["commission_rate"]];

    public override IEnumerable<(string, Dictionary<string, string?>)> Map(ImportRow row, ImportContext context)
    {
        var shopId = Shop(row, context);
        var timeZone = row.Text("time_zone");
        var currency = row.Text("currency")?.ToUpperInvariant();
        Dictionary<string, string?>? shop = null;
        if (timeZone is not null || currency is not null)
        {
            if (!context.Shops.TryGetValue(shopId, out var known))
            {
                throw new ImportRowException(timeZone is not null ? "time_zone" : "currency", $"shop {shopId} is not in stg.shop yet (extract or load the shop first), so its time zone and currency cannot be set");
            }

            if (timeZone is not null && !TimeZoneInfo.TryFindSystemTimeZoneById(timeZone, out _))
            {
                throw new ImportRowException("time_zone", $"'{timeZone}' is not a time zone (use an IANA name such as America/Los_Angeles)");
            }

            if (currency is not null && (currency.Length != 3 || !currency.All(char.IsAsciiLetterUpper)))
            {
                throw new ImportRowException("currency", $"'{currency}' is not a three-letter currency code");
            }

            shop = Row(("shop_id", known.ShopId), ("shop_name", known.ShopName), ("region", known.Region), ("currency", currency ?? known.Currency), ("time_zone", timeZone ?? known.TimeZone));
        }

        yield return ("cost_setting", Row(
            ("shop_id", shopId), ("effective_from", row.Day("effective_from")),
            ("commission_rate", row.Rate("commission_rate")), ("payment_rate", row.Rate("payment_rate")),
            ("refund_admin_fee_share", row.Rate("refund_admin_fee_share")), ("refund_admin_fee_cap", row.Money("refund_admin_fee_cap")),
            ("shipping_cost_per_order", row.Money("shipping_cost_per_order")), ("packaging_cost_per_unit", row.Money("packaging_cost_per_unit")),
            ("fee_per_order", row.Money("fee_per_order")), ("lead_time_days", row.Count("lead_time_days"))));
        if (shop is not null)
        {
            yield return ("shop", shop);
        }
    }
}

/// <summary>
/// The seller's shipping rate card: effective_from, min_units (the band: orders of at least that many units),
/// cost_per_order, in the shop's currency. Estimates shipping for orders TikTok has not settled yet.
/// </summary>
public sealed class ShippingRateKind : ImportKind
{
    public override string Name => "shipping-rate";

    public override IReadOnlyList<string[]> RequiredColumns => [["effective_from"], ["min_units"], ["cost_per_order"]];

    public override IEnumerable<(string, Dictionary<string, string?>)> Map(ImportRow row, ImportContext context)
    {
        var minUnits = row.Count("min_units") ?? throw new ImportRowException("min_units", "a value is required");
        if (!int.TryParse(minUnits, System.Globalization.CultureInfo.InvariantCulture, out var units) || units < 1)
        {
            throw new ImportRowException("min_units", $"{minUnits} is not a band: the smallest order has 1 unit");
        }

        yield return ("shipping_rate", Row(
            ("shop_id", Shop(row, context)), ("effective_from", row.Day("effective_from")), ("min_units", minUnits),
            ("cost_per_order", row.Money("cost_per_order") ?? throw new ImportRowException("cost_per_order", "a value is required"))));
    }
}

/// <summary>
/// Fixed and manual expenses: category, amount, and the days covered (date_from and date_to, or one date for a
/// one-off); optional description. The amount is in the shop's currency (an optional currency column must say so);
/// the shop must be in stg.shop already.
/// </summary>
public sealed class ExpenseKind : ImportKind
{
    public override string Name => "expense";

    public override IReadOnlyList<string[]> RequiredColumns => [["category"], ["amount"], ["date_from", "date"]];

    public override IEnumerable<(string, Dictionary<string, string?>)> Map(ImportRow row, ImportContext context)
    {
        var shopId = Shop(row, context);
        if (!context.Shops.TryGetValue(shopId, out var shop))
        {
            throw new ImportRowException(row.Has("shop_id") ? "shop_id" : "--shop", $"shop {shopId} is not in stg.shop (extract or load the shop first)");
        }

        if (row.Text("currency") is { } currency && !currency.Equals(shop.Currency, StringComparison.OrdinalIgnoreCase))
        {
            throw new ImportRowException("currency", $"{currency} is not the shop's currency {shop.Currency}: expenses are kept in the shop's currency");
        }

        var from = row.Day("date_from", "date") ?? throw new ImportRowException(row.NameOf("date_from", "date"), "a value is required");
        var to = row.Day("date_to") ?? from;
        if (string.CompareOrdinal(to, from) < 0)
        {
            throw new ImportRowException("date_to", $"{to} is before date_from {from}");
        }

        yield return ("expense", Row(
            ("shop_id", shopId), ("category", row.Required("category")), ("description", row.Text("description") ?? ""),
            ("date_from", from), ("date_to", to),
            ("amount", row.Money("amount") ?? throw new ImportRowException("amount", "a value is required"))));
    }
}
