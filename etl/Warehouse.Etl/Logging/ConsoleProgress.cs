using System.Diagnostics;
using System.Globalization;
using Serilog;
using Serilog.Events;
using Spectre.Console;

namespace Warehouse.Logging;

/// <summary>What a long piece of work reports: a step starts, moves on by some units, and ends with a summary.</summary>
public interface IStepProgress
{
    void Start(string step, double? total = null);

    void Advance(string step, double units, string? detail = null);

    void Complete(string step, string summary);
}

/// <summary>
/// Progress of long CLI work (extract, transform, report, ...): a Spectre.Console step list with bars,
/// counts, rates and elapsed time when the console is a terminal; plain log lines when it is not
/// (redirected, CI, docker logs), so the same run reads well in both.
/// </summary>
public static class ConsoleProgress
{
    public static bool IsInteractive =>
        !Console.IsOutputRedirected && !Console.IsErrorRedirected
        && AnsiConsole.Profile.Capabilities.Interactive
        && string.IsNullOrEmpty(Environment.GetEnvironmentVariable("CI"));

    public static async Task<T> RunAsync<T>(IReadOnlyList<string> steps, Func<IStepProgress, Task<T>> work)
    {
        if (!IsInteractive)
        {
            return await work(new LogLines());
        }

        var previous = WarehouseLogging.ConsoleLevel.MinimumLevel;
        WarehouseLogging.ConsoleLevel.MinimumLevel = LogEventLevel.Warning; // the file still gets every line
        try
        {
            return await AnsiConsole.Progress()
                .AutoClear(false)
                .HideCompleted(false)
                .Columns(new TaskDescriptionColumn { Alignment = Justify.Left }, new ProgressBarColumn(), new PercentageColumn(), new ElapsedTimeColumn(), new SpinnerColumn())
                .StartAsync(async context =>
                {
                    var bars = new Bars(context, steps);
                    return await work(bars);
                });
        }
        finally
        {
            WarehouseLogging.ConsoleLevel.MinimumLevel = previous;
        }
    }

    private static string Rate(double units, TimeSpan elapsed) =>
        elapsed.TotalSeconds < 0.05 ? "" : $" ({(units / elapsed.TotalSeconds).ToString("N0", CultureInfo.InvariantCulture)}/s)";

    private sealed class Bars(ProgressContext context, IReadOnlyList<string> steps) : IStepProgress
    {
        private readonly Dictionary<string, (ProgressTask Task, Stopwatch Clock, double Units)> tasks = steps.ToDictionary(
            step => step,
            step => (context.AddTask(Markup.Escape(step), autoStart: false, maxValue: 1), new Stopwatch(), 0d));

        public void Start(string step, double? total = null)
        {
            var (task, clock, _) = Get(step);
            task.MaxValue = total is > 0 ? total.Value : 1;
            task.IsIndeterminate = total is null;
            task.StartTask();
            clock.Restart();
        }

        public void Advance(string step, double units, string? detail = null)
        {
            var (task, clock, done) = Get(step);
            done += units;
            tasks[step] = (task, clock, done);
            if (!task.IsIndeterminate)
            {
                task.Increment(units);
            }

            task.Description = Markup.Escape($"{step}: {detail ?? done.ToString("N0", CultureInfo.InvariantCulture) + Rate(done, clock.Elapsed)}");
        }

        public void Complete(string step, string summary)
        {
            var (task, clock, _) = Get(step);
            task.IsIndeterminate = false;
            task.Value = task.MaxValue;
            task.Description = Markup.Escape($"{step}: {summary}");
            task.StopTask();
            clock.Stop();
        }

        private (ProgressTask Task, Stopwatch Clock, double Units) Get(string step)
        {
            if (!tasks.TryGetValue(step, out var entry))
            {
                entry = (context.AddTask(Markup.Escape(step), autoStart: false, maxValue: 1), new Stopwatch(), 0d);
                tasks[step] = entry;
            }

            return entry;
        }
    }

    private sealed class LogLines : IStepProgress
    {
        private readonly Dictionary<string, (Stopwatch Clock, double Units)> clocks = [];

        public void Start(string step, double? total = null)
        {
            clocks[step] = (Stopwatch.StartNew(), 0);
            Log.Information("{Step}: started", step);
        }

        public void Advance(string step, double units, string? detail = null)
        {
            var (clock, done) = clocks.TryGetValue(step, out var entry) ? entry : (Stopwatch.StartNew(), 0);
            done += units;
            clocks[step] = (clock, done);
            if (detail is not null)
            {
                Log.Information("{Step}: {Detail}", step, detail);
            }
        }

        public void Complete(string step, string summary)
        {
            var elapsed = clocks.TryGetValue(step, out var entry) ? entry.Clock.Elapsed : TimeSpan.Zero;
            Log.Information("{Step}: {Summary} in {Seconds:F1} s", step, summary, elapsed.TotalSeconds);
        }
    }
}
