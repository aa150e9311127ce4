using System.Data.Common;
using System.Diagnostics;
using System.Globalization;
using Dapper;
using Serilog.Context;
using Serilog;
using Warehouse.Control;
using Warehouse.Database;
using Warehouse.Logging;
using Warehouse.Report;
using Warehouse.Reports;
using Warehouse.Transform;

namespace Warehouse.Schedule;

/// <summary>The outcome of one job run: its etl.run id and a one-line summary.</summary>
public sealed record JobOutcome(long RunId, string Summary);

/// <summary>
/// The work of the scheduled service and of `warehouse run`: extract, transform, weekly report and the
/// data-quality check. Each is one etl.run row (command extract/transform/report/quality) with its
/// steps in etl.run_step, and every log line inside carries RunId, Job and Shop.
/// </summary>
public sealed class WarehouseWork(WarehouseDatabase database, ScheduleOptions options, TimeProvider? time = null)
{
    private readonly TimeProvider clock = time ?? TimeProvider.System;

    public WarehouseDatabase Database => database;

    public ScheduleOptions Options => options;

    public Task<JobOutcome> ExtractAsync(IExtractStep step, string job, string? shop, string trigger, IStepProgress? progress, CancellationToken cancellationToken) =>
        RunAsync("extract", $"{step.Describe()} --trigger {trigger}", job, shop, async (connection, runId) =>
        {
            var result = await step.ExtractAsync(database, connection, runId, progress, cancellationToken);
            return $"{result.RowsRead:N0} rows read, {result.RowsWritten:N0} written, {result.RowsRejected:N0} rejected";
        }, cancellationToken);

    public Task<JobOutcome> TransformAsync(string trigger, IStepProgress? progress, CancellationToken cancellationToken)
    {
        var settings = options.Transform;
        var today = DateOnly.FromDateTime(TimeZoneInfo.ConvertTime(clock.GetUtcNow(), options.Zone()).DateTime);
        // The default transform: what changed since the last one (a first run is full), plus the
        // configured days ending today, if any.
        var transform = settings.Days > 0
            ? new TransformOptions(today.AddDays(1 - settings.Days), today, settings.ClickWindowDays, settings.ViewWindowDays, settings.AllocationMethod)
            : new TransformOptions(null, null, settings.ClickWindowDays, settings.ViewWindowDays, settings.AllocationMethod);
        transform.Validate();
        return RunAsync("transform", $"{transform} --trigger {trigger}", "transform", null, async (connection, runId) =>
        {
            const string step = "transform";
            progress?.Start(step, TransformRunner.Steps.Count);
            var reporter = new SynchronousProgress(procedure => progress?.Advance(step, 1, procedure));
            var results = await new TransformRunner(database, new RunLog(database)).RunAsync(connection, runId, transform, reporter, cancellationToken);
            foreach (var (name, result) in results)
            {
                Log.Information("{Step}: {Rows} rows in {Seconds:F1} s", name, result.RowsWritten, result.Seconds);
            }

            var summary = $"{results.Count} steps, {results.Sum(r => r.Result.RowsWritten):N0} rows";
            progress?.Complete(step, summary);
            return summary;
        }, cancellationToken);
    }

    /// <summary>The weekly workbook: writes it to the report folder and, when SMTP is configured, mails it to finance.</summary>
    public Task<JobOutcome> ReportAsync(string trigger, string? week, IStepProgress? progress, CancellationToken cancellationToken)
    {
        var report = options.Report;
        var folder = report.ResolvedFolder();
        return RunAsync("report", $"--period {week ?? report.Period} --folder {folder} --trigger {trigger}", "report", null, async (connection, runId) =>
        {
            const string step = "report";
            progress?.Start(step);
            var (from, to, label) = week is not null ? ReportPeriod.Range(null, null, week) : await PeriodAsync(connection, report.Period);
            Directory.CreateDirectory(folder);
            var path = Path.Combine(folder, $"sku-profit-all-{label}.xlsx");
            var runLog = new RunLog(database);
            await runLog.StepAsync(connection, runId, "workbook " + label, async () =>
            {
                var temporary = path + ".tmp.xlsx";
                await ReportPeriod.WriteAsync(connection, new ReportRequest(from, to, null, runId), temporary);
                File.Move(temporary, path, overwrite: true); // readers never see half a workbook
                return new StepResult(0, 1, 0);
            });
            progress?.Advance(step, 1, Path.GetFileName(path));

            if (options.Smtp.Enabled)
            {
                await runLog.StepAsync(connection, runId, "mail " + label, async () =>
                {
                    await ReportMailer.SendAsync(options.Smtp, path, label, cancellationToken);
                    return new StepResult(0, 1, 0);
                });
            }

            var summary = options.Smtp.Enabled ? $"{path}, mailed to {options.Smtp.To}" : path;
            progress?.Complete(step, summary);
            return summary;
        }, cancellationToken);
    }

    /// <summary>
    /// The alert digest of every shop now (`warehouse alerts --send`, `warehouse run`): per configured channel (email,
    /// webhook), the open episodes that channel has not carried yet, grouped by shop and severity.
    /// </summary>
    public Task<JobOutcome> DigestAsync(string trigger, CancellationToken cancellationToken) =>
        DigestAsync(trigger, dueShopsOnly: false, cancellationToken);

    /// <summary>
    /// The scheduled digest: only the shops whose own local clock has reached Alerts:DigestTime and whose digest of
    /// that local day has not gone out (etl.alert_digest); a shop is recorded once every channel succeeded for it, so
    /// a failed channel is tried again at the next check.
    /// </summary>
    public Task<JobOutcome> ScheduledDigestAsync(string trigger, CancellationToken cancellationToken) =>
        DigestAsync(trigger, dueShopsOnly: true, cancellationToken);

    /// <summary>
    /// Each channel's episodes are claimed (committed) before the digest goes out and confirmed once the channel
    /// accepted it: a channel that refuses after its retries releases its claims (never lost: the next run sends
    /// them); an accepted digest whose confirmation cannot be written keeps its claims, and claims never confirmed
    /// are not sent again (never twice: neither SMTP nor a chat webhook can drop a duplicate, so a delivery whose
    /// outcome is unknown counts as made; the run fails, and later runs report it as unconfirmed).
    /// </summary>
    private Task<JobOutcome> DigestAsync(string trigger, bool dueShopsOnly, CancellationToken cancellationToken) =>
        RunAsync("digest", $"--trigger {trigger}{(dueShopsOnly ? " --due-shops" : "")}", "digest", null, async (connection, runId) =>
        {
            var channels = options.Alerts.Channels(options.Smtp);
            if (channels.Count == 0)
            {
                return "no channel configured (Smtp with Alerts:Email, or Alerts:WebhookUrl)";
            }

            var now = clock.GetUtcNow();
            List<(Alerts.AlertQueries.DigestShop Shop, DateOnly Day)>? due = null;
            if (dueShopsOnly)
            {
                var time = options.Alerts.Time();
                due = [];
                foreach (var shop in await Alerts.AlertQueries.ShopsAsync(connection))
                {
                    if (Alerts.DigestSchedule.DueDay(now, ShopZone(shop), time, shop.LastDigest) is { } day)
                    {
                        due.Add((shop, day));
                    }
                }

                if (due.Count == 0)
                {
                    return $"no shop due (digest at {options.Alerts.DigestTime} local time of each shop)";
                }
            }

            var dueShops = due?.Select(d => d.Shop.ShopId).ToHashSet(StringComparer.Ordinal);
            var runLog = new RunLog(database);
            var sent = new List<string>();
            var failures = new List<string>();
            foreach (var channel in channels)
            {
                var alerts = (await Alerts.AlertQueries.UndeliveredAsync(connection, channel))
                    .Where(a => dueShops is null || dueShops.Contains(a.ShopId ?? "")).ToList();
                if (alerts.Count == 0)
                {
                    sent.Add($"{channel}: nothing new");
                    continue;
                }

                var digest = new Alerts.AlertDigest(alerts);
                var ids = alerts.Select(a => a.AlertId).ToList();
                var accepted = false;
                try
                {
                    await runLog.StepAsync(connection, runId, "digest " + channel, async () =>
                    {
                        await Alerts.AlertQueries.ClaimAsync(connection, ids, channel, runId, clock.GetUtcNow());
                        if (channel == "email")
                        {
                            await Alerts.AlertSender.MailAsync(options.Smtp, digest, cancellationToken);
                        }
                        else
                        {
                            await Alerts.AlertSender.PostAsync(options.Alerts, digest, cancellationToken);
                        }

                        accepted = true;
                        await Alerts.AlertQueries.ConfirmAsync(connection, ids, channel, channels, runId, clock.GetUtcNow());
                        return new StepResult(alerts.Count, alerts.Count, 0);
                    });
                    sent.Add($"{channel}: {alerts.Count} alerts");
                }
                catch (Exception error) when (error is not OperationCanceledException)
                {
                    var message = SecretValues.Mask(error.Message);
                    if (accepted)
                    {
                        Log.Error("digest {Channel} was accepted but its delivery could not be recorded; its {Count} alerts are not sent again: {Message}", channel, alerts.Count, message);
                        failures.Add($"{channel}: sent, but recording the delivery failed ({message}); its {alerts.Count} alerts are not sent again");
                        continue;
                    }

                    Log.Error("digest {Channel} failed; its {Count} alerts stay for the next run: {Message}", channel, alerts.Count, message);
                    failures.Add($"{channel}: {message} (kept for the next run)");
                    try
                    {
                        await Alerts.AlertQueries.ReleaseAsync(connection, ids, channel, runId);
                    }
                    catch (Exception releaseError) when (releaseError is DbException or InvalidOperationException)
                    {
                        Log.Error("digest {Channel}: could not release the claims of its {Count} alerts; they count as unconfirmed: {Message}", channel, alerts.Count, releaseError.Message);
                    }
                }
            }

            if (failures.Count > 0)
            {
                throw new WarehouseException($"alert digest failed on {string.Join("; ", failures)}");
            }

            foreach (var (shop, day) in due ?? [])
            {
                await Alerts.AlertQueries.RecordDigestAsync(connection, shop.ShopKey, day, runId, now);
            }

            var unconfirmed = await Alerts.AlertQueries.UnconfirmedAsync(connection, runId);
            if (unconfirmed > 0)
            {
                Log.Warning("digest: {Count} deliveries of earlier runs were never confirmed (the run stopped or could not record the answer); they are not sent again", unconfirmed);
                sent.Add($"{unconfirmed} unconfirmed from earlier runs (not sent again)");
            }

            var shops = due is null ? "" : $" for {string.Join(", ", due.Select(d => $"{d.Shop.ShopId} ({d.Day:yyyy-MM-dd})"))}";
            return string.Join(", ", sent) + shops;
        }, cancellationToken);

    /// <summary>The shop's time zone (validated when the shop was declared); the schedule's if this machine does not know it.</summary>
    private TimeZoneInfo ShopZone(Alerts.AlertQueries.DigestShop shop)
    {
        try
        {
            return TimeZoneInfo.FindSystemTimeZoneById(shop.TimeZone);
        }
        catch (Exception error) when (error is TimeZoneNotFoundException or InvalidTimeZoneException)
        {
            Log.Warning("digest: shop {Shop} has time zone {TimeZone}, unknown here; its digest follows {Schedule}", shop.ShopId, shop.TimeZone, options.TimeZone);
            return options.Zone();
        }
    }

    /// <summary>The report week: the last complete ISO week before today in the shop's time zone, or the week of the latest facts.</summary>
    public async Task<(DateOnly From, DateOnly To, string Label)> PeriodAsync(DbConnection connection, string period)
    {
        DateOnly day;
        if (period == "latest-data")
        {
            var latest = await connection.ExecuteScalarAsync<int?>("SELECT MAX(date_key) FROM fact.sku_daily")
                ?? throw new WarehouseException("no published facts yet: nothing to report (run extract and transform first)");
            day = DateOnly.ParseExact(latest.ToString(CultureInfo.InvariantCulture), "yyyyMMdd", CultureInfo.InvariantCulture);
        }
        else
        {
            var today = DateOnly.FromDateTime(TimeZoneInfo.ConvertTime(clock.GetUtcNow(), options.Zone()).DateTime);
            day = today.AddDays(-7);
        }

        var date = day.ToDateTime(TimeOnly.MinValue);
        var week = $"{ISOWeek.GetYear(date)}-W{ISOWeek.GetWeekOfYear(date):00}";
        return ReportPeriod.Range(null, null, week);
    }

    /// <summary>The nightly data-quality check: freshness, rejects, failed runs and published facts behind staging.</summary>
    public Task<JobOutcome> QualityAsync(string trigger, CancellationToken cancellationToken) =>
        RunAsync("quality", $"--trigger {trigger}", "quality", null, async (connection, runId) =>
        {
            var failures = new List<string>();
            var runLog = new RunLog(database);
            var now = clock.GetUtcNow();
            var since = now.AddDays(-1);

            await runLog.StepAsync(connection, runId, "check extract_freshness", async () =>
            {
                var last = DbTime.Utc(await connection.ExecuteScalarAsync<object?>(
                    "SELECT MAX(ended_at) FROM etl.run WHERE command = 'extract' AND status = 'succeeded'"));
                if (last is null || now - last.Value > TimeSpan.FromHours(options.Quality.MaxExtractAgeHours))
                {
                    failures.Add(last is null
                        ? "extract_freshness: no successful extract yet"
                        : $"extract_freshness: last successful extract {last.Value:yyyy-MM-dd HH:mm} UTC, older than {options.Quality.MaxExtractAgeHours} h");
                    return new StepResult(1, 0, 1);
                }

                return new StepResult(1, 0, 0);
            });

            await runLog.StepAsync(connection, runId, "check reject_rate", async () =>
            {
                var row = await connection.QuerySingleAsync<(long Read, long Rejected)>(
                    """
                    SELECT CAST(COALESCE(SUM(s.rows_read), 0) AS bigint) AS rows_read, CAST(COALESCE(SUM(s.rows_rejected), 0) AS bigint) AS rows_rejected
                    FROM etl.run_step AS s JOIN etl.run AS r ON r.run_id = s.run_id
                    WHERE r.started_at >= @since
                    """, new { since });
                var rate = row.Read == 0 ? 0m : (decimal)row.Rejected / row.Read;
                if (rate > options.Quality.MaxRejectRate)
                {
                    failures.Add($"reject_rate: {row.Rejected:N0} of {row.Read:N0} rows rejected in the last 24 h ({rate:P2} > {options.Quality.MaxRejectRate:P2}); see etl.reject");
                }

                return new StepResult(row.Read, 0, row.Rejected);
            });

            await runLog.StepAsync(connection, runId, "check failed_runs", async () =>
            {
                var failed = (await connection.QueryAsync<string>(
                    "SELECT command FROM etl.run WHERE status IN ('failed', 'abandoned') AND started_at >= @since AND run_id <> @runId ORDER BY run_id",
                    new { since, runId })).ToList();
                if (failed.Count > 0)
                {
                    failures.Add($"failed_runs: {failed.Count} failed or abandoned in the last 24 h ({string.Join(", ", failed.Distinct())}); see `warehouse status`");
                }

                return new StepResult(failed.Count, 0, failed.Count);
            });

            await runLog.StepAsync(connection, runId, "check facts_behind_staging", async () =>
            {
                var staged = await connection.ExecuteScalarAsync<long?>("SELECT MAX(create_time) FROM stg.shop_order");
                var published = await connection.ExecuteScalarAsync<int?>("SELECT MAX(date_key) FROM fact.sku_daily");
                if (staged is null)
                {
                    return new StepResult(0, 0, 0);
                }

                var stagedDay = DateOnly.FromDateTime(DateTimeOffset.FromUnixTimeSeconds(staged.Value).UtcDateTime);
                var publishedDay = published is null ? (DateOnly?)null : DateOnly.ParseExact(published.Value.ToString(CultureInfo.InvariantCulture), "yyyyMMdd", CultureInfo.InvariantCulture);
                if (publishedDay is null || stagedDay.DayNumber - publishedDay.Value.DayNumber > 1)
                {
                    failures.Add($"facts_behind_staging: orders staged up to {stagedDay:yyyy-MM-dd}, facts published up to {(publishedDay is null ? "nothing" : publishedDay.Value.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture))}");
                    return new StepResult(1, 0, 1);
                }

                return new StepResult(1, 0, 0);
            });

            if (failures.Count > 0)
            {
                throw new WarehouseException($"data-quality check failed ({failures.Count}): {string.Join("; ", failures)}");
            }

            return "4 checks passed";
        }, cancellationToken);

    /// <summary>One etl.run row around the work, the run id, job and shop in the log context, a clear record of a stop.</summary>
    private async Task<JobOutcome> RunAsync(string command, string arguments, string job, string? shop, Func<DbConnection, long, Task<string>> work, CancellationToken cancellationToken)
    {
        await using var connection = await database.OpenAsync(cancellationToken);
        var runLog = new RunLog(database);
        await runLog.MarkAbandonedAsync(connection, job);
        var runId = await runLog.StartAsync(connection, command, arguments);
        using var runProperty = LogContext.PushProperty("RunId", runId);
        using var jobProperty = LogContext.PushProperty("Job", job);
        using var shopProperty = LogContext.PushProperty("Shop", shop ?? "all");
        var elapsed = Stopwatch.StartNew();
        Log.Information("run {RunId}: {Job} {Arguments} on {Database}", runId, job, SecretValues.Mask(arguments), database.Describe());
        try
        {
            var summary = await work(connection, runId);
            await runLog.EndAsync(connection, runId, null);
            Log.Information("run {RunId}: {Job} succeeded in {Seconds:F1} s: {Summary}", runId, job, elapsed.Elapsed.TotalSeconds, summary);
            return new JobOutcome(runId, summary);
        }
        catch (Exception error)
        {
            // SqlClient reports a cancelled command as a SqlException ("Operation cancelled by user"), Npgsql as an
            // OperationCanceledException: either, once the token is cancelled, is a stop rather than a failure.
            var recorded = error is OperationCanceledException or DbException && cancellationToken.IsCancellationRequested
                ? new StoppedException($"{job} stopped before it finished (Ctrl+C or SIGTERM): the step in flight was rolled back, nothing after it ran; the next run continues from the watermarks")
                : error;
            try
            {
                await using var end = await database.OpenAsync(CancellationToken.None);
                await runLog.EndAsync(end, runId, recorded);
            }
            catch (Exception endError) when (endError is DbException or WarehouseException)
            {
                Log.Warning(endError, "run {RunId}: could not record its end", runId);
            }

            if (recorded is StoppedException)
            {
                Log.Warning("run {RunId}: {Message}", runId, recorded.Message);
                throw recorded;
            }

            Log.Error(error, "run {RunId}: {Job} failed after {Seconds:F1} s: {Message}", runId, job, elapsed.Elapsed.TotalSeconds, SecretValues.Mask(error.Message));
            throw;
        }
    }

    /// <summary>Reports on the caller's thread (Progress&lt;T&gt; would post to the thread pool and reorder lines).</summary>
    private sealed class SynchronousProgress(Action<string> report) : IProgress<string>
    {
        public void Report(string value) => report(value);
    }
}

/// <summary>A run that was asked to stop (Ctrl+C, SIGTERM) and did: not an error of the data.</summary>
public sealed class StoppedException(string message) : Exception(message);
