namespace Warehouse.Import;

/// <summary>
/// A kind of file sellers have (Seller Center and Ads Manager exports, their own cost sheets): how
/// to know it from its header, which columns it must have, and how a row becomes staging rows.
/// </summary>
public abstract class ImportKind
{
    public abstract string Name { get; }

    /// <summary>Column alias groups the file must have (one name of each group).</summary>
    public abstract IReadOnlyList<string[]> RequiredColumns { get; }

    /// <summary>Whether a header looks like this kind (checked in order; the first match wins).</summary>
    public virtual bool Detect(IReadOnlySet<string> header) => RequiredColumns.All(group => group.Any(header.Contains));

    public abstract IEnumerable<(string Table, Dictionary<string, string?> Values)> Map(ImportRow row, ImportContext context);

    /// <summary>Rows built from the whole file (order exports add up their SKU lines per order).</summary>
    public virtual IEnumerable<(string Table, long RowNumber, Dictionary<string, string?> Values)> Finish(ImportContext context) => [];

    /// <summary>
    /// Called inside the file's transaction after its rows are written: removes staging rows an earlier file of
    /// this kind wrote that this file no longer shows (an order export whose return was since rejected), and
    /// returns how many went.
    /// </summary>
    public virtual Task<long> RemoveSupersededAsync(System.Data.Common.DbConnection connection, System.Data.Common.DbTransaction transaction, long runId, CancellationToken cancellationToken) =>
        Task.FromResult(0L);

    protected static Dictionary<string, string?> Row(params (string Column, string? Value)[] values) =>
        values.ToDictionary(v => v.Column, v => v.Value, StringComparer.Ordinal);

    protected static string Shop(ImportRow row, ImportContext context) =>
        row.Text("shop_id", "Shop ID") ?? context.ShopId ?? throw new ImportRowException("shop_id", "no shop_id column and no --shop given");

    protected static string Advertiser(ImportRow row, ImportContext context) =>
        row.Text("advertiser_id", "Advertiser ID") ?? context.AdvertiserId ?? throw new ImportRowException("advertiser_id", "no advertiser_id column and no --advertiser given");
}
