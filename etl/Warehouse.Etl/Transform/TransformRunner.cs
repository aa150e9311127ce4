using System.Data.Common;
using Warehouse.Control;
using Warehouse.Database;

namespace Warehouse.Transform;

/// <summary>
/// Runs the transform: one stored procedure per step of the profit model, in order, each logged
/// to etl.run_step with its rows and seconds. Every step writes work tables only until
/// publish_transform checks the invariants and publishes the recomputed days into fact in one
/// transaction; then publish_shop_expense rebuilds the (small) fixed-expense fact in one of its own,
/// and compute_alerts opens, updates and resolves alert episodes from the published facts.
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
        // Monitoring (profit model section 8): its own transaction, after publish, reading the published facts.
        new("etl.compute_alerts", (_, run) => new() { ["p_run_id"] = run }),
    ];

    public async Task<IReadOnlyList<(string Step, StepResult Result)>> RunAsync(
        DbConnection connection, long runId, TransformOptions options, IProgress<string>? progress = null, CancellationToken cancellationToken = default)
    {
        options.Validate();
        var results = new List<(string, StepResult)>();
        foreach (var step in Steps)
        {
            cancellationToken.ThrowIfCancellationRequested();
            progress?.Report(step.Procedure);
            var result = await runLog.StepAsync(connection, runId, step.Procedure, async () =>
            {
                var rows = await database.CallProcedureAsync(connection, step.Procedure, step.Parameters(options, runId), cancellationToken);
                return new StepResult(0, rows, 0);
            });
            results.Add((step.Procedure, result));
        }

        return results;
    }
}
