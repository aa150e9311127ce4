using Dapper;
using Spectre.Console;
using Warehouse.Cli;
using Warehouse.Database;
using Warehouse.Schedule;
using Warehouse.Tests.Infrastructure;

namespace Warehouse.Tests.Reports;

/// <summary>
/// `warehouse report`, `export` and `status` read and never change the schema: they run with a login that
/// has only warehouse_reader, and an export leaves every catalog row (PostgreSQL) / object modify_date
/// (SQL Server) as it was.
/// </summary>
public sealed class ReadOnlyCommandTests(WarehouseFixture fixture) : IClassFixture<WarehouseFixture>
{
    [Theory]
    [ClassData(typeof(Engines))]
    public async Task Report_export_and_status_run_with_a_login_that_has_only_the_reader_role(Engine engine)
    {
        var database = await LoadedDatabaseAsync(engine);
        var (first, last) = await LastWeekAsync(database);
        var login = $"wh_reader_{Guid.NewGuid():N}"[..24];
        var password = $"Rd-{Guid.NewGuid():N}!9a";
        var reader = await TestLogins.CreateAsync(database, login, password, "warehouse_reader");
        var folder = Path.Combine(Path.GetTempPath(), "warehouse-tests", $"reader-{Guid.NewGuid():N}");
        try
        {
            var runsBefore = await RunCountAsync(database);

            var workbook = await ReportCommand.WriteAsync(new CliContext(reader), first, last, null, Path.Combine(folder, "report.xlsx"));
            var rows = await ExportCommand.RunAsync(new CliContext(reader), "sku_profit", Path.Combine(folder, "sku_profit.csv"));
            var status = new StringWriter();
            await StatusCommand.ShowAsync(reader, new ScheduleOptions(), AnsiConsole.Create(new AnsiConsoleSettings
            {
                Ansi = AnsiSupport.No, ColorSystem = ColorSystemSupport.NoColors, Out = new AnsiConsoleOutput(status), Interactive = InteractionSupport.No,
            }));

            Assert.True(new FileInfo(workbook).Length > 10_000, "the workbook was written");
            Assert.True(rows > 0);
            Assert.Equal(rows + 1, File.ReadLines(Path.Combine(folder, "sku_profit.csv")).LongCount());
            Assert.Contains("Last run of each job", status.ToString(), StringComparison.Ordinal);
            Assert.Contains("transform", status.ToString(), StringComparison.Ordinal);
            Assert.Equal(runsBefore, await RunCountAsync(database)); // a reader cannot write etl.run: nothing recorded, nothing failed

            // And the login really is a reader: it may not change the schema, so it cannot migrate.
            await using var connection = await reader.OpenAsync();
            await Assert.ThrowsAnyAsync<System.Data.Common.DbException>(() => connection.ExecuteAsync("CREATE VIEW rpt.reader_test AS SELECT 1 AS one"));
            var refused = Assert.Throws<WarehouseException>(() => Migrator.Migrate(reader));
            Assert.Contains("run `warehouse migrate` with the database owner's login", refused.Message, StringComparison.Ordinal);
        }
        finally
        {
            await TestLogins.DropAsync(database, login);
            if (Directory.Exists(folder))
            {
                Directory.Delete(folder, recursive: true);
            }
        }
    }

    [Theory]
    [ClassData(typeof(Engines))]
    public async Task Export_changes_no_catalog_row_or_object(Engine engine)
    {
        var database = await LoadedDatabaseAsync(engine);
        var path = Path.Combine(Path.GetTempPath(), "warehouse-tests", $"export-{Guid.NewGuid():N}.csv");
        try
        {
            var before = await CatalogAsync(database);
            var runsBefore = await RunCountAsync(database);

            var rows = await ExportCommand.RunAsync(new CliContext(database), "sku_daily", path);

            Assert.True(rows > 0);
            Assert.Equal(runsBefore + 1, await RunCountAsync(database)); // the owner's export is recorded in etl.run, a row, not DDL
            var after = await CatalogAsync(database);
            Assert.True(before.Count > 100, $"the snapshot covers the schema ({before.Count} rows)");
            Assert.Equal(before, after);
        }
        finally
        {
            File.Delete(path);
        }
    }

    /// <summary>
    /// PostgreSQL: every catalog row of the warehouse schemas with its xmin (any DDL, even CREATE OR REPLACE of
    /// an identical view or function, writes a new row version). SQL Server: every object with its modify_date.
    /// </summary>
    private static async Task<List<string>> CatalogAsync(WarehouseDatabase database)
    {
        await using var connection = await database.OpenAsync();
        var sql = database.Engine == Engine.Postgres
            ? """
              WITH ns AS (SELECT oid, nspname, xmin FROM pg_namespace WHERE nspname IN ('stg', 'dim', 'fact', 'etl', 'rpt'))
              SELECT 'namespace ' || nspname || ' ' || xmin::text FROM ns
              UNION ALL SELECT 'class ' || c.oid::text || ' ' || c.relname || ' ' || c.xmin::text FROM pg_class AS c JOIN ns ON ns.oid = c.relnamespace
              UNION ALL SELECT 'attribute ' || a.attrelid::text || '.' || a.attnum::text || ' ' || a.xmin::text
                        FROM pg_attribute AS a JOIN pg_class AS c ON c.oid = a.attrelid JOIN ns ON ns.oid = c.relnamespace
              UNION ALL SELECT 'proc ' || p.oid::text || ' ' || p.proname || ' ' || p.xmin::text FROM pg_proc AS p JOIN ns ON ns.oid = p.pronamespace
              UNION ALL SELECT 'rewrite ' || r.oid::text || ' ' || r.xmin::text
                        FROM pg_rewrite AS r JOIN pg_class AS c ON c.oid = r.ev_class JOIN ns ON ns.oid = c.relnamespace
              UNION ALL SELECT 'depend ' || d.classid::text || '/' || d.objid::text || ' ' || d.refobjid::text || ' ' || d.xmin::text
                        FROM pg_depend AS d JOIN pg_rewrite AS r ON r.oid = d.objid JOIN pg_class AS c ON c.oid = r.ev_class JOIN ns ON ns.oid = c.relnamespace
              """
            : """
              SELECT CONCAT(s.name, '.', o.name, ' ', o.type, ' ', o.object_id, ' ', CONVERT(varchar(30), o.create_date, 126), ' ', CONVERT(varchar(30), o.modify_date, 126))
              FROM sys.objects AS o JOIN sys.schemas AS s ON s.schema_id = o.schema_id
              WHERE o.is_ms_shipped = 0
              """;
        return (await connection.QueryAsync<string>(sql)).Order(StringComparer.Ordinal).ToList();
    }

    private async Task<WarehouseDatabase> LoadedDatabaseAsync(Engine engine)
    {
        var database = await fixture.DatabaseAsync(engine);
        await using var connection = await database.OpenAsync();
        if (await connection.ExecuteScalarAsync<long>("SELECT COUNT(*) FROM rpt.sku_daily") == 0)
        {
            await Pipeline.LoadAsync(database, Pipeline.SmallSampleFiles);
            await Pipeline.TransformAsync(database);
        }

        return database;
    }

    private static async Task<(DateOnly First, DateOnly Last)> LastWeekAsync(WarehouseDatabase database)
    {
        await using var connection = await database.OpenAsync();
        var key = await connection.ExecuteScalarAsync<int>("SELECT MAX(date_key) FROM rpt.sku_daily");
        var last = new DateOnly(key / 10000, key / 100 % 100, key % 100);
        return (last.AddDays(-6), last);
    }

    private static async Task<long> RunCountAsync(WarehouseDatabase database)
    {
        await using var connection = await database.OpenAsync();
        return await connection.ExecuteScalarAsync<long>("SELECT COUNT(*) FROM etl.run");
    }
}
