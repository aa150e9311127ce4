using System.Diagnostics;
using System.Globalization;
using Dapper;
using Microsoft.Extensions.DependencyInjection;
using Quartz;
using Warehouse.Database;
using Warehouse.Schedule;

namespace Warehouse.Tests.Schedule;

/// <summary>Real Quartz schedulers on the ADO job store of a test database, and the real CLI as a child process.</summary>
internal static class ScheduleHarness
{
    /// <summary>Options for tests: nothing fires unless a test says so (crons far in the future), short misfire threshold.</summary>
    public static ScheduleOptions QuietOptions(string? folder = null) => new()
    {
        TimeZone = "UTC",
        MisfireThresholdSeconds = 1,
        StopTimeoutSeconds = 30,
        ClusterCheckinSeconds = 2,
        Extract = { Cron = "0 0 0 1 1 ? 2099", Source = "folder", Folder = folder },
        Report = { Cron = "0 0 0 1 1 ? 2099", Period = "latest-data", Folder = Path.Combine(Path.GetTempPath(), "warehouse-tests", $"reports-{Guid.NewGuid():N}") },
        Quality = { Cron = "0 0 0 1 1 ? 2099" },
        Alerts = { DigestCheckCron = "0 0 0 1 1 ? 2099" },
    };

    /// <summary>A cron that fires once, at the given second (UTC).</summary>
    public static string Once(DateTimeOffset at)
    {
        var utc = at.ToUniversalTime();
        return string.Create(CultureInfo.InvariantCulture, $"{utc.Second} {utc.Minute} {utc.Hour} {utc.Day} {utc.Month} ? {utc.Year}");
    }

    public sealed class Node(ServiceProvider provider, IScheduler scheduler) : IAsyncDisposable
    {
        public IScheduler Scheduler => scheduler;

        public async ValueTask DisposeAsync()
        {
            if (scheduler.Status != SchedulerStatus.Shutdown)
            {
                await scheduler.Shutdown(waitForJobsToComplete: true);
            }

            await provider.DisposeAsync();
        }
    }

    public static async Task<Node> StartAsync(WarehouseDatabase database, ScheduleOptions options, string instanceId, bool start = true)
    {
        var services = new ServiceCollection();
        services.AddLogging();
        services.AddWarehouseScheduler(database, options, instanceId);
        var provider = services.BuildServiceProvider();
        var scheduler = await provider.GetRequiredService<ISchedulerFactory>().GetScheduler();
        await WarehouseScheduler.EnsureScheduleAsync(scheduler, options);
        if (start)
        {
            await scheduler.Start();
        }

        return new Node(provider, scheduler);
    }

    public sealed record Run(long RunId, string Command, string Status, DateTime StartedAt, DateTime? EndedAt, string? ErrorMessage, string? Arguments);

    public static async Task<List<Run>> RunsAsync(WarehouseDatabase database, string command)
    {
        await using var connection = await database.OpenAsync();
        return (await connection.QueryAsync<Run>(
            "SELECT run_id AS RunId, command AS Command, status AS Status, started_at AS StartedAt, ended_at AS EndedAt, error_message AS ErrorMessage, arguments AS Arguments FROM etl.run WHERE command = @command ORDER BY run_id",
            new { command })).ToList();
    }

    /// <summary>Polls until the condition holds or the time is up; the condition's last value.</summary>
    public static async Task<bool> WaitUntilAsync(Func<Task<bool>> condition, TimeSpan timeout)
    {
        var clock = Stopwatch.StartNew();
        while (clock.Elapsed < timeout)
        {
            if (await condition())
            {
                return true;
            }

            await Task.Delay(100);
        }

        return await condition();
    }

    /// <summary>The CLI (warehouse.dll beside the tests) as a child process on the test database, logging to its own folder.</summary>
    public static Process StartCli(WarehouseDatabase database, string logFolder, params string[] arguments) =>
        StartCli(database, logFolder, new Dictionary<string, string>(), arguments);

    /// <summary>The CLI as a child process with extra environment (configuration such as Warehouse__Schedule__Extract__Cron).</summary>
    public static Process StartCli(WarehouseDatabase database, string logFolder, IReadOnlyDictionary<string, string> environment, params string[] arguments)
    {
        var start = new ProcessStartInfo("dotnet")
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
            WorkingDirectory = Path.GetTempPath(),
        };
        start.ArgumentList.Add(Path.Combine(AppContext.BaseDirectory, "warehouse.dll"));
        foreach (var argument in arguments)
        {
            start.ArgumentList.Add(argument);
        }

        start.Environment["WAREHOUSE_ENGINE"] = database.Engine.ToString();
        start.Environment["WAREHOUSE_CONNECTION"] = database.ConnectionString;
        start.Environment["Warehouse__Logging__Folder"] = logFolder;
        start.Environment["Warehouse__Schedule__Report__Folder"] = Path.Combine(logFolder, "reports");
        start.Environment["Warehouse__Schedule__Report__Period"] = "latest-data";
        start.Environment["CI"] = "true"; // plain log lines, no progress bars
        foreach (var (key, value) in environment)
        {
            start.Environment[key] = value;
        }

        return Process.Start(start) ?? throw new InvalidOperationException("dotnet did not start");
    }

    /// <summary>SIGTERM, as docker stop and systemd send it.</summary>
    public static void SendSigterm(Process process)
    {
        using var kill = Process.Start(new ProcessStartInfo("kill", $"-TERM {process.Id}") { UseShellExecute = false, RedirectStandardError = true })!;
        kill.WaitForExit();
        if (kill.ExitCode != 0)
        {
            Assert.Fail($"kill -TERM {process.Id}: {kill.StandardError.ReadToEnd()} (exited: {process.HasExited})");
        }
    }
}
