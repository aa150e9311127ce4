using Serilog;
using Warehouse.Control;
using Warehouse.Database;

namespace Warehouse.Cli;

/// <summary>What every command needs: configuration, the database, the run log and a logger with the run id.</summary>
public sealed class CliContext
{
    private WarehouseDatabase? database;

    public WarehouseSettings Settings { get; } = WarehouseSettings.From(WarehouseSettings.LoadConfiguration());

    public WarehouseDatabase Database => database ??= WarehouseDatabase.FromSettings(Settings);

    /// <summary>Migrates, opens a run in etl.run, runs the work, and closes the run with its outcome.</summary>
    public async Task<T> RunAsync<T>(string command, string arguments, Func<System.Data.Common.DbConnection, long, Task<T>> work)
    {
        Migrator.Migrate(Database);
        await using var connection = await Database.OpenAsync();
        var runLog = new RunLog(Database);
        var runId = await runLog.StartAsync(connection, command, arguments);
        using var _ = Serilog.Context.LogContext.PushProperty("RunId", runId);
        Log.Information("run {RunId}: {Command} {Arguments} on {Database}", runId, command, SecretMasker.Mask(arguments), Database.Describe());
        try
        {
            var result = await work(connection, runId);
            await runLog.EndAsync(connection, runId, null);
            return result;
        }
        catch (Exception error)
        {
            await runLog.EndAsync(connection, runId, error);
            throw;
        }
    }
}
