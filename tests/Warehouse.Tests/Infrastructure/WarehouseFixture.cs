using System.Collections.Concurrent;
using System.Data.Common;
using Dapper;
using Respawn;
using Respawn.Graph;
using Warehouse.Database;

namespace Warehouse.Tests.Infrastructure;

/// <summary>
/// One migrated database per engine for a test class (created on first use, dropped after the
/// class), and Respawn to empty it between tests. Reference data (settings, calendar, traffic
/// sources, the DbUp journal) stays; dimensions keep their key-0 members.
/// </summary>
public sealed class WarehouseFixture : IAsyncLifetime
{
    private readonly ConcurrentDictionary<Engine, Lazy<Task<WarehouseDatabase>>> databases = new();
    private readonly ConcurrentDictionary<Engine, Respawner> respawners = new();

    public Task<WarehouseDatabase> DatabaseAsync(Engine engine)
    {
        if (engine == Engine.SqlServer && TestServers.SqlServer is null)
        {
            Assert.Skip("SQL Server not configured: set WAREHOUSE_TEST_SQLSERVER to a connection string to run this test on it");
        }

        return databases.GetOrAdd(engine, e => new Lazy<Task<WarehouseDatabase>>(() => Task.Run(() =>
        {
            var database = TestServers.CreateDatabase(e, "test");
            Migrator.Migrate(database);
            return database;
        }))).Value;
    }

    /// <summary>A migrated database on the engine, emptied of everything a previous test loaded.</summary>
    public async Task<WarehouseDatabase> CleanDatabaseAsync(Engine engine)
    {
        var database = await DatabaseAsync(engine);
        await using var connection = await database.OpenAsync();
        if (!respawners.TryGetValue(engine, out var respawner))
        {
            respawner = await Respawner.CreateAsync(connection, new RespawnerOptions
            {
                DbAdapter = engine == Engine.Postgres ? DbAdapter.Postgres : DbAdapter.SqlServer,
                SchemasToInclude = ["stg", "fact", "etl"],
                TablesToIgnore =
                [
                    new Table("etl", "schema_version"), new Table("etl", "script_hash"), new Table("etl", "setting"), new Table("etl", "time_zone_map"),
                ],
            });
            respawners[engine] = respawner;
        }

        await respawner.ResetAsync(connection);
        await ResetDimensionsAsync(connection);
        return database;
    }

    private static Task ResetDimensionsAsync(DbConnection connection) =>
        connection.ExecuteAsync(
            """
            DELETE FROM dim.sku_cost;
            DELETE FROM dim.product WHERE product_key <> 0;
            DELETE FROM dim.campaign WHERE campaign_key <> 0;
            DELETE FROM dim.shop WHERE shop_key <> 0;
            """);

    public ValueTask InitializeAsync() => ValueTask.CompletedTask;

    public async ValueTask DisposeAsync()
    {
        foreach (var lazy in databases.Values)
        {
            if (lazy.IsValueCreated && lazy.Value.IsCompletedSuccessfully)
            {
                TestServers.DropDatabase(lazy.Value.Result);
            }
        }

        await Task.CompletedTask;
    }
}
