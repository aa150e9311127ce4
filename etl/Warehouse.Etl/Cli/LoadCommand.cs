using System.CommandLine;
using Serilog;
using Warehouse.Control;
using Warehouse.Stage;

namespace Warehouse.Cli;

/// <summary>`warehouse load DIR`: bulk-copy a folder of staging CSV files into stg.</summary>
public static class LoadCommand
{
    public static Command Create()
    {
        var folder = new Argument<string>("folder") { Description = "Folder with one CSV per staging table (see README)" };
        var maxRejectRate = new Option<decimal>("--max-reject-rate") { Description = "Largest share of bad rows a file may have and still load its good rows", DefaultValueFactory = _ => 0.01m };
        var command = new Command("load", "Load a folder of staging CSV files into stg (idempotent)") { folder, maxRejectRate };
        command.SetAction(async parse =>
        {
            var context = new CliContext();
            var path = parse.GetValue(folder)!;
            await context.RunAsync("load", path, (connection, runId) => LoadAsync(context, path, runId, parse.GetValue(maxRejectRate)));
        });
        return command;
    }

    public static async Task<IReadOnlyList<StagingLoader.FileResult>> LoadAsync(CliContext context, string folder, long runId, decimal maxRejectRate = 0.01m)
    {
        await using var connection = await context.Database.OpenAsync();
        var runLog = new RunLog(context.Database);
        IReadOnlyList<StagingLoader.FileResult> results = [];
        await runLog.StepAsync(connection, runId, "load " + folder, async () =>
        {
            var progress = new Progress<StagingLoader.FileResult>(r =>
                Log.Information("loaded {Table}: {Read} rows read, {Written} written, {Rejected} rejected", r.Table, r.RowsRead, r.RowsWritten, r.RowsRejected));
            results = await new StagingLoader(context.Database, maxRejectRate).LoadFolderAsync(folder, runId, progress);
            return new StepResult(results.Sum(r => r.RowsRead), results.Sum(r => r.RowsWritten), results.Sum(r => r.RowsRejected));
        });
        return results;
    }
}
