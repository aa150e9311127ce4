using System.CommandLine;
using System.Globalization;
using Dapper;
using Serilog;
using Warehouse.Database;
using Warehouse.Report;
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
            var (first, last, _) = ReportPeriod.Range(parse.GetValue(from), parse.GetValue(to), parse.GetValue(week));
            var shopId = parse.GetValue(shop);
            var context = new CliContext();
            var path = parse.GetValue(output) ?? new ReportRequest(first, last, shopId, null).DefaultFileName;
            await WriteAsync(context, first, last, shopId, path);
            Console.WriteLine($"workbook: {Path.GetFullPath(path)}");
        });
        return command;
    }

    /// <summary>The workbook of a range of days; reads rpt only, so a warehouse_reader login can run it.</summary>
    public static Task<string> WriteAsync(CliContext context, DateOnly first, DateOnly last, string? shopId, string path)
    {
        var arguments = $"--from {first:yyyy-MM-dd} --to {last:yyyy-MM-dd}{(shopId is null ? "" : " --shop " + shopId)} --out {path}";
        return context.ReadAsync("report", arguments, async (connection, runId) =>
        {
            if (shopId is not null && await connection.ExecuteScalarAsync<int>("SELECT COUNT(*) FROM rpt.dim_shop WHERE shop_id = @shopId", new { shopId }) == 0)
            {
                throw new WarehouseException($"--shop: no shop '{shopId}' in the warehouse (see rpt.dim_shop)");
            }

            return await ReportPeriod.WriteAsync(connection, new ReportRequest(first, last, shopId, runId), path);
        });
    }
}
