using System.CommandLine;
using System.Globalization;
using Serilog;
using Warehouse.Cli;
using Warehouse.Database;

// Globalization is on (ICU, for SqlClient), but the warehouse's own text stays culture-free: numbers,
// dates and messages read and write the same under any LANG, as they did in invariant mode.
CultureInfo.DefaultThreadCurrentCulture = CultureInfo.InvariantCulture;
CultureInfo.DefaultThreadCurrentUICulture = CultureInfo.InvariantCulture;
CultureInfo.CurrentCulture = CultureInfo.InvariantCulture;
CultureInfo.CurrentUICulture = CultureInfo.InvariantCulture;

// Console (human), rolling compact-JSON file (.warehouse/logs), optional Seq; secrets masked in every sink.
Log.Logger = Warehouse.Logging.WarehouseLogging.CreateLogger(WarehouseSettings.LoadConfiguration());

var root = new RootCommand("TikTok Shop SKU profit warehouse: true contribution profit and ROI per SKU")
{
    DemoCommand.Create(),
    DbCommand.Create(),
    MigrateCommand.Create(),
    SampleCommand.Create(),
    LoadCommand.Create(),
    ExtractCommand.Create(),
    SandboxCommand.Create(),
    ShopCommand.Create(),
    ImportCommand.Create(),
    TransformCommand.Create(),
    ReportCommand.Create(),
    PlanCommand.Create(),
    ServeCommand.Create(),
    RunCommand.Create(),
    StatusCommand.Create(),
    AlertsCommand.Create(),
    ExportCommand.Create(),
    BenchCommand.Create(),
};

try
{
    var parse = root.Parse(args);
    // serve and run stop cleanly on Ctrl+C/SIGTERM themselves (the step in flight finishes or rolls back):
    // no 2-second forced exit from System.CommandLine for them.
    var stopsCleanly = parse.CommandResult.Command.Name is "serve" or "run";
    return await parse.InvokeAsync(new InvocationConfiguration
    {
        EnableDefaultExceptionHandler = false,
        ProcessTerminationTimeout = stopsCleanly ? null : new InvocationConfiguration().ProcessTerminationTimeout,
    });
}
catch (WarehouseException error)
{
    Console.Error.WriteLine($"error: {Warehouse.Logging.SecretValues.Mask(error.Message)}");
    return 1;
}
catch (Warehouse.Reports.MissingFxRateException error)
{
    Console.Error.WriteLine($"error: {error.Message}");
    return 1;
}
catch (System.Data.Common.DbException error)
{
    // A check that refused to publish, or a database error: one line, the full detail in the log.
    Log.Debug(error, "database error");
    Console.Error.WriteLine($"error: {Warehouse.Control.SecretMasker.Mask(error.Message)}");
    return 1;
}
finally
{
    await Log.CloseAndFlushAsync();
}
