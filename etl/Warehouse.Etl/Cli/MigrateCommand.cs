using System.CommandLine;
using Warehouse.Database;

namespace Warehouse.Cli;

/// <summary>
/// `warehouse migrate`: apply the engine's scripts (DbUp migrations once; procedures and views when their
/// script changed), under the migration lock. The one command a DBA runs with a login that may change the
/// schema; everything else runs as warehouse_etl or warehouse_reader.
/// </summary>
public static class MigrateCommand
{
    public static Command Create()
    {
        var wait = new Option<int>("--wait")
        {
            Description = "Seconds to wait for the database server to accept connections (a container starting next to it)",
            DefaultValueFactory = _ => 0,
        };
        var command = new Command("migrate", "Create or upgrade the warehouse schema (DbUp, journal in etl.schema_version; procedure and view hashes in etl.script_hash)") { wait };
        command.SetAction(parse =>
        {
            var context = new CliContext();
            var result = MigrateWhenReachable(context.Database, TimeSpan.FromSeconds(Math.Max(0, parse.GetValue(wait))));
            Console.WriteLine($"{context.Database.Describe()}: {result.ScriptsRun} scripts applied" + (result.ScriptsRun == 0 ? " (schema current)" : ""));
        });
        return command;
    }

    /// <summary>Migrates, retrying every 2 seconds while the server cannot be reached, up to the wait.</summary>
    public static Migrator.Result MigrateWhenReachable(WarehouseDatabase database, TimeSpan wait)
    {
        var deadline = DateTime.UtcNow + wait;
        while (true)
        {
            try
            {
                return Migrator.Migrate(database);
            }
            catch (WarehouseException error) when (error.Message.StartsWith("cannot reach", StringComparison.Ordinal) && DateTime.UtcNow < deadline)
            {
                Console.Error.WriteLine($"waiting for {database.Describe()}...");
                Thread.Sleep(TimeSpan.FromSeconds(2));
            }
        }
    }
}
