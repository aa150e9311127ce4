using System.CommandLine;
using System.Diagnostics;
using Serilog;
using Warehouse.Control;
using Warehouse.Database;
using Warehouse.Logging;
using Warehouse.Stage;

namespace Warehouse.Cli;

/// <summary>`warehouse load DIR`: bulk-copy a folder of staging CSV files into stg; every file is tried, each bad one named, exit 1 if any.</summary>
public static class LoadCommand
{
    public static Command Create()
    {
        var folder = new Argument<string>("folder") { Description = "Folder with one CSV per staging table (see README)" };
        var maxRejectRate = new Option<decimal>("--max-reject-rate") { Description = "Largest share of bad rows a file may have and still load its good rows", DefaultValueFactory = _ => 0.01m };
        var lockTimeout = CliContext.LockTimeout();
        var encoding = new Option<string?>("--encoding") { Description = $"The encoding of files that are not UTF-8 (a byte-order mark or valid UTF-8 wins): {TextEncoding.Declared}" };
        var command = new Command("load", "Load a folder of staging CSV files into stg (idempotent)") { folder, maxRejectRate, encoding, lockTimeout };
        command.SetAction(async (parse, cancellationToken) =>
        {
            var context = new CliContext();
            var path = parse.GetValue(folder)!;
            var declared = parse.GetValue(encoding);
            if (declared is not null)
            {
                TextEncoding.Named(declared); // an unknown name stops before anything runs
            }

            var results = await context.RunAsync("load", path, async (connection, runId) =>
            {
                await using var staging = await context.StagingLockAsync("load", parse.GetValue(lockTimeout), cancellationToken);
                return await ConsoleProgress.RunAsync(["load"], progress => LoadAsync(context, path, runId, parse.GetValue(maxRejectRate), progress, declared));
            });
            Console.WriteLine(Summary(results));
        });
        return command;
    }

    /// <summary>The line `warehouse load` ends with.</summary>
    public static string Summary(IReadOnlyCollection<StagingLoader.FileResult> results) =>
        $"loaded {results.Count(r => r.Error is null)} files: {results.Sum(r => r.RowsRead):N0} rows read, {results.Sum(r => r.RowsWritten):N0} written, {results.Sum(r => r.RowsRejected):N0} rejected, "
        + $"{results.Sum(r => r.RowsDuplicate):N0} duplicate keys replaced (the last row of a key wins)"
        + (results.Any(r => r.Error is not null) ? $"; {results.Count(r => r.Error is not null)} file(s) not loaded" : "");

    /// <summary>Loads every file of the folder, each a step of the run; a bad file is reported and the rest load; then fails naming the bad ones.</summary>
    public static async Task<IReadOnlyList<StagingLoader.FileResult>> LoadAsync(
        CliContext context, string folder, long runId, decimal maxRejectRate = 0.01m, IStepProgress? progress = null, string? encoding = null)
    {
        var runLog = new RunLog(context.Database);
        IReadOnlyList<StagingLoader.FileResult> results = [];
        const string step = "load";
        progress?.Start(step, Directory.Exists(folder) ? Directory.GetFiles(folder, "*.csv").Length : 1);
        var clock = Stopwatch.StartNew();
        long rows = 0;
        var outcomes = new List<StagingLoader.FileResult>();
        var report = new SynchronousProgress<StagingLoader.FileResult>(r =>
        {
            outcomes.Add(r);
            rows += r.RowsRead;
            if (r.Error is null)
            {
                Log.Information("loaded {Table}: {Read} rows read, {Written} written, {Rejected} rejected, {Duplicates} duplicate keys replaced", r.Table, r.RowsRead, r.RowsWritten, r.RowsRejected, r.RowsDuplicate);
            }
            else
            {
                Console.Error.WriteLine($"error: {r.Error}");
            }

            progress?.Advance(step, 1, $"{r.Table}, {rows:N0} rows ({rows / Math.Max(clock.Elapsed.TotalSeconds, 0.001):N0} rows/s)");
        });
        try
        {
            results = await new StagingLoader(context.Database, maxRejectRate, encoding).LoadFolderAsync(folder, runId, report, runLog: runLog);
        }
        catch (WarehouseException) when (outcomes.Count > 0)
        {
            Console.WriteLine(Summary(outcomes));
            throw;
        }

        progress?.Complete(step, $"{results.Count} files, {rows:N0} rows read, {results.Sum(r => r.RowsWritten):N0} written ({rows / Math.Max(clock.Elapsed.TotalSeconds, 0.001):N0} rows/s)");
        return results;
    }
}
