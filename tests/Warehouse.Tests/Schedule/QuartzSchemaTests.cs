using Dapper;
using Warehouse.Database;
using Warehouse.Tests.Infrastructure;
using Warehouse.Tests.Schema;

namespace Warehouse.Tests.Schedule;

/// <summary>Migration 0007 gives Quartz the same tables and columns on both engines (names compared case-insensitively).</summary>
public sealed class QuartzSchemaTests(WarehouseFixture fixture) : IClassFixture<WarehouseFixture>
{
    [Fact]
    public async Task Both_engines_define_the_same_quartz_tables_and_columns()
    {
        var database = await fixture.DatabaseAsync(Engine.Postgres);
        await using var connection = await database.OpenAsync();
        var postgres = (await connection.QueryAsync<(string Table, string Column)>(
            """
            SELECT lower(table_schema || '.' || table_name), lower(column_name)
            FROM information_schema.columns WHERE table_schema = 'etl' AND table_name LIKE 'qrtz\_%'
            """)).ToHashSet();
        var sqlServer = SqlServerScripts.ReadModel().Tables
            .Where(t => t.Key.StartsWith("etl.qrtz_", StringComparison.OrdinalIgnoreCase))
            .SelectMany(t => t.Value.Keys.Select(c => (t.Key.ToLowerInvariant(), c.ToLowerInvariant())))
            .ToHashSet();

        Assert.Equal(15, postgres.Select(c => c.Item1).Distinct().Count());
        Assert.Empty(postgres.Except(sqlServer).Select(c => $"{c.Item1}.{c.Item2} only on PostgreSQL"));
        Assert.Empty(sqlServer.Except(postgres).Select(c => $"{c.Item1}.{c.Item2} only on SQL Server"));
    }
}
