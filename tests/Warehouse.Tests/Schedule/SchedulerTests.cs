using Dapper;
using Quartz;
using Warehouse.Control;
using Warehouse.Database;
using Warehouse.Logging;
using Warehouse.Schedule;
using Warehouse.Tests.Infrastructure;

namespace Warehouse.Tests.Schedule;

/// <summary>Quartz with the ADO job store on a real PostgreSQL: firing, no overlap across schedulers, restarts and misfires.</summary>
public sealed class SchedulerTests(WarehouseFixture fixture) : IClassFixture<WarehouseFixture>
{
    [Fact]
    public async Task A_job_scheduled_in_the_near_future_fires_and_writes_an_etl_run_row()
    {
        var database = await fixture.CleanDatabaseAsync(Engine.Postgres);
        var options = ScheduleHarness.QuietOptions();
        options.Quality.Cron = ScheduleHarness.Once(DateTimeOffset.UtcNow.AddSeconds(3));

        await using (var node = await ScheduleHarness.StartAsync(database, options, "fires"))
        {
            var trigger = await node.Scheduler.GetTrigger(new TriggerKey("quality" + WarehouseScheduler.CronSuffix, WarehouseJobs.Group));
            Assert.NotNull(trigger);
            Assert.True(await ScheduleHarness.WaitUntilAsync(
                async () => (await ScheduleHarness.RunsAsync(database, "quality")).Any(r => r.EndedAt is not null), TimeSpan.FromSeconds(20)),
                "the quality job did not fire and finish within 20 s");
        }

        var run = Assert.Single(await ScheduleHarness.RunsAsync(database, "quality"));
        Assert.Contains("--trigger schedule", run.Arguments);
        Assert.Equal("failed", run.Status); // an empty warehouse has no fresh extract: the check says so
        Assert.Contains("extract_freshness", run.ErrorMessage);
        await using var connection = await database.OpenAsync();
        Assert.Equal(4, await connection.ExecuteScalarAsync<int>("SELECT COUNT(*) FROM etl.run_step WHERE run_id = @id", new { id = run.RunId }));
    }

    [Fact]
    public async Task A_database_error_raised_by_a_stop_is_recorded_as_stopped_not_failed_as_SqlClient_reports_cancelled_commands()
    {
        var database = await fixture.CleanDatabaseAsync(Engine.Postgres);
        var work = new WarehouseWork(database, ScheduleHarness.QuietOptions());
        using var stop = new CancellationTokenSource();

        var stopped = await Assert.ThrowsAsync<StoppedException>(() =>
            work.ExtractAsync(new StoppedMidQuery(stop), "extract", null, "test", null, stop.Token));

        Assert.Contains("stopped before it finished", stopped.Message, StringComparison.Ordinal);
        var run = Assert.Single(await ScheduleHarness.RunsAsync(database, "extract"));
        Assert.Contains("stopped before it finished", run.ErrorMessage);
        Assert.DoesNotContain("division by zero", run.ErrorMessage);
    }

    /// <summary>A step whose command the stop breaks with a database error (SqlClient's "Operation cancelled by user"), here a real PostgreSQL error.</summary>
    private sealed class StoppedMidQuery(CancellationTokenSource stop) : IExtractStep
    {
        public string Source => "folder";

        public string Describe() => "stopped mid query";

        public async Task<StepResult> ExtractAsync(WarehouseDatabase database, System.Data.Common.DbConnection connection, long runId, IStepProgress? progress, CancellationToken cancellationToken)
        {
            await stop.CancelAsync();
            await connection.ExecuteAsync("SELECT 1 / 0");
            return new StepResult(0, 0, 0);
        }
    }

    [Fact]
    public async Task Two_schedulers_on_the_same_database_never_run_the_same_job_at_once()
    {
        var database = await fixture.CleanDatabaseAsync(Engine.Postgres);
        var options = ScheduleHarness.QuietOptions(Pipeline.SmallSampleFiles);
        options.Extract.Cron = "0/1 * * * * ?"; // every second: both nodes compete for every fire

        await using (var first = await ScheduleHarness.StartAsync(database, options, "node-a"))
        await using (var second = await ScheduleHarness.StartAsync(database, options, "node-b"))
        {
            Assert.True(await ScheduleHarness.WaitUntilAsync(
                async () => (await ScheduleHarness.RunsAsync(database, "transform")).Count(r => r.EndedAt is not null) >= 2, TimeSpan.FromSeconds(40)),
                "fewer than two transforms ran within 40 s");
            await first.Scheduler.Standby();
            await second.Scheduler.Standby();
        }

        foreach (var command in new[] { "extract", "transform" })
        {
            var runs = await ScheduleHarness.RunsAsync(database, command);
            Assert.True(runs.Count >= 2, $"{command}: {runs.Count} runs");
            Assert.All(runs, r => Assert.NotNull(r.EndedAt));
            var ordered = runs.OrderBy(r => r.StartedAt).ToList();
            for (var i = 1; i < ordered.Count; i++)
            {
                Assert.True(ordered[i].StartedAt >= ordered[i - 1].EndedAt,
                    $"{command} run {ordered[i].RunId} started at {ordered[i].StartedAt:HH:mm:ss.fff} while run {ordered[i - 1].RunId} ran until {ordered[i - 1].EndedAt:HH:mm:ss.fff}");
            }

            // Every run succeeded, but the one the shutdown at the end of the test may have stopped.
            Assert.All(runs, r => Assert.True(r.Status == "succeeded" || r.ErrorMessage?.Contains("stopped before it finished", StringComparison.Ordinal) == true, $"{command} run {r.RunId}: {r.Status} {r.ErrorMessage}"));
        }
    }

    [Fact]
    public async Task A_stopped_scheduler_keeps_its_triggers_and_runs_a_misfired_job_once()
    {
        var database = await fixture.CleanDatabaseAsync(Engine.Postgres);
        var options = ScheduleHarness.QuietOptions();
        var due = DateTimeOffset.UtcNow.AddSeconds(4);
        options.Report.Cron = ScheduleHarness.Once(due);
        var key = new TriggerKey("report" + WarehouseScheduler.CronSuffix, WarehouseJobs.Group);

        DateTimeOffset? storedNext;
        await using (var before = await ScheduleHarness.StartAsync(database, options, "before"))
        {
            storedNext = (await before.Scheduler.GetTrigger(key))?.NextFireTimeUtc;
            Assert.NotNull(storedNext);
        }

        // Down while the weekly report was due, for longer than the misfire threshold.
        await Task.Delay(due - DateTimeOffset.UtcNow + TimeSpan.FromSeconds(3));
        Assert.Empty(await ScheduleHarness.RunsAsync(database, "report"));

        await using (var after = await ScheduleHarness.StartAsync(database, options, "after", start: false))
        {
            var kept = await after.Scheduler.GetTrigger(key);
            Assert.NotNull(kept);
            Assert.Equal(storedNext, kept.NextFireTimeUtc); // the stored trigger, not a new one from now
            await after.Scheduler.Start();
            Assert.True(await ScheduleHarness.WaitUntilAsync(
                async () => (await ScheduleHarness.RunsAsync(database, "report")).Any(r => r.EndedAt is not null), TimeSpan.FromSeconds(20)),
                "the misfired report did not run after the restart");
            await Task.Delay(TimeSpan.FromSeconds(3)); // time for a second run, which must not come
        }

        var run = Assert.Single(await ScheduleHarness.RunsAsync(database, "report"));
        Assert.Contains("--trigger schedule", run.Arguments);
    }
}
