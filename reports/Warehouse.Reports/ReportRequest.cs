using System.Globalization;

namespace Warehouse.Reports;

/// <summary>What a workbook covers: an inclusive range of shop-local days, optionally one shop.</summary>
public sealed record ReportRequest(DateOnly From, DateOnly To, string? ShopId, long? RunId)
{
    public int FromKey => Key(From);

    public int ToKey => Key(To);

    /// <summary>Days in the range; the prior period and the prior-4 average use the same length.</summary>
    public int Days => To.DayNumber - From.DayNumber + 1;

    /// <summary>The ISO week (2026-W47) when the range is exactly one, else yyyyMMdd-yyyyMMdd.</summary>
    public string Label
    {
        get
        {
            var monday = From.ToDateTime(TimeOnly.MinValue);
            if (From.DayOfWeek == DayOfWeek.Monday && Days == 7)
            {
                return $"{ISOWeek.GetYear(monday)}-W{ISOWeek.GetWeekOfYear(monday):00}";
            }

            return $"{From:yyyyMMdd}-{To:yyyyMMdd}";
        }
    }

    /// <summary>sku-profit-&lt;shop or all&gt;-&lt;iso week&gt;.xlsx</summary>
    public string DefaultFileName => $"sku-profit-{SafeFilePart(ShopId ?? "all")}-{Label}.xlsx";

    /// <summary>The same number of days immediately before, <paramref name="periodsBack"/> periods back.</summary>
    public (DateOnly From, DateOnly To) Prior(int periodsBack) => (From.AddDays(-Days * periodsBack), To.AddDays(-Days * periodsBack));

    public static int Key(DateOnly day) => day.Year * 10000 + day.Month * 100 + day.Day;

    private static string SafeFilePart(string text) =>
        new(text.Select(c => char.IsLetterOrDigit(c) || c is '-' or '_' ? c : '_').ToArray());
}
