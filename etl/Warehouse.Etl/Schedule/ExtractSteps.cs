using System.Data.Common;
using Dapper;
using Serilog;
using Warehouse.Control;
using Warehouse.Database;
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

/// <summary>Builds the extract step of a configured source.</summary>
public static class ExtractSteps
{
    /// <summary>
    /// THE SEAM for the TikTok Shop / Marketing API extractor (Extract/**, `warehouse extract`): when it
    /// lands, set this at start-up (or replace <see cref="UnavailableApiExtractStep"/>) with a factory that
    /// returns an <see cref="IExtractStep"/> for source sandbox or tiktok. Until then those sources fail
    /// with a message that says so, and the folder source works.
    /// </summary>
    public static Func<ExtractSourceOptions, IExtractStep>? ApiExtractorFactory { get; set; }

    public static IExtractStep Create(ExtractSourceOptions source) => source.Source switch
    {
        "folder" => new FolderExtractStep(source.Folder ?? throw new WarehouseException(
            "extract source folder needs a folder: --folder DIR, or Warehouse:Schedule:Extract:Folder"), source.Shop),
        "sandbox" or "tiktok" => ApiExtractorFactory?.Invoke(source) ?? new UnavailableApiExtractStep(source),
        _ => throw new WarehouseException($"extract source must be folder, sandbox or tiktok, not '{source.Source}'"),
    };
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
            return new StepResult(results.Sum(r => r.RowsRead), results.Sum(r => r.RowsWritten), results.Sum(r => r.RowsRejected));
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

/// <summary>Sources sandbox and tiktok before the API extractor is wired in: fails with a message that says so.</summary>
public sealed class UnavailableApiExtractStep(ExtractSourceOptions source) : IExtractStep
{
    public string Source => source.Source;

    public string Describe() => $"--source {source.Source}" + (source.SandboxUrl is null ? "" : $" --sandbox-url {source.SandboxUrl}");

    public Task<StepResult> ExtractAsync(WarehouseDatabase database, DbConnection connection, long runId, IStepProgress? progress, CancellationToken cancellationToken) =>
        throw new WarehouseException(
            $"extract source {source.Source} is not available in this build yet (the TikTok extractor is not wired in: ExtractSteps.ApiExtractorFactory); " +
            "use --source folder --folder DIR, or Warehouse:Schedule:Extract:Source=folder");
}
