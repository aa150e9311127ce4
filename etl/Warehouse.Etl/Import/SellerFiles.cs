using System.Data.Common;
using Serilog;
using Warehouse.Control;
using Warehouse.Database;
using Warehouse.Stage;

namespace Warehouse.Import;

/// <summary>
/// The seller's own files, which TikTok's APIs do not send (touchpoints, the ad-to-product map, SKU costs,
/// affiliate orders, cost settings), and Seller Center / Ads Manager exports, from one folder, loaded on
/// every extract run after the API data (their SKU and product ids are looked up in the catalogue it brought).
/// A file named after a staging table (<c>sku_cost.csv</c>) loads as `warehouse load` loads it; any other
/// CSV or XLSX is imported by the kind its header says (`warehouse import`) in <see cref="KindOrder"/>, each group by file name.
/// Idempotent: unchanged rows are left alone, so loading the same folder again writes nothing.
/// </summary>
public sealed class SellerFiles(WarehouseDatabase database, decimal maxRejectRate = 0.01m)
{
    /// <summary>The staging tables of the seller's own data that TikTok's APIs do not send.</summary>
    public static readonly IReadOnlyList<string> SellerTables = ["ad_product_map", "affiliate_order", "cost_setting", "expense", "shipping_rate", "sku_cost", "touchpoint"];

    /// <summary>
    /// The order imports load in: shops and cost settings (time zones, currencies, export formats), rate cards, expenses,
    /// the catalogue, then orders (which add SKUs the catalogue does not have yet), returns and income, and only then what
    /// names seller SKUs (SKU costs, the ad map) and ads; kinds not listed last.
    /// </summary>
    public static readonly string[] KindOrder =
        ["shop", "cost-setting", "shipping-rate", "expense", "product-export", "order-export", "returns-export", "income-export", "sku-cost", "ad-product-map", "touchpoint", "ads-export", "gmv-max-export", "gmv-max-campaign-export"];

    public sealed record FileResult(string File, string Kind, long RowsRead, long RowsWritten, long RowsRejected);

    /// <summary>The files the folder holds, in the order they load: staging-named CSV files, then imports by kind and name.</summary>
    public static IReadOnlyList<(string File, string? Table)> Files(string folder, IReadOnlyCollection<string> stagingTables)
    {
        if (!Directory.Exists(folder))
        {
            throw new WarehouseException($"seller files folder {folder} does not exist");
        }

        var files = Directory.GetFiles(folder)
            .Where(f => Path.GetExtension(f).ToLowerInvariant() is ".csv" or ".xlsx" && !Path.GetFileName(f).StartsWith('.') && !Path.GetFileName(f).StartsWith("~$", StringComparison.Ordinal))
            .Order(StringComparer.Ordinal).ToList();
        var staged = files.Where(f => Path.GetExtension(f).Equals(".csv", StringComparison.OrdinalIgnoreCase) && stagingTables.Contains(Path.GetFileNameWithoutExtension(f)))
            .Select(f => (f, (string?)Path.GetFileNameWithoutExtension(f)));
        var imported = files.Where(f => !(Path.GetExtension(f).Equals(".csv", StringComparison.OrdinalIgnoreCase) && stagingTables.Contains(Path.GetFileNameWithoutExtension(f))))
            .Select(f => (File: f, Rank: Rank(f))).OrderBy(f => f.Rank).ThenBy(f => f.File, StringComparer.Ordinal).Select(f => (f.File, (string?)null));
        return [.. staged, .. imported];
    }

    /// <summary>Loads every file of the folder, each a step of the run; a bad file is reported and the others load; then fails naming the bad ones.</summary>
    public async Task<IReadOnlyList<FileResult>> LoadAsync(string folder, long runId, ImportOptions options, IProgress<FileResult>? progress = null, CancellationToken cancellationToken = default)
    {
        await using var connection = await database.OpenAsync(cancellationToken);
        var tables = await StagingTable.ReadAllAsync(connection);
        return await LoadFilesAsync(connection, tables, Files(folder, tables.Keys.ToHashSet(StringComparer.OrdinalIgnoreCase)), folder, runId, options, progress, cancellationToken);
    }

    /// <summary>
    /// The staging files of a folder `warehouse sample` wrote whose tables the TikTok APIs do not fill (the seller-owned
    /// ones, and any other non-API table such as exchange rates): what the demo loads after extracting from the sandbox.
    /// </summary>
    public static IReadOnlyList<string> NotFromApi(string sampleFolder) =>
        Directory.GetFiles(sampleFolder, "*.csv").Where(f => !Extract.ExtractRunner.ApiTables.Contains(Path.GetFileNameWithoutExtension(f), StringComparer.OrdinalIgnoreCase))
            .Order(StringComparer.Ordinal).ToList();

    /// <summary>Loads <see cref="NotFromApi"/> of a sample folder.</summary>
    public async Task<IReadOnlyList<FileResult>> LoadNotFromApiAsync(string sampleFolder, long runId, IProgress<FileResult>? progress = null, CancellationToken cancellationToken = default)
    {
        await using var connection = await database.OpenAsync(cancellationToken);
        var tables = await StagingTable.ReadAllAsync(connection);
        var files = NotFromApi(sampleFolder).Select(f => (f, (string?)Path.GetFileNameWithoutExtension(f))).ToList();
        return await LoadFilesAsync(connection, tables, files, sampleFolder, runId, new ImportOptions(), progress, cancellationToken);
    }

    private async Task<IReadOnlyList<FileResult>> LoadFilesAsync(
        DbConnection connection, IReadOnlyDictionary<string, StagingTable> tables, IReadOnlyList<(string File, string? Table)> files, string folder, long runId,
        ImportOptions options, IProgress<FileResult>? progress, CancellationToken cancellationToken)
    {
        var runLog = new RunLog(database);
        var loader = new StagingLoader(database, maxRejectRate, options.Encoding);
        var importer = new FileImporter(database, maxRejectRate);
        var results = new List<FileResult>();
        var failures = new List<string>();
        foreach (var (file, table) in files)
        {
            cancellationToken.ThrowIfCancellationRequested();
            try
            {
                FileResult? result = null;
                long duplicates = 0;
                await runLog.StepAsync(connection, runId, "seller file " + file, async () =>
                {
                    if (table is not null)
                    {
                        await using var load = await database.OpenAsync(cancellationToken);
                        var loaded = await loader.LoadFileAsync(load, tables[table], file, runId, cancellationToken);
                        result = new FileResult(file, table, loaded.RowsRead, loaded.RowsWritten, loaded.RowsRejected);
                        duplicates = loaded.RowsDuplicate;
                    }
                    else
                    {
                        var imported = await importer.ImportAsync(file, runId, options, cancellationToken);
                        result = new FileResult(file, imported.Kind, imported.RowsRead, imported.RowsWritten, imported.Rejects.Count);
                    }

                    return new StepResult(result.RowsRead, result.RowsWritten, result.RowsRejected) { RowsDuplicate = duplicates };
                });
                Log.Information("seller file {File} ({Kind}): {Read} rows read, {Written} written, {Rejected} rejected", file, result!.Kind, result.RowsRead, result.RowsWritten, result.RowsRejected);
                results.Add(result);
                progress?.Report(result);
            }
            catch (WarehouseException error)
            {
                Log.Warning("seller file {File} not loaded: {Error}", file, error.Message);
                failures.Add(error.Message);
            }
        }

        if (failures.Count > 0)
        {
            throw new WarehouseException($"{failures.Count} seller file(s) in {folder} not loaded, the others loaded: {string.Join("; ", failures)}");
        }

        return results;
    }

    private static int Rank(string file)
    {
        try
        {
            var kind = FileImporter.DetectKind(file);
            var rank = kind is null ? -1 : Array.IndexOf(KindOrder, kind);
            return rank < 0 ? KindOrder.Length : rank;
        }
        catch (WarehouseException)
        {
            return KindOrder.Length; // read (and reported) with the rest
        }
    }
}
