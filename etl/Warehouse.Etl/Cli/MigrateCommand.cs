using System.CommandLine;
using Warehouse.Database;

namespace Warehouse.Cli;

/// <summary>`warehouse migrate`: apply the engine's scripts with DbUp.</summary>
public static class MigrateCommand
{
    public static Command Create()
    {
        var command = new Command("migrate", "Create or upgrade the warehouse schema (DbUp, journal in etl.schema_version)");
        command.SetAction(_ =>
        {
            var context = new CliContext();
            var result = Migrator.Migrate(context.Database);
            Console.WriteLine($"{context.Database.Describe()}: {result.ScriptsRun} scripts applied");
        });
        return command;
    }
}
