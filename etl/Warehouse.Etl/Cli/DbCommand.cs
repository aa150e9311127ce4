using System.CommandLine;
using Warehouse.Database;

namespace Warehouse.Cli;

/// <summary>`warehouse db start|stop|status`: the private PostgreSQL cluster under .warehouse/pg.</summary>
public static class DbCommand
{
    public static Command Create()
    {
        var command = new Command("db", "Manage the private PostgreSQL cluster under .warehouse/pg (used when no connection is configured)");
        var start = new Command("start", "Create the cluster if needed and start it");
        start.SetAction(_ =>
        {
            var connection = EmbeddedPostgres.ForRepository().Start();
            var database = new WarehouseDatabase(Engine.Postgres, connection);
            Migrator.Migrate(database);
            Console.WriteLine($"started: {database.Describe()}");
        });
        var stop = new Command("stop", "Stop the cluster");
        stop.SetAction(_ =>
        {
            EmbeddedPostgres.ForRepository().Stop();
            Console.WriteLine("stopped");
        });
        var status = new Command("status", "Say whether the cluster runs, and where");
        status.SetAction(_ => Console.WriteLine(EmbeddedPostgres.ForRepository().Status()));
        command.Subcommands.Add(start);
        command.Subcommands.Add(stop);
        command.Subcommands.Add(status);
        return command;
    }
}
