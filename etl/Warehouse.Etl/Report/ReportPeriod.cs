using System.Globalization;
using Serilog;
using Warehouse.Database;
using Warehouse.Reports;

namespace Warehouse.Report;

/// <summary>
/// The finance workbook of a range of days: the range from --week or --from/--to, and the workbook read from
/// the rpt views and written. What `warehouse report`, the demo and the weekly report job run.
/// </summary>
public static class ReportPeriod
{
    public static async Task<string> WriteAsync(System.Data.Common.DbConnection connection, ReportRequest request, string path)
    {
        var data = await ReadAsync(connection, request);
        SkuProfitWorkbook.Write(path, data);
        Log.Information("wrote {Path} with {Skus} SKUs and {Campaigns} campaigns", path, data.Lines.Count, data.Campaigns.Count);
        return path;
    }

    /// <summary>Everything the workbook shows, read in one snapshot (a publish meanwhile is seen whole or not at all).</summary>
    public static Task<ReportData> ReadAsync(System.Data.Common.DbConnection connection, ReportRequest request, Func<string, Task>? reading = null) =>
        SnapshotRead.RunAsync(connection, () => SkuProfitQueries.ReadAsync(connection, request, reading));

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
