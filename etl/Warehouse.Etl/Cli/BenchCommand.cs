using System.CommandLine;
using System.Globalization;
using Spectre.Console;
using Warehouse.Bench;
using Warehouse.Database;

namespace Warehouse.Cli;

/// <summary>
/// `warehouse bench --lines N`: load and transform N generated order lines on a fresh database and
/// compare them with the engine's own limits (docs/performance.md). Prints a table and writes
/// bench/results/&lt;engine&gt;-&lt;lines&gt;.json.
/// </summary>
public static class BenchCommand
{
    public static Command Create()
    {
        var lines = new Option<long>("--lines") { Description = "Order lines to generate (about; orders per day are derived from it)", DefaultValueFactory = _ => 1_000_000 };
        var engine = new Option<Engine?>("--engine") { Description = "Postgres or SqlServer (default: WAREHOUSE_ENGINE, else Postgres)" };
        var keep = new Option<bool>("--keep") { Description = "Keep the benchmark database and the sample files" };
        var reuse = new Option<bool>("--reuse-sample") { Description = "Reuse sample files of the same options from an earlier --keep or --reuse-sample run" };
        var shops = new Option<int>("--shops") { Description = "Shops", DefaultValueFactory = _ => 2 };
        var skus = new Option<int>("--skus") { Description = "SKUs across the shops", DefaultValueFactory = _ => 5000 };
        var days = new Option<int>("--days") { Description = "Days of data (the incremental runs load the last one, then late returns of 30 old days)", DefaultValueFactory = _ => 365 };
        var seed = new Option<int>("--seed") { Description = "Random seed", DefaultValueFactory = _ => 42 };
        var results = new Option<string?>("--results") { Description = "Folder for the JSON result (default: bench/results)" };
        var command = new Command("bench", "Benchmark load, transform and report on a fresh database against the engine's raw bulk load")
        {
            lines, engine, keep, reuse, shops, skus, days, seed, results,
        };
        command.SetAction(async (parse, cancellationToken) =>
        {
            var settings = WarehouseSettings.From(WarehouseSettings.LoadConfiguration());
            var chosen = parse.GetValue(engine) ?? settings.Engine;
            if (chosen != settings.Engine)
            {
                settings = settings with { Engine = chosen, ConnectionString = chosen == Engine.SqlServer ? settings.ConnectionString : null };
            }

            var options = new BenchOptions(parse.GetValue(lines), chosen, parse.GetValue(shops), parse.GetValue(skus), parse.GetValue(days), parse.GetValue(seed),
                parse.GetValue(keep), parse.GetValue(reuse), ResultsFolder: parse.GetValue(results));
            options.Validate();
            var server = WarehouseDatabase.FromSettings(settings);
            var runner = new BenchRunner(options, server, new Progress(line => AnsiConsole.MarkupLine($"[grey]{Markup.Escape(DateTime.Now.ToString("HH:mm:ss", CultureInfo.InvariantCulture))}[/] {Markup.Escape(line)}")));
            var result = await runner.RunAsync(cancellationToken);
            var path = runner.Save(result);
            Print(result);
            AnsiConsole.MarkupLine($"[green]result:[/] {Markup.Escape(path)}");
        });
        return command;
    }

    public static void Print(BenchResult r)
    {
        if (Console.IsOutputRedirected)
        {
            AnsiConsole.Profile.Width = 160;
        }

        var table = new Table().Border(TableBorder.Rounded)
            .Title($"warehouse bench: {r.Engine} {r.ServerVersion}, {r.OrderLines:N0} order lines ({r.Sample.Shops} shops, {r.Sample.Skus:N0} SKUs, {r.Sample.Days} days), {r.Machine.Cores} cores")
            .AddColumn("measure").AddColumn(new TableColumn("value").RightAligned()).AddColumn("detail").AddColumn(new TableColumn("load avg").RightAligned());
        void Row(string measure, string value, string detail, double load) =>
            table.AddRow(Markup.Escape(measure), Markup.Escape(value), Markup.Escape(detail), load < 0 ? "" : load.ToString("F2", CultureInfo.InvariantCulture));

        Row("sample generation", $"{r.Sample.Seconds:F1} s", r.Sample.Reused ? "reused" : $"{r.Sample.Rows:N0} rows, {r.Sample.Bytes / 1048576.0:N0} MB of CSV, {r.Sample.OrdersPerDay:N0} orders/shop/day", r.Sample.LoadAverage);
        Row("raw floor", $"{r.RawFloor.RowsPerSecond:N0} rows/s", $"{r.RawFloor.Rows:N0} rows in {r.RawFloor.Seconds:F1} s; order lines {r.RawFloor.OrderLineRowsPerSecond:N0} rows/s; {r.RawFloor.Method}", r.RawFloor.LoadAverage);
        Row("staging load", $"{r.StagingLoad.RowsPerSecond:N0} rows/s", $"{r.StagingLoad.Rows:N0} rows in {r.StagingLoad.Seconds:F1} s; order lines {r.StagingLoad.OrderLineRowsPerSecond:N0} rows/s", r.StagingLoad.LoadAverage);
        Row("staging / floor", $"{r.StagingToFloorRatio:P0}", $"order lines alone {r.OrderLineStagingToFloorRatio:P0}", -1);
        Row("full transform", $"{r.FullTransform.Seconds:F1} s", $"{r.FullTransform.OrderLinesPerSecond:N0} order lines/s, {r.FullTransform.AffectedDays} days; {r.FullToFloorRatio:F1}x the raw floor", r.FullTransform.LoadAverage);
        foreach (var step in r.FullTransform.Steps)
        {
            Row("  " + step.Step, $"{step.Seconds:F2} s", $"{step.RowsWritten:N0} rows", -1);
        }

        Row("incremental day", $"{r.IncrementalTransform.Seconds:F2} s",
            $"{r.IncrementalTransform.From}: {r.IncrementalTransform.AffectedDays} days recomputed, {r.IncrementalTransform.OrderLines:N0} lines; {r.IncrementalShareOfFull:P1} of full", r.IncrementalTransform.LoadAverage);
        foreach (var step in r.IncrementalTransform.Steps.Where(s => s.Seconds >= 0.05))
        {
            Row("  " + step.Step, $"{step.Seconds:F2} s", $"{step.RowsWritten:N0} rows", -1);
        }

        Row("late returns file", $"{r.LateReturnsTransform.Seconds:F2} s",
            $"{r.LateReturnsTransform.AffectedDays} days recomputed, {r.LateReturnsTransform.OrderLines:N0} lines; {r.LateReturnsShareOfFull:P1} of full", r.LateReturnsTransform.LoadAverage);
        foreach (var step in r.LateReturnsTransform.Steps.Where(s => s.Seconds >= 0.05))
        {
            Row("  " + step.Step, $"{step.Seconds:F2} s", $"{step.RowsWritten:N0} rows", -1);
        }

        foreach (var (name, transform) in new[] { ("full", r.FullTransform), ("incremental day", r.IncrementalTransform), ("late returns", r.LateReturnsTransform) })
        {
            if (transform.Readers is { } readers)
            {
                Row($"readers during publish ({name})", $"max {readers.MaxSeconds:F2} s",
                    $"p99 {readers.P99Seconds:F2} s, median {readers.MedianSeconds:F3} s over {readers.Queries:N0} queries ({readers.BlockedOverOneSecond} waited > 1 s for a lock); idle median {readers.IdleMedianSeconds:F3} s", -1);
            }
        }

        Row("report (busiest week)", r.Report.Error is null ? $"{r.Report.Seconds:F2} s" : "failed",
            r.Report.Error ?? $"{r.Report.Week}: {r.Report.Skus:N0} SKUs, {r.Report.Campaigns:N0} campaigns, {r.Report.Bytes / 1024.0:N0} KB", r.Report.LoadAverage);
        Row("peak working set", $"{r.Memory.PeakBytes / 1048576.0:N0} MB",
            $"generate {r.Memory.GenerateBytes / 1048576.0:N0}, floor and split {r.Memory.PortionsBytes / 1048576.0:N0}, load {r.Memory.LoadBytes / 1048576.0:N0}, transform {r.Memory.TransformBytes / 1048576.0:N0}, report {r.Memory.ReportBytes / 1048576.0:N0} MB{(r.Memory.PerPhase ? "" : " (cumulative)")}", -1);
        Row("database size", $"{r.DatabaseBytes / 1048576.0:N0} MB", "after the full and incremental transforms", r.Machine.LoadAverageEnd);
        AnsiConsole.Write(table);

        var targets = new Table().Border(TableBorder.Rounded).Title("targets (issues 7 and 12)").AddColumn("target").AddColumn("goal").AddColumn(new TableColumn("measured").RightAligned()).AddColumn("holds");
        foreach (var target in r.Targets)
        {
            targets.AddRow(Markup.Escape(target.Name), Markup.Escape(target.Goal), Markup.Escape(target.Measured),
                target.Holds switch { true => "[green]yes[/]", false => "[red]no[/]", _ => "" });
        }

        AnsiConsole.Write(targets);
    }

    private sealed class Progress(Action<string> report) : IProgress<string>
    {
        public void Report(string value) => report(value);
    }
}
