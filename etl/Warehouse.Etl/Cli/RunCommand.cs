using System.CommandLine;
using Serilog;
using Warehouse.Database;
using Warehouse.Logging;
using Warehouse.Schedule;

namespace Warehouse.Cli;

/// <summary>
/// `warehouse run`: what the scheduler does, once: extract, transform, the weekly workbook. Takes the
/// same database locks as the scheduled jobs, so it never overlaps them or another `warehouse run`.
/// </summary>
public static class RunCommand
{
    public static Command Create()
    {
        var source = new Option<string?>("--source") { Description = "Extract source: folder, sandbox or tiktok (default: the configured sources)" };
        var folder = new Option<string?>("--folder") { Description = "Folder of staging CSV files, for --source folder" };
        var sandboxUrl = new Option<string?>("--sandbox-url") { Description = "Base URL of the TikTok sandbox, for --source sandbox" };
        var sellerFiles = new Option<string?>("--seller-files") { Description = "Folder of the seller's own files (costs, ad map, touchpoints, affiliate orders, cost settings, exports), loaded after the extract (default: Warehouse:Schedule:Extract:SellerFiles:Folder)" };
        var week = new Option<string?>("--week") { Description = "ISO week of the workbook, e.g. 2026-W47 (default: Warehouse:Schedule:Report:Period)" };
        var command = new Command("run", "Run extract, transform, the weekly workbook and (when a channel is configured) the alert digest once, as the scheduler does") { source, folder, sandboxUrl, sellerFiles, week };
        command.SetAction(async (parse, _) =>
        {
            var configuration = WarehouseSettings.LoadConfiguration();
            var options = ScheduleOptions.From(configuration);
            var givenFiles = parse.GetValue(sellerFiles) is { } filesFolder
                ? new SellerFilesOptions
                {
                    Folder = filesFolder, Shop = options.Extract.SellerFiles?.Shop, Advertiser = options.Extract.SellerFiles?.Advertiser,
                    DateFormat = options.Extract.SellerFiles?.DateFormat, MaxRejectRate = options.Extract.SellerFiles?.MaxRejectRate ?? 0.01m,
                }
                : null;
            var sources = parse.GetValue(source) is { } name
                ? [new ExtractSourceOptions
                {
                    Source = name, Folder = parse.GetValue(folder) ?? options.Extract.Folder, SandboxUrl = parse.GetValue(sandboxUrl) ?? options.Extract.SandboxUrl,
                    SellerFiles = givenFiles ?? options.Extract.SellerFiles,
                }]
                : options.Extract.AllSources().Select(s => new ExtractSourceOptions
                {
                    Source = s.Source, Shop = s.Shop, Folder = parse.GetValue(folder) ?? s.Folder, SandboxUrl = parse.GetValue(sandboxUrl) ?? s.SandboxUrl,
                    SellerFiles = givenFiles ?? s.SellerFiles,
                }).ToList();
            foreach (var entry in sources)
            {
                entry.Validate();
            }

            var steps = sources.Select(s => ExtractSteps.Create(s)).ToList(); // a missing folder fails here, before anything runs
            var database = WarehouseDatabase.FromSettings(WarehouseSettings.From(configuration));
            SecretValues.AddFromConnectionString(database.ConnectionString);
            Migrator.EnsureCurrent(database);
            var work = new WarehouseWork(database, options);

            using var stop = new StopSignal();
            var locks = new List<WarehouseLock>();
            try
            {
                // Extracts and the transform share one lock (warehouse.staging): take each lock once.
                // The alert digest too when a channel is configured: every shop's undelivered alerts, now (a one-shot
                // run has no later moment to wait for a shop's digest time).
                var digest = options.Alerts.Channels(options.Smtp).Count > 0;
                var jobs = sources.Select(s => s.JobName).Append(WarehouseJobs.Transform.Name).Append(WarehouseJobs.Report.Name)
                    .Concat(digest ? [WarehouseJobs.Digest.Name] : []);
                foreach (var job in jobs.DistinctBy(WarehouseJobs.LockName))
                {
                    var held = await WarehouseLock.TryAcquireAsync(database, WarehouseJobs.LockName(job), WarehouseJobs.Holder("run"), stop.Token);
                    if (held is null)
                    {
                        var holder = await WarehouseLock.HolderAsync(database, WarehouseJobs.LockName(job));
                        throw new WarehouseException(
                            $"{(WarehouseJobs.LockName(job) == WarehouseJobs.LockName("transform") ? "an extract or the transform" : job)} is already running ({holder ?? "in another process"}); this `warehouse run` did nothing. Wait for it to finish (`warehouse status`) and try again.");
                    }

                    locks.Add(held);
                }

                var names = sources.Select(s => s.JobName).Concat(sources.Any(s => s.SellerFiles?.Folder is { Length: > 0 }) ? ["seller files"] : []).Append("transform").Append("report").ToList();
                await ConsoleProgress.RunAsync(names, async progress =>
                {
                    for (var i = 0; i < sources.Count; i++)
                    {
                        await work.ExtractAsync(steps[i], sources[i].JobName, sources[i].Shop, "cli", new Renamed(progress, "extract", sources[i].JobName), stop.Token);
                    }

                    await work.TransformAsync("cli", progress, stop.Token);
                    var report = await work.ReportAsync("cli", parse.GetValue(week), progress, stop.Token);
                    Console.WriteLine($"workbook: {report.Summary}");
                    if (digest)
                    {
                        var sent = await work.DigestAsync("cli", stop.Token);
                        Console.WriteLine($"digest: {sent.Summary}");
                    }

                    return 0;
                });
                return 0;
            }
            catch (StoppedException stopped)
            {
                Console.Error.WriteLine($"stopped: {stopped.Message}");
                return stop.ExitCode;
            }
            catch (Exception error) when (error is not (WarehouseException or System.Data.Common.DbException))
            {
                // Recorded in etl.run and, with its stack trace, in the log file: one line here.
                Console.Error.WriteLine($"error: {SecretValues.Mask(error.Message)}");
                return 1;
            }
            finally
            {
                foreach (var held in locks)
                {
                    await held.DisposeAsync();
                }
            }
        });
        return command;
    }

    /// <summary>Shows an extract step under its job's name (extract-folder, extract-tiktok-...).</summary>
    private sealed class Renamed(IStepProgress inner, string from, string to) : IStepProgress
    {
        public void Start(string step, double? total = null) => inner.Start(step == from ? to : step, total);

        public void Advance(string step, double units, string? detail = null) => inner.Advance(step == from ? to : step, units, detail);

        public void Complete(string step, string summary) => inner.Complete(step == from ? to : step, summary);
    }
}
