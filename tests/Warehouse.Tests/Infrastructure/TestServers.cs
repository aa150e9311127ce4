using Microsoft.Data.SqlClient;
using Npgsql;
using Warehouse.Database;

namespace Warehouse.Tests.Infrastructure;

/// <summary>
/// The database servers the tests run on. PostgreSQL always: WAREHOUSE_TEST_POSTGRES (a connection
/// string to a server where the tests may create databases), else a private cluster under
/// .warehouse/test-pg started from the installed PostgreSQL binaries. SQL Server only when
/// WAREHOUSE_TEST_SQLSERVER holds a connection string; its tests are skipped otherwise.
/// </summary>
public static class TestServers
{
    private static readonly Lazy<string> PostgresServer = new(() =>
        Environment.GetEnvironmentVariable("WAREHOUSE_TEST_POSTGRES") is { Length: > 0 } configured
            ? configured
            : new EmbeddedPostgres(Path.Combine(RepositoryRoot.Find(), ".warehouse", "test-pg")).Start());

    /// <summary>A connection string to the PostgreSQL test server (its postgres database), starting the private cluster if needed.</summary>
    public static string Postgres => new NpgsqlConnectionStringBuilder(PostgresServer.Value) { Database = "postgres" }.ConnectionString;

    public static string? SqlServer => Environment.GetEnvironmentVariable("WAREHOUSE_TEST_SQLSERVER") is { Length: > 0 } s ? s : null;

    public static IEnumerable<Engine> Configured => SqlServer is null ? [Engine.Postgres] : [Engine.Postgres, Engine.SqlServer];

    /// <summary>Creates an empty database with a unique name on the engine's test server.</summary>
    public static WarehouseDatabase CreateDatabase(Engine engine, string purpose)
    {
        var name = $"wh_{purpose.ToLowerInvariant()}_{Guid.NewGuid():N}"[..40];
        if (engine == Engine.Postgres)
        {
            var server = new NpgsqlConnectionStringBuilder(PostgresServer.Value) { Database = "postgres", Pooling = false };
            using (var connection = new NpgsqlConnection(server.ConnectionString))
            {
                connection.Open();
                using var create = new NpgsqlCommand($"CREATE DATABASE {name}", connection);
                create.ExecuteNonQuery();
            }

            return new WarehouseDatabase(Engine.Postgres, new NpgsqlConnectionStringBuilder(PostgresServer.Value) { Database = name }.ConnectionString);
        }

        var sqlServer = new SqlConnectionStringBuilder(SqlServer ?? throw new InvalidOperationException("WAREHOUSE_TEST_SQLSERVER is not set")) { InitialCatalog = "master" };
        using (var connection = new SqlConnection(sqlServer.ConnectionString))
        {
            connection.Open();
            using var create = new SqlCommand($"CREATE DATABASE [{name}]", connection);
            create.ExecuteNonQuery();
        }

        return new WarehouseDatabase(Engine.SqlServer, new SqlConnectionStringBuilder(sqlServer.ConnectionString) { InitialCatalog = name }.ConnectionString);
    }

    public static void DropDatabase(WarehouseDatabase database)
    {
        if (database.Engine == Engine.Postgres)
        {
            var builder = new NpgsqlConnectionStringBuilder(database.ConnectionString);
            NpgsqlConnection.ClearAllPools();
            using var connection = new NpgsqlConnection(new NpgsqlConnectionStringBuilder(database.ConnectionString) { Database = "postgres", Pooling = false }.ConnectionString);
            connection.Open();
            using var drop = new NpgsqlCommand($"DROP DATABASE IF EXISTS {builder.Database} WITH (FORCE)", connection);
            drop.ExecuteNonQuery();
            return;
        }

        var sql = new SqlConnectionStringBuilder(database.ConnectionString);
        SqlConnection.ClearAllPools();
        using var master = new SqlConnection(new SqlConnectionStringBuilder(database.ConnectionString) { InitialCatalog = "master" }.ConnectionString);
        master.Open();
        using var dropSql = new SqlCommand($"ALTER DATABASE [{sql.InitialCatalog}] SET SINGLE_USER WITH ROLLBACK IMMEDIATE; DROP DATABASE [{sql.InitialCatalog}]", master);
        dropSql.ExecuteNonQuery();
    }
}
