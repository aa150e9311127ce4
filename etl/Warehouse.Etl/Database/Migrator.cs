using System.Reflection;
using Dapper;
using DbUp;
using DbUp.Engine;
using DbUp.Engine.Output;
using DbUp.Support;

namespace Warehouse.Database;

/// <summary>
/// Applies the embedded scripts of the database's engine with DbUp: sql/{engine}/migrations run
/// once (journal in etl.schema_version), then procedures and views run every time so they always
/// match the code.
/// </summary>
public static class Migrator
{
    public sealed record Result(int ScriptsRun, IReadOnlyList<string> Names);

    public static Result Migrate(WarehouseDatabase database, IUpgradeLog? log = null)
    {
        EnsureDatabaseExists(database, log ?? new NoOpUpgradeLog());
        using (var connection = database.Open())
        {
            // The journal lives in schema etl, which must exist before DbUp writes to it.
            connection.Execute(database.Engine == Engine.Postgres
                ? "CREATE SCHEMA IF NOT EXISTS etl"
                : "IF SCHEMA_ID('etl') IS NULL EXEC('CREATE SCHEMA etl')");
        }

        // A script whose first line is WithoutTransaction runs outside DbUp's transaction (ALTER DATABASE
        // cannot run inside one): the migrations before it first, then it alone, then the rest as usual.
        var scripts = Scripts(database.Engine);
        var names = new List<string>();
        foreach (var alone in scripts.Where(RunsWithoutTransaction))
        {
            names.AddRange(Upgrade(database, scripts.TakeWhile(s => s != alone).ToList(), withTransaction: true, log));
            names.AddRange(Upgrade(database, [alone], withTransaction: false, log));
        }

        names.AddRange(Upgrade(database, scripts, withTransaction: true, log));
        return new Result(names.Count, names);
    }

    /// <summary>The first line of a migration that must run without a transaction (SQL Server's ALTER DATABASE).</summary>
    public const string WithoutTransaction = "-- migrate: without transaction";

    public static bool RunsWithoutTransaction(SqlScript script) =>
        script.SqlScriptOptions.ScriptType == ScriptType.RunOnce && script.Contents.StartsWith(WithoutTransaction, StringComparison.Ordinal);

    private static IEnumerable<string> Upgrade(WarehouseDatabase database, IReadOnlyList<SqlScript> scripts, bool withTransaction, IUpgradeLog? log)
    {
        var builder = database.Engine == Engine.Postgres
            ? DeployChanges.To.PostgresqlDatabase(database.ConnectionString).JournalToPostgresqlTable("etl", "schema_version")
            : DeployChanges.To.SqlDatabase(database.ConnectionString).JournalToSqlTable("etl", "schema_version");
        builder = builder.WithScripts(scripts);
        builder = withTransaction ? builder.WithTransactionPerScript() : builder.WithoutTransaction();
        var upgrader = builder
            .WithVariablesDisabled()
            .WithExecutionTimeout(TimeSpan.FromMinutes(30))
            .LogTo(log ?? new NoOpUpgradeLog())
            .Build();

        var result = upgrader.PerformUpgrade();
        if (!result.Successful)
        {
            var script = result.ErrorScript?.Name ?? "?";
            throw new WarehouseException($"migration failed in {script} on {database.Describe()}: {result.Error.Message}", result.Error);
        }

        return result.Scripts.Select(s => s.Name);
    }

    /// <summary>Creates the configured database when the server is reachable but the database is not there yet.</summary>
    private static void EnsureDatabaseExists(WarehouseDatabase database, IUpgradeLog log)
    {
        try
        {
            if (database.Engine == Engine.Postgres)
            {
                EnsureDatabase.For.PostgresqlDatabase(database.ConnectionString, log);
            }
            else
            {
                EnsureDatabase.For.SqlDatabase(database.ConnectionString, log);
            }
        }
        catch (Exception error) when (error is System.Data.Common.DbException or System.Net.Sockets.SocketException or InvalidOperationException)
        {
            throw new WarehouseException($"cannot reach {database.Describe()}: {error.Message}", error);
        }
    }

    /// <summary>Embedded scripts of one engine, in run order: migrations, then procedures, then views.</summary>
    public static IReadOnlyList<SqlScript> Scripts(Engine engine)
    {
        var folder = engine == Engine.Postgres ? "postgres" : "sqlserver";
        var assembly = Assembly.GetExecutingAssembly();
        var groups = new (string Folder, ScriptType Type, int Order)[]
        {
            ("migrations", ScriptType.RunOnce, 1),
            ("procedures", ScriptType.RunAlways, 2),
            ("views", ScriptType.RunAlways, 3),
        };

        var scripts = new List<SqlScript>();
        foreach (var (group, type, order) in groups)
        {
            var prefix = $"sql/{folder}/{group}/";
            foreach (var name in assembly.GetManifestResourceNames().Where(n => n.StartsWith(prefix, StringComparison.Ordinal)).Order(StringComparer.Ordinal))
            {
                using var stream = assembly.GetManifestResourceStream(name)!;
                using var reader = new StreamReader(stream);
                scripts.Add(new SqlScript(name, reader.ReadToEnd(), new SqlScriptOptions { ScriptType = type, RunGroupOrder = order }));
            }
        }

        return scripts;
    }
}
