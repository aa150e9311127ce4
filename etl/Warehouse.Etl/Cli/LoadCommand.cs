using System.CommandLine;
using System.Diagnostics;
using Serilog;
using Warehouse.Control;
using Warehouse.Logging;
using Warehouse.Stage;

namespace Warehouse.Cli;

/// <summary>`warehouse load DIR`: bulk-copy a folder of staging CSV files into stg.</summary>
public static class LoadCommand
{
    public static Command Create()
    {
        var folder = new Argument<string>("folder") { Description = "Folder with one CSV per staging table (see README)" };
        var maxRejectRate = new Option<decimal>("--max-reject-rate") { Description = "Largest share of bad rows a file may have and still load its good rows", DefaultValueFactory = _ => 0.01m };
        var lockTimeout = CliContext.LockTimeout();
        var command = new Command("load", "Load a folder of staging CSV files into stg (idempotent)") { folder, maxRejectRate, lockTimeout };
        command.SetAction(async (parse, cancellationToken) =>
        {
            var context = new CliContext();
            var path = parse.GetValue(folder)!;
            var results = await context.RunAsync("load", path, async (connection, runId) =>
            {
                await using var staging = await context.StagingLockAsync("load", parse.GetValue(lockTimeout), cancellationToken);
                return await ConsoleProgress.RunAsync(["load"], progress => LoadAsync(context, path, runId, parse.GetValue(maxRejectRate), progress));
            });
            Console.WriteLine($"loaded {results.Count} files: {results.Sum(r => r.RowsRead):N0} rows read, {results.Sum(r => r.RowsWritten):N0} written, {results.Sum(r => r.RowsRejected):N0} rejected");
        });
        return command;
    }

    public static async Task<IReadOnlyList<StagingLoader.FileResult>> LoadAsync(CliContext context, string folder, long runId, decimal maxRejectRate = 0.01m, IStepProgress? progress = null)
    {
        await using var connection = await context.Database.OpenAsync();
        var runLog = new RunLog(context.Database);
        IReadOnlyList<StagingLoader.FileResult> results = [];
        const string step = "load";
        progress?.Start(step, Directory.Exists(folder) ? Directory.GetFiles(folder, "*.csv").Length : 1);
        var clock = Stopwatch.StartNew();
        long rows = 0;
        await runLog.StepAsync(connection, runId, "load " + folder, async () =>
        {
            var report = new SynchronousProgress<StagingLoader.FileResult>(r =>
            {
                rows += r.RowsRead;
                Log.Information("loaded {Table}: {Read} rows read, {Written} written, {Rejected} rejected", r.Table, r.RowsRead, r.RowsWritten, r.RowsRejected);
                progress?.Advance(step, 1, $"{r.Table}, {rows:N0} rows ({rows / Math.Max(clock.Elapsed.TotalSeconds, 0.001):N0} rows/s)");
            });
            results = await new StagingLoader(context.Database, maxRejectRate).LoadFolderAsync(folder, runId, report);
            return new StepResult(results.Sum(r => r.RowsRead), results.Sum(r => r.RowsWritten), results.Sum(r => r.RowsRejected));
        });
        progress?.Complete(step, $"{results.Count} files, {rows:N0} rows read, {results.Sum(r => r.RowsWritten):N0} written ({rows / Math.Max(clock.Elapsed.TotalSeconds, 0.001):N0} rows/s)");
        return results;
    }
}
