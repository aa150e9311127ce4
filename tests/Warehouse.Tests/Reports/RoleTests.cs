using System.Data.Common;
using Dapper;
using Warehouse.Database;
using Warehouse.Tests.Infrastructure;

namespace Warehouse.Tests.Reports;

/// <summary>
/// The roles of migrations 0008 and 0015: warehouse_reader reads rpt, dim and fact, and of etl only what
/// `warehouse status` shows and the schema version (never staging, work tables, rejects or settings);
/// warehouse_etl writes stg, dim, fact and etl. Checked by acting as each role (PostgreSQL: SET ROLE;
/// SQL Server: a user without login in the role, EXECUTE AS USER).
/// </summary>
public sealed class RoleTests(WarehouseFixture fixture) : IClassFixture<WarehouseFixture>
{
    [Theory]
    [ClassData(typeof(Engines))]
    public async Task The_reader_reads_rpt_dim_and_fact_but_cannot_write_or_read_staging(Engine engine)
    {
        var database = await fixture.DatabaseAsync(engine);
        await using var connection = await database.OpenAsync();
        await ActAsAsync(connection, engine, "warehouse_reader");

        foreach (var table in new[] { "rpt.sku_profit", "rpt.reconciliation", "rpt.dim_date", "dim.product", "fact.sku_daily", "etl.run", "etl.schema_version", "etl.script_hash" })
        {
            await connection.ExecuteScalarAsync<long>($"SELECT COUNT(*) FROM {table}");
        }

        await AssertDeniedAsync(connection, "SELECT COUNT(*) FROM stg.shop_order");
        await AssertDeniedAsync(connection, "SELECT COUNT(*) FROM etl.reject");
        await AssertDeniedAsync(connection, "SELECT COUNT(*) FROM etl.work_order_line");
        await AssertDeniedAsync(connection, "INSERT INTO etl.run (command, arguments, started_at, status) VALUES ('x', 'x', CURRENT_TIMESTAMP, 'running')");
        await AssertDeniedAsync(connection, "INSERT INTO dim.traffic_source (traffic_source_key, traffic_source, description) VALUES (99, 'x', 'x')");
        await AssertDeniedAsync(connection, "DELETE FROM fact.sku_daily");
        await AssertDeniedAsync(connection, "UPDATE etl.setting SET setting_value = '0.5' WHERE setting_name = 'commission_rate'");
    }

    [Theory]
    [ClassData(typeof(Engines))]
    public async Task The_etl_role_writes_staging_dimensions_facts_and_control_tables(Engine engine)
    {
        var database = await fixture.DatabaseAsync(engine);
        await using var connection = await database.OpenAsync();
        await ActAsAsync(connection, engine, "warehouse_etl");
        await using var transaction = await connection.BeginTransactionAsync();

        await connection.ExecuteAsync(
            "INSERT INTO stg.shop (shop_id, shop_name, region, currency, time_zone, etl_run_id) VALUES ('role-test', 'Role test', 'US', 'USD', 'UTC', 0)",
            transaction: transaction);
        await connection.ExecuteAsync("DELETE FROM fact.sku_daily WHERE date_key = 0", transaction: transaction);
        await connection.ExecuteAsync("UPDATE etl.setting SET setting_value = setting_value WHERE setting_name = 'commission_rate'", transaction: transaction);
        await connection.ExecuteAsync("UPDATE dim.product SET etl_run_id = etl_run_id WHERE product_key = 0", transaction: transaction);
        await connection.ExecuteScalarAsync<long>("SELECT COUNT(*) FROM rpt.sku_daily", transaction: transaction);
        await transaction.RollbackAsync();
    }

    private static async Task ActAsAsync(DbConnection connection, Engine engine, string role)
    {
        if (engine == Engine.Postgres)
        {
            await connection.ExecuteAsync($"SET ROLE {role}");
            return;
        }

        var user = $"{role}_test_user";
        await connection.ExecuteAsync(
            $"""
            IF DATABASE_PRINCIPAL_ID('{user}') IS NULL CREATE USER [{user}] WITHOUT LOGIN;
            ALTER ROLE [{role}] ADD MEMBER [{user}];
            EXECUTE AS USER = '{user}';
            """);
    }

    private static async Task AssertDeniedAsync(DbConnection connection, string sql)
    {
        var error = await Assert.ThrowsAnyAsync<DbException>(() => connection.ExecuteAsync(sql));
        Assert.True(
            error.Message.Contains("permission denied", StringComparison.OrdinalIgnoreCase)
            || error.Message.Contains("permission was denied", StringComparison.OrdinalIgnoreCase),
            $"{sql}: expected a permission error, got: {error.Message}");
    }
}
