using System.Diagnostics;
using Dapper;
using Warehouse.Database;
using Warehouse.Import;
using Warehouse.Sample;
using Warehouse.Sandbox;
using Warehouse.Tests.Infrastructure;

namespace Warehouse.Tests.Schedule;

/// <summary>
/// Issue 6 "done when": `warehouse serve` (a real child process) with a short cron against a running sandbox
/// (in this process, on a free loopback port) extracts through the real TikTok clients, loads the seller's
/// files, transforms and writes the workbook on its own, and `warehouse status` shows it.
/// </summary>
public sealed class ScheduledSandboxTests(WarehouseFixture fixture) : IClassFixture<WarehouseFixture>, IDisposable
{
    private readonly string folder = Directory.CreateTempSubdirectory("warehouse-scheduled-").FullName;

    public void Dispose() => Directory.Delete(folder, recursive: true);

    /// <summary>The small sample ending three days ago, so a first extract (365 days back to today) covers it whenever the test runs.</summary>
    private static readonly SampleOptions Recent = Pipeline.SmallSample with { EndDate = DateOnly.FromDateTime(DateTime.UtcNow).AddDays(-3) };

    [Fact]
    public async Task Serve_with_a_short_cron_against_the_sandbox_runs_extract_transform_and_report_by_itself_and_status_shows_them()
    {
        var database = await fixture.CleanDatabaseAsync(Engine.Postgres);
        await using var sandbox = new SandboxServer(new SandboxOptions(0, Recent, new HashSet<string>())).Start();
        var sellerFiles = SellerFilesOf(Recent);
        var logs = Path.Combine(folder, "logs");
        var environment = new Dictionary<string, string>
        {
            ["Warehouse__Schedule__Extract__Cron"] = "0/10 * * * * ?", // every 10 seconds
            ["Warehouse__Schedule__Extract__Source"] = "sandbox",
            ["Warehouse__Schedule__Extract__SandboxUrl"] = sandbox.Url,
            ["Warehouse__Schedule__Extract__SellerFiles__Folder"] = sellerFiles,
            ["Warehouse__Schedule__Report__Cron"] = "5/10 * * * * ?",
            ["Warehouse__Schedule__Quality__Cron"] = "0 0 0 1 1 ? 2099",
            ["Warehouse__Schedule__ClusterCheckinSeconds"] = "2",
        };

        using (var serve = ScheduleHarness.StartCli(database, logs, environment, "serve"))
        {
            var output = serve.StandardOutput.ReadToEndAsync(TestContext.Current.CancellationToken);
            var errors = serve.StandardError.ReadToEndAsync(TestContext.Current.CancellationToken);
            var done = await ScheduleHarness.WaitUntilAsync(async () =>
                (await ScheduleHarness.RunsAsync(database, "extract")).Count(r => r.Status == "succeeded") >= 2
                && (await ScheduleHarness.RunsAsync(database, "transform")).Any(r => r.Status == "succeeded")
                && (await ScheduleHarness.RunsAsync(database, "report")).Any(r => r.Status == "succeeded"), TimeSpan.FromSeconds(120));
            ScheduleHarness.SendSigterm(serve);
            Assert.True(serve.WaitForExit(TimeSpan.FromSeconds(60)), "serve did not stop within 60 s of SIGTERM");
            if (!done)
            {
                var runs = string.Join("\n", (await AllRunsAsync(database)).Select(r => $"{r.RunId} {r.Command} {r.Status} {r.ErrorMessage}"));
                Assert.Fail($"serve did not extract twice, transform and report within 120 s.\nruns:\n{runs}\nstderr:\n{await errors}\nstdout:\n{Tail(await output)}");
            }
        }

        var extracts = await ScheduleHarness.RunsAsync(database, "extract");
        Assert.All(extracts.Where(r => r.Status == "succeeded"), r =>
        {
            Assert.Contains("--source sandbox --sandbox-url " + sandbox.Url, r.Arguments);
            Assert.Contains("--trigger schedule", r.Arguments);
        });
        Assert.Contains(await ScheduleHarness.RunsAsync(database, "transform"), r => r.Status == "succeeded" && r.Arguments!.Contains("--trigger after-extract-sandbox", StringComparison.Ordinal));
        Assert.True(sandbox.Requests > 20, $"{sandbox.Requests} requests reached the sandbox");

        await using (var connection = await database.OpenAsync())
        {
            // The API data and the seller's files are both in staging, and the facts were published from them.
            foreach (var table in new[] { "shop_order", "order_line_item", "sku_statement_transaction", "ad_report_daily", "sku_cost", "cost_setting", "touchpoint", "ad_product_map", "affiliate_order" })
            {
                Assert.True(await connection.ExecuteScalarAsync<long>($"SELECT COUNT(*) FROM stg.{table}") > 0, $"stg.{table} is empty");
            }

            Assert.True(await connection.ExecuteScalarAsync<long>("SELECT COUNT(*) FROM fact.sku_daily") > 0);

            // Every source ran as a step of each extract run; the second run loaded the same seller files again and changed nothing.
            var second = extracts.Where(r => r.Status == "succeeded").Skip(1).First();
            var steps = (await connection.QueryAsync<(string Name, long Written)>(
                "SELECT step_name, rows_written FROM etl.run_step WHERE run_id = @id ORDER BY step_number", new { id = second.RunId })).ToList();
            Assert.Contains(steps, s => s.Name.StartsWith("extract shop_orders ", StringComparison.Ordinal));
            Assert.Contains(steps, s => s.Name.StartsWith("extract ads_report ", StringComparison.Ordinal));
            var files = steps.Where(s => s.Name.StartsWith("seller file ", StringComparison.Ordinal)).ToList();
            Assert.Equal(Directory.GetFiles(sellerFiles).Length, files.Count);
            Assert.All(files, s => Assert.Equal(0, s.Written));
        }

        using var status = ScheduleHarness.StartCli(database, logs, environment, "status");
        var shown = await status.StandardOutput.ReadToEndAsync(TestContext.Current.CancellationToken);
        await status.WaitForExitAsync(TestContext.Current.CancellationToken);
        Assert.True(status.ExitCode == 0, shown + await status.StandardError.ReadToEndAsync(TestContext.Current.CancellationToken));
        Assert.Contains("extract-sandbox", shown);
        Assert.Contains("0/10 * * * * ?", shown);
        var lastRuns = shown[shown.IndexOf("Last run of each job", StringComparison.Ordinal)..shown.IndexOf("Freshness of each source", StringComparison.Ordinal)];
        foreach (var job in new[] { "extract", "transform", "report" })
        {
            // status shows each job's latest run: the one SIGTERM interrupted, if it caught one mid-way
            // (succeeded runs of every job were asserted above)
            var latest = (await ScheduleHarness.RunsAsync(database, job)).MaxBy(r => r.RunId)!;
            Assert.Contains(lastRuns.Split('\n'), line => line.Contains($" {job} ", StringComparison.Ordinal)
                && line.Contains($" {latest.RunId} ", StringComparison.Ordinal) && line.Contains(latest.Status, StringComparison.Ordinal));
        }

        foreach (var source in new[] { "shop_orders", "ads_report", "seller_files" })
        {
            Assert.Contains(source, shown[shown.IndexOf("Freshness of each source", StringComparison.Ordinal)..]);
        }
    }

    [Fact]
    public async Task Warehouse_run_with_source_sandbox_extracts_loads_the_seller_files_transforms_and_writes_the_workbook()
    {
        var database = await fixture.CleanDatabaseAsync(Engine.Postgres);
        await using var sandbox = new SandboxServer(new SandboxOptions(0, Recent, new HashSet<string>())).Start();
        var sellerFiles = SellerFilesOf(Recent);
        var clock = Stopwatch.StartNew();

        using var run = ScheduleHarness.StartCli(database, Path.Combine(folder, "logs"), "run", "--source", "sandbox", "--sandbox-url", sandbox.Url, "--seller-files", sellerFiles);
        var output = await run.StandardOutput.ReadToEndAsync(TestContext.Current.CancellationToken);
        var errors = await run.StandardError.ReadToEndAsync(TestContext.Current.CancellationToken);
        await run.WaitForExitAsync(TestContext.Current.CancellationToken);

        Assert.True(run.ExitCode == 0, $"exit {run.ExitCode}: {errors}\n{Tail(output)}");
        var workbook = output.Split('\n').Single(l => l.StartsWith("workbook: ", StringComparison.Ordinal))["workbook: ".Length..].Trim();
        Assert.True(File.Exists(workbook), workbook);
        Assert.Equal(["succeeded"], (await ScheduleHarness.RunsAsync(database, "extract")).Select(r => r.Status));
        Assert.Equal(["succeeded"], (await ScheduleHarness.RunsAsync(database, "transform")).Select(r => r.Status));
        await using var connection = await database.OpenAsync();
        Assert.True(await connection.ExecuteScalarAsync<long>("SELECT COUNT(*) FROM stg.sku_cost") > 0);
        Assert.True(await connection.ExecuteScalarAsync<long>("SELECT COUNT(*) FROM fact.sku_daily") > 0);
        Assert.True(clock.Elapsed < TimeSpan.FromSeconds(90), $"took {clock.Elapsed}");
    }

    /// <summary>The files of a sample whose tables the APIs do not fill (the seller's own: costs, ad map, touchpoints, ...), alone in a folder.</summary>
    private string SellerFilesOf(SampleOptions options)
    {
        var sample = Path.Combine(folder, "sample");
        if (!Directory.Exists(sample))
        {
            SampleGenerator.Generate(options, sample);
        }

        var files = Path.Combine(folder, "seller-files");
        Directory.CreateDirectory(files);
        foreach (var file in SellerFiles.NotFromApi(sample))
        {
            File.Copy(file, Path.Combine(files, Path.GetFileName(file)), overwrite: true);
        }

        return files;
    }

    private static async Task<List<ScheduleHarness.Run>> AllRunsAsync(WarehouseDatabase database)
    {
        var runs = new List<ScheduleHarness.Run>();
        foreach (var command in new[] { "extract", "transform", "report" })
        {
            runs.AddRange(await ScheduleHarness.RunsAsync(database, command));
        }

        return runs.OrderBy(r => r.RunId).ToList();
    }

    private static string Tail(string text) => string.Join("\n", text.Split('\n').TakeLast(40));
}
