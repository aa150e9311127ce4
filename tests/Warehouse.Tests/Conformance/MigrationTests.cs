using Dapper;
using Warehouse.Database;
using Warehouse.Tests.Infrastructure;

namespace Warehouse.Tests.Conformance;

public sealed class MigrationTests(WarehouseFixture fixture) : IClassFixture<WarehouseFixture>
{
    [Theory]
    [ClassData(typeof(Engines))]
    public async Task Migrating_twice_runs_no_table_script_again_and_keeps_reference_data(Engine engine)
    {
        var database = await fixture.DatabaseAsync(engine);

        var second = Migrator.Migrate(database);

        Assert.DoesNotContain(second.Names, name => name.Contains("/migrations/", StringComparison.Ordinal));
        await using var connection = await database.OpenAsync();
        Assert.Equal(7670, await connection.ExecuteScalarAsync<int>("SELECT COUNT(*) FROM dim.date"));
        Assert.Equal(1, await connection.ExecuteScalarAsync<int>("SELECT COUNT(*) FROM dim.product WHERE product_key = 0"));
        Assert.Equal("2026-W47", await connection.ExecuteScalarAsync<string>("SELECT iso_week_label FROM dim.date WHERE date_key = 20261122"));
        Assert.Equal(7, await connection.ExecuteScalarAsync<int>("SELECT day_of_week FROM dim.date WHERE date_key = 20261122"));
        Assert.Equal("2020-W53", await connection.ExecuteScalarAsync<string>("SELECT iso_week_label FROM dim.date WHERE date_key = 20210103"));
    }

    [Theory]
    [ClassData(typeof(Engines))]
    public async Task Every_mapped_shop_time_zone_is_one_the_engine_knows_and_its_Windows_name_is_the_one_ICU_gives(Engine engine)
    {
        var database = await fixture.DatabaseAsync(engine);
        await using var connection = await database.OpenAsync();

        var map = (await connection.QueryAsync<(string Iana, string Windows)>("SELECT iana_name, windows_name FROM etl.time_zone_map")).ToList();
        var unknown = (await connection.QueryAsync<string>(engine == Engine.Postgres
            ? "SELECT iana_name FROM etl.time_zone_map WHERE iana_name NOT IN (SELECT name FROM pg_timezone_names)"
            : "SELECT windows_name FROM etl.time_zone_map WHERE windows_name NOT IN (SELECT name FROM sys.time_zone_info)")).ToList();

        Assert.True(map.Count >= 80, $"{map.Count} zones mapped");
        Assert.Contains(("America/Phoenix", "US Mountain Standard Time"), map);
        Assert.Empty(unknown);
        var wrong = map.Where(zone => !TimeZoneInfo.TryConvertIanaIdToWindowsId(zone.Iana, out var windows) || windows != zone.Windows)
            .Select(zone => $"{zone.Iana} -> {zone.Windows} (ICU: {(TimeZoneInfo.TryConvertIanaIdToWindowsId(zone.Iana, out var windows) ? windows : "none")})");
        Assert.Empty(wrong);
    }

    [Fact]
    public void An_unreachable_database_gives_one_line_naming_the_engine_and_host()
    {
        var database = new WarehouseDatabase(Engine.Postgres, "Host=127.0.0.1;Port=1;Username=x;Password=secret-value;Database=nowhere;Timeout=2");

        var error = Assert.Throws<WarehouseException>(() => Migrator.Migrate(database));

        Assert.StartsWith("cannot reach PostgreSQL at 127.0.0.1:1/nowhere", error.Message, StringComparison.Ordinal);
        Assert.DoesNotContain("secret-value", error.Message, StringComparison.Ordinal);
        Assert.DoesNotContain('\n', error.Message);
    }
}
