using System.Data.Common;
using System.Diagnostics;
using Dapper;
using Warehouse.Database;
using Warehouse.Schedule;

namespace Warehouse.Control;

/// <summary>Writes etl.run (one row a command) and etl.run_step (one row a step, with rows and outcome).</summary>
public sealed class RunLog(WarehouseDatabase database)
{
    /// <summary>
    /// Opens a run: its etl.run row (with this host and process id) and, in the same transaction, the
    /// session lock warehouse.run.&lt;run_id&gt; on the run's own connection. The database releases that
    /// lock when the session ends, however the process ends, so a 'running' row whose lock is free
    /// belongs to a process that is gone (<see cref="MarkAbandonedAsync"/>).
    /// </summary>
    public async Task<long> StartAsync(DbConnection connection, string command, string arguments)
    {
        var sql = database.Engine == Engine.Postgres
            ? "INSERT INTO etl.run (command, arguments, started_at, status, host_name, process_id) VALUES (@command, @arguments, @started, 'running', @host, @pid) RETURNING run_id"
            : "INSERT INTO etl.run (command, arguments, started_at, status, host_name, process_id) OUTPUT INSERTED.run_id VALUES (@command, @arguments, @started, 'running', @host, @pid)";
        await using var transaction = await connection.BeginTransactionAsync();
        var runId = await connection.ExecuteScalarAsync<long>(sql, new
        {
            command, arguments = SecretMasker.Mask(arguments), started = DateTimeOffset.UtcNow,
            host = Truncate(Environment.MachineName, 255), pid = Environment.ProcessId,
        }, transaction);
        await connection.ExecuteAsync(
            database.Engine == Engine.Postgres
                ? "SELECT pg_advisory_lock(@key)"
                : "EXEC sp_getapplock @Resource = @name, @LockMode = 'Exclusive', @LockOwner = 'Session', @LockTimeout = 0",
            new { key = WarehouseLock.Key(LockName(runId)), name = LockName(runId) }, transaction);
        await transaction.CommitAsync();
        return runId;
    }

    public async Task EndAsync(DbConnection connection, long runId, Exception? error)
    {
        await connection.ExecuteAsync(
            "UPDATE etl.run SET ended_at = @ended, status = @status, error_message = @error WHERE run_id = @runId",
            new
            {
                runId,
                ended = DateTimeOffset.UtcNow,
                status = error is null ? "succeeded" : "failed",
                error = error is null ? null : Truncate(SecretMasker.Mask(error.Message), 4000),
            });
        try
        {
            // On another connection than the run's (a broken one was replaced) there is nothing to release here:
            // the run's session releases it when it closes.
            await connection.ExecuteAsync(
                database.Engine == Engine.Postgres
                    ? "SELECT pg_advisory_unlock(@key)"
                    : "IF APPLOCK_MODE('public', @name, 'Session') <> 'NoLock' EXEC sp_releaseapplock @Resource = @name, @LockOwner = 'Session'",
                LockParameters(runId));
        }
        catch (DbException)
        {
            // closing the session releases it
        }
    }

    /// <summary>The session lock a running run holds on its own connection.</summary>
    public static string LockName(long runId) => "warehouse.run." + runId.ToString(System.Globalization.CultureInfo.InvariantCulture);

    private static object LockParameters(long runId)
    {
        var key = WarehouseLock.Key(LockName(runId));
        return new { key, name = LockName(runId), high = (long)(uint)(key >> 32), low = (long)(uint)(key & 0xFFFFFFFF) };
    }

    private sealed record RunningRow(long RunId, string Command, string HostName, int ProcessId);

    /// <summary>
    /// Marks 'abandoned' every run still 'running' whose process is gone: its session lock
    /// (warehouse.run.&lt;run_id&gt;) is free, so the session that opened it has ended (kill -9, crash,
    /// power loss, a lost connection) without recording an end. Its running steps become 'abandoned'
    /// too. Runs recorded before host and process were (no host_name) are left as they are. Every
    /// command that opens a run, the service's jobs and `warehouse status` call this first.
    /// </summary>
    /// <returns>The runs marked.</returns>
    public async Task<IReadOnlyList<long>> MarkAbandonedAsync(DbConnection connection, string noticedBy)
    {
        var running = (await connection.QueryAsync<RunningRow>(
            "SELECT run_id AS RunId, command AS Command, host_name AS HostName, process_id AS ProcessId FROM etl.run WHERE status = 'running' AND host_name IS NOT NULL AND process_id IS NOT NULL")).ToList();
        var marked = new List<long>();
        foreach (var run in running)
        {
            var free = database.Engine == Engine.Postgres
                ? await connection.ExecuteScalarAsync<bool>(
                    """
                    SELECT NOT EXISTS (SELECT 1 FROM pg_locks
                                       WHERE locktype = 'advisory' AND granted AND database = (SELECT oid FROM pg_database WHERE datname = current_database())
                                         AND classid::bigint = @high AND objid::bigint = @low AND objsubid = 1)
                    """, LockParameters(run.RunId))
                : await connection.ExecuteScalarAsync<int>("SELECT APPLOCK_TEST('public', @name, 'Exclusive', 'Session')", LockParameters(run.RunId)) == 1;
            if (!free)
            {
                continue;
            }

            var now = DateTimeOffset.UtcNow;
            var message = $"abandoned: its process (pid {run.ProcessId} on {run.HostName}) ended without finishing it (killed, crashed or lost its database connection); noticed by {noticedBy} at {now:yyyy-MM-dd HH:mm:ss} UTC";
            var updated = await connection.ExecuteAsync(
                "UPDATE etl.run SET status = 'abandoned', ended_at = @now, error_message = @message WHERE run_id = @runId AND status = 'running'",
                new { runId = run.RunId, now, message });
            if (updated == 0)
            {
                continue; // it ended meanwhile
            }

            await connection.ExecuteAsync(
                "UPDATE etl.run_step SET status = 'abandoned', ended_at = @now, message = 'abandoned with its run' WHERE run_id = @runId AND status = 'running'",
                new { runId = run.RunId, now });
            Serilog.Log.Warning("run {AbandonedRunId} ({Command}) marked abandoned: pid {ProcessId} on {HostName} ended without finishing it", run.RunId, run.Command, run.ProcessId, run.HostName);
            marked.Add(run.RunId);
        }

        return marked;
    }

    /// <summary>Runs one step and records it, with its rows and seconds, whether it succeeds or fails.</summary>
    public async Task<StepResult> StepAsync(DbConnection connection, long runId, string stepName, Func<Task<StepResult>> step)
    {
        var stepNumber = await connection.ExecuteScalarAsync<int>(
            "SELECT COALESCE(MAX(step_number), 0) + 1 FROM etl.run_step WHERE run_id = @runId", new { runId });
        var started = DateTimeOffset.UtcNow;
        await connection.ExecuteAsync(
            "INSERT INTO etl.run_step (run_id, step_number, step_name, started_at, status) VALUES (@runId, @stepNumber, @stepName, @started, 'running')",
            new { runId, stepNumber, stepName, started });
        var clock = Stopwatch.StartNew();
        try
        {
            var result = await step();
            await FinishStepAsync(connection, runId, stepNumber, "succeeded", result, result.Message);
            return result with { Seconds = clock.Elapsed.TotalSeconds };
        }
        catch (Exception error)
        {
            await FinishStepAsync(connection, runId, stepNumber, "failed", new StepResult(0, 0, 0), SecretMasker.Mask(error.Message));
            throw;
        }
    }

    private static Task FinishStepAsync(DbConnection connection, long runId, int stepNumber, string status, StepResult result, string? message) =>
        connection.ExecuteAsync(
            """
            UPDATE etl.run_step
            SET ended_at = @ended, status = @status, rows_read = @read, rows_written = @written, rows_rejected = @rejected, rows_duplicate = @duplicate, message = @message
            WHERE run_id = @runId AND step_number = @stepNumber
            """,
            new
            {
                runId, stepNumber, status, ended = DateTimeOffset.UtcNow,
                read = result.RowsRead, written = result.RowsWritten, rejected = result.RowsRejected, duplicate = result.RowsDuplicate,
                message = message is null ? null : Truncate(message, 4000),
            });

    /// <summary>At most <paramref name="length"/> characters, NUL shown as \0 (PostgreSQL text cannot hold it, and a failed update would leave the step running).</summary>
    private static string Truncate(string text, int length)
    {
        var clean = text.Replace("\0", "\\0", StringComparison.Ordinal);
        return clean.Length <= length ? clean : clean[..length];
    }
}

/// <summary>A step's rows and seconds; <see cref="Message"/>, when set, is what it did in words (etl.run_step.message).</summary>
public sealed record StepResult(long RowsRead, long RowsWritten, long RowsRejected, double Seconds = 0, string? Message = null)
{
    /// <summary>Input rows that repeated the key of a later row of the same file and were replaced by it (the last row wins).</summary>
    public long RowsDuplicate { get; init; }
}
