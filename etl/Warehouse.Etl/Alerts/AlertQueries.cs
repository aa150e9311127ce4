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

    // Episodes without a money figure last on both engines (PostgreSQL sorts NULL first in DESC, SQL Server last).
    private const string Order = " ORDER BY shop_id, CASE severity WHEN 'high' THEN 0 WHEN 'warning' THEN 1 ELSE 2 END, CASE WHEN money_amount IS NULL THEN 1 ELSE 0 END, money_amount DESC, alert_id";

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

    /// <summary>
    /// Open episodes no digest has carried or claimed on this channel yet (a failed delivery is released and comes back
    /// here; a claim never confirmed does not).
    /// </summary>
    public static async Task<IReadOnlyList<AlertLine>> UndeliveredAsync(DbConnection connection, string channel) =>
        (await connection.QueryAsync<AlertLine>(
            Columns + """
             WHERE delivered_at IS NULL AND episode_status = 'open'
               AND NOT EXISTS (SELECT 1 FROM etl.alert_delivery AS delivery WHERE delivery.alert_id = rpt.alert.alert_id AND delivery.channel = @channel)
            """ + Order, new { channel })).ToList();

    /// <summary>Before sending: claims the episodes for this channel and run (delivery_status sending), committed, so no other run sends them.</summary>
    public static async Task ClaimAsync(DbConnection connection, IEnumerable<long> alertIds, string channel, long runId, DateTimeOffset at) =>
        await connection.ExecuteAsync(
            "INSERT INTO etl.alert_delivery (alert_id, channel, delivered_at, etl_run_id, delivery_status) VALUES (@alertId, @channel, @at, @runId, 'sending')",
            alertIds.Select(id => new { alertId = id, channel, at, runId }));

    /// <summary>The channel refused (after its retries): this run's claims go, so the next run sends the episodes again.</summary>
    public static async Task ReleaseAsync(DbConnection connection, IEnumerable<long> alertIds, string channel, long runId) =>
        await connection.ExecuteAsync(
            "DELETE FROM etl.alert_delivery WHERE alert_id = @alertId AND channel = @channel AND etl_run_id = @runId AND delivery_status = 'sending'",
            alertIds.Select(id => new { alertId = id, channel, runId }));

    /// <summary>The channel accepted: its claims become deliveries; an episode every configured channel has gets delivered_at.</summary>
    public static async Task ConfirmAsync(DbConnection connection, IEnumerable<long> alertIds, string channel, IReadOnlyCollection<string> channels, long runId, DateTimeOffset at)
    {
        var ids = alertIds.ToList();
        await using var transaction = await connection.BeginTransactionAsync();
        await connection.ExecuteAsync(
            """
            UPDATE etl.alert_delivery SET delivery_status = 'sent', delivered_at = @at
            WHERE alert_id = @alertId AND channel = @channel AND etl_run_id = @runId
            """, ids.Select(id => new { alertId = id, channel, runId, at }), transaction);

        // Every configured channel has it (a channel dropped from the configuration later no longer holds it back).
        await connection.ExecuteAsync(
            """
            UPDATE fact.alert SET delivered_at = @at
            WHERE alert_id = @alertId AND delivered_at IS NULL
              AND (SELECT COUNT(*) FROM etl.alert_delivery AS delivery
                   WHERE delivery.alert_id = @alertId AND delivery.delivery_status = 'sent') >= @channelCount
            """, ids.Select(id => new { at, alertId = id, channelCount = channels.Count }), transaction);

        await transaction.CommitAsync();
    }

    /// <summary>Claims of earlier runs never confirmed: sent or not, unknown (the run stopped, or could not record the answer); never sent again.</summary>
    public static async Task<int> UnconfirmedAsync(DbConnection connection, long runId) =>
        await connection.ExecuteScalarAsync<int>(
            "SELECT COUNT(*) FROM etl.alert_delivery WHERE delivery_status = 'sending' AND etl_run_id <> @runId", new { runId });

    /// <summary>A shop, its time zone and the local day of its last scheduled digest.</summary>
    public sealed record DigestShop
    {
        public int ShopKey { get; init; }
        public string ShopId { get; init; } = "";
        public string TimeZone { get; init; } = "";
        public object? LastDigestValue { get; init; }
        public DateOnly? LastDigest => AlertLine.Day(LastDigestValue);
    }

    public static async Task<IReadOnlyList<DigestShop>> ShopsAsync(DbConnection connection) =>
        (await connection.QueryAsync<DigestShop>(
            """
            SELECT shop.shop_key AS ShopKey, shop.shop_id AS ShopId, shop.time_zone AS TimeZone,
                   (SELECT MAX(digest.digest_date) FROM etl.alert_digest AS digest WHERE digest.shop_key = shop.shop_key) AS LastDigestValue
            FROM dim.shop AS shop
            WHERE shop.shop_key <> 0
            ORDER BY shop.shop_id
            """)).ToList();

    /// <summary>The shop's scheduled digest of its local day went out (once a day).</summary>
    public static async Task RecordDigestAsync(DbConnection connection, int shopKey, DateOnly day, long runId, DateTimeOffset at) =>
        await connection.ExecuteAsync(
            """
            INSERT INTO etl.alert_digest (shop_key, digest_date, sent_at, etl_run_id)
            SELECT @shopKey, @day, @at, @runId
            WHERE NOT EXISTS (SELECT 1 FROM etl.alert_digest WHERE shop_key = @shopKey AND digest_date = @day)
            """, new { shopKey, day = day.ToDateTime(TimeOnly.MinValue), at, runId });
}
