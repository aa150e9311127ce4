using System.Reflection;
using System.Security.Cryptography;
using System.Text;
using Dapper;
using DbUp;
using DbUp.Engine;
using DbUp.Engine.Output;
using DbUp.Helpers;
using DbUp.Support;

namespace Warehouse.Database;

/// <summary>
/// The only code that changes the schema (`warehouse migrate`, the service at start-up, and the demo and
/// bench on the databases they create), under the migration lock. sql/{engine}/migrations run once with
/// DbUp (journal etl.schema_version). Procedures and views are applied only when a script of their group
/// changed (SHA-256 in etl.script_hash), and then the whole group in file order, views dropped first in
/// reverse order, so a view that depends on a changed view is re-created too; all in one transaction.
/// Every other command only checks the schema is current (<see cref="EnsureCurrent"/>).
/// </summary>
public static class Migrator
{
    public sealed record Result(int ScriptsRun, IReadOnlyList<string> Names);

    /// <summary>A procedure or view script and the hash it is journaled under.</summary>
    public sealed record Definition(string Name, string Group, string Sql, string Sha256);

    /// <summary>What a database lacks compared with the scripts of this build.</summary>
    public sealed record SchemaState(bool HasJournal, IReadOnlyList<string> PendingMigrations, IReadOnlyList<string> ChangedDefinitions)
    {
        public bool IsCurrent => HasJournal && PendingMigrations.Count == 0 && ChangedDefinitions.Count == 0;
    }

    private const string LockName = "warehouse.migrate";

    public static Result Migrate(WarehouseDatabase database, IUpgradeLog? log = null)
    {
        log ??= new NoOpUpgradeLog();
        EnsureDatabaseExists(database, log);
        using var held = MigrationLock.Acquire(database, LockName, TimeSpan.FromMinutes(10));
        using (var connection = database.Open())
        {
            var mayChange = connection.ExecuteScalar<int>(database.Engine == Engine.Postgres
                ? "SELECT CASE WHEN has_database_privilege(current_database(), 'CREATE') THEN 1 ELSE 0 END"
                : "SELECT HAS_PERMS_BY_NAME(NULL, N'DATABASE', N'CREATE TABLE') & HAS_PERMS_BY_NAME(NULL, N'DATABASE', N'CREATE VIEW') & HAS_PERMS_BY_NAME(NULL, N'DATABASE', N'CREATE PROCEDURE')") == 1;
            if (!mayChange)
            {
                throw new WarehouseException($"this login may not change the schema of {database.Describe()}: run `warehouse migrate` with the database owner's login");
            }

            try
            {
                // The journal lives in schema etl, which must exist before DbUp writes to it.
                connection.Execute(database.Engine == Engine.Postgres
                    ? "CREATE SCHEMA IF NOT EXISTS etl"
                    : "IF SCHEMA_ID('etl') IS NULL EXEC('CREATE SCHEMA etl')");
            }
            catch (System.Data.Common.DbException error)
            {
                throw new WarehouseException($"migration failed creating schema etl on {database.Describe()}: {error.Message.ReplaceLineEndings(" ")}", error);
            }
        }

        var migrations = RunMigrations(database, log);

        var definitions = Definitions(database.Engine);
        var applied = AppliedHashes(database);
        var groups = definitions.GroupBy(d => d.Group).Where(g => g.Any(d => !IsApplied(d, applied))).ToList();
        var scripts = new List<SqlScript>();
        foreach (var group in groups)
        {
            var list = group.ToList();
            if (group.Key == "views")
            {
                scripts.Add(new SqlScript("drop every rpt view (re-created below in dependency order)", DropViews(list)));
            }

            scripts.AddRange(list.Select(d => new SqlScript(d.Name, d.Sql)));
            if (database.Engine == Engine.Postgres)
            {
                // Default privileges (0008) cover objects the owner creates; another admin login re-creating them
                // would leave them without grants. SQL Server's grants are on the schemas and cover them already.
                scripts.Add(new SqlScript($"grant the roles their rights on the re-created {group.Key}", group.Key == "views"
                    ? "GRANT SELECT ON ALL TABLES IN SCHEMA rpt TO warehouse_etl, warehouse_reader;"
                    : "GRANT EXECUTE ON ALL ROUTINES IN SCHEMA etl TO warehouse_etl;"));
            }
        }

        var names = migrations.ToList();
        if (scripts.Count > 0)
        {
            var definitionsBuilder = database.Engine == Engine.Postgres
                ? DeployChanges.To.PostgresqlDatabase(database.ConnectionString)
                : DeployChanges.To.SqlDatabase(database.ConnectionString);
            var run = Perform(database, definitionsBuilder.WithScripts(scripts.Select(InOrder)).JournalTo(new NullJournal()).WithTransaction(), log);
            RecordHashes(database, groups.SelectMany(g => g).ToList(), definitions);
            names.AddRange(run.Where(name => definitions.Any(d => d.Name == name)));
        }

        return new Result(names.Count, names);
    }

    /// <summary>The first line of a migration that must run without a transaction (SQL Server's ALTER DATABASE).</summary>
    public const string WithoutTransaction = "-- migrate: without transaction";

    public static bool RunsWithoutTransaction(SqlScript script) =>
        script.SqlScriptOptions.ScriptType == ScriptType.RunOnce && script.Contents.StartsWith(WithoutTransaction, StringComparison.Ordinal);

    /// <summary>
    /// The migrations not yet journaled, a transaction each; one whose first line is <see cref="WithoutTransaction"/>
    /// runs alone outside DbUp's transaction, after the migrations before it.
    /// </summary>
    private static List<string> RunMigrations(WarehouseDatabase database, IUpgradeLog log)
    {
        var scripts = Migrations(database.Engine);
        var names = new List<string>();
        foreach (var alone in scripts.Where(RunsWithoutTransaction))
        {
            names.AddRange(Perform(database, Journaled(database).WithScripts(scripts.TakeWhile(s => s != alone)).WithTransactionPerScript(), log));
            names.AddRange(Perform(database, Journaled(database).WithScripts(alone).WithoutTransaction(), log));
        }

        names.AddRange(Perform(database, Journaled(database).WithScripts(scripts).WithTransactionPerScript(), log));
        return names;
    }

    private static DbUp.Builder.UpgradeEngineBuilder Journaled(WarehouseDatabase database) => database.Engine == Engine.Postgres
        ? DeployChanges.To.PostgresqlDatabase(database.ConnectionString).JournalToPostgresqlTable("etl", "schema_version")
        : DeployChanges.To.SqlDatabase(database.ConnectionString).JournalToSqlTable("etl", "schema_version");

    /// <summary>
    /// The service at start-up and the demo: migrates only when the schema is behind (or not there yet), so on a
    /// current schema they run with a warehouse_etl login, which may not change it.
    /// </summary>
    public static Result MigrateIfBehind(WarehouseDatabase database, IUpgradeLog? log = null)
    {
        try
        {
            if (State(database).IsCurrent)
            {
                return new Result(0, []);
            }
        }
        catch (Exception error) when (error is WarehouseException or System.Data.Common.DbException)
        {
            // no database or no journal readable yet: Migrate creates them, or says why it cannot
        }

        return Migrate(database, log);
    }

    /// <summary>Compares the database with the scripts of this build; reads only (a warehouse_reader login can).</summary>
    public static SchemaState State(WarehouseDatabase database)
    {
        using var connection = database.Open();
        var hasJournal = connection.ExecuteScalar<int>(database.Engine == Engine.Postgres
            ? "SELECT CASE WHEN to_regclass('etl.schema_version') IS NOT NULL AND to_regclass('etl.script_hash') IS NOT NULL THEN 1 ELSE 0 END"
            : "SELECT CASE WHEN OBJECT_ID(N'etl.schema_version') IS NOT NULL AND OBJECT_ID(N'etl.script_hash') IS NOT NULL THEN 1 ELSE 0 END") == 1;
        if (!hasJournal)
        {
            return new SchemaState(false, Migrations(database.Engine).Select(s => s.Name).ToList(), []);
        }

        var executed = connection.Query<string>("SELECT ScriptName FROM etl.schema_version").ToHashSet(StringComparer.Ordinal);
        var applied = connection.Query<(string Name, string Sha256)>("SELECT script_name, sha256 FROM etl.script_hash")
            .ToDictionary(r => r.Name, r => r.Sha256.Trim(), StringComparer.Ordinal);
        return new SchemaState(
            true,
            Migrations(database.Engine).Select(s => s.Name).Where(name => !executed.Contains(name)).ToList(),
            Definitions(database.Engine).Where(d => !IsApplied(d, applied)).Select(d => d.Name).ToList());
    }

    /// <summary>
    /// For every command that must not change the schema: passes when the database is current, otherwise
    /// fails with one line saying what is missing and that `warehouse migrate` brings it up to date.
    /// </summary>
    public static void EnsureCurrent(WarehouseDatabase database)
    {
        SchemaState state;
        try
        {
            state = State(database);
        }
        catch (System.Data.Common.DbException error)
        {
            throw new WarehouseException(
                $"cannot read the schema version of {database.Describe()} ({error.Message.ReplaceLineEndings(" ")}): run `warehouse migrate` with a login that may change the schema", error);
        }

        if (!state.HasJournal)
        {
            throw new WarehouseException($"{database.Describe()} has no warehouse schema yet: run `warehouse migrate` first (with a login that may change the schema)");
        }

        if (!state.IsCurrent)
        {
            var missing = new List<string>();
            if (state.PendingMigrations.Count > 0)
            {
                missing.Add($"{state.PendingMigrations.Count} migration(s) not applied, from {Path.GetFileName(state.PendingMigrations[0])}");
            }

            if (state.ChangedDefinitions.Count > 0)
            {
                missing.Add($"{state.ChangedDefinitions.Count} procedure/view script(s) changed, e.g. {Path.GetFileName(state.ChangedDefinitions[0])}");
            }

            throw new WarehouseException(
                $"the schema of {database.Describe()} is older than this warehouse ({string.Join("; ", missing)}): run `warehouse migrate` first (with a login that may change the schema)");
        }
    }

    /// <summary>
    /// Creates the configured database when the server is reachable but the database is not there yet. The
    /// migration lock lives inside that database, so two first-ever migrations can race here: the loser's
    /// CREATE DATABASE fails because the winner's just succeeded, and a second look finds it there.
    /// </summary>
    private static void EnsureDatabaseExists(WarehouseDatabase database, IUpgradeLog log)
    {
        try
        {
            try
            {
                CreateIfMissing(database, log);
            }
            catch (System.Data.Common.DbException)
            {
                Thread.Sleep(TimeSpan.FromMilliseconds(500));
                CreateIfMissing(database, log);
            }
        }
        catch (Exception error) when (error is System.Data.Common.DbException or System.Net.Sockets.SocketException or InvalidOperationException)
        {
            throw new WarehouseException($"cannot reach {database.Describe()}: {error.Message}", error);
        }
    }

    private static void CreateIfMissing(WarehouseDatabase database, IUpgradeLog log)
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

    private static IReadOnlyList<string> Perform(WarehouseDatabase database, DbUp.Builder.UpgradeEngineBuilder builder, IUpgradeLog log)
    {
        var result = builder
            .WithVariablesDisabled()
            .WithExecutionTimeout(TimeSpan.FromMinutes(30))
            .LogTo(log)
            .Build()
            .PerformUpgrade();
        if (!result.Successful)
        {
            var script = result.ErrorScript?.Name ?? "?";
            throw new WarehouseException($"migration failed in {script} on {database.Describe()}: {result.Error.Message}", result.Error);
        }

        return result.Scripts.Select(s => s.Name).ToList();
    }

    private static Dictionary<string, string> AppliedHashes(WarehouseDatabase database)
    {
        using var connection = database.Open();
        return connection.Query<(string Name, string Sha256)>("SELECT script_name, sha256 FROM etl.script_hash")
            .ToDictionary(r => r.Name, r => r.Sha256.Trim(), StringComparer.Ordinal);
    }

    private static bool IsApplied(Definition definition, IReadOnlyDictionary<string, string> applied) =>
        applied.TryGetValue(definition.Name, out var hash) && hash == definition.Sha256;

    /// <summary>Journals the scripts just applied; rows of scripts this build no longer has go.</summary>
    private static void RecordHashes(WarehouseDatabase database, IReadOnlyList<Definition> applied, IReadOnlyList<Definition> all)
    {
        using var connection = database.Open();
        using var transaction = connection.BeginTransaction();
        var now = DateTimeOffset.UtcNow;
        foreach (var definition in applied)
        {
            var row = new { name = definition.Name, hash = definition.Sha256, now };
            if (connection.Execute("UPDATE etl.script_hash SET sha256 = @hash, applied_at = @now WHERE script_name = @name", row, transaction) == 0)
            {
                connection.Execute("INSERT INTO etl.script_hash (script_name, sha256, applied_at) VALUES (@name, @hash, @now)", row, transaction);
            }
        }

        var known = all.Select(d => d.Name).ToHashSet(StringComparer.Ordinal);
        var prefix = $"sql/{Folder(database.Engine)}/";
        foreach (var stale in connection.Query<string>("SELECT script_name FROM etl.script_hash", transaction: transaction)
                     .Where(name => name.StartsWith(prefix, StringComparison.Ordinal) && !known.Contains(name)).ToList())
        {
            connection.Execute("DELETE FROM etl.script_hash WHERE script_name = @stale", new { stale }, transaction);
        }

        transaction.Commit();
    }

    /// <summary>DROP VIEW IF EXISTS for every view script, last first (a view only uses views of earlier scripts).</summary>
    private static string DropViews(IReadOnlyList<Definition> views) =>
        string.Join("\n", views.AsEnumerable().Reverse().Select(v => $"DROP VIEW IF EXISTS {ObjectName(v)};"));

    /// <summary>The object a script defines, from its file name: views/110_rpt.sku_profit.sql is rpt.sku_profit.</summary>
    public static string ObjectName(Definition definition)
    {
        var file = Path.GetFileNameWithoutExtension(definition.Name);
        var name = file[(file.IndexOf('_', StringComparison.Ordinal) + 1)..];
        if (!name.StartsWith("rpt.", StringComparison.Ordinal) && !name.StartsWith("etl.", StringComparison.Ordinal)
            || !name.All(c => c is >= 'a' and <= 'z' or >= '0' and <= '9' or '_' or '.')
            || !definition.Sql.Contains(name, StringComparison.OrdinalIgnoreCase))
        {
            throw new InvalidOperationException($"{definition.Name}: the file name must be NNN_schema.object.sql naming the object the script creates");
        }

        return name;
    }

    /// <summary>Migrations of one engine, in run order.</summary>
    public static IReadOnlyList<SqlScript> Migrations(Engine engine) =>
        Resources(engine, "migrations").Select(r => new SqlScript(r.Name, r.Sql, new SqlScriptOptions { ScriptType = ScriptType.RunOnce, RunGroupOrder = 1 })).ToList();

    /// <summary>Procedures, then views, of one engine, in run order, with the hash each is journaled under.</summary>
    public static IReadOnlyList<Definition> Definitions(Engine engine) =>
        new[] { "procedures", "views" }
            .SelectMany(group => Resources(engine, group).Select(r => new Definition(r.Name, group, r.Sql, Hash(r.Sql))))
            .ToList();

    /// <summary>Upper-case hex SHA-256 of a script, line ends normalized so a checkout's line endings change nothing.</summary>
    public static string Hash(string sql) =>
        Convert.ToHexString(SHA256.HashData(Encoding.UTF8.GetBytes(sql.ReplaceLineEndings("\n"))));

    /// <summary>Not journaled by DbUp (etl.script_hash is), and run in list order (DbUp sorts by group, then name).</summary>
    private static SqlScript InOrder(SqlScript script, int index) =>
        new(script.Name, script.Contents, new SqlScriptOptions { ScriptType = ScriptType.RunAlways, RunGroupOrder = index + 1 });

    private static string Folder(Engine engine) => engine == Engine.Postgres ? "postgres" : "sqlserver";

    private static IEnumerable<(string Name, string Sql)> Resources(Engine engine, string group)
    {
        var assembly = Assembly.GetExecutingAssembly();
        var prefix = $"sql/{Folder(engine)}/{group}/";
        foreach (var name in assembly.GetManifestResourceNames().Where(n => n.StartsWith(prefix, StringComparison.Ordinal)).Order(StringComparer.Ordinal))
        {
            using var stream = assembly.GetManifestResourceStream(name)!;
            using var reader = new StreamReader(stream);
            yield return (name, reader.ReadToEnd());
        }
    }
}
