using Dapper;
using Serilog;
using Warehouse.Control;
using Warehouse.Database;

namespace Warehouse.Cli;

/// <summary>What every command needs: configuration, the database, the run log and a logger with the run id.</summary>
public sealed class CliContext
{
    private WarehouseDatabase? database;

    public CliContext()
    {
    }

    /// <summary>A context on a given database (tests, or a command that chose its own).</summary>
    public CliContext(WarehouseDatabase database) => this.database = database;

    public WarehouseSettings Settings { get; } = WarehouseSettings.From(WarehouseSettings.LoadConfiguration());

    public WarehouseDatabase Database => database ??= WarehouseDatabase.FromSettings(Settings);

    /// <summary>--lock-timeout of the staging writers (load, import, extract).</summary>
    public static System.CommandLine.Option<int> LockTimeout() => new("--lock-timeout")
    {
        Description = "Seconds to wait for the staging lock while a transform or another staging writer runs (0: refuse at once)",
        DefaultValueFactory = _ => 300,
    };

    /// <summary>
    /// The staging lock (warehouse.staging, the one the scheduled extracts and the transform take): a
    /// staging writer never writes under a running transform. Waits up to the timeout, saying so once.
    /// </summary>
    public async Task<Schedule.WarehouseLock> StagingLockAsync(string what, int timeoutSeconds, CancellationToken cancellationToken = default) =>
        await Schedule.WarehouseLock.AcquireAsync(
            Database, Schedule.WarehouseJobs.LockName("transform"), Schedule.WarehouseJobs.Holder(what), TimeSpan.FromSeconds(Math.Max(0, timeoutSeconds)),
            message => Log.Warning("{What}: {Message}", what, message), cancellationToken);

    /// <summary>
    /// Checks the schema is current (never changes it: only `warehouse migrate` does), opens a run in
    /// etl.run, runs the work, and closes the run with its outcome.
    /// </summary>
    public async Task<T> RunAsync<T>(string command, string arguments, Func<System.Data.Common.DbConnection, long, Task<T>> work)
    {
        Migrator.EnsureCurrent(Database);
        return await RecordedAsync(command, arguments, work);
    }

    private async Task<T> RecordedAsync<T>(string command, string arguments, Func<System.Data.Common.DbConnection, long, Task<T>> work)
    {
        await using var connection = await Database.OpenAsync();
        var runLog = new RunLog(Database);
        await runLog.MarkAbandonedAsync(connection, "warehouse " + command);
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

    /// <summary>
    /// For the read-only commands (report, export): like <see cref="RunAsync{T}"/>, but a login with only
    /// warehouse_reader, which may not write etl.run, runs the work without a run row (run id null).
    /// </summary>
    public async Task<T> ReadAsync<T>(string command, string arguments, Func<System.Data.Common.DbConnection, long?, Task<T>> work)
    {
        Migrator.EnsureCurrent(Database);
        bool mayRecord;
        await using (var connection = await Database.OpenAsync())
        {
            mayRecord = await MayRecordRunsAsync(Database, connection);
            if (!mayRecord)
            {
                Log.Information("{Command} {Arguments} on {Database}: read-only login, not recorded in etl.run", command, SecretMasker.Mask(arguments), Database.Describe());
                return await work(connection, null);
            }
        }

        return await RecordedAsync<T>(command, arguments, (connection, runId) => work(connection, runId));
    }

    /// <summary>Whether the login may write etl.run (owner or warehouse_etl; not warehouse_reader).</summary>
    public static async Task<bool> MayRecordRunsAsync(WarehouseDatabase database, System.Data.Common.DbConnection connection) =>
        await connection.ExecuteScalarAsync<int>(database.Engine == Engine.Postgres
            ? "SELECT CASE WHEN has_table_privilege('etl.run', 'INSERT') AND has_table_privilege('etl.run', 'UPDATE') THEN 1 ELSE 0 END"
            : "SELECT CASE WHEN HAS_PERMS_BY_NAME(N'etl.run', N'OBJECT', N'INSERT') = 1 AND HAS_PERMS_BY_NAME(N'etl.run', N'OBJECT', N'UPDATE') = 1 THEN 1 ELSE 0 END") == 1;
}
