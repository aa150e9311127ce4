using System.CommandLine;
using System.Diagnostics;
using Warehouse.Logging;
using Warehouse.Sample;

namespace Warehouse.Cli;

/// <summary>`warehouse sample`: write deterministic sample data in the staging file shapes.</summary>
public static class SampleCommand
{
    public static readonly Option<int> Shops = new("--shops") { Description = "Number of shops", DefaultValueFactory = _ => 2 };
    public static readonly Option<int> Skus = new("--skus") { Description = "Number of SKUs across the shops", DefaultValueFactory = _ => 300 };
    public static readonly Option<int> Days = new("--days") { Description = "Days of orders and ads", DefaultValueFactory = _ => 120 };
    public static readonly Option<int> Seed = new("--seed") { Description = "Random seed: same seed, same files", DefaultValueFactory = _ => 42 };
    public static readonly Option<int?> OrdersPerDay = new("--orders-per-day") { Description = "Orders per day (scales to millions of lines)" };

    public static Command Create()
    {
        var output = new Option<string>("--out") { Description = "Folder to write the CSV files to", Required = true };
        var command = new Command("sample", "Write deterministic sample data (one CSV per staging table)") { output, Shops, Skus, Days, Seed, OrdersPerDay };
        command.SetAction(async parse =>
        {
            var options = OptionsFrom(parse);
            var rows = await ConsoleProgress.RunAsync(["sample"], progress => Task.FromResult(Generate(options, parse.GetValue(output)!, progress)));
            Console.WriteLine($"wrote {rows.Count} files, {rows.Values.Sum():N0} rows to {parse.GetValue(output)}");
        });
        return command;
    }

    public static SampleOptions OptionsFrom(ParseResult parse) =>
        new(parse.GetValue(Shops), parse.GetValue(Skus), parse.GetValue(Days), parse.GetValue(Seed), parse.GetValue(OrdersPerDay));

    /// <summary>Generates the files; with progress, a bar by day with order lines and their rate (a log line every 10 % when not in a terminal).</summary>
    public static IReadOnlyDictionary<string, long> Generate(SampleOptions options, string folder, IStepProgress? progress = null)
    {
        const string step = "sample";
        progress?.Start(step, options.Days);
        var clock = Stopwatch.StartNew();
        var every = Math.Max(1, options.Days / 10);
        var report = progress is null ? null : new SynchronousProgress<SampleProgress>(day =>
        {
            var detail = day.DaysDone % every == 0 || day.DaysDone == day.DaysTotal || ConsoleProgress.IsInteractive
                ? $"day {day.DaysDone:N0}/{day.DaysTotal:N0}, {day.OrderLines:N0} order lines ({day.OrderLines / Math.Max(clock.Elapsed.TotalSeconds, 0.001):N0}/s)"
                : null;
            progress.Advance(step, 1, detail);
        });
        var rows = SampleGenerator.Generate(options, folder, report);
        progress?.Complete(step, $"{rows.Values.Sum():N0} rows in {rows.Count} files ({rows.Values.Sum() / Math.Max(clock.Elapsed.TotalSeconds, 0.001):N0} rows/s)");
        return rows;
    }
}
