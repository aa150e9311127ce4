using System.Data.Common;
using System.Diagnostics;
using Dapper;
using Warehouse.Database;

namespace Warehouse.Control;

/// <summary>Writes etl.run (one row a command) and etl.run_step (one row a step, with rows and outcome).</summary>
public sealed class RunLog(WarehouseDatabase database)
{
    public async Task<long> StartAsync(DbConnection connection, string command, string arguments)
    {
        var sql = database.Engine == Engine.Postgres
            ? "INSERT INTO etl.run (command, arguments, started_at, status) VALUES (@command, @arguments, @started, 'running') RETURNING run_id"
            : "INSERT INTO etl.run (command, arguments, started_at, status) OUTPUT INSERTED.run_id VALUES (@command, @arguments, @started, 'running')";
        return await connection.ExecuteScalarAsync<long>(sql, new { command, arguments = SecretMasker.Mask(arguments), started = DateTimeOffset.UtcNow });
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
            SET ended_at = @ended, status = @status, rows_read = @read, rows_written = @written, rows_rejected = @rejected, message = @message
            WHERE run_id = @runId AND step_number = @stepNumber
            """,
            new
            {
                runId, stepNumber, status, ended = DateTimeOffset.UtcNow,
                read = result.RowsRead, written = result.RowsWritten, rejected = result.RowsRejected,
                message = message is null ? null : Truncate(message, 4000),
            });

    private static string Truncate(string text, int length) => text.Length <= length ? text : text[..length];
}

/// <summary>A step's rows and seconds; <see cref="Message"/>, when set, is what it did in words (etl.run_step.message).</summary>
public sealed record StepResult(long RowsRead, long RowsWritten, long RowsRejected, double Seconds = 0, string? Message = null);
