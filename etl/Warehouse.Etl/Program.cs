using System.CommandLine;
using Serilog;
using Warehouse.Cli;
using Warehouse.Database;

Log.Logger = new LoggerConfiguration()
    .MinimumLevel.Information()
    .Enrich.FromLogContext()
    .WriteTo.Console(outputTemplate: "[{Timestamp:HH:mm:ss} {Level:u3}] {Message:lj}{NewLine}{Exception}", standardErrorFromLevel: Serilog.Events.LogEventLevel.Warning)
    .CreateLogger();

var root = new RootCommand("TikTok Shop SKU profit warehouse: true contribution profit and ROI per SKU")
{
    DemoCommand.Create(),
    DbCommand.Create(),
    MigrateCommand.Create(),
    SampleCommand.Create(),
    LoadCommand.Create(),
    TransformCommand.Create(),
    ReportCommand.Create(),
};

try
{
    var parse = root.Parse(args);
    return await parse.InvokeAsync(new InvocationConfiguration { EnableDefaultExceptionHandler = false });
}
catch (WarehouseException error)
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
