using Microsoft.Data.SqlClient;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Npgsql;
using Quartz;
using Serilog;
using Warehouse.Database;

namespace Warehouse.Schedule;

/// <summary>
/// Quartz with the persistent ADO job store in the warehouse database (tables etl.qrtz_*, created by
/// migration 0007), clustered so several `warehouse serve` processes share one schedule, and the
/// warehouse's jobs and cron triggers. Triggers are kept as stored while their cron and time zone are
/// unchanged, so a restart neither loses a misfire nor runs anything twice.
/// </summary>
public static class WarehouseScheduler
{
    public const string TablePrefix = "etl.qrtz_";
    public const string CronSuffix = ".cron";

    public static IServiceCollection AddWarehouseScheduler(this IServiceCollection services, WarehouseDatabase database, ScheduleOptions options, string? instanceId = null)
    {
        services.AddSingleton(database);
        services.AddSingleton(options);
        services.AddSingleton<WarehouseWork>();
        services.AddTransient<ExtractJob>();
        services.AddTransient<TransformJob>();
        services.AddTransient<WeeklyReportJob>();
        services.AddTransient<DataQualityJob>();
        services.AddTransient<AlertDigestJob>();
        services.AddQuartz(quartz =>
        {
            quartz.ConfigureScheduler(scheduler =>
            {
                scheduler.InstanceName = options.SchedulerName;
                scheduler.InstanceId = instanceId ?? "AUTO";
                scheduler.GenerateInstanceId = instanceId is null;
                scheduler.ShutdownJobInterruption = ShutdownJobInterruption.WhenWaitingForJobs;
                scheduler.DefaultTimeZone = options.Zone();
            });
            quartz.UseDefaultThreadPool(4);
            quartz.UsePersistentStore(store =>
            {
                if (database.Engine == Engine.Postgres)
                {
                    store.UsePostgres(NpgsqlFactory.Instance, database.ConnectionString);
                }
                else
                {
                    store.UseSqlServer(SqlClientFactory.Instance, database.ConnectionString);
                }

                store.ConfigureStore(ado =>
                {
                    ado.TablePrefix = TablePrefix;
                    ado.MisfireThreshold = TimeSpan.FromSeconds(options.MisfireThresholdSeconds);
                    ado.SchemaProvisioning = SchemaProvisioning.Validate; // the tables are ours (DbUp), Quartz only checks them
                });
                store.UseClustering(cluster =>
                {
                    cluster.CheckinInterval = TimeSpan.FromSeconds(options.ClusterCheckinSeconds);
                    cluster.CheckinMisfireThreshold = TimeSpan.FromSeconds(options.ClusterCheckinSeconds * 2);
                });
            });
        });
        return services;
    }

    public sealed record Entry(IJobDetail Job, ITrigger? Trigger, string? Cron);

    /// <summary>The jobs and triggers the configuration asks for.</summary>
    public static IReadOnlyList<Entry> Plan(ScheduleOptions options)
    {
        var zone = options.Zone();
        var entries = new List<Entry>();
        foreach (var source in options.Extract.AllSources())
        {
            var key = WarehouseJobs.Extract(source);
            entries.Add(new Entry(
                JobBuilder.Create<ExtractJob>().WithIdentity(key).WithDescription($"extract {source.Source}" + (source.Shop is null ? "" : $" for {source.Shop}"))
                    .StoreDurably().RequestRecovery().Build(),
                Cron(key, options.Extract.Cron, zone, CronTriggerMisfireInstruction.FireAndProceed), options.Extract.Cron));
        }

        entries.Add(new Entry(
            JobBuilder.Create<TransformJob>().WithIdentity(WarehouseJobs.Transform).WithDescription("transform, after each extract").StoreDurably().RequestRecovery().Build(),
            string.IsNullOrWhiteSpace(options.Transform.Cron) ? null : Cron(WarehouseJobs.Transform, options.Transform.Cron, zone, CronTriggerMisfireInstruction.FireAndProceed),
            string.IsNullOrWhiteSpace(options.Transform.Cron) ? null : options.Transform.Cron));
        entries.Add(new Entry(
            JobBuilder.Create<WeeklyReportJob>().WithIdentity(WarehouseJobs.Report).WithDescription("weekly workbook").StoreDurably().RequestRecovery().Build(),
            Cron(WarehouseJobs.Report, options.Report.Cron, zone, CronTriggerMisfireInstruction.FireAndProceed), options.Report.Cron));
        entries.Add(new Entry(
            JobBuilder.Create<DataQualityJob>().WithIdentity(WarehouseJobs.Quality).WithDescription("nightly data-quality check").StoreDurably().Build(),
            Cron(WarehouseJobs.Quality, options.Quality.Cron, zone, CronTriggerMisfireInstruction.DoNothing), options.Quality.Cron));
        entries.Add(new Entry(
            JobBuilder.Create<AlertDigestJob>().WithIdentity(WarehouseJobs.Digest).WithDescription("daily alert digest per shop at its local digest time (e-mail, webhook)").StoreDurably().Build(),
            Cron(WarehouseJobs.Digest, options.Alerts.DigestCheckCron, zone, CronTriggerMisfireInstruction.FireAndProceed), options.Alerts.DigestCheckCron));
        return entries;
    }

    /// <summary>
    /// Misfire policies: a missed extract, transform or weekly report runs once as soon as the scheduler
    /// is back (FireAndProceed: one run however many fire times were missed); a missed nightly check
    /// waits for the next night (DoNothing).
    /// </summary>
    private static ITrigger Cron(JobKey job, string cron, TimeZoneInfo zone, CronTriggerMisfireInstruction misfire) =>
        TriggerBuilder.Create()
            .WithIdentity(job.Name + CronSuffix, WarehouseJobs.Group)
            .ForJob(job)
            .WithCronSchedule(cron, builder => builder.InTimeZone(zone).WithMisfireInstruction(misfire))
            .Build();

    /// <summary>Stores the planned jobs; adds missing triggers, replaces changed ones, keeps unchanged ones (and their misfires) as they are.</summary>
    public static async Task EnsureScheduleAsync(IScheduler scheduler, ScheduleOptions options, CancellationToken cancellationToken = default)
    {
        var plan = Plan(options);
        foreach (var entry in plan)
        {
            await scheduler.AddJob(entry.Job, AddJobOptions.Replacing, cancellationToken);
            var key = new TriggerKey(entry.Job.Key.Name + CronSuffix, WarehouseJobs.Group);
            var stored = await scheduler.GetTrigger(key, cancellationToken) as ICronTrigger;
            if (entry.Trigger is not ICronTrigger wanted)
            {
                if (stored is not null)
                {
                    await scheduler.UnscheduleJob(key, cancellationToken);
                    Log.Information("schedule: {Job} no longer has its own cron", entry.Job.Key.Name);
                }

                continue;
            }

            if (stored is null)
            {
                await scheduler.ScheduleJob(wanted, ScheduleJobOptions.Replacing, cancellationToken);
                Log.Information("schedule: {Job} added, cron {Cron} in {TimeZone}", entry.Job.Key.Name, entry.Cron, options.TimeZone);
            }
            else if (stored.CronExpressionString != wanted.CronExpressionString || stored.TimeZone.Id != wanted.TimeZone.Id || stored.MisfireInstruction != wanted.MisfireInstruction)
            {
                await scheduler.RescheduleJob(key, wanted, cancellationToken);
                Log.Information("schedule: {Job} changed from {Old} to cron {Cron} in {TimeZone}", entry.Job.Key.Name, stored.CronExpressionString, entry.Cron, options.TimeZone);
            }
        }

        // Extract jobs of sources no longer configured go, with their triggers.
        var planned = plan.Select(e => e.Job.Key).ToHashSet();
        foreach (var key in await scheduler.GetJobKeys(GroupMatcher<JobKey>.GroupEquals(WarehouseJobs.Group), cancellationToken))
        {
            if (!planned.Contains(key))
            {
                await scheduler.DeleteJob(key, cancellationToken);
                Log.Information("schedule: {Job} removed (not in the configuration any more)", key.Name);
            }
        }
    }

    /// <summary>
    /// The generic-host service around the scheduler: stores the schedule and starts Quartz; on stop
    /// (Ctrl+C, SIGTERM) asks running jobs to stop (their step finishes or rolls back) and waits for them.
    /// </summary>
    public sealed class HostedService(ISchedulerFactory factory, ScheduleOptions options) : IHostedService
    {
        private IScheduler? scheduler;

        public async Task StartAsync(CancellationToken cancellationToken)
        {
            scheduler = await factory.GetScheduler(cancellationToken);
            await EnsureScheduleAsync(scheduler, options, cancellationToken);
            await scheduler.Start(cancellationToken);
            foreach (var entry in Plan(options).Where(e => e.Trigger is not null))
            {
                var trigger = await scheduler.GetTrigger(entry.Trigger!.Key, cancellationToken);
                Log.Information("schedule: {Job} cron {Cron} ({TimeZone}), next {Next:yyyy-MM-dd HH:mm:ss zzz}",
                    entry.Job.Key.Name, entry.Cron, options.TimeZone, trigger?.NextFireTimeUtc is { } next ? TimeZoneInfo.ConvertTime(next, options.Zone()) : null);
            }

            Log.Information("serve: scheduler {Scheduler} instance {Instance} started", scheduler.SchedulerName, scheduler.SchedulerInstanceId);
        }

        public async Task StopAsync(CancellationToken cancellationToken)
        {
            if (scheduler is null)
            {
                return;
            }

            Log.Information("serve: stopping; running jobs finish or roll back their current step");
            await scheduler.Shutdown(waitForJobsToComplete: true, cancellationToken);
            Log.Information("serve: stopped");
        }
    }
}
