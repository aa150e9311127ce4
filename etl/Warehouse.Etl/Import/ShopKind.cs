namespace Warehouse.Import;

/// <summary>
/// A shops file (what `warehouse shop add` takes, one row a shop): shop_id, shop_name (or name), region, currency,
/// time_zone, date_format. Into stg.shop and stg.shop_export_format; a wrong currency, time zone or format is a
/// named reject.
/// </summary>
public sealed class ShopKind : ImportKind
{
    public override string Name => "shop";

    public override IReadOnlyList<string[]> RequiredColumns => [["shop_id"], ["shop_name", "name"], ["region"], ["currency"], ["time_zone"], ["date_format"]];

    public override IEnumerable<(string, Dictionary<string, string?>)> Map(ImportRow row, ImportContext context)
    {
        var (shop, field, reason) = ShopDeclaration.Check(
            row.Text("shop_id"), row.Text("shop_name", "name"), row.Text("region"), row.Text("currency"), row.Text("time_zone"), row.Text("date_format"));
        if (shop is null)
        {
            throw new ImportRowException(field == "name" ? row.NameOf("shop_name", "name") : field!, reason!);
        }

        return shop.StagingRows();
    }
}
