using Dapper;
using Microsoft.Data.SqlClient;
using Npgsql;
using Warehouse.Database;

namespace Warehouse.Tests.Infrastructure;

/// <summary>Logins that hold one warehouse role only (PostgreSQL: a LOGIN role; SQL Server: a login and its user), for role tests.</summary>
public static class TestLogins
{
    /// <summary>A login whose only right in the warehouse is membership of <paramref name="role"/>, and the database as that login sees it.</summary>
    public static async Task<WarehouseDatabase> CreateAsync(WarehouseDatabase database, string login, string password, string role)
    {
        await using var connection = await database.OpenAsync();
        if (database.Engine == Engine.Postgres)
        {
            await connection.ExecuteAsync($"CREATE ROLE {login} LOGIN PASSWORD '{password}' IN ROLE {role}");
            return new WarehouseDatabase(Engine.Postgres, new NpgsqlConnectionStringBuilder(database.ConnectionString) { Username = login, Password = password }.ConnectionString);
        }

        await connection.ExecuteAsync(
            $"""
            CREATE LOGIN [{login}] WITH PASSWORD = '{password}', CHECK_POLICY = OFF;
            CREATE USER [{login}] FOR LOGIN [{login}];
            ALTER ROLE {role} ADD MEMBER [{login}];
            """);
        return new WarehouseDatabase(Engine.SqlServer, new SqlConnectionStringBuilder(database.ConnectionString)
        {
            UserID = login, Password = password, IntegratedSecurity = false,
        }.ConnectionString);
    }

    public static async Task DropAsync(WarehouseDatabase database, string login)
    {
        await using var connection = await database.OpenAsync();
        if (database.Engine == Engine.Postgres)
        {
            NpgsqlConnection.ClearAllPools();
            await connection.ExecuteAsync($"DROP ROLE IF EXISTS {login}");
            return;
        }

        SqlConnection.ClearAllPools();
        await connection.ExecuteAsync(
            $"""
            IF DATABASE_PRINCIPAL_ID('{login}') IS NOT NULL DROP USER [{login}];
            IF SUSER_ID('{login}') IS NOT NULL DROP LOGIN [{login}];
            """);
    }
}
