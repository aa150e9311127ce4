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
    public DateTime OpenedOn { get; init; }
    public DateTime LastSeenOn { get; init; }
    public DateTime? ResolvedOn { get; init; }
    public decimal? MeasuredValue { get; init; }
    public decimal? BaselineValue { get; init; }
    public decimal? ThresholdValue { get; init; }
    public decimal? MoneyAmount { get; init; }
    public string Message { get; init; } = "";

    /// <summary>high first, then warning, then info.</summary>
    public int SeverityRank => Severity switch { "high" => 0, "warning" => 1, _ => 2 };
}
