using System.Data.Common;
using Dapper;
using Warehouse.Database;
using Warehouse.Extract;
using Warehouse.Stage;

namespace Warehouse.Import;

/// <summary>
/// `warehouse import`: each file's kind is given or known from its header; its rows become staging
/// rows through the same typed parser and upsert as every other load. A file with an unknown header
/// or encoding stops with one message and loads nothing; bad rows go to etl.reject (file, row,
/// column, reason) and the good ones load only while the bad share stays under the threshold.
/// Importing the same file twice changes nothing.
/// </summary>
public sealed class FileImporter(WarehouseDatabase database, decimal maxRejectRate = 0.01m)
{
    public static IReadOnlyList<ImportKind> Kinds() =>
        [new IncomeExportKind(), new OrderExportKind(), new ReturnsExportKind(), new ProductExportKind(), new GmvMaxExportKind(), new GmvMaxCampaignExportKind(), new AdsExportKind(), new ShopKind(), new SkuCostKind(), new AdProductMapKind(), new TouchpointKind(), new CostSettingKind(), new ShippingRateKind(), new ExpenseKind()];

    public sealed record Result(string File, string Kind, long RowsRead, long RowsWritten, IReadOnlyList<Reject> Rejects);

    public async Task<Result> ImportAsync(string file, long runId, ImportOptions options, CancellationToken cancellationToken = default)
    {
        await using var connection = await database.OpenAsync(cancellationToken);
        var tables = await StagingTable.ReadAllAsync(connection);
        var context = await ContextAsync(connection, options);
        using var table = ImportTable.Open(file, options.Encoding);
        var kind = KindOf(table, options.Kind);
        var columns = table.Header.Select((name, index) => (name, index)).GroupBy(c => c.name, StringComparer.OrdinalIgnoreCase)
            .ToDictionary(g => g.Key, g => g.First().index, StringComparer.OrdinalIgnoreCase);

        var batch = new StagingBatch(tables, file);
        var rejects = new List<Reject>();
        long rowsRead = 0;
        var stopped = false;
        foreach (var (number, fields) in table.Rows)
        {
            rowsRead++;
            var row = new ImportRow(columns, fields);
            try
            {
                if (table.ProblemOf(fields) is { } problem)
                {
                    throw new ImportRowException(problem.Column, problem.Reason);
                }

                foreach (var (stagingTable, values) in kind.Map(row, context).ToList())
                {
                    if (batch.TryAdd(stagingTable, values) is { } error)
                    {
                        throw new ImportRowException(error.Column, error.Reason);
                    }
                }
            }
            catch (ImportRowException error)
            {
                rejects.Add(new Reject($"import:{kind.Name}", file, number, error.Column, error.Reason, Shorten(string.Join(",", fields))));
                if (rejects.Count > StagingLoader.MaxRejects || rowsRead >= StagingLoader.RowsBeforeStopping && rejects.Count > maxRejectRate * rowsRead)
                {
                    stopped = true; // junk: the rest of the file is not read
                    break;
                }
            }
        }

        foreach (var (stagingTable, number, values) in stopped ? [] : kind.Finish(context))
        {
            if (batch.TryAdd(stagingTable, values) is { } error)
            {
                rejects.Add(new Reject($"import:{kind.Name}", file, number == 0 ? null : number, error.Column, error.Reason, null));
            }
        }

        var rate = rowsRead == 0 ? 0 : (decimal)rejects.Count / rowsRead;
        if (stopped || rate > maxRejectRate)
        {
            await StagingLoader.SaveRejectsAsync(connection, runId, rejects);
            var first = rejects[0];
            throw new WarehouseException(
                $"{file}: {(stopped ? $"stopped reading after {rowsRead:N0} rows: " : "")}{rejects.Count:N0} of {rowsRead:N0} rows read rejected ({rate:P1} > {maxRejectRate:P1}), nothing loaded from this file; first: row {first.RowNumber}, column {first.FieldName}: {first.Reason}");
        }

        long written;
        await using (var transaction = await connection.BeginTransactionAsync(cancellationToken))
        {
            written = await batch.WriteAsync(connection, transaction, new StagingWriter(database.Engine), runId, cancellationToken);
            var superseded = await kind.RemoveSupersededAsync(connection, transaction, runId, cancellationToken);
            if (superseded > 0)
            {
                Serilog.Log.Information("{File}: {Removed} staging rows of an earlier {Kind} removed, this file no longer shows them", file, superseded, kind.Name);
            }

            await transaction.CommitAsync(cancellationToken);
        }

        await StagingLoader.SaveRejectsAsync(connection, runId, rejects);
        return new Result(file, kind.Name, rowsRead, written, rejects);
    }

    /// <summary>The kind a file's header says it is, or null when it matches none (the file is not read further).</summary>
    public static string? DetectKind(string file, string? encoding = null)
    {
        using var table = ImportTable.Open(file, encoding);
        var header = table.Header.ToHashSet(StringComparer.OrdinalIgnoreCase);
        return Kinds().FirstOrDefault(k => k.Detect(header))?.Name;
    }

    private static ImportKind KindOf(ImportTable table, string? given)
    {
        var kinds = Kinds();
        var header = table.Header.ToHashSet(StringComparer.OrdinalIgnoreCase);
        var kind = given is null
            ? kinds.FirstOrDefault(k => k.Detect(header))
              ?? throw new WarehouseException($"{table.File}: line 1: the header matches no known file kind ({string.Join(", ", kinds.Select(k => k.Name))}); nothing loaded from this file. Header: {string.Join(", ", table.Header.Take(12))}")
            : kinds.FirstOrDefault(k => k.Name == given) ?? throw new WarehouseException($"--kind must be one of {string.Join(", ", kinds.Select(k => k.Name))}, not '{given}'");
        var missing = kind.RequiredColumns.Where(group => !group.Any(header.Contains)).Select(group => string.Join(" or ", group.Select(g => $"'{g}'"))).ToList();
        if (missing.Count > 0)
        {
            throw new WarehouseException($"{table.File}: line 1: a {kind.Name} file needs the column(s) {string.Join(", ", missing)}; nothing loaded from this file");
        }

        return kind;
    }

    /// <summary>The shop's currency and time zone from stg.shop, its catalogue from stg.product_sku.</summary>
    private static async Task<ImportContext> ContextAsync(DbConnection connection, ImportOptions options)
    {
        string? currency = null;
        TimeZoneInfo? zone = null;
        var skuBySeller = new Dictionary<string, string>(StringComparer.Ordinal);
        var productBySku = new Dictionary<string, string>(StringComparer.Ordinal);
        if (options.ShopId is { } shopId)
        {
            var shop = await connection.QuerySingleOrDefaultAsync<(string Currency, string TimeZone)?>(
                "SELECT currency, time_zone FROM stg.shop WHERE shop_id = @shopId", new { shopId });
            currency = shop?.Currency;
            zone = shop is { } s ? TimeZoneInfo.FindSystemTimeZoneById(s.TimeZone) : null;
            foreach (var (sellerSku, skuId, productId) in await connection.QueryAsync<(string?, string, string)>(
                "SELECT seller_sku, sku_id, product_id FROM stg.product_sku WHERE shop_id = @shopId", new { shopId }))
            {
                if (sellerSku is not null)
                {
                    skuBySeller[sellerSku] = skuId;
                }

                productBySku[skuId] = productId;
            }

            // SKUs known only from orders (an export-only shop before its product export): their seller SKUs resolve too.
            foreach (var (sellerSku, skuId) in await connection.QueryAsync<(string, string)>(
                "SELECT seller_sku, MAX(sku_id) FROM stg.order_line_item WHERE shop_id = @shopId AND seller_sku IS NOT NULL GROUP BY seller_sku", new { shopId }))
            {
                skuBySeller.TryAdd(sellerSku, skuId);
            }
        }

        var shops = (await connection.QueryAsync<ShopRow>(
            "SELECT shop_id AS ShopId, shop_name AS ShopName, region AS Region, currency AS Currency, time_zone AS TimeZone FROM stg.shop"))
            .ToDictionary(s => s.ShopId, StringComparer.Ordinal);
        var dateFormat = options.DateFormat ?? (options.ShopId is null ? null : await connection.QuerySingleOrDefaultAsync<string?>(
            "SELECT date_format FROM stg.shop_export_format WHERE shop_id = @shopId", new { shopId = options.ShopId }));
        return new ImportContext(options.ShopId, options.AdvertiserId, options.Currency ?? currency, zone, dateFormat, skuBySeller, productBySku)
        {
            Shops = shops,
            AdEntities = await AdEntity.ReadAsync(connection, options.AdvertiserId),
        };
    }

    private static string Shorten(string text) => text.Length <= 4000 ? text : text[..4000];
}
