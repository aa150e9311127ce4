using System.CommandLine;
using System.Globalization;
using Dapper;
using Spectre.Console;
using Warehouse.Database;
using Warehouse.Schedule;

namespace Warehouse.Cli;

/// <summary>
/// `warehouse status`: the schedule (from Quartz's job store), the last run of each job with its status,
/// duration and row counts (etl.run, etl.run_step), and the freshness of each source (etl.watermark).
/// </summary>
public static class StatusCommand
{
    public static Command Create()
    {
        var command = new Command("status", "Show the schedule, the last run of each job and the freshness of each source");
        command.SetAction(async parse =>
        {
            var configuration = WarehouseSettings.LoadConfiguration();
            var options = ScheduleOptions.From(configuration);
            var database = WarehouseDatabase.FromSettings(WarehouseSettings.From(configuration));
            if (Console.IsOutputRedirected)
            {
                AnsiConsole.Profile.Width = 200;
            }

            await ShowAsync(database, options, AnsiConsole.Console);
        });
        return command;
    }

    /// <summary>Checks the schema is current (never changes it), marks runs of dead processes abandoned (when the login may), and writes the schedule, runs, freshness and open alerts; a warehouse_reader login can run it.</summary>
    public static async Task ShowAsync(WarehouseDatabase database, ScheduleOptions options, IAnsiConsole console)
    {
        Migrator.EnsureCurrent(database);
        await using var connection = await database.OpenAsync();
        // A reader login may not write etl.run: its status shows runs of dead processes as still running.
        if (await CliContext.MayRecordRunsAsync(database, connection))
        {
            await new Control.RunLog(database).MarkAbandonedAsync(connection, "warehouse status");
        }

        var zone = options.Zone();
        console.MarkupLine($"[grey]database:[/] {Markup.Escape(database.Describe())}   [grey]times in[/] {Markup.Escape(options.TimeZone)}");
        await ScheduleAsync(console, connection, options, zone);
        await LastRunsAsync(console, connection, zone);
        await FreshnessAsync(console, connection, zone);
        await AlertsAsync(console, connection, zone);
    }

    private sealed record TriggerRow(string JobName, string TriggerName, string? CronExpression, string? TimeZoneId, long? NextFireTime, long? PrevFireTime, string TriggerState);

    private sealed record NodeRow(string InstanceName, long LastCheckinTime, long CheckinInterval);

    private static async Task ScheduleAsync(IAnsiConsole console, System.Data.Common.DbConnection connection, ScheduleOptions options, TimeZoneInfo zone)
    {
        // Quartz's own names (etl.qrtz_TRIGGERS): folded to lower case on PostgreSQL, as created on SQL Server.
        var triggers = (await connection.QueryAsync<TriggerRow>(
            """
            SELECT t.JOB_NAME AS JobName, t.TRIGGER_NAME AS TriggerName, c.CRON_EXPRESSION AS CronExpression, c.TIME_ZONE_ID AS TimeZoneId,
                   t.NEXT_FIRE_TIME AS NextFireTime, t.PREV_FIRE_TIME AS PrevFireTime, t.TRIGGER_STATE AS TriggerState
            FROM etl.qrtz_TRIGGERS AS t
            LEFT JOIN etl.qrtz_CRON_TRIGGERS AS c
              ON c.SCHED_NAME = t.SCHED_NAME AND c.TRIGGER_NAME = t.TRIGGER_NAME AND c.TRIGGER_GROUP = t.TRIGGER_GROUP
            WHERE t.SCHED_NAME = @name
            ORDER BY t.NEXT_FIRE_TIME, t.JOB_NAME
            """, new { name = options.SchedulerName })).ToList();
        var nodes = (await connection.QueryAsync<NodeRow>(
            "SELECT INSTANCE_NAME AS InstanceName, LAST_CHECKIN_TIME AS LastCheckinTime, CHECKIN_INTERVAL AS CheckinInterval FROM etl.qrtz_SCHEDULER_STATE WHERE SCHED_NAME = @name",
            new { name = options.SchedulerName })).ToList();

        var table = new Table().Title("Schedule").Border(TableBorder.Rounded);
        foreach (var header in new[] { "job", "cron", "time zone", "next run", "previous run", "state" })
        {
            table.AddColumn(header);
        }

        if (triggers.Count == 0)
        {
            foreach (var entry in WarehouseScheduler.Plan(options))
            {
                table.AddRow(Markup.Escape(entry.Job.Key.Name), Markup.Escape(entry.Cron ?? "after each extract"), Markup.Escape(options.TimeZone),
                    entry.Trigger?.GetFireTimeAfter(DateTimeOffset.UtcNow) is { } next ? Time(next, zone) : "", "", "[grey]configured; not stored yet: start `warehouse serve`[/]");
            }
        }
        else
        {
            foreach (var row in triggers)
            {
                table.AddRow(Markup.Escape(row.JobName), Markup.Escape(row.CronExpression ?? "once (chained or manual)"), Markup.Escape(row.TimeZoneId ?? ""),
                    Ticks(row.NextFireTime, zone), Ticks(row.PrevFireTime, zone), Markup.Escape(row.TriggerState.ToLowerInvariant()));
            }

            var planned = WarehouseScheduler.Plan(options).Where(e => e.Trigger is null).Select(e => e.Job.Key.Name);
            foreach (var job in planned.Where(job => triggers.All(t => t.JobName != job)))
            {
                table.AddRow(Markup.Escape(job), "after each extract", "", "", "", "chained");
            }
        }

        console.Write(table);
        var now = DateTimeOffset.UtcNow;
        console.MarkupLine(nodes.Count == 0
            ? "[grey]scheduler nodes:[/] none (no `warehouse serve` running)"
            : "[grey]scheduler nodes:[/] " + Markup.Escape(string.Join(", ", nodes.Select(n =>
            {
                var seen = now - new DateTimeOffset(n.LastCheckinTime, TimeSpan.Zero);
                var alive = seen < TimeSpan.FromMilliseconds(n.CheckinInterval * 2 + 15000);
                return $"{n.InstanceName} ({(alive ? "alive" : "silent")}, checked in {Age(seen)} ago)";
            }))));
    }

    private sealed class RunRow
    {
        public string Command { get; init; } = "";
        public long RunId { get; init; }
        public string Status { get; init; } = "";
        public object StartedAt { get; init; } = DateTimeOffset.MinValue;
        public object? EndedAt { get; init; }
        public string? Arguments { get; init; }
        public string? ErrorMessage { get; init; }
        public string? HostName { get; init; }
        public int? ProcessId { get; init; }
        public long RowsRead { get; init; }
        public long RowsWritten { get; init; }
        public long RowsRejected { get; init; }
        public long RowsDuplicate { get; init; }
    }

    private static async Task LastRunsAsync(IAnsiConsole console, System.Data.Common.DbConnection connection, TimeZoneInfo zone)
    {
        var runs = (await connection.QueryAsync<RunRow>(
            """
            SELECT r.command AS Command, r.run_id AS RunId, r.status AS Status, r.started_at AS StartedAt, r.ended_at AS EndedAt,
                   r.arguments AS Arguments, r.error_message AS ErrorMessage, r.host_name AS HostName, r.process_id AS ProcessId,
                   COALESCE(s.rows_read, 0) AS RowsRead, COALESCE(s.rows_written, 0) AS RowsWritten, COALESCE(s.rows_rejected, 0) AS RowsRejected,
                   COALESCE(s.rows_duplicate, 0) AS RowsDuplicate
            FROM etl.run AS r
            JOIN (SELECT command, MAX(run_id) AS run_id FROM etl.run GROUP BY command) AS latest ON latest.run_id = r.run_id
            LEFT JOIN (SELECT run_id, CAST(SUM(rows_read) AS bigint) AS rows_read, CAST(SUM(rows_written) AS bigint) AS rows_written,
                              CAST(SUM(rows_rejected) AS bigint) AS rows_rejected, CAST(SUM(rows_duplicate) AS bigint) AS rows_duplicate
                       FROM etl.run_step GROUP BY run_id) AS s ON s.run_id = r.run_id
            ORDER BY r.started_at DESC
            """)).ToList();
        var table = new Table().Title("Last run of each job").Border(TableBorder.Rounded);
        foreach (var header in new[] { "job", "run", "status", "started", "duration", "rows read", "rows written", "rejected", "duplicate keys", "detail" })
        {
            table.AddColumn(header);
        }

        foreach (var run in runs)
        {
            var status = run.Status switch
            {
                "succeeded" => "[green]succeeded[/]",
                "failed" => "[red]failed[/]",
                "abandoned" => "[red]abandoned[/]",
                var other => Markup.Escape(other),
            };
            var started = DbTime.Utc(run.StartedAt)!.Value;
            var duration = (DbTime.Utc(run.EndedAt) ?? DateTimeOffset.UtcNow) - started;
            var detail = run.ErrorMessage
                ?? (run.Status == "running" && run.HostName is not null ? $"pid {run.ProcessId} on {run.HostName}: " : "") + (run.Arguments ?? "");
            table.AddRow(Markup.Escape(run.Command), run.RunId.ToString(CultureInfo.InvariantCulture), status, Time(started, zone),
                Age(duration) + (run.EndedAt is null ? " so far" : ""), Count(run.RowsRead), Count(run.RowsWritten), Count(run.RowsRejected), Count(run.RowsDuplicate),
                Markup.Escape(detail.Length > 90 ? detail[..89] + "…" : detail));
        }

        if (runs.Count == 0)
        {
            table.AddRow("[grey]no runs yet[/]", "", "", "", "", "", "", "", "", "");
        }

        console.Write(table);
    }

    private sealed class SourceRow
    {
        public string SourceName { get; init; } = "";
        public string ScopeId { get; init; } = "";
        public object HighWaterMark { get; init; } = DateTimeOffset.MinValue;
        public object UpdatedAt { get; init; } = DateTimeOffset.MinValue;
        public long EtlRunId { get; init; }
    }

    private static async Task FreshnessAsync(IAnsiConsole console, System.Data.Common.DbConnection connection, TimeZoneInfo zone)
    {
        var sources = (await connection.QueryAsync<SourceRow>(
            """
            SELECT source_name AS SourceName, scope_id AS ScopeId, high_water_mark AS HighWaterMark, updated_at AS UpdatedAt, etl_run_id AS EtlRunId
            FROM etl.watermark ORDER BY source_name, scope_id
            """)).ToList();
        var lastExtract = DbTime.Utc(await connection.ExecuteScalarAsync<object?>("SELECT MAX(ended_at) FROM etl.run WHERE command = 'extract' AND status = 'succeeded'"));
        var table = new Table().Title("Freshness of each source").Border(TableBorder.Rounded);
        foreach (var header in new[] { "source", "shop / advertiser", "data up to", "extracted", "age", "run" })
        {
            table.AddColumn(header);
        }

        var now = DateTimeOffset.UtcNow;
        foreach (var source in sources)
        {
            var updated = DbTime.Utc(source.UpdatedAt)!.Value;
            table.AddRow(Markup.Escape(source.SourceName), Markup.Escape(source.ScopeId), Time(DbTime.Utc(source.HighWaterMark)!.Value, zone), Time(updated, zone),
                Age(now - updated), source.EtlRunId.ToString(CultureInfo.InvariantCulture));
        }

        if (sources.Count == 0)
        {
            table.AddRow("[grey]no watermarks yet[/]", "", "", "", "", "");
        }

        console.Write(table);
        console.MarkupLine("[grey]last successful extract:[/] " + (lastExtract is null ? "never" : $"{Time(lastExtract.Value, zone)} ({Age(now - lastExtract.Value)} ago)"));
    }

    /// <summary>The last digest (run and what each channel carried) and the open alert episodes by shop and severity.</summary>
    private static async Task AlertsAsync(IAnsiConsole console, System.Data.Common.DbConnection connection, TimeZoneInfo zone)
    {
        var digest = await connection.QueryFirstOrDefaultAsync<(long RunId, string Status, object? EndedAt, string? ErrorMessage)>(
            "SELECT run_id, status, ended_at, error_message FROM etl.run WHERE command = 'digest' ORDER BY run_id DESC");
        var delivered = DbTime.Utc(await connection.ExecuteScalarAsync<object?>("SELECT MAX(delivered_at) FROM rpt.alert"));
        console.MarkupLine("[grey]last digest:[/] " + (digest.RunId == 0
            ? "never"
            : Markup.Escape($"run {digest.RunId} {digest.Status}" + (DbTime.Utc(digest.EndedAt) is { } ended ? $" at {Time(ended, zone)}" : "")
                            + (digest.ErrorMessage is { } error ? $": {error}" : "")))
            + "   [grey]last alert delivered:[/] " + (delivered is null ? "never" : Time(delivered.Value, zone)));
        var open = (await connection.QueryAsync<(string ShopId, string Severity, int Alerts, int Undelivered)>(
            """
            SELECT COALESCE(shop_id, '') AS shop_id, severity, COUNT(*) AS alerts, SUM(CASE WHEN delivered_at IS NULL THEN 1 ELSE 0 END) AS undelivered
            FROM rpt.alert WHERE episode_status = 'open'
            GROUP BY shop_id, severity ORDER BY shop_id, severity
            """)).ToList();
        var table = new Table().Title("Open alerts (warehouse alerts lists them)").Border(TableBorder.Rounded);
        foreach (var header in new[] { "shop", "severity", "open", "not yet delivered" })
        {
            table.AddColumn(header);
        }

        foreach (var row in open)
        {
            table.AddRow(Markup.Escape(row.ShopId), Markup.Escape(row.Severity), Count(row.Alerts), Count(row.Undelivered));
        }

        if (open.Count == 0)
        {
            table.AddRow("[grey]no open alerts[/]", "", "", "");
        }

        console.Write(table);
    }

    private static string Ticks(long? ticks, TimeZoneInfo zone) =>
        ticks is > 0 ? Time(new DateTimeOffset(ticks.Value, TimeSpan.Zero), zone) : "";

    private static string Time(DateTimeOffset time, TimeZoneInfo zone) =>
        TimeZoneInfo.ConvertTime(time, zone).ToString("yyyy-MM-dd HH:mm:ss", CultureInfo.InvariantCulture);

    private static string Count(long value) => value.ToString("N0", CultureInfo.InvariantCulture);

    private static string Age(TimeSpan span) =>
        span.TotalSeconds < 60 ? $"{span.TotalSeconds:F1} s"
        : span.TotalMinutes < 60 ? $"{span.TotalMinutes:F0} min"
        : span.TotalHours < 48 ? $"{span.TotalHours:F1} h"
        : $"{span.TotalDays:F0} d";
}
