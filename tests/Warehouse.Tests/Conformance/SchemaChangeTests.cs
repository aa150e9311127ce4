using Dapper;
using Warehouse.Cli;
using Warehouse.Database;
using Warehouse.Tests.Infrastructure;

namespace Warehouse.Tests.Conformance;

/// <summary>
/// Only `warehouse migrate` changes the schema: procedures and views are applied when their script changed
/// (etl.script_hash), a changed view re-creates every view in dependency order, and every other command
/// checks the schema and refuses an older one in one line instead of migrating it.
/// </summary>
public sealed class SchemaChangeTests
{
    [Theory]
    [ClassData(typeof(Engines))]
    public async Task Migrating_a_current_database_applies_no_procedure_or_view(Engine engine)
    {
        await WithMigratedDatabaseAsync(engine, database =>
        {
            var again = Migrator.Migrate(database);

            Assert.Empty(again.Names);
            Assert.True(Migrator.State(database).IsCurrent);
            Migrator.EnsureCurrent(database);
            return Task.CompletedTask;
        });
    }

    [Theory]
    [ClassData(typeof(Engines))]
    public async Task A_changed_view_script_recreates_every_view_in_file_order_and_no_procedure(Engine engine)
    {
        await WithMigratedDatabaseAsync(engine, async database =>
        {
            var views = Migrator.Definitions(engine).Where(d => d.Group == "views").Select(d => d.Name).ToList();
            var changed = views.Single(name => name.EndsWith("_rpt.sku_daily.sql", StringComparison.Ordinal));
            await ForgetHashAsync(database, changed);
            Assert.Equal([changed], Migrator.State(database).ChangedDefinitions);

            var result = Migrator.Migrate(database);

            // rpt.reconciliation reads other rpt views: dropping only the changed view would be refused.
            Assert.Equal(views, result.Names);
            Assert.True(Migrator.State(database).IsCurrent);
            await using var connection = await database.OpenAsync();
            Assert.Equal(0, await connection.ExecuteScalarAsync<long>("SELECT COUNT(*) FROM rpt.reconciliation"));
        });
    }

    [Theory]
    [ClassData(typeof(Engines))]
    public async Task A_changed_procedure_script_reapplies_the_procedures_and_no_view(Engine engine)
    {
        await WithMigratedDatabaseAsync(engine, async database =>
        {
            var procedures = Migrator.Definitions(engine).Where(d => d.Group == "procedures").Select(d => d.Name).ToList();
            await ForgetHashAsync(database, procedures[^1]);

            var result = Migrator.Migrate(database);

            Assert.Equal(procedures, result.Names);
            Assert.True(Migrator.State(database).IsCurrent);
        });
    }

    [Theory]
    [ClassData(typeof(Engines))]
    public async Task A_command_on_an_older_schema_says_in_one_line_to_run_migrate_and_changes_nothing(Engine engine)
    {
        await WithMigratedDatabaseAsync(engine, async database =>
        {
            var view = Migrator.Definitions(engine).First(d => d.Group == "views").Name;
            await ForgetHashAsync(database, view);
            await using (var connection = await database.OpenAsync())
            {
                await connection.ExecuteAsync("DELETE FROM etl.schema_version WHERE ScriptName LIKE '%0015_script_hash.sql'");
            }

            var error = await Assert.ThrowsAsync<WarehouseException>(() =>
                ExportCommand.RunAsync(new CliContext(database), "sku_profit", Path.Combine(Path.GetTempPath(), $"never-{Guid.NewGuid():N}.csv")));

            Assert.Contains("run `warehouse migrate`", error.Message, StringComparison.Ordinal);
            Assert.Contains("1 migration(s) not applied, from 0015_script_hash.sql", error.Message, StringComparison.Ordinal);
            Assert.Contains("1 procedure/view script(s) changed", error.Message, StringComparison.Ordinal);
            Assert.DoesNotContain('\n', error.Message);
            var state = Migrator.State(database);
            Assert.Single(state.PendingMigrations);
            Assert.Equal([view], state.ChangedDefinitions);
        });
    }

    [Theory]
    [ClassData(typeof(Engines))]
    public async Task The_start_up_migration_runs_as_warehouse_etl_on_a_current_schema_and_names_the_fix_on_an_older_one(Engine engine)
    {
        await WithMigratedDatabaseAsync(engine, async database =>
        {
            var login = $"wh_etl_{Guid.NewGuid():N}"[..24];
            var etl = await TestLogins.CreateAsync(database, login, $"Et-{Guid.NewGuid():N}!9a", "warehouse_etl");
            try
            {
                Assert.Empty(Migrator.MigrateIfBehind(etl).Names); // what `warehouse serve` and the demo do at start-up

                await ForgetHashAsync(database, Migrator.Definitions(engine)[0].Name);
                var error = Assert.Throws<WarehouseException>(() => Migrator.MigrateIfBehind(etl));

                Assert.Contains("run `warehouse migrate` with the database owner's login", error.Message, StringComparison.Ordinal);
                Assert.Single(Migrator.State(database).ChangedDefinitions);
            }
            finally
            {
                await TestLogins.DropAsync(database, login);
            }
        });
    }

    [Theory]
    [ClassData(typeof(Engines))]
    public async Task The_alerts_listing_runs_as_warehouse_reader_and_refuses_an_older_schema_without_migrating_it(Engine engine)
    {
        await WithMigratedDatabaseAsync(engine, async database =>
        {
            var login = $"wh_rd_{Guid.NewGuid():N}"[..24];
            var reader = await TestLogins.CreateAsync(database, login, $"Rd-{Guid.NewGuid():N}!9a", "warehouse_reader");
            try
            {
                Assert.Empty(await AlertsCommand.ListAsync(reader, since: null, shop: null));

                var view = Migrator.Definitions(engine).First(d => d.Group == "views").Name;
                await ForgetHashAsync(database, view);
                var error = await Assert.ThrowsAsync<WarehouseException>(() => AlertsCommand.ListAsync(database, since: null, shop: null));

                Assert.Contains("run `warehouse migrate`", error.Message, StringComparison.Ordinal);
                Assert.Equal([view], Migrator.State(database).ChangedDefinitions);
            }
            finally
            {
                await TestLogins.DropAsync(database, login);
            }
        });
    }

    [Theory]
    [ClassData(typeof(Engines))]
    public async Task Two_migrations_at_once_take_turns_under_the_migration_lock_and_apply_each_script_once(Engine engine)
    {
        SkipUnlessConfigured(engine);
        var database = TestServers.CreateDatabase(engine, "twice");
        try
        {
            var results = await Task.WhenAll(Task.Run(() => Migrator.Migrate(database)), Task.Run(() => Migrator.Migrate(database)));

            Assert.Equal(Migrator.Migrations(engine).Count + Migrator.Definitions(engine).Count, results.Sum(r => r.ScriptsRun));
            Assert.Contains(results, r => r.ScriptsRun == 0);
            Assert.True(Migrator.State(database).IsCurrent);
        }
        finally
        {
            TestServers.DropDatabase(database);
        }
    }

    [Theory]
    [ClassData(typeof(Engines))]
    public async Task Three_first_ever_migrations_at_once_create_the_database_once_and_apply_each_script_once(Engine engine)
    {
        SkipUnlessConfigured(engine);
        var created = TestServers.CreateDatabase(engine, "race");
        TestServers.DropDatabase(created); // a name no database has yet: each migration must create it or find it
        try
        {
            var results = await Task.WhenAll(Enumerable.Range(0, 3).Select(_ => Task.Run(() => Migrator.Migrate(created))));

            Assert.Equal(Migrator.Migrations(engine).Count + Migrator.Definitions(engine).Count, results.Sum(r => r.ScriptsRun));
            Assert.True(Migrator.State(created).IsCurrent);
        }
        finally
        {
            TestServers.DropDatabase(created);
        }
    }

    [Theory]
    [ClassData(typeof(Engines))]
    public void A_command_on_a_database_never_migrated_says_to_run_migrate_and_creates_nothing(Engine engine)
    {
        SkipUnlessConfigured(engine);
        var database = TestServers.CreateDatabase(engine, "unmigrated");
        try
        {
            var error = Assert.Throws<WarehouseException>(() => Migrator.EnsureCurrent(database));

            Assert.Contains("has no warehouse schema yet: run `warehouse migrate` first", error.Message, StringComparison.Ordinal);
            using var connection = database.Open();
            Assert.Equal(0, connection.ExecuteScalar<int>("SELECT COUNT(*) FROM information_schema.tables WHERE table_schema IN ('etl', 'rpt', 'stg')"));
        }
        finally
        {
            TestServers.DropDatabase(database);
        }
    }

    private static void SkipUnlessConfigured(Engine engine)
    {
        if (engine == Engine.SqlServer && TestServers.SqlServer is null)
        {
            Assert.Skip("SQL Server not configured: set WAREHOUSE_TEST_SQLSERVER to a connection string to run this test on it");
        }
    }

    /// <summary>A database of its own (these tests change its journals), migrated, dropped afterwards.</summary>
    private static async Task WithMigratedDatabaseAsync(Engine engine, Func<WarehouseDatabase, Task> test)
    {
        SkipUnlessConfigured(engine);
        var database = TestServers.CreateDatabase(engine, "schema");
        try
        {
            Migrator.Migrate(database);
            await test(database);
        }
        finally
        {
            TestServers.DropDatabase(database);
        }
    }

    /// <summary>What a new build with a different script looks like to the database: the stored hash no longer matches.</summary>
    private static async Task ForgetHashAsync(WarehouseDatabase database, string script)
    {
        await using var connection = await database.OpenAsync();
        Assert.Equal(1, await connection.ExecuteAsync("UPDATE etl.script_hash SET sha256 = @hash WHERE script_name = @script", new { script, hash = new string('0', 64) }));
    }
}
