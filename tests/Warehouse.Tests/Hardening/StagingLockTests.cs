using System.Diagnostics;
using Dapper;
using Warehouse.Control;
using Warehouse.Database;
using Warehouse.Schedule;
using Warehouse.Tests.Infrastructure;
using Warehouse.Tests.Schedule;
using Warehouse.Transform;

namespace Warehouse.Tests.Hardening;

/// <summary>
/// Issue 13, item 3: `warehouse load`, `import` and `extract` take the staging lock the transform and the
/// scheduled extracts take, so they never write staging under a running transform; and a transform whose
/// check fails while staging changed says so.
/// </summary>
public sealed class StagingLockTests(WarehouseFixture fixture) : IClassFixture<WarehouseFixture>
{
    private static readonly string StagingLock = WarehouseJobs.LockName("transform");

    [Fact]
    public async Task A_load_while_the_staging_lock_is_held_gives_up_after_its_timeout_naming_the_holder_and_loads_nothing()
    {
        var database = await fixture.CleanDatabaseAsync(Engine.Postgres);
        await using var transform = await WarehouseLock.TryAcquireAsync(database, StagingLock, "warehouse serve transform (test)", TestContext.Current.CancellationToken);
        Assert.NotNull(transform);

        var logs = Path.Combine(Path.GetTempPath(), "warehouse-tests", $"logs-{Guid.NewGuid():N}");
        foreach (var arguments in new[]
        {
            new[] { "load", Pipeline.SmallSampleFiles, "--lock-timeout", "1" },
            ["import", Path.Combine(Pipeline.SmallSampleFiles, "sku_cost.csv"), "--kind", "sku-cost", "--lock-timeout", "0"],
        })
        {
            using var writer = ScheduleHarness.StartCli(database, logs, arguments);
            var error = await writer.StandardError.ReadToEndAsync(TestContext.Current.CancellationToken);
            await writer.WaitForExitAsync(TestContext.Current.CancellationToken);

            Assert.Equal(1, writer.ExitCode);
            Assert.Contains("warehouse.staging is", error, StringComparison.Ordinal);
            Assert.Contains("held by warehouse serve transform (test)", error, StringComparison.Ordinal);
            Assert.Contains("nothing was done", error, StringComparison.Ordinal);
        }

        await using var connection = await database.OpenAsync(TestContext.Current.CancellationToken);
        Assert.Equal(0, await connection.ExecuteScalarAsync<int>("SELECT COUNT(*) FROM stg.shop_order"));
        Assert.Equal(0, await connection.ExecuteScalarAsync<int>("SELECT COUNT(*) FROM stg.sku_cost"));
        Assert.Equal(["failed", "failed"], await connection.QueryAsync<string>("SELECT status FROM etl.run WHERE command IN ('load', 'import') ORDER BY run_id"));
    }

    [Fact]
    public async Task A_load_waits_for_a_running_transform_says_so_and_loads_when_it_has_finished()
    {
        var database = await fixture.CleanDatabaseAsync(Engine.Postgres);
        var transform = await WarehouseLock.TryAcquireAsync(database, StagingLock, "warehouse serve transform (test)", TestContext.Current.CancellationToken);
        Assert.NotNull(transform);

        var logs = Path.Combine(Path.GetTempPath(), "warehouse-tests", $"logs-{Guid.NewGuid():N}");
        using var load = ScheduleHarness.StartCli(database, logs, "load", Pipeline.SmallSampleFiles, "--lock-timeout", "120");
        var error = new System.Text.StringBuilder();
        load.ErrorDataReceived += (_, line) => { lock (error) { error.AppendLine(line.Data); } };
        load.BeginErrorReadLine();
        var output = load.StandardOutput.ReadToEndAsync(TestContext.Current.CancellationToken);

        Assert.True(await ScheduleHarness.WaitUntilAsync(() => Task.FromResult(Text(error).Contains("waiting for warehouse.staging", StringComparison.Ordinal)), TimeSpan.FromSeconds(60)),
            "the load never said it was waiting: " + Text(error));
        Assert.Contains("held by warehouse serve transform (test)", Text(error), StringComparison.Ordinal);
        await Task.Delay(1000, TestContext.Current.CancellationToken);
        await using (var connection = await database.OpenAsync(TestContext.Current.CancellationToken))
        {
            Assert.Equal(0, await connection.ExecuteScalarAsync<int>("SELECT COUNT(*) FROM stg.shop_order")); // still waiting
        }

        await transform.DisposeAsync(); // the transform has finished
        await load.WaitForExitAsync(TestContext.Current.CancellationToken);

        Assert.True(load.ExitCode == 0, Text(error));
        Assert.Contains("loaded", await output, StringComparison.Ordinal);
        await using var check = await database.OpenAsync(TestContext.Current.CancellationToken);
        Assert.True(await check.ExecuteScalarAsync<int>("SELECT COUNT(*) FROM stg.shop_order") > 0);
    }

    [Theory]
    [ClassData(typeof(Engines))]
    public async Task A_check_that_fails_because_staging_changed_during_the_transform_says_so(Engine engine)
    {
        var scenario = new Scenario().Sku("P1", "A", unitCost: 5m)
            .Order("O1", Scenario.Epoch(Scenario.Day), "buyer1", 0m, new Scenario.Line("A", 20m));
        var database = await fixture.CleanDatabaseAsync(engine);
        await Pipeline.LoadAsync(database, scenario.Write());
        var runId = await Pipeline.StartRunAsync(database, "transform");
        await using var connection = await database.OpenAsync(TestContext.Current.CancellationToken);
        await connection.ExecuteAsync("UPDATE etl.run SET ended_at = started_at, status = 'succeeded' WHERE command = 'load'"); // that load finished before

        // A writer that took no lock restates the order while the transform computes: its check then fails.
        long writerRun = 0;
        var progress = new Logging.SynchronousProgress<string>(step =>
        {
            if (step == "etl.publish_transform")
            {
                writerRun = Pipeline.StartRunAsync(database, "load").GetAwaiter().GetResult();
                using var writer = database.OpenAsync().GetAwaiter().GetResult();
                writer.Execute("UPDATE stg.shop_order SET original_total_product_price = 25.00 WHERE order_id = 'O1'");
            }
        });
        var error = await Assert.ThrowsAsync<WarehouseException>(() =>
            new TransformRunner(database, new RunLog(database)).RunAsync(connection, runId, new TransformOptions(), progress, TestContext.Current.CancellationToken));

        Assert.Contains("check order_gmv_equals_source failed on 2026-11-02 for order O1", error.Message, StringComparison.Ordinal);
        Assert.Contains($"staging changed while this transform ran (load run {writerRun}, running)", error.Message, StringComparison.Ordinal);
        Assert.Contains("Run the transform again", error.Message, StringComparison.Ordinal);
        Assert.Contains("staging changed while this transform ran", await connection.ExecuteScalarAsync<string>(
            "SELECT message FROM etl.run_step WHERE run_id = @runId AND step_name = 'etl.publish_transform'", new { runId }));

        // Without a writer, the same failure blames the data alone, as before.
        var second = await Pipeline.StartRunAsync(database, "transform");
        await connection.ExecuteAsync("UPDATE etl.run SET ended_at = started_at, status = 'succeeded' WHERE command = 'load'");
        var plain = await Assert.ThrowsAnyAsync<System.Data.Common.DbException>(() =>
            new TransformRunner(database, new RunLog(database)).RunAsync(connection, second, new TransformOptions(), null, TestContext.Current.CancellationToken));
        Assert.DoesNotContain("staging changed", plain.Message, StringComparison.Ordinal);
    }

    private static string Text(System.Text.StringBuilder builder)
    {
        lock (builder)
        {
            return builder.ToString();
        }
    }
}
