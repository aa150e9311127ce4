using System.Data.Common;
using Dapper;
using Warehouse.Control;
using Warehouse.Database;

namespace Warehouse.Transform;

/// <summary>
/// Runs the transform: one stored procedure per step of the profit model, in order, each logged
/// to etl.run_step with its rows and seconds. Every step writes work tables only until
/// publish_transform checks the invariants and publishes the recomputed days into fact in one
/// transaction; then publish_shop_expense rebuilds the (small) fixed-expense fact in one of its own.
/// </summary>
public sealed class TransformRunner(WarehouseDatabase database, RunLog runLog)
{
    public sealed record Step(string Procedure, Func<TransformOptions, long, Dictionary<string, object?>> Parameters);

    public static readonly IReadOnlyList<Step> Steps =
    [
        new("etl.load_dim_shop", (_, run) => new() { ["p_run_id"] = run }),
        new("etl.load_dim_product", (_, run) => new() { ["p_run_id"] = run }),
        new("etl.load_dim_campaign", (_, run) => new() { ["p_run_id"] = run }),
        new("etl.prepare_transform", (o, run) => new()
        {
            ["p_run_id"] = run,
            ["p_from"] = o.From,
            ["p_to"] = o.To,
        }),
        new("etl.compute_order_line", (o, run) => new()
        {
            ["p_run_id"] = run,
            ["p_allocation_method"] = o.AllocationMethod,
            ["p_click_window_days"] = o.ClickWindowDays,
            ["p_view_window_days"] = o.ViewWindowDays,
        }),
        new("etl.attribute_order_line", (o, run) => new()
        {
            ["p_run_id"] = run,
            ["p_click_window_days"] = o.ClickWindowDays,
            ["p_view_window_days"] = o.ViewWindowDays,
        }),
        new("etl.allocate_ad_spend", (o, run) => new() { ["p_run_id"] = run, ["p_allocation_method"] = o.AllocationMethod }),
        new("etl.compute_sku_daily", (_, run) => new() { ["p_run_id"] = run }),
        new("etl.compute_attribution_sensitivity", (o, run) => new() { ["p_run_id"] = run, ["p_view_window_days"] = o.ViewWindowDays }),
        new("etl.compute_sku_period", (_, run) => new() { ["p_run_id"] = run }),
        new("etl.publish_transform", (_, run) => new() { ["p_run_id"] = run }),
        new("etl.publish_shop_expense", (_, run) => new() { ["p_run_id"] = run }),
    ];

    public async Task<IReadOnlyList<(string Step, StepResult Result)>> RunAsync(
        DbConnection connection, long runId, TransformOptions options, IProgress<string>? progress = null, CancellationToken cancellationToken = default)
    {
        options.Validate();
        var since = DateTimeOffset.UtcNow;
        var results = new List<(string, StepResult)>();
        foreach (var step in Steps)
        {
            cancellationToken.ThrowIfCancellationRequested();
            progress?.Report(step.Procedure);
            var result = await runLog.StepAsync(connection, runId, step.Procedure, async () =>
            {
                try
                {
                    var rows = await database.CallProcedureAsync(connection, step.Procedure, step.Parameters(options, runId), cancellationToken);
                    return new StepResult(0, rows, 0);
                }
                catch (DbException error) when (!cancellationToken.IsCancellationRequested)
                {
                    var writers = await StagingWritersSinceAsync(connection, runId, since);
                    if (writers.Length == 0)
                    {
                        throw;
                    }

                    throw new WarehouseException(
                        $"{error.Message} -- staging changed while this transform ran ({writers}): the steps read staging at different times, "
                        + "so this failure may come from that change rather than from the data. Run the transform again.", error);
                }
            });
            results.Add((step.Procedure, result));
        }

        return results;
    }

    private sealed record WriterRow(long RunId, string Command, string Status);

    /// <summary>
    /// Staging writers (load, import, extract, demo) that ran while this transform did: started or ended
    /// since it started, or still running a step. They should wait for the staging lock; one that did not (an older
    /// version, a script writing stg directly through the API) is named here. Empty when none, or when the
    /// connection cannot tell.
    /// </summary>
    private static async Task<string> StagingWritersSinceAsync(DbConnection connection, long runId, DateTimeOffset since)
    {
        try
        {
            var writers = (await connection.QueryAsync<WriterRow>(
                """
                SELECT r.run_id AS RunId, r.command AS Command, r.status AS Status FROM etl.run AS r
                WHERE r.command IN ('load', 'import', 'extract', 'demo') AND r.run_id <> @runId
                  AND (r.started_at >= @since OR r.ended_at >= @since
                       OR (r.status = 'running' AND r.started_at >= @dayBefore
                           AND EXISTS (SELECT 1 FROM etl.run_step AS s WHERE s.run_id = r.run_id AND (s.ended_at IS NULL OR s.ended_at >= @since))))
                ORDER BY r.run_id
                """,
                new { runId, since, dayBefore = since.AddDays(-1) })).ToList();
            return string.Join(", ", writers.Select(w => $"{w.Command} run {w.RunId}, {w.Status}"));
        }
        catch (DbException)
        {
            return "";
        }
    }
}
