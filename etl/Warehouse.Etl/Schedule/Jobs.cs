using Quartz;
using Serilog;
using Serilog.Context;
using Warehouse.Database;

namespace Warehouse.Schedule;

/// <summary>
/// The scheduled jobs. Each: one class with its key, [DisallowConcurrentExecution] (never twice at once
/// in the cluster), the database lock of its name (never twice at once across any process, `warehouse
/// run` included), everything caught inside Execute and written to etl.run, idempotent work.
/// </summary>
public static class WarehouseJobs
{
    public const string Group = "warehouse";

    public static readonly JobKey Transform = new("transform", Group);
    public static readonly JobKey Report = new("report", Group);
    public static readonly JobKey Quality = new("quality", Group);
    public static readonly JobKey Digest = new("digest", Group);

    public static JobKey Extract(ExtractSourceOptions source) => new(source.JobName, Group);

    /// <summary>
    /// The database lock a job or command takes. Extracts and the transform share one, warehouse.staging:
    /// a transform reads staging over several steps (and its checks compare with it), so no extract may
    /// write staging meanwhile. Reports and the quality check have their own (warehouse.report, ...).
    /// </summary>
    public static string LockName(string job) =>
        job == "transform" || job.StartsWith("extract", StringComparison.Ordinal) ? "warehouse.staging" : "warehouse." + job;

    public static string Holder(string what) => $"warehouse {what} pid {Environment.ProcessId} on {Environment.MachineName}";

    /// <summary>Runs a job's work under its database lock; false when another process holds it (the run is skipped, not queued).</summary>
    public static async Task<bool> RunLockedAsync(WarehouseDatabase database, IJobExecutionContext context, Func<Task> work)
    {
        var job = context.JobDetail.Key.Name;
        using var jobProperty = LogContext.PushProperty("Job", job);
        try
        {
            await using var held = await WarehouseLock.TryAcquireAsync(database, LockName(job), Holder($"serve {job}"), context.CancellationToken);
            if (held is null)
            {
                var holder = await WarehouseLock.HolderAsync(database, LockName(job));
                Log.Warning("{Job} skipped: it is already running in another process ({Holder})", job, holder ?? "holder unknown");
                return false;
            }

            await work();
            return true;
        }
        catch (StoppedException)
        {
            return false; // recorded in etl.run and logged
        }
        catch (OperationCanceledException) when (context.CancellationToken.IsCancellationRequested)
        {
            Log.Warning("{Job} stopped before it started", job);
            return false;
        }
        catch (Exception error)
        {
            // Recorded in etl.run by WarehouseWork; the scheduler goes on with the next fire time.
            Log.Debug(error, "{Job} failed", job);
            return false;
        }
    }
}

[DisallowConcurrentExecution]
public sealed class ExtractJob(WarehouseWork work) : IJob
{
    public async ValueTask Execute(IJobExecutionContext context, CancellationToken cancellationToken)
    {
        var source = work.Options.Extract.AllSources().FirstOrDefault(s => s.JobName == context.JobDetail.Key.Name);
        if (source is null)
        {
            Log.Warning("{Job}: no such extract source in the configuration any more; skipped", context.JobDetail.Key.Name);
            return;
        }

        using var shop = LogContext.PushProperty("Shop", source.Shop ?? "all");
        var succeeded = await WarehouseJobs.RunLockedAsync(work.Database, context, async () =>
            await work.ExtractAsync(ExtractSteps.Create(source), source.JobName, source.Shop, Trigger(context), null, context.CancellationToken));
        if (succeeded && !context.CancellationToken.IsCancellationRequested)
        {
            // The transform runs after every successful extract: a trigger in the job store, so it survives a restart.
            await context.Scheduler.TriggerJob(WarehouseJobs.Transform, new JobDataMap { ["after"] = source.JobName }, cancellationToken);
        }
    }

    internal static string Trigger(IJobExecutionContext context) =>
        context.Recovering ? "recovery" : context.Trigger.Key.Name.EndsWith(WarehouseScheduler.CronSuffix, StringComparison.Ordinal) ? "schedule" : "manual";
}

[DisallowConcurrentExecution]
public sealed class TransformJob(WarehouseWork work) : IJob
{
    public async ValueTask Execute(IJobExecutionContext context, CancellationToken cancellationToken) =>
        await WarehouseJobs.RunLockedAsync(work.Database, context, async () =>
            await work.TransformAsync(
                context.MergedJobDataMap.TryGetString("after", out var after) && after is not null ? "after-" + after : ExtractJob.Trigger(context),
                null, context.CancellationToken));
}

[DisallowConcurrentExecution]
public sealed class WeeklyReportJob(WarehouseWork work) : IJob
{
    public async ValueTask Execute(IJobExecutionContext context, CancellationToken cancellationToken) =>
        await WarehouseJobs.RunLockedAsync(work.Database, context, async () =>
            await work.ReportAsync(ExtractJob.Trigger(context), null, null, context.CancellationToken));
}

[DisallowConcurrentExecution]
public sealed class DataQualityJob(WarehouseWork work) : IJob
{
    public async ValueTask Execute(IJobExecutionContext context, CancellationToken cancellationToken) =>
        await WarehouseJobs.RunLockedAsync(work.Database, context, async () =>
            await work.QualityAsync(ExtractJob.Trigger(context), context.CancellationToken));
}

[DisallowConcurrentExecution]
public sealed class AlertDigestJob(WarehouseWork work) : IJob
{
    public async ValueTask Execute(IJobExecutionContext context, CancellationToken cancellationToken) =>
        await WarehouseJobs.RunLockedAsync(work.Database, context, async () =>
            await work.ScheduledDigestAsync(ExtractJob.Trigger(context), context.CancellationToken));
}
