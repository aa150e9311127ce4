using System.CommandLine;
using Serilog;
using Warehouse.Control;
using Warehouse.Logging;
using Warehouse.Transform;

namespace Warehouse.Cli;

/// <summary>`warehouse transform`: compute the SKU facts from staging with the etl procedures.</summary>
public static class TransformCommand
{
    public static readonly Option<DateOnly?> From = new("--from") { Description = "First day to recompute as well as what changed (with --to)" };
    public static readonly Option<DateOnly?> To = new("--to") { Description = "Last day to recompute as well as what changed" };
    public static readonly Option<bool> Full = new("--full") { Description = "Rebuild every fact in full instead of recomputing what changed since the last transform" };
    public static readonly Option<int> ClickWindow = new("--click-window") { Description = "Click attribution window in days: 1, 7, 14 or 28", DefaultValueFactory = _ => 7 };
    public static readonly Option<int> ViewWindow = new("--view-window") { Description = "View attribution window in days: 0 or 1", DefaultValueFactory = _ => 1 };
    public static readonly Option<string> Method = new("--method") { Description = "Allocation method: revenue, units or margin", DefaultValueFactory = _ => "revenue" };

    public static Command Create()
    {
        var command = new Command("transform", "Compute order lines, attribution, ad spend per SKU, SKU daily and period facts: what changed in staging since the last transform (the first is full), or everything with --full") { From, To, Full, ClickWindow, ViewWindow, Method };
        command.SetAction(async parse =>
        {
            var options = new TransformOptions(parse.GetValue(From), parse.GetValue(To), parse.GetValue(ClickWindow), parse.GetValue(ViewWindow), parse.GetValue(Method)!, parse.GetValue(Full));
            options.Validate();
            var context = new CliContext();
            // The work tables are shared: never two transforms at once, nor one while an extract writes staging.
            await using var held = await Schedule.WarehouseLock.TryAcquireAsync(
                context.Database, Schedule.WarehouseJobs.LockName("transform"), Schedule.WarehouseJobs.Holder("transform"))
                ?? throw new Database.WarehouseException(
                    $"a transform or extract is running ({await Schedule.WarehouseLock.HolderAsync(context.Database, Schedule.WarehouseJobs.LockName("transform")) ?? "in another process"}); try again when it has finished (`warehouse status`)");
            await context.RunAsync("transform", options.ToString(), (connection, runId) =>
                ConsoleProgress.RunAsync(["transform"], progress => RunAsync(context, connection, runId, options, progress)));
        });
        return command;
    }

    public static async Task<IReadOnlyList<(string Step, StepResult Result)>> RunAsync(
        CliContext context, System.Data.Common.DbConnection connection, long runId, TransformOptions options, IStepProgress? progress = null)
    {
        const string step = "transform";
        progress?.Start(step, TransformRunner.Steps.Count);
        var runner = new TransformRunner(context.Database, new RunLog(context.Database));
        var results = await runner.RunAsync(connection, runId, options, new SynchronousProgress<string>(procedure => progress?.Advance(step, 1, procedure)));
        foreach (var (name, result) in results)
        {
            Log.Information("{Step}: {Rows} rows in {Seconds:F1} s", name, result.RowsWritten, result.Seconds);
        }

        var rows = results.Sum(r => r.Result.RowsWritten);
        var seconds = results.Sum(r => r.Result.Seconds);
        progress?.Complete(step, $"{results.Count} steps, {rows:N0} rows ({rows / Math.Max(seconds, 0.001):N0} rows/s)");
        return results;
    }
}
