using System.Data.Common;
using Dapper;

namespace Warehouse.Alerts;

/// <summary>Reads alert episodes from rpt.alert and records their delivery per channel (etl.alert_delivery, fact.alert.delivered_at).</summary>
public static class AlertQueries
{
    private const string Columns =
        """
        SELECT alert_id AS AlertId, rule_code AS RuleCode, subject_type AS SubjectType, severity AS Severity, episode_status AS Status,
               shop_id AS ShopId, shop_name AS ShopName, currency AS Currency, sku_id AS SkuId, campaign_id AS CampaignId, subject AS Subject,
               opened_on AS OpenedOnValue, last_seen_on AS LastSeenOnValue, resolved_on AS ResolvedOnValue, measured_value AS MeasuredValue,
               baseline_value AS BaselineValue, threshold_value AS ThresholdValue, money_amount AS MoneyAmount, alert_message AS Message
        FROM rpt.alert
        """;

    private const string Order = " ORDER BY shop_id, CASE severity WHEN 'high' THEN 0 WHEN 'warning' THEN 1 ELSE 2 END, money_amount DESC, alert_id";

    /// <summary>Episodes seen on or after <paramref name="since"/> (default: the latest day any was seen), of one shop or all.</summary>
    public static async Task<IReadOnlyList<AlertLine>> ListAsync(DbConnection connection, DateOnly? since, string? shopId)
    {
        var from = since ?? AlertLine.Day(await connection.ExecuteScalarAsync<object?>("SELECT MAX(last_seen_on) FROM fact.alert"));
        if (from is null)
        {
            return [];
        }

        return (await connection.QueryAsync<AlertLine>(
            Columns + " WHERE last_seen_on >= @from" + (shopId is null ? "" : " AND shop_id = @shopId") + Order,
            new { from = from.Value.ToDateTime(TimeOnly.MinValue), shopId })).ToList();
    }

    /// <summary>Open episodes no digest has carried on this channel yet (a failed delivery stays here until one succeeds).</summary>
    public static async Task<IReadOnlyList<AlertLine>> UndeliveredAsync(DbConnection connection, string channel) =>
        (await connection.QueryAsync<AlertLine>(
            Columns + """
             WHERE delivered_at IS NULL AND episode_status = 'open'
               AND NOT EXISTS (SELECT 1 FROM etl.alert_delivery AS delivery WHERE delivery.alert_id = rpt.alert.alert_id AND delivery.channel = @channel)
            """ + Order, new { channel })).ToList();

    /// <summary>Records that <paramref name="channel"/> accepted these episodes; an episode every channel accepted gets delivered_at.</summary>
    public static async Task MarkDeliveredAsync(DbConnection connection, IEnumerable<long> alertIds, string channel, IReadOnlyCollection<string> channels, long runId, DateTimeOffset at)
    {
        var ids = alertIds.ToList();
        await using var transaction = await connection.BeginTransactionAsync();
        await connection.ExecuteAsync(
            "INSERT INTO etl.alert_delivery (alert_id, channel, delivered_at, etl_run_id) VALUES (@alertId, @channel, @at, @runId)",
            ids.Select(id => new { alertId = id, channel, at, runId }), transaction);

        // Every configured channel has it (a channel dropped from the configuration later no longer holds it back).
        await connection.ExecuteAsync(
            """
            UPDATE fact.alert SET delivered_at = @at
            WHERE alert_id = @alertId AND delivered_at IS NULL
              AND (SELECT COUNT(*) FROM etl.alert_delivery AS delivery WHERE delivery.alert_id = @alertId) >= @channelCount
            """, ids.Select(id => new { at, alertId = id, channelCount = channels.Count }), transaction);

        await transaction.CommitAsync();
    }
}
