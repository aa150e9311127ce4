namespace Warehouse.Import;

/// <summary>
/// The Seller Center product export (the catalogue): product id, product name, SKU id, seller SKU, variation, price,
/// quantity in stock, TikTok's headers through the alias lists below. Into stg.product and stg.product_sku as the
/// API's product search fills them (a product's SKUs replace its staged SKUs). A row with a blank product id is a
/// further SKU of the product above it. The export has no product times: they are 0. Prices are in the shop's currency.
/// </summary>
public sealed class ProductExportKind : ImportKind
{
    public static readonly string[] ProductIdAliases = ["Product ID", "Product Id", "product_id"];
    public static readonly string[] ProductNameAliases = ["Product Name", "Product name", "Product Title", "Title", "product_name"];
    public static readonly string[] SkuIdAliases = ["SKU ID", "Sku ID", "sku_id"];
    public static readonly string[] SellerSkuAliases = ["Seller SKU", "Seller Sku", "seller_sku"];
    public static readonly string[] VariationAliases = ["Variation", "Variation Value", "Variations", "SKU Name", "sku_name"];
    public static readonly string[] PriceAliases = ["Price", "Retail Price", "SKU Price", "Sale Price", "sale_price"];
    public static readonly string[] QuantityAliases = ["Quantity", "Stock", "Available Stock", "Available quantity", "Inventory", "inventory_quantity"];
    public static readonly string[] StatusAliases = ["Status", "Product Status"];
    public static readonly string[] CategoryAliases = ["Category", "Product Category"];

    private string? lastProductId;
    private string? lastProductName;

    public override string Name => "product-export";

    public override IReadOnlyList<string[]> RequiredColumns => [ProductIdAliases, ProductNameAliases, SkuIdAliases];

    public override IEnumerable<(string, Dictionary<string, string?>)> Map(ImportRow row, ImportContext context)
    {
        var shopId = Shop(row, context);
        var productId = row.Text(ProductIdAliases) ?? lastProductId ?? throw new ImportRowException(row.NameOf(ProductIdAliases), "a value is required");
        var productName = row.Text(ProductNameAliases) ?? (productId == lastProductId ? lastProductName : null)
            ?? throw new ImportRowException(row.NameOf(ProductNameAliases), "a value is required");
        (lastProductId, lastProductName) = (productId, productName);
        var currency = context.Currency ?? throw new ImportRowException(row.NameOf(PriceAliases), $"the currency of shop {shopId} is not known (declare it with warehouse shop add)");
        yield return ("product", Row(
            ("shop_id", shopId), ("product_id", productId), ("title", productName), ("status", row.Text(StatusAliases) ?? "ACTIVE"),
            ("category", row.Text(CategoryAliases)), ("create_time", "0"), ("update_time", "0")));
        yield return ("product_sku", Row(
            ("shop_id", shopId), ("product_id", productId), ("sku_id", row.Required(SkuIdAliases)), ("seller_sku", row.Text(SellerSkuAliases)),
            ("sku_name", row.Text(VariationAliases)), ("currency", currency), ("sale_price", row.Money(PriceAliases) ?? "0"),
            ("inventory_quantity", row.Count(QuantityAliases) ?? "0")));
    }
}
