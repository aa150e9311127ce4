namespace Warehouse.Alerts;

/// <summary>One alert episode as rpt.alert shows it (profit model section 8).</summary>
public sealed class AlertLine
{
    public long AlertId { get; init; }
    public string RuleCode { get; init; } = "";
    public string SubjectType { get; init; } = "";
    public string Severity { get; init; } = "";
    public string Status { get; init; } = "";
    public string? ShopId { get; init; }
    public string? ShopName { get; init; }
    public string? Currency { get; init; }
    public string? SkuId { get; init; }
    public string? CampaignId { get; init; }
    public string Subject { get; init; } = "";
    /// <summary>The date columns as the provider returns them (DateOnly from Npgsql, DateTime from SqlClient).</summary>
    public object OpenedOnValue { get; init; } = DateOnly.MinValue;
    public object LastSeenOnValue { get; init; } = DateOnly.MinValue;
    public object? ResolvedOnValue { get; init; }
    public DateOnly OpenedOn => Day(OpenedOnValue)!.Value;
    public DateOnly LastSeenOn => Day(LastSeenOnValue)!.Value;
    public DateOnly? ResolvedOn => Day(ResolvedOnValue);
    public decimal? MeasuredValue { get; init; }
    public decimal? BaselineValue { get; init; }
    public decimal? ThresholdValue { get; init; }
    public decimal? MoneyAmount { get; init; }
    public string Message { get; init; } = "";

    public static DateOnly? Day(object? value) => value switch
    {
        DateOnly day => day,
        DateTime time => DateOnly.FromDateTime(time),
        _ => null,
    };

    /// <summary>high first, then warning, then info.</summary>
    public int SeverityRank => Severity switch { "high" => 0, "warning" => 1, _ => 2 };
}
