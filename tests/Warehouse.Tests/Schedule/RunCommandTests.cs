using Dapper;
using Warehouse.Database;
using Warehouse.Sample;
using Warehouse.Schedule;
using Warehouse.Tests.Infrastructure;

namespace Warehouse.Tests.Schedule;

/// <summary>`warehouse run` as a real child process: the lock shared with the scheduler, and a SIGTERM in the middle of a transform.</summary>
public sealed class RunCommandTests(WarehouseFixture fixture) : IClassFixture<WarehouseFixture>
{
    [Fact]
    public async Task A_second_run_while_one_is_running_exits_with_a_clear_message()
    {
        var database = await fixture.CleanDatabaseAsync(Engine.Postgres);
        var logs = Path.Combine(Path.GetTempPath(), "warehouse-tests", $"logs-{Guid.NewGuid():N}");
        await using var running = await WarehouseLock.TryAcquireAsync(database, WarehouseJobs.LockName("transform"), "warehouse serve transform (test)");
        Assert.NotNull(running);

        using var second = ScheduleHarness.StartCli(database, logs, "run", "--source", "folder", "--folder", Pipeline.SmallSampleFiles);
        var error = await second.StandardError.ReadToEndAsync(TestContext.Current.CancellationToken);
        await second.WaitForExitAsync(TestContext.Current.CancellationToken);

        Assert.Equal(1, second.ExitCode);
        Assert.Contains("an extract or the transform is already running", error);
        Assert.Contains("warehouse serve transform (test)", error);
        Assert.Empty(await ScheduleHarness.RunsAsync(database, "extract")); // it did nothing
        var password = new Npgsql.NpgsqlConnectionStringBuilder(database.ConnectionString).Password!;
        foreach (var file in Directory.Exists(logs) ? Directory.GetFiles(logs, "*.json") : [])
        {
            Assert.DoesNotContain(password, await File.ReadAllTextAsync(file, TestContext.Current.CancellationToken));
        }
    }

    [Fact]
    public async Task Sigterm_during_a_transform_leaves_the_published_facts_as_before()
    {
        // Published facts from a sample big enough that its transform takes a few seconds.
        var database = await fixture.CleanDatabaseAsync(Engine.Postgres);
        var sample = Pipeline.WriteSample(new SampleOptions(Shops: 2, Skus: 150, Days: 60, Seed: 11));
        await Pipeline.LoadAsync(database, sample);
        await Pipeline.TransformAsync(database);
        string before;
        await using (var connection = await database.OpenAsync())
        {
            before = await Pipeline.ChecksumAsync(connection, "fact.sku_daily", "date_key, shop_key, product_key, traffic_source_key");
        }

        // The same files with every SKU a dollar dearer: a finished transform would change the facts.
        var changed = Path.Combine(Path.GetTempPath(), "warehouse-tests", $"sample-{Guid.NewGuid():N}");
        Directory.CreateDirectory(changed);
        foreach (var file in Directory.GetFiles(sample, "*.csv"))
        {
            File.Copy(file, Path.Combine(changed, Path.GetFileName(file)));
        }

        var costs = await File.ReadAllLinesAsync(Path.Combine(changed, "sku_cost.csv"), TestContext.Current.CancellationToken);
        var unitCost = Array.IndexOf(costs[0].Split(','), "unit_cost");
        await File.WriteAllLinesAsync(Path.Combine(changed, "sku_cost.csv"), costs.Select((line, index) =>
        {
            if (index == 0)
            {
                return line;
            }

            var fields = line.Split(',');
            fields[unitCost] = (decimal.Parse(fields[unitCost], System.Globalization.CultureInfo.InvariantCulture) + 1m).ToString(System.Globalization.CultureInfo.InvariantCulture);
            return string.Join(',', fields);
        }), TestContext.Current.CancellationToken);

        var logs = Path.Combine(Path.GetTempPath(), "warehouse-tests", $"logs-{Guid.NewGuid():N}");
        using var run = ScheduleHarness.StartCli(database, logs, "run", "--source", "folder", "--folder", changed);
        var output = run.StandardOutput.ReadToEndAsync(TestContext.Current.CancellationToken);
        var error = run.StandardError.ReadToEndAsync(TestContext.Current.CancellationToken);

        // Wait until a transform step before the publish is running, then ask the process to stop.
        var inTransform = await ScheduleHarness.WaitUntilAsync(async () =>
        {
            await using var connection = await database.OpenAsync();
            return await connection.ExecuteScalarAsync<int>(
                """
                SELECT COUNT(*) FROM etl.run_step AS s JOIN etl.run AS r ON r.run_id = s.run_id
                WHERE r.command = 'transform' AND s.status = 'running' AND s.step_name IN ('etl.prepare_transform', 'etl.compute_order_line', 'etl.attribute_order_line', 'etl.allocate_ad_spend')
                """) > 0;
        }, TimeSpan.FromSeconds(60));
        if (!inTransform)
        {
            Assert.Fail($"the transform did not start: {await error}"); // (awaiting the output waits for the process to end)
        }

        if (run.HasExited)
        {
            Assert.Fail($"the run ended on its own ({run.ExitCode}) at {DateTime.Now:HH:mm:ss.fff}: {await error}\n{string.Join("\n", (await output).Split('\n').Where(l => !l.Contains("loaded", StringComparison.Ordinal)))}");
        }

        try
        {
            ScheduleHarness.SendSigterm(run);
        }
        catch (Exception kill) when (run.HasExited)
        {
            Assert.Fail($"{kill.Message}\n{await error}\n{await output}");
        }

        Assert.True(run.WaitForExit(TimeSpan.FromSeconds(30)), "the process did not stop within 30 s of SIGTERM");
        await output;

        var errors = await error;
        Assert.True(run.ExitCode == 143, $"exit code {run.ExitCode}: {errors}");
        Assert.Contains("stopped", errors);
        var transform = (await ScheduleHarness.RunsAsync(database, "transform")).Last();
        Assert.Equal("failed", transform.Status);
        Assert.Contains("stopped before it finished", transform.ErrorMessage);
        Assert.Empty(await ScheduleHarness.RunsAsync(database, "report")); // nothing after the stopped step ran
        await using (var connection = await database.OpenAsync())
        {
            Assert.Equal(before, await Pipeline.ChecksumAsync(connection, "fact.sku_daily", "date_key, shop_key, product_key, traffic_source_key"));
            Assert.Equal(0, await connection.ExecuteScalarAsync<int>("SELECT COUNT(*) FROM etl.run_step WHERE status = 'running'"));
        }
    }
}
