using System.Globalization;
using System.Text;

namespace Warehouse.Alerts;

/// <summary>
/// The daily digest: new alert episodes grouped by shop and severity (high, warning, info), each
/// with its message (SKU or campaign and the money) in the seller's words.
/// </summary>
public sealed class AlertDigest(IReadOnlyList<AlertLine> alerts)
{
    public IReadOnlyList<AlertLine> Alerts { get; } = alerts;

    public bool IsEmpty => Alerts.Count == 0;

    public string Title =>
        $"Warehouse alerts: {Alerts.Count} new ({Count("high")} high, {Count("warning")} warning, {Count("info")} info)";

    public int Count(string severity) => Alerts.Count(a => a.Severity == severity);

    /// <summary>Shop by shop (name order), then severity, then the most money first.</summary>
    public IEnumerable<(string Shop, IEnumerable<(string Severity, IReadOnlyList<AlertLine> Alerts)> Severities)> Groups() =>
        Alerts.GroupBy(a => ShopLabel(a))
            .OrderBy(g => g.Key, StringComparer.Ordinal)
            .Select(shop => (shop.Key, shop.GroupBy(a => a.Severity)
                .OrderBy(g => g.First().SeverityRank)
                .Select(severity => (severity.Key, (IReadOnlyList<AlertLine>)severity
                    .OrderByDescending(a => a.MoneyAmount ?? 0m).ThenBy(a => a.RuleCode, StringComparer.Ordinal).ThenBy(a => a.AlertId).ToList()))));

    public static string ShopLabel(AlertLine alert) =>
        string.IsNullOrEmpty(alert.ShopName) ? alert.ShopId ?? "" : $"{alert.ShopName} ({alert.ShopId})";

    public static string Money(AlertLine alert) =>
        alert.MoneyAmount is { } money ? $"{money.ToString("N2", CultureInfo.InvariantCulture)} {alert.Currency}".TrimEnd() : "";

    /// <summary>Plain text for the e-mail.</summary>
    public string Text()
    {
        var text = new StringBuilder();
        text.AppendLine(Title).AppendLine();
        foreach (var (shop, severities) in Groups())
        {
            text.AppendLine(shop);
            foreach (var (severity, alerts) in severities)
            {
                text.AppendLine(CultureInfo.InvariantCulture, $"  {severity} ({alerts.Count})");
                foreach (var alert in alerts)
                {
                    text.AppendLine(CultureInfo.InvariantCulture, $"  - [{alert.RuleCode}] {alert.Message}");
                }
            }

            text.AppendLine();
        }

        text.AppendLine("warehouse alerts --format table lists every open episode.");
        return text.ToString();
    }
}
