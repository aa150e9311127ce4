namespace Warehouse.Reports;

/// <summary>What a workbook covers: an inclusive range of shop-local days, optionally one shop.</summary>
public sealed record ReportRequest(DateOnly From, DateOnly To, string? ShopId, long? RunId)
{
    public int FromKey => From.Year * 10000 + From.Month * 100 + From.Day;
    public int ToKey => To.Year * 10000 + To.Month * 100 + To.Day;
}
