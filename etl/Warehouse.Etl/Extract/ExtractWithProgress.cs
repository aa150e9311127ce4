using Warehouse.Logging;

namespace Warehouse.Extract;

/// <summary>
/// One extract of every TikTok source into staging, reporting pages, rows and rows/s as they are committed:
/// what `warehouse extract`, the demo and the scheduled extract job run.
/// </summary>
public static class ExtractWithProgress
{
    /// <summary>The extract with progress: pages, rows and rows/s per source as they are committed.</summary>
    public static async Task<(IReadOnlyList<SourceResult> Results, long Retries)> RunAsync(
        Database.WarehouseDatabase database, System.Data.Common.DbConnection connection, long runId, TikTokSettings settings, ResilienceSettings resilience, ExtractOptions options,
        IStepProgress? progress, CancellationToken cancellationToken)
    {
        const string step = "extract";
        progress?.Start(step);
        long rows = 0, pages = 0;
        var clock = System.Diagnostics.Stopwatch.StartNew();
        using var http = new HttpClient { Timeout = Timeout.InfiniteTimeSpan };
        var runner = new ExtractRunner(database, http, settings, resilience)
        {
            PageWritten = page =>
            {
                rows += page.RowsRead;
                pages++;
                // a log line every 25 pages when not in a terminal; the bar on every page
                var detail = ConsoleProgress.IsInteractive || pages % 25 == 0
                    ? $"{page.Source} {page.Scope}: {pages:N0} pages, {rows:N0} rows ({rows / Math.Max(clock.Elapsed.TotalSeconds, 0.001):N0} rows/s)"
                    : null;
                progress?.Advance(step, page.RowsRead, detail);
            },
        };
        var results = await runner.RunAsync(connection, runId, options, cancellationToken);
        progress?.Complete(step, $"{pages:N0} pages, {rows:N0} rows ({rows / Math.Max(clock.Elapsed.TotalSeconds, 0.001):N0} rows/s), {runner.Resilience.Retries:N0} retries"
            + (results.Any(r => !r.Succeeded) ? $", {results.Count(r => !r.Succeeded)} source(s) failed" : ""));
        return (results, runner.Resilience.Retries);
    }
}
