using System.CommandLine;
using System.Globalization;
using Dapper;
using Spectre.Console;
using Warehouse.Database;
using Warehouse.Reports;
using Warehouse.Transform;

namespace Warehouse.Cli;

/// <summary>
/// `warehouse demo`: the whole flow on generated data. Starts the default database if needed,
/// migrates, writes sample data, loads it, transforms, writes the workbook for the last week of
/// data, and prints the top and bottom 10 SKUs by contribution after ads.
/// </summary>
public static class DemoCommand
{
    public static Command Create()
    {
        var folder = new Option<string>("--out") { Description = "Folder for the sample data and the workbook", DefaultValueFactory = _ => Path.Combine(RepositoryRoot.Find(), "out", "demo") };
        var command = new Command("demo", "Run the whole flow on generated sample data and print the best and worst SKUs")
        {
            folder, SampleCommand.Shops, SampleCommand.Skus, SampleCommand.Days, SampleCommand.Seed, SampleCommand.OrdersPerDay,
        };
        command.SetAction(async parse =>
        {
            var context = new CliContext();
            var output = Path.GetFullPath(parse.GetValue(folder)!);
            var sampleFolder = Path.Combine(output, "sample");
            var options = SampleCommand.OptionsFrom(parse);
            AnsiConsole.MarkupLine($"[grey]database:[/] {Markup.Escape(context.Database.Describe())}");

            var workbook = await context.RunAsync("demo", $"--out {output} {options}", async (connection, runId) =>
            {
                AnsiConsole.MarkupLine("[grey]sample:[/] writing " + Markup.Escape(sampleFolder));
                if (Directory.Exists(sampleFolder))
                {
                    Directory.Delete(sampleFolder, recursive: true);
                }

                var rows = SampleCommand.Generate(options, sampleFolder);
                AnsiConsole.MarkupLine($"[grey]sample:[/] {rows.Values.Sum():N0} rows in {rows.Count} files");
                var loaded = await LoadCommand.LoadAsync(context, sampleFolder, runId);
                AnsiConsole.MarkupLine($"[grey]load:[/] {loaded.Sum(r => r.RowsWritten):N0} rows into staging");
                var steps = await TransformCommand.RunAsync(context, connection, runId, new TransformOptions());
                AnsiConsole.MarkupLine($"[grey]transform:[/] {steps.Count} steps in {steps.Sum(s => s.Result.Seconds):F1} s");

                var lastDay = await connection.ExecuteScalarAsync<int?>("SELECT MAX(date_key) FROM fact.sku_daily") ?? 0;
                var last = DateOnly.ParseExact(lastDay.ToString(CultureInfo.InvariantCulture), "yyyyMMdd", CultureInfo.InvariantCulture);
                var week = $"{ISOWeek.GetYear(last.ToDateTime(TimeOnly.MinValue))}-W{ISOWeek.GetWeekOfYear(last.ToDateTime(TimeOnly.MinValue)):00}";
                var (from, to, _) = ReportCommand.Range(null, null, week);
                var path = Path.Combine(output, $"sku-profit-all-{week}.xlsx");
                await ReportCommand.WriteAsync(connection, new ReportRequest(from, to, null, runId), path);
                await PrintSkuTableAsync(connection);
                return path;
            });
            AnsiConsole.MarkupLine($"[green]workbook:[/] {Markup.Escape(workbook)}");
        });
        return command;
    }

    private sealed record SkuRow(string ShopName, string SkuId, string ProductName, string Tier, decimal NetRevenue, decimal AdSpend, decimal ContributionAfterAds, string Reason);

    private static async Task PrintSkuTableAsync(System.Data.Common.DbConnection connection)
    {
        var rows = (await connection.QueryAsync<SkuRow>(
            """
            SELECT shop_name AS ShopName, sku_id AS SkuId, product_name AS ProductName, tier AS Tier, net_revenue AS NetRevenue,
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
        foreach (var header in new[] { "Shop", "SKU", "Product", "Tier", "Net revenue", "Ad spend", "Contribution after ads", "Why" })
        {
            table.AddColumn(header);
        }

        foreach (var row in rows)
        {
            table.AddRow(
                Markup.Escape(row.ShopName), Markup.Escape(row.SkuId), Markup.Escape(Shorten(row.ProductName, 32)), row.Tier,
                row.NetRevenue.ToString("N2", CultureInfo.InvariantCulture), row.AdSpend.ToString("N2", CultureInfo.InvariantCulture),
                row.ContributionAfterAds.ToString("N2", CultureInfo.InvariantCulture), Markup.Escape(Shorten(row.Reason, 70)));
        }

        AnsiConsole.Write(table);
    }

    private static string Shorten(string text, int length) => text.Length <= length ? text : text[..(length - 1)] + "…";
}
