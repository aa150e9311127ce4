using System.CommandLine;
using System.Globalization;
using Warehouse.Database;
using Warehouse.Extract;
using Warehouse.Logging;

namespace Warehouse.Cli;

/// <summary>`warehouse extract`: TikTok Shop and Marketing API (or the local sandbox) into stg, incrementally.</summary>
public static class ExtractCommand
{
    public static Command Create()
    {
        var source = new Option<string>("--source") { Description = "tiktok (credentials from configuration) or sandbox", DefaultValueFactory = _ => "tiktok" };
        var sandboxUrl = new Option<string>("--sandbox-url") { Description = "Where `warehouse sandbox` listens", DefaultValueFactory = _ => "http://127.0.0.1:8765" };
        var from = new Option<string?>("--from") { Description = "First day to read (yyyy-MM-dd); default: each source's watermark minus its lookback" };
        var to = new Option<string?>("--to") { Description = "Last day to read (yyyy-MM-dd); default: today (UTC)" };
        var shop = new Option<string?>("--shop") { Description = "Only this shop id" };
        var attemptTimeout = new Option<int>("--attempt-timeout") { Description = "Seconds before one HTTP attempt is abandoned and retried", DefaultValueFactory = _ => 30 };
        var lockTimeout = CliContext.LockTimeout();
        var command = new Command("extract", "Read TikTok Shop orders, returns, cancellations, settlements, products and TikTok Ads into staging")
        {
            source, sandboxUrl, from, to, shop, attemptTimeout, lockTimeout,
        };
        command.SetAction(async (parse, cancellationToken) =>
        {
            var context = new CliContext();
            var settings = parse.GetValue(source) switch
            {
                "sandbox" => TikTokSettings.ForSandbox(parse.GetValue(sandboxUrl)!),
                "tiktok" => TikTokSettings.FromConfiguration(WarehouseSettings.LoadConfiguration()),
                var other => throw new WarehouseException($"--source must be tiktok or sandbox, not '{other}'"),
            };
            var options = new ExtractOptions(Day(parse.GetValue(from), "--from"), Day(parse.GetValue(to), "--to"), parse.GetValue(shop));
            var resilience = new ResilienceSettings(AttemptTimeout: TimeSpan.FromSeconds(parse.GetValue(attemptTimeout)));
            var arguments = string.Join(' ', parse.Tokens.Select(t => t.Value));
            var results = await context.RunAsync("extract", arguments, async (connection, runId) =>
            {
                await using var staging = await context.StagingLockAsync("extract", parse.GetValue(lockTimeout), cancellationToken);
                return await RunAsync(context, connection, runId, settings, resilience, options, cancellationToken);
            });
            _ = results;
        });
        return command;
    }

    public static async Task<IReadOnlyList<SourceResult>> RunAsync(
        CliContext context, System.Data.Common.DbConnection connection, long runId, TikTokSettings settings, ResilienceSettings resilience, ExtractOptions options, CancellationToken cancellationToken)
    {
        var (results, retries) = await ConsoleProgress.RunAsync(["extract"], progress => ExtractWithProgress.RunAsync(context.Database, connection, runId, settings, resilience, options, progress, cancellationToken));
        foreach (var group in results.GroupBy(r => r.Source))
        {
            var failed = group.Where(r => !r.Succeeded).ToList();
            Console.WriteLine($"{group.Key,-26} {group.Sum(r => r.Pages),6:N0} pages {group.Sum(r => r.RowsRead),9:N0} rows read {group.Sum(r => r.RowsWritten),9:N0} written"
                + (failed.Count > 0 ? $"  FAILED for {string.Join(", ", failed.Select(f => f.Scope))}: {failed[0].Error}" : ""));
        }

        Console.WriteLine($"extract: {results.Sum(r => r.RowsRead):N0} rows read, {results.Sum(r => r.RowsWritten):N0} written, {retries:N0} retries");
        var failures = results.Where(r => !r.Succeeded).ToList();
        if (failures.Count > 0)
        {
            throw new WarehouseException($"{failures.Count} source(s) failed, the others finished: {string.Join("; ", failures.Select(f => $"{f.Source} {f.Scope}: {f.Error}"))}");
        }

        return results;
    }

    private static DateOnly? Day(string? text, string option) =>
        text is null ? null
        : DateOnly.TryParseExact(text, "yyyy-MM-dd", CultureInfo.InvariantCulture, DateTimeStyles.None, out var day) ? day
        : throw new WarehouseException($"{option} must be a date (yyyy-MM-dd), not '{text}'");
}
