using System.CommandLine;
using System.Globalization;
using System.Text.Json;
using CsvHelper;
using CsvHelper.Configuration;
using Spectre.Console;
using Warehouse.Alerts;
using Warehouse.Database;
using Warehouse.Schedule;

namespace Warehouse.Cli;

/// <summary>
/// `warehouse alerts [--since D] [--shop ID] [--format table|json|csv] [--send]`: the alert episodes seen on or after
/// a day (default: the latest day with alerts), most severe and costly first; --send delivers the digest now, as the
/// scheduled digest job does.
/// </summary>
public static class AlertsCommand
{
    public static Command Create()
    {
        var since = new Option<DateOnly?>("--since") { Description = "Episodes seen on or after this day (default: the latest day with alerts)" };
        var shop = new Option<string?>("--shop") { Description = "One shop id" };
        var format = new Option<string>("--format") { Description = "table, json or csv", DefaultValueFactory = _ => "table" };
        format.AcceptOnlyFromAmong("table", "json", "csv");
        var send = new Option<bool>("--send") { Description = "Send the digest of undelivered alerts now (e-mail and webhook as configured)" };
        var command = new Command("alerts", "List the SKU, campaign and money alerts; optionally send the digest") { since, shop, format, send };
        command.SetAction(async (parse, cancellationToken) =>
        {
            var configuration = WarehouseSettings.LoadConfiguration();
            var database = WarehouseDatabase.FromSettings(WarehouseSettings.From(configuration));
            if (parse.GetValue(send))
            {
                Migrator.EnsureCurrent(database);
                var work = new WarehouseWork(database, ScheduleOptions.From(configuration));
                var outcome = await work.DigestAsync("cli", cancellationToken);
                Console.Error.WriteLine($"digest: {outcome.Summary}");
            }

            var alerts = await ListAsync(database, parse.GetValue(since), parse.GetValue(shop), cancellationToken);
            Write(alerts, parse.GetValue(format)!, Console.Out);
        });
        return command;
    }

    /// <summary>The listing as the command runs it: the schema is checked, never changed, so a warehouse_reader login can run it.</summary>
    public static async Task<IReadOnlyList<AlertLine>> ListAsync(WarehouseDatabase database, DateOnly? since, string? shop, CancellationToken cancellationToken = default)
    {
        Migrator.EnsureCurrent(database);
        await using var connection = await database.OpenAsync(cancellationToken);
        return await AlertQueries.ListAsync(connection, since, shop);
    }

    public static void Write(IReadOnlyList<AlertLine> alerts, string format, TextWriter output)
    {
        switch (format)
        {
            case "json":
                output.WriteLine(JsonSerializer.Serialize(alerts.Select(Row), new JsonSerializerOptions
                {
                    WriteIndented = true, PropertyNamingPolicy = JsonNamingPolicy.SnakeCaseLower,
                    Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping,
                }));
                break;
            case "csv":
                using (var csv = new CsvWriter(output, new CsvConfiguration(CultureInfo.InvariantCulture) { NewLine = "\n" }, leaveOpen: true))
                {
                    csv.WriteRecords(alerts.Select(Row));
                }

                break;
            default:
                if (Console.IsOutputRedirected)
                {
                    AnsiConsole.Profile.Width = 240;
                }

                var table = new Table().Title($"Alerts ({alerts.Count})").Border(TableBorder.Rounded);
                foreach (var header in new[] { "shop", "severity", "rule", "opened", "last seen", "status", "money", "message" })
                {
                    table.AddColumn(header);
                }

                foreach (var alert in alerts)
                {
                    table.AddRow(Markup.Escape(alert.ShopId ?? ""), alert.Severity == "high" ? "[red]high[/]" : Markup.Escape(alert.Severity), Markup.Escape(alert.RuleCode),
                        Day(alert.OpenedOn), Day(alert.LastSeenOn), alert.ResolvedOn is { } resolved ? "resolved " + Day(resolved) : "open",
                        Markup.Escape(AlertDigest.Money(alert)), Markup.Escape(alert.Message));
                }

                if (alerts.Count == 0)
                {
                    table.AddRow("[grey]no alerts[/]", "", "", "", "", "", "", "");
                }

                AnsiConsole.Write(table);
                break;
        }
    }

    /// <summary>The fields of json and csv output, in this order, with invariant dates.</summary>
    public sealed record Output(
        long AlertId, string? ShopId, string Severity, string RuleCode, string SubjectType, string? SkuId, string? CampaignId, string Subject,
        string OpenedOn, string LastSeenOn, string? ResolvedOn, decimal? MeasuredValue, decimal? BaselineValue, decimal? ThresholdValue,
        decimal? MoneyAmount, string? Currency, string Message);

    private static Output Row(AlertLine a) => new(
        a.AlertId, a.ShopId, a.Severity, a.RuleCode, a.SubjectType, a.SkuId, a.CampaignId, a.Subject, Day(a.OpenedOn), Day(a.LastSeenOn),
        a.ResolvedOn is { } resolved ? Day(resolved) : null, a.MeasuredValue, a.BaselineValue, a.ThresholdValue, a.MoneyAmount, a.Currency, a.Message);

    private static string Day(DateOnly day) => day.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture);
}
