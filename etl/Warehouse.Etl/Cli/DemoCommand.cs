using System.CommandLine;
using System.Diagnostics;
using System.Globalization;
using Dapper;
using Spectre.Console;
using Warehouse.Database;
using Warehouse.Extract;
using Warehouse.Import;
using Warehouse.Logging;
using Warehouse.Report;
using Warehouse.Reports;
using Warehouse.Sample;
using Warehouse.Sandbox;
using Warehouse.Transform;

namespace Warehouse.Cli;

/// <summary>
/// `warehouse demo`: the whole flow on generated data. Starts the default database if needed,
/// migrates it (the one command besides migrate and serve that does), writes sample data, loads it, transforms, writes the workbook for the last week of
/// data, and prints the top and bottom 10 SKUs by contribution after ads.
/// </summary>
public static class DemoCommand
{
    public static Command Create()
    {
        var folder = new Option<string>("--out") { Description = "Folder for the sample data and the workbook", DefaultValueFactory = _ => Path.Combine(RepositoryRoot.Find(), "out", "demo") };
        var viaSandbox = new Option<bool>("--via-sandbox")
        {
            Description = "Serve the sample from the local TikTok sandbox and extract it through the real Shop and Marketing API clients (signing, paging, watermarks) instead of loading the files",
        };
        var command = new Command("demo", "Run the whole flow on generated sample data and print the best and worst SKUs")
        {
            folder, SampleCommand.Shops, SampleCommand.Skus, SampleCommand.Days, SampleCommand.Seed, SampleCommand.OrdersPerDay, viaSandbox,
        };
        command.SetAction(async (parse, cancellationToken) =>
        {
            var context = new CliContext();
            var output = Path.GetFullPath(parse.GetValue(folder)!);
            var sampleFolder = Path.Combine(output, "sample");
            var options = SampleCommand.OptionsFrom(parse);
            var sandbox = parse.GetValue(viaSandbox);
            AnsiConsole.MarkupLine($"[grey]database:[/] {Markup.Escape(context.Database.Describe())}");
            // The demo sets up the database it runs on (the private cluster, or the one configured), so it
            // migrates it when it is behind, as `warehouse migrate` would; every other command only checks the schema.
            var migrated = Migrator.MigrateIfBehind(context.Database);
            if (migrated.ScriptsRun > 0)
            {
                AnsiConsole.MarkupLine($"[grey]migrated:[/] {migrated.ScriptsRun} scripts applied");
            }

            var clock = Stopwatch.StartNew();
            string[] steps = sandbox ? ["sample", "sandbox", "extract", "seller files", "transform", "report"] : ["sample", "load", "transform", "report"];
            var workbook = await context.RunAsync("demo", $"--out {output} {options}" + (sandbox ? " --via-sandbox" : ""), async (connection, runId) =>
            {
                // The demo writes staging and transforms: the staging lock, as every staging writer and the transform take it.
                await using var staging = await context.StagingLockAsync("demo", 300, cancellationToken);
                var path = await ConsoleProgress.RunAsync(steps, async progress =>
                {
                    if (Directory.Exists(sampleFolder))
                    {
                        Directory.Delete(sampleFolder, recursive: true);
                    }

                    SampleCommand.Generate(options, sampleFolder, progress);
                    if (sandbox)
                    {
                        await ExtractFromSandboxAsync(context, connection, runId, options, sampleFolder, progress, cancellationToken);
                    }
                    else
                    {
                        await LoadCommand.LoadAsync(context, sampleFolder, runId, progress: progress);
                    }

                    await TransformCommand.RunAsync(context, connection, runId, new TransformOptions(), progress);
                    return await WriteWorkbookAsync(connection, runId, output, progress);
                });
                await PrintSkuTableAsync(connection);
                await PrintAlertsAsync(connection, Warehouse.Sample.SampleGenerator.PlantedAlerts(options));
                return path;
            });
            AnsiConsole.MarkupLine($"[green]workbook:[/] {Markup.Escape(workbook)}");
            AnsiConsole.MarkupLine($"[grey]demo:[/] {clock.Elapsed.TotalSeconds:F1} s" + (sandbox ? " (via the sandbox and the TikTok API clients)" : ""));
        });
        return command;
    }

    /// <summary>
    /// The alerts of the latest day: every one the sample planted (a restock: the costliest), then the most severe and
    /// costly of each rule up to three, and how to list them all.
    /// </summary>
    private static async Task PrintAlertsAsync(System.Data.Common.DbConnection connection, IReadOnlyList<Warehouse.Sample.PlantedAlert> planted)
    {
        var alerts = await Warehouse.Alerts.AlertQueries.ListAsync(connection, null, null);
        bool IsPlanted(Warehouse.Alerts.AlertLine a) => planted.Any(p => p.RuleCode == a.RuleCode && p.ShopId == a.ShopId && p.RuleCode != "restock"
            && (p.SkuId is null || p.SkuId == a.SkuId) && (p.CampaignId is null || p.CampaignId == a.CampaignId) && p.Subject == a.Subject);
        var shown = alerts.GroupBy(a => a.RuleCode).SelectMany(rule => rule.OrderByDescending(IsPlanted).Take(3))
            .OrderBy(a => a.SeverityRank).ThenBy(a => a.RuleCode, StringComparer.Ordinal).ThenByDescending(a => a.MoneyAmount ?? 0m).ToList();
        AlertsCommand.Write(shown, "table", Console.Out);
        var open = alerts.Where(a => a.Status == "open").ToList();
        var resolved = alerts.Count - open.Count; // episodes a rerun closed on the day (their rule no longer holds)
        AnsiConsole.MarkupLine($"[grey]alerts:[/] {open.Count} open on the latest day ({string.Join(", ", open.GroupBy(a => a.RuleCode).Select(g => $"{g.Key} {g.Count()}"))})" +
                               (resolved > 0 ? $", {resolved} resolved" : "") + "; [grey]`./warehouse alerts --format json` lists them all[/]");
    }

    /// <summary>
    /// The sample served by the sandbox on a free loopback port (the files just written, not generated again),
    /// extracted through the real Shop and Marketing API clients into staging; then the files of the tables the
    /// APIs do not fill (ad_product_map, affiliate_order, cost_setting, expense, shipping_rate, sku_cost, touchpoint, and fx_rate) from the sample folder.
    /// </summary>
    private static async Task ExtractFromSandboxAsync(
        CliContext context, System.Data.Common.DbConnection connection, long runId, SampleOptions options, string sampleFolder, IStepProgress progress, CancellationToken cancellationToken)
    {
        progress.Start("sandbox");
        await using var server = new SandboxServer(new SandboxOptions(0, options, new HashSet<string>()), SandboxData.FromFolder(sampleFolder)).Start();
        progress.Complete("sandbox", $"TikTok sandbox on {server.Url}");

        // Every day the sample has, with room for late updates and settlements on both sides (explicit dates: no watermark involved).
        var end = options.EndDate ?? SampleOptions.DefaultEndDate;
        var window = new Extract.ExtractOptions(end.AddDays(-options.Days - 7), end.AddDays(7));
        var (results, _) = await Extract.ExtractWithProgress.RunAsync(context.Database, connection, runId, TikTokSettings.ForSandbox(server.Url), new ResilienceSettings(), window, progress, cancellationToken);
        var failures = results.Where(r => !r.Succeeded).ToList();
        if (failures.Count > 0)
        {
            throw new WarehouseException($"extract from the sandbox: {string.Join("; ", failures.Select(f => $"{f.Source} {f.Scope}: {f.Error}"))}");
        }

        const string step = "seller files";
        progress.Start(step, SellerFiles.NotFromApi(sampleFolder).Count);
        long rows = 0;
        var clock = Stopwatch.StartNew();
        var files = await new SellerFiles(context.Database).LoadNotFromApiAsync(sampleFolder, runId, new SynchronousProgress<SellerFiles.FileResult>(file =>
        {
            rows += file.RowsRead;
            progress.Advance(step, 1, $"{file.Kind}, {rows:N0} rows ({rows / Math.Max(clock.Elapsed.TotalSeconds, 0.001):N0} rows/s)");
        }), cancellationToken);
        progress.Complete(step, $"{files.Count} files, {rows:N0} rows ({rows / Math.Max(clock.Elapsed.TotalSeconds, 0.001):N0} rows/s)");
    }

    /// <summary>The workbook of the ISO week of the latest facts.</summary>
    private static async Task<string> WriteWorkbookAsync(System.Data.Common.DbConnection connection, long runId, string output, IStepProgress progress)
    {
        progress.Start("report");
        var lastDay = await connection.ExecuteScalarAsync<int?>("SELECT MAX(date_key) FROM fact.sku_daily") ?? 0;
        var last = DateOnly.ParseExact(lastDay.ToString(CultureInfo.InvariantCulture), "yyyyMMdd", CultureInfo.InvariantCulture);
        var week = $"{ISOWeek.GetYear(last.ToDateTime(TimeOnly.MinValue))}-W{ISOWeek.GetWeekOfYear(last.ToDateTime(TimeOnly.MinValue)):00}";
        var (from, to, _) = ReportPeriod.Range(null, null, week);
        var path = Path.Combine(output, $"sku-profit-all-{week}.xlsx");
        await ReportPeriod.WriteAsync(connection, new ReportRequest(from, to, null, runId), path);
        progress.Complete("report", Path.GetFileName(path));
        return path;
    }

    private sealed record SkuRow(string ShopName, string Currency, string SkuId, string ProductName, string Tier, decimal NetRevenue, decimal AdSpend, decimal ContributionAfterAds, string Reason);

    private static async Task PrintSkuTableAsync(System.Data.Common.DbConnection connection)
    {
        var rows = (await connection.QueryAsync<SkuRow>(
            """
            SELECT shop_name AS ShopName, currency AS Currency, sku_id AS SkuId, product_name AS ProductName, tier AS Tier, net_revenue AS NetRevenue,
                   ad_spend AS AdSpend, contribution_after_ads AS ContributionAfterAds, reason AS Reason
            FROM rpt.sku_profit
            WHERE period_end_date_key = (SELECT MAX(period_end_date_key) FROM fact.sku_period)
            ORDER BY contribution_after_ads DESC, sku_id
            """)).ToList();

        var periodNote = "latest 28-day review period";
        Print($"Top 10 SKUs by contribution after ads ({periodNote})", rows.Take(10));
        Print($"Bottom 10 SKUs by contribution after ads ({periodNote})", rows.AsEnumerable().Reverse().Take(10));
    }

    private static void Print(string title, IEnumerable<SkuRow> rows)
    {
        if (Console.IsOutputRedirected)
        {
            AnsiConsole.Profile.Width = 180;
        }

        var table = new Table().Title(title).Border(TableBorder.Rounded);
        foreach (var header in new[] { "Shop", "SKU", "Product", "Tier", "Currency", "Net revenue", "Ad spend", "Contribution after ads", "Why" })
        {
            table.AddColumn(header);
        }

        foreach (var row in rows)
        {
            table.AddRow(
                Markup.Escape(row.ShopName), Markup.Escape(row.SkuId), Markup.Escape(Shorten(row.ProductName, 32)), row.Tier,
                row.Currency, row.NetRevenue.ToString("N2", CultureInfo.InvariantCulture), row.AdSpend.ToString("N2", CultureInfo.InvariantCulture),
                row.ContributionAfterAds.ToString("N2", CultureInfo.InvariantCulture), Markup.Escape(Shorten(row.Reason, 70)));
        }

        AnsiConsole.Write(table);
    }

    private static string Shorten(string text, int length) => text.Length <= length ? text : text[..(length - 1)] + "…";
}
