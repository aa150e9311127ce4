using System.CommandLine;
using System.Globalization;
using Serilog;
using Warehouse.Database;
using Warehouse.Reports;

namespace Warehouse.Cli;

/// <summary>`warehouse report`: write the finance workbook for a range of days or an ISO week.</summary>
public static class ReportCommand
{
    public static Command Create()
    {
        var from = new Option<DateOnly?>("--from") { Description = "First day of the report" };
        var to = new Option<DateOnly?>("--to") { Description = "Last day of the report" };
        var week = new Option<string?>("--week") { Description = "ISO week, e.g. 2026-W47 (instead of --from/--to)" };
        var shop = new Option<string?>("--shop") { Description = "One shop id (default: all shops)" };
        var output = new Option<string?>("--out") { Description = "Workbook path (default: sku-profit-<shop>-<week or dates>.xlsx)" };
        var command = new Command("report", "Write the SKU profit workbook (Excel)") { from, to, week, shop, output };
        command.SetAction(async parse =>
        {
            var (first, last, label) = Range(parse.GetValue(from), parse.GetValue(to), parse.GetValue(week));
            var context = new CliContext();
            var path = parse.GetValue(output) ?? $"sku-profit-{parse.GetValue(shop) ?? "all"}-{label}.xlsx";
            await context.RunAsync("report", $"--from {first:yyyy-MM-dd} --to {last:yyyy-MM-dd} --out {path}", (connection, runId) =>
                WriteAsync(connection, new ReportRequest(first, last, parse.GetValue(shop), runId), path));
            Console.WriteLine($"workbook: {Path.GetFullPath(path)}");
        });
        return command;
    }

    public static async Task<string> WriteAsync(System.Data.Common.DbConnection connection, ReportRequest request, string path)
    {
        var lines = await SkuProfitQueries.SkuLinesAsync(connection, request);
        SkuProfitWorkbook.Write(path, request, lines);
        Log.Information("wrote {Path} with {Skus} SKUs", path, lines.Count);
        return path;
    }

    public static (DateOnly From, DateOnly To, string Label) Range(DateOnly? from, DateOnly? to, string? week)
    {
        if (week is not null)
        {
            var parts = week.Split("-W");
            if (parts.Length != 2 || !int.TryParse(parts[0], out var year) || !int.TryParse(parts[1], out var number) || number is < 1 or > 53)
            {
                throw new WarehouseException($"--week must look like 2026-W47, not '{week}'");
            }

            var monday = DateOnly.FromDateTime(ISOWeek.ToDateTime(year, number, DayOfWeek.Monday));
            return (monday, monday.AddDays(6), week);
        }

        if (from is null || to is null || from > to)
        {
            throw new WarehouseException("give --week, or --from and --to with --from on or before --to");
        }

        return (from.Value, to.Value, $"{from:yyyyMMdd}-{to:yyyyMMdd}");
    }
}
