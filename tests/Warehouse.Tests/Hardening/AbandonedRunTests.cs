using System.Diagnostics;
using Dapper;
using Warehouse.Control;
using Warehouse.Database;
using Warehouse.Schedule;
using Warehouse.Tests.Infrastructure;
using Warehouse.Tests.Schedule;

namespace Warehouse.Tests.Hardening;

/// <summary>
/// Issue 13, item 9: a run whose process died (kill -9) does not stay 'running' for ever: the next
/// command, a job of the service or `warehouse status` finds its lock free and marks it 'abandoned'.
/// </summary>
public sealed class AbandonedRunTests(WarehouseFixture fixture) : IClassFixture<WarehouseFixture>
{
    /// <summary>A run as a killed process leaves it: 'running', a running step, and no session holding its lock.</summary>
    private static async Task<long> InsertDeadRunAsync(WarehouseDatabase database)
    {
        await using var connection = await database.OpenAsync();
        var started = DateTimeOffset.UtcNow.AddMinutes(-30);
        var runId = await connection.ExecuteScalarAsync<long>(
            database.Engine == Engine.Postgres
                ? "INSERT INTO etl.run (command, arguments, started_at, status, host_name, process_id) VALUES ('transform', '--trigger cli', @started, 'running', 'worker-7', 999999) RETURNING run_id"
                : "INSERT INTO etl.run (command, arguments, started_at, status, host_name, process_id) OUTPUT INSERTED.run_id VALUES ('transform', '--trigger cli', @started, 'running', 'worker-7', 999999)",
            new { started });
        await connection.ExecuteAsync(
            "INSERT INTO etl.run_step (run_id, step_number, step_name, started_at, status) VALUES (@runId, 1, 'etl.compute_order_line', @started, 'running')",
            new { runId, started });
        return runId;
    }

    [Theory]
    [ClassData(typeof(Engines))]
    public async Task A_running_run_whose_process_is_gone_is_marked_abandoned_and_a_live_one_is_not(Engine engine)
    {
        var database = await fixture.CleanDatabaseAsync(engine);
        var dead = await InsertDeadRunAsync(database);
        await using var live = await database.OpenAsync(TestContext.Current.CancellationToken);
        var runLog = new RunLog(database);
        var alive = await runLog.StartAsync(live, "load", "a live run in another session");

        await using var connection = await database.OpenAsync(TestContext.Current.CancellationToken);
        Assert.Equal([dead], await runLog.MarkAbandonedAsync(connection, "test"));

        var run = await connection.QuerySingleAsync<(string Status, string Error)>(
            "SELECT status, error_message FROM etl.run WHERE run_id = @dead", new { dead });
        Assert.Equal("abandoned", run.Status);
        Assert.Contains("pid 999999 on worker-7", run.Error, StringComparison.Ordinal);
        Assert.NotNull(await connection.ExecuteScalarAsync<object?>("SELECT ended_at FROM etl.run WHERE run_id = @dead", new { dead }));
        Assert.Equal("abandoned", await connection.ExecuteScalarAsync<string>("SELECT status FROM etl.run_step WHERE run_id = @dead", new { dead }));
        Assert.Equal("running", await connection.ExecuteScalarAsync<string>("SELECT status FROM etl.run WHERE run_id = @alive", new { alive }));
        var recorded = await connection.QuerySingleAsync<(string Host, int Pid)>(
            "SELECT host_name, process_id FROM etl.run WHERE run_id = @alive", new { alive });
        Assert.Equal((Environment.MachineName, Environment.ProcessId), recorded);

        // The live run ends normally; then its process "dies": nothing more to mark.
        await runLog.EndAsync(live, alive, null);
        await live.CloseAsync();
        Assert.Empty(await runLog.MarkAbandonedAsync(connection, "test"));
        Assert.Equal("succeeded", await connection.ExecuteScalarAsync<string>("SELECT status FROM etl.run WHERE run_id = @alive", new { alive }));
    }

    [Fact]
    public async Task Warehouse_status_shows_a_run_left_running_by_a_dead_process_as_abandoned()
    {
        var database = await fixture.CleanDatabaseAsync(Engine.Postgres);
        var dead = await InsertDeadRunAsync(database);

        var logs = Path.Combine(Path.GetTempPath(), "warehouse-tests", $"logs-{Guid.NewGuid():N}");
        using var status = ScheduleHarness.StartCli(database, logs, "status");
        var output = await status.StandardOutput.ReadToEndAsync(TestContext.Current.CancellationToken);
        await status.WaitForExitAsync(TestContext.Current.CancellationToken);

        Assert.Equal(0, status.ExitCode);
        var line = output.Split('\n').Single(l => l.Contains($" {dead} ", StringComparison.Ordinal) && l.Contains("transform", StringComparison.Ordinal));
        Assert.Contains("abandoned", line, StringComparison.Ordinal);
        Assert.Contains("pid 999999 on worker-7", line, StringComparison.Ordinal);
        var runs = await ScheduleHarness.RunsAsync(database, "transform");
        Assert.Equal("abandoned", Assert.Single(runs).Status);
    }

    [Fact]
    public async Task A_load_killed_with_sigkill_is_abandoned_by_the_next_command_and_fails_the_nightly_check()
    {
        var database = await fixture.CleanDatabaseAsync(Engine.Postgres);
        // The load waits for the staging lock inside its run: a deterministic moment to kill it.
        await using var transform = await WarehouseLock.TryAcquireAsync(database, WarehouseJobs.LockName("transform"), "warehouse serve transform (test)", TestContext.Current.CancellationToken);
        var logs = Path.Combine(Path.GetTempPath(), "warehouse-tests", $"logs-{Guid.NewGuid():N}");
        using var load = ScheduleHarness.StartCli(database, logs, "load", Pipeline.SmallSampleFiles, "--lock-timeout", "300");
        Assert.True(await ScheduleHarness.WaitUntilAsync(async () => (await ScheduleHarness.RunsAsync(database, "load")).Any(r => r.Status == "running"), TimeSpan.FromSeconds(60)));
        await Task.Delay(500, TestContext.Current.CancellationToken);
        using (var kill = Process.Start(new ProcessStartInfo("kill", $"-KILL {load.Id}") { UseShellExecute = false })!)
        {
            await kill.WaitForExitAsync(TestContext.Current.CancellationToken);
        }

        await load.WaitForExitAsync(TestContext.Current.CancellationToken);
        Assert.Equal("running", Assert.Single(await ScheduleHarness.RunsAsync(database, "load")).Status); // as the process left it

        // The next command (here the nightly check, as the service runs it) marks it and counts it.
        await transform!.DisposeAsync();
        var work = new WarehouseWork(database, new ScheduleOptions());
        var failure = await Assert.ThrowsAsync<WarehouseException>(() => work.QualityAsync("manual", TestContext.Current.CancellationToken));
        var run = Assert.Single(await ScheduleHarness.RunsAsync(database, "load"));
        Assert.Equal("abandoned", run.Status);
        Assert.Contains($"pid {load.Id} on {Environment.MachineName}", run.ErrorMessage, StringComparison.Ordinal);
        Assert.Contains("failed_runs: 1 failed or abandoned in the last 24 h (load)", failure.Message, StringComparison.Ordinal);
    }
}
