using System.Data.Common;
using Dapper;
using Serilog;
using Warehouse.Control;
using Warehouse.Database;
using Warehouse.Import;
using Warehouse.Logging;
using Warehouse.Stage;

namespace Warehouse.Schedule;

/// <summary>One extract: brings a source's new data into stg for a run, records its steps, moves its watermark.</summary>
public interface IExtractStep
{
    /// <summary>folder, sandbox or tiktok.</summary>
    string Source { get; }

    /// <summary>Arguments for etl.run (never a secret).</summary>
    string Describe();

    Task<StepResult> ExtractAsync(WarehouseDatabase database, DbConnection connection, long runId, IStepProgress? progress, CancellationToken cancellationToken);
}

/// <summary>Builds the extract step of a configured source, followed by its seller files when it has a folder of them.</summary>
public static class ExtractSteps
{
    /// <summary>
    /// Replaces the API extractor of sources sandbox and tiktok (default: <see cref="ApiExtractStep"/>, the
    /// TikTok Shop + Marketing API clients of Extract/**); tests set it to change retries or credentials.
    /// </summary>
    public static Func<ExtractSourceOptions, IExtractStep>? ApiExtractorFactory { get; set; }

    public static IExtractStep Create(ExtractSourceOptions source)
    {
        IExtractStep step = source.Source switch
        {
            "folder" => new FolderExtractStep(source.Folder ?? throw new WarehouseException(
                "extract source folder needs a folder: --folder DIR, or Warehouse:Schedule:Extract:Folder"), source.Shop),
            "sandbox" or "tiktok" => ApiExtractorFactory?.Invoke(source) ?? new ApiExtractStep(source),
            _ => throw new WarehouseException($"extract source must be folder, sandbox or tiktok, not '{source.Source}'"),
        };
        return source.SellerFiles?.Folder is { Length: > 0 } ? new SellerFilesStep(step, source.SellerFiles, source.Shop) : step;
    }
}

/// <summary>
/// An extract followed by the seller's own files (<see cref="SellerFiles"/>) in the same run: TikTok's APIs do
/// not send touchpoints, the ad-to-product map, SKU costs, affiliate orders or cost settings. The files load
/// after the source (their SKUs are looked up in the catalogue it brought); unchanged rows are left alone.
/// The watermark <c>seller_files</c> moves to the newest file.
/// </summary>
public sealed class SellerFilesStep(IExtractStep inner, SellerFilesOptions files, string? shop = null) : IExtractStep
{
    public string Folder { get; } = Path.GetFullPath(files.Folder ?? throw new WarehouseException("seller files need a folder (Warehouse:Schedule:Extract:SellerFiles:Folder)"));

    public string Source => inner.Source;

    public IExtractStep Inner => inner;

    public string Describe() => $"{inner.Describe()} --seller-files {Folder}";

    public async Task<StepResult> ExtractAsync(WarehouseDatabase database, DbConnection connection, long runId, IStepProgress? progress, CancellationToken cancellationToken)
    {
        if (!Directory.Exists(Folder))
        {
            throw new WarehouseException($"seller files folder {Folder} does not exist (Warehouse:Schedule:Extract:SellerFiles:Folder, or --seller-files)");
        }

        var extracted = await inner.ExtractAsync(database, connection, runId, progress, cancellationToken);
        const string step = "seller files";
        var count = SellerFiles.Files(Folder, SellerFiles.SellerTables).Count; // for the bar; the loader lists them again with every staging table
        progress?.Start(step, Math.Max(count, 1));
        long rows = 0;
        var clock = System.Diagnostics.Stopwatch.StartNew();
        var report = new SynchronousProgress<SellerFiles.FileResult>(file =>
        {
            rows += file.RowsRead;
            progress?.Advance(step, 1, $"{Path.GetFileName(file.File)}, {rows:N0} rows ({rows / Math.Max(clock.Elapsed.TotalSeconds, 0.001):N0} rows/s)");
        });
        var options = new ImportOptions(null, files.Shop ?? shop, files.Advertiser, files.DateFormat);
        var results = await new SellerFiles(database, files.MaxRejectRate).LoadAsync(Folder, runId, options, report, cancellationToken);
        var newest = Directory.GetFiles(Folder).Select(f => new DateTimeOffset(File.GetLastWriteTimeUtc(f), TimeSpan.Zero)).DefaultIfEmpty(DateTimeOffset.UtcNow).Max();
        await FolderExtractStep.MoveWatermarkAsync(connection, "seller_files", files.Shop ?? shop ?? "all", newest, Folder, runId);
        var loaded = new StepResult(results.Sum(r => r.RowsRead), results.Sum(r => r.RowsWritten), results.Sum(r => r.RowsRejected));
        progress?.Complete(step, $"{results.Count} files, {loaded.RowsRead:N0} rows read, {loaded.RowsWritten:N0} written, {loaded.RowsRejected:N0} rejected");
        return new StepResult(extracted.RowsRead + loaded.RowsRead, extracted.RowsWritten + loaded.RowsWritten, extracted.RowsRejected + loaded.RowsRejected);
    }
}

/// <summary>
/// Source "folder": loads a folder of staging CSV files (what `warehouse load` does: idempotent, rejects
/// to etl.reject) and moves the folder's watermark to its newest file.
/// </summary>
public sealed class FolderExtractStep(string folder, string? shop = null) : IExtractStep
{
    public string Source => "folder";

    public string Folder { get; } = Path.GetFullPath(folder);

    public string Describe() => $"--source folder --folder {Folder}" + (shop is null ? "" : $" --shop {shop}");

    public async Task<StepResult> ExtractAsync(WarehouseDatabase database, DbConnection connection, long runId, IStepProgress? progress, CancellationToken cancellationToken)
    {
        if (!Directory.Exists(Folder))
        {
            throw new WarehouseException($"extract folder {Folder} does not exist");
        }

        var files = Directory.GetFiles(Folder, "*.csv");
        var step = "extract";
        progress?.Start(step, files.Length);
        var runLog = new RunLog(database);
        var result = await runLog.StepAsync(connection, runId, "load " + Folder, async () =>
        {
            long rows = 0;
            var clock = System.Diagnostics.Stopwatch.StartNew();
            var report = new Progress<StagingLoader.FileResult>(file =>
            {
                rows += file.RowsRead;
                Log.Information("loaded {Table}: {Read} rows read, {Written} written, {Rejected} rejected", file.Table, file.RowsRead, file.RowsWritten, file.RowsRejected);
                progress?.Advance(step, 1, $"{file.Table}, {rows:N0} rows ({rows / Math.Max(clock.Elapsed.TotalSeconds, 0.001):N0} rows/s)");
            });
            var results = await new StagingLoader(database).LoadFolderAsync(Folder, runId, report, cancellationToken);
            return new StepResult(results.Sum(r => r.RowsRead), results.Sum(r => r.RowsWritten), results.Sum(r => r.RowsRejected)) { RowsDuplicate = results.Sum(r => r.RowsDuplicate) };
        });

        var newest = files.Length == 0 ? DateTimeOffset.UtcNow : files.Max(f => new DateTimeOffset(File.GetLastWriteTimeUtc(f), TimeSpan.Zero));
        await MoveWatermarkAsync(connection, "folder", shop ?? "all", newest, Folder, runId);
        progress?.Complete(step, $"{result.RowsRead:N0} rows read, {result.RowsWritten:N0} written, {result.RowsRejected:N0} rejected");
        return result;
    }

    /// <summary>Moves a source's watermark (an UPDATE, else an INSERT: no MERGE on either engine).</summary>
    public static async Task MoveWatermarkAsync(DbConnection connection, string source, string scope, DateTimeOffset highWaterMark, string? cursor, long runId)
    {
        var parameters = new { source, scope, mark = highWaterMark, cursor, now = DateTimeOffset.UtcNow, runId };
        var updated = await connection.ExecuteAsync(
            """
            UPDATE etl.watermark SET high_water_mark = @mark, cursor_state = @cursor, updated_at = @now, etl_run_id = @runId
            WHERE source_name = @source AND scope_id = @scope
            """, parameters);
        if (updated == 0)
        {
            await connection.ExecuteAsync(
                """
                INSERT INTO etl.watermark (source_name, scope_id, high_water_mark, cursor_state, updated_at, etl_run_id)
                VALUES (@source, @scope, @mark, @cursor, @now, @runId)
                """, parameters);
        }
    }
}
