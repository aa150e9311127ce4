using System.Data.Common;
using System.Security.Cryptography;
using System.Text;
using Dapper;
using Warehouse.Control;
using Warehouse.Database;

namespace Warehouse.Transform;

/// <summary>
/// Runs the transform: one stored procedure per step of the profit model, in order, each logged
/// to etl.run_step with its rows and seconds. Every step writes work tables only until
/// publish_transform checks the invariants and publishes the recomputed days into fact in one
/// transaction; then publish_shop_expense rebuilds the (small) fixed-expense fact in one of its own,
/// and compute_budget_plan refreshes the budget plan of every shop with the default settings,
/// and compute_alerts opens, updates and resolves alert episodes from the published facts.
/// prepare_transform decides what is recomputed (incremental by default, see <see cref="TransformOptions"/>);
/// its run_step message says what and why, and publish_transform's says what was published.
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
            ["p_full"] = o.Full,
            ["p_click_window_days"] = o.ClickWindowDays,
            ["p_view_window_days"] = o.ViewWindowDays,
            ["p_allocation_method"] = o.AllocationMethod,
            ["p_procedures_hash"] = null, // set by RunAsync: the hash of this engine's procedure scripts
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
        new("etl.compute_budget_plan", (_, run) => new() { ["p_run_id"] = run }),
        // Monitoring (profit model section 8): its own transaction, after publish, reading the published facts.
        new("etl.compute_alerts", (_, run) => new() { ["p_run_id"] = run }),
    ];

    /// <summary>A step's parameters on an engine: the options, and for prepare_transform the hash of this build's procedures.</summary>
    public static Dictionary<string, object?> Parameters(Step step, TransformOptions options, long runId, Engine engine)
    {
        var parameters = step.Parameters(options, runId);
        if (parameters.ContainsKey("p_procedures_hash"))
        {
            parameters["p_procedures_hash"] = ProceduresHash(engine);
        }

        return parameters;
    }

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
            var parameters = Parameters(step, options, runId, database.Engine);

            var result = await runLog.StepAsync(connection, runId, step.Procedure, async () =>
            {
                try
                {
                    var rows = await database.CallProcedureAsync(connection, step.Procedure, parameters, cancellationToken);
                    var message = await StepMessageAsync(connection, step.Procedure, runId);
                    if (message is not null)
                    {
                        Serilog.Log.Information("{Step}: {Message}", step.Procedure, message);
                    }

                    return new StepResult(0, rows, 0, Message: message);
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

    /// <summary>
    /// The hash of this engine's procedure scripts as this build carries them (and `warehouse migrate`
    /// installs them): facts published by other procedures are rebuilt in full.
    /// </summary>
    public static string ProceduresHash(Engine engine)
    {
        var text = new StringBuilder();
        foreach (var script in Migrator.Definitions(engine).Where(d => d.Group == "procedures"))
        {
            text.Append(script.Name).Append('\n').Append(script.Sql.ReplaceLineEndings("\n")).Append('\n');
        }

        return Convert.ToHexString(SHA256.HashData(Encoding.UTF8.GetBytes(text.ToString())))[..32].ToLowerInvariant();
    }

    /// <summary>What prepare_transform chose to recompute and why; what publish_transform published.
    /// An incremental run recomputes the changed orders' lines; the other lines of its days were
    /// taken as published (their work rows carry the run that published them).</summary>
    private static async Task<string?> StepMessageAsync(DbConnection connection, string procedure, long runId) => procedure switch
    {
        "etl.prepare_transform" => await connection.ExecuteScalarAsync<string?>("SELECT reason FROM etl.work_transform_plan"),
        "etl.publish_transform" => await connection.QuerySingleAsync<string>(
            """
            SELECT CONCAT('published ', (SELECT COUNT(*) FROM etl.work_affected_date), ' days: ',
                          lines.recomputed, ' order lines of ', lines.recomputed_orders, ' orders recomputed (',
                          lines.kept, ' lines of unchanged orders as published), ',
                          (SELECT COUNT(*) FROM etl.work_sku_daily), ' SKU-days, ',
                          (SELECT COUNT(*) FROM etl.work_review_period), ' review periods (',
                          (SELECT COUNT(*) FROM etl.work_sku_period), ' SKU-periods)')
            FROM (SELECT COUNT(CASE WHEN etl_run_id = @runId THEN 1 END) AS recomputed,
                         COUNT(DISTINCT CASE WHEN etl_run_id = @runId THEN order_number END) AS recomputed_orders,
                         COUNT(CASE WHEN etl_run_id <> @runId THEN 1 END) AS kept
                  FROM etl.work_order_line) AS lines
            """, new { runId }),
        _ => null,
    };
}
