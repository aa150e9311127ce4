using System.CommandLine;
using System.Globalization;
using Dapper;
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
        var output = new Option<string?>("--out") { Description = "Workbook path (default: sku-profit-<shop or all>-<iso week or dates>.xlsx)" };
        var command = new Command("report", "Write the SKU profit workbook (Excel)") { from, to, week, shop, output };
        command.SetAction(async parse =>
        {
            var (first, last, _) = Range(parse.GetValue(from), parse.GetValue(to), parse.GetValue(week));
            var shopId = parse.GetValue(shop);
            var context = new CliContext();
            var path = parse.GetValue(output) ?? new ReportRequest(first, last, shopId, null).DefaultFileName;
            var arguments = $"--from {first:yyyy-MM-dd} --to {last:yyyy-MM-dd}{(shopId is null ? "" : " --shop " + shopId)} --out {path}";
            await context.RunAsync("report", arguments, async (connection, runId) =>
            {
                if (shopId is not null && await connection.ExecuteScalarAsync<int>("SELECT COUNT(*) FROM rpt.dim_shop WHERE shop_id = @shopId", new { shopId }) == 0)
                {
                    throw new WarehouseException($"--shop: no shop '{shopId}' in the warehouse (see rpt.dim_shop)");
                }

                return await WriteAsync(connection, new ReportRequest(first, last, shopId, runId), path);
            });
            Console.WriteLine($"workbook: {Path.GetFullPath(path)}");
        });
        return command;
    }

    public static async Task<string> WriteAsync(System.Data.Common.DbConnection connection, ReportRequest request, string path)
    {
        var data = await SkuProfitQueries.ReadAsync(connection, request);
        SkuProfitWorkbook.Write(path, data);
        Log.Information("wrote {Path} with {Skus} SKUs and {Campaigns} campaigns", path, data.Lines.Count, data.Campaigns.Count);
        return path;
    }

    public static (DateOnly From, DateOnly To, string Label) Range(DateOnly? from, DateOnly? to, string? week)
    {
        if (week is not null)
        {
            var parts = week.Split("-W");
            if (parts.Length != 2 || !int.TryParse(parts[0], out var year) || !int.TryParse(parts[1], out var number) || year is < 1 or > 9998 || number < 1 || number > ISOWeek.GetWeeksInYear(year))
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
