using System.CommandLine;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Serilog;
using Warehouse.Database;
using Warehouse.Logging;
using Warehouse.Schedule;

namespace Warehouse.Cli;

/// <summary>
/// `warehouse serve`: the scheduled service. A generic-host worker running Quartz.NET with its job store
/// in the warehouse database: extract every hour, transform after each extract, the weekly workbook on
/// Monday morning in the shop's time zone, a nightly data-quality check. Stops cleanly on Ctrl+C/SIGTERM.
/// </summary>
public static class ServeCommand
{
    public static Command Create()
    {
        var command = new Command("serve", "Run the scheduler: hourly extract, transform after each extract, weekly workbook, nightly data-quality check");
        command.SetAction(async (parse, cancellationToken) =>
        {
            var configuration = WarehouseSettings.LoadConfiguration();
            var options = ScheduleOptions.From(configuration);
            var database = WarehouseDatabase.FromSettings(WarehouseSettings.From(configuration));
            SecretValues.AddFromConnectionString(database.ConnectionString);
            Log.Information("serve: {Database}, schedules in {TimeZone}", database.Describe(), options.TimeZone);
            // At start-up, before any job runs, the service brings a schema that is behind up to date (under the
            // migration lock); on a current schema it changes nothing, so it can run as warehouse_etl.
            Migrator.MigrateIfBehind(database);

            var builder = Host.CreateApplicationBuilder(new HostApplicationBuilderSettings { DisableDefaults = true });
            builder.Logging.ClearProviders();
            builder.Services.AddSerilog(Log.Logger, dispose: false);
            builder.Services.Configure<HostOptions>(host => host.ShutdownTimeout = TimeSpan.FromSeconds(options.StopTimeoutSeconds));
            builder.Services.AddWarehouseScheduler(database, options);
            builder.Services.AddHostedService<WarehouseScheduler.HostedService>();
            using var host = builder.Build();
            await host.RunAsync(cancellationToken);
            return 0;
        });
        return command;
    }
}
