using System.Globalization;
using System.Text.Json;
using Dapper;
using Warehouse.Cli;
using Warehouse.Database;
using Warehouse.Report;
using Warehouse.Reports;
using Warehouse.Tests.Infrastructure;
using Warehouse.Transform;

namespace Warehouse.Tests.Hardening;

/// <summary>
/// Issue 13, item 2: everything one workbook (and one export) reads comes from one snapshot, so a
/// transform publishing meanwhile is seen whole or not at all: never a Summary from one publish and
/// tier rows from the next.
/// </summary>
public sealed class SnapshotReadTests(WarehouseFixture fixture) : IClassFixture<WarehouseFixture>
{
    private static async Task<ReportRequest> LastWeekAsync(System.Data.Common.DbConnection connection)
    {
        var lastKey = await connection.ExecuteScalarAsync<int>("SELECT MAX(date_key) FROM fact.sku_daily");
        var last = DateOnly.ParseExact(lastKey.ToString(CultureInfo.InvariantCulture), "yyyyMMdd", CultureInfo.InvariantCulture);
        var sunday = last.DayOfWeek == DayOfWeek.Sunday ? last : last.AddDays(-(int)last.DayOfWeek);
        return new ReportRequest(sunday.AddDays(-6), sunday, null, null);
    }

    private static string Json(ReportData data) => JsonSerializer.Serialize(data);

    [Theory]
    [ClassData(typeof(Engines))]
    public async Task A_workbook_read_while_a_transform_publishes_shows_only_the_publish_it_started_from(Engine engine)
    {
        var database = await fixture.CleanDatabaseAsync(engine);
        await Pipeline.LoadAsync(database, Pipeline.SmallSampleFiles);
        await Pipeline.TransformAsync(database);
        await using var reader = await database.OpenAsync(TestContext.Current.CancellationToken);
        var request = await LastWeekAsync(reader);
        var first = Json(await ReportPeriod.ReadAsync(reader, request));

        // Every SKU a dollar dearer in staging (a raw UPDATE carries no new run id, so the transforms
        // below rebuild in full): the next publish changes COGS, contribution and tiers.
        await using (var staging = await database.OpenAsync(TestContext.Current.CancellationToken))
        {
            await staging.ExecuteAsync("UPDATE stg.sku_cost SET unit_cost = unit_cost + 1");
        }

        ReportData during;
        await using (var snapshot = await SnapshotRead.BeginAsync(reader, TestContext.Current.CancellationToken))
        {
            // The workbook's first reads (its currency and the Summary's figures) ...
            var currency = await SkuProfitQueries.CurrencyAsync(reader, request);
            var cogs = await reader.ExecuteScalarAsync<decimal>("SELECT SUM(cogs) FROM rpt.sku_daily");
            // ... then a transform publishes in another session and commits ...
            await Pipeline.TransformAsync(database, new TransformOptions(Full: true));
            // ... and the workbook reads the rest.
            during = await SkuProfitQueries.ReadAsync(reader, request);
            Assert.Equal(cogs, await reader.ExecuteScalarAsync<decimal>("SELECT SUM(cogs) FROM rpt.sku_daily"));
            Assert.Equal(currency, during.Currency);
            await snapshot.CommitAsync();
        }

        var after = Json(await ReportPeriod.ReadAsync(reader, request));
        Assert.NotEqual(first, after);        // the publish did change what the workbook shows
        Assert.Equal(first, Json(during));    // but a read that began before it saw none of it
    }

    [Theory]
    [ClassData(typeof(Engines))]
    public async Task The_report_reads_its_summary_and_its_tiers_from_the_same_publish_when_one_commits_in_between(Engine engine)
    {
        var database = await fixture.CleanDatabaseAsync(engine);
        await Pipeline.LoadAsync(database, Pipeline.SmallSampleFiles);
        await Pipeline.TransformAsync(database);
        await using var reader = await database.OpenAsync(TestContext.Current.CancellationToken);
        var request = await LastWeekAsync(reader);
        var first = Json(await ReportPeriod.ReadAsync(reader, request));
        await using (var staging = await database.OpenAsync(TestContext.Current.CancellationToken))
        {
            await staging.ExecuteAsync("UPDATE stg.sku_cost SET unit_cost = unit_cost + 1");
        }

        // What `warehouse report` reads (ReportPeriod.ReadAsync), with a publish committed after the
        // Summary's totals and before the tiers: the audit's torn workbook.
        var published = false;
        var during = await ReportPeriod.ReadAsync(reader, request, async part =>
        {
            if (part == "tiers")
            {
                await Pipeline.TransformAsync(database, new TransformOptions(Full: true));
                published = true;
            }
        });

        Assert.True(published);
        Assert.Equal(first, Json(during));
        Assert.NotEqual(first, Json(await ReportPeriod.ReadAsync(reader, request)));
    }

    [Theory]
    [ClassData(typeof(Engines))]
    public async Task A_snapshot_read_is_read_only_and_leaves_the_connection_as_it_was(Engine engine)
    {
        var database = await fixture.CleanDatabaseAsync(engine);
        await using var connection = await database.OpenAsync(TestContext.Current.CancellationToken);
        var path = Path.Combine(Path.GetTempPath(), "warehouse-tests", $"export-{Guid.NewGuid():N}", "setting.csv");
        Assert.True(await ExportCommand.ExportAsync(connection, "setting", path) > 0);

        if (engine == Engine.Postgres)
        {
            await using (var snapshot = await SnapshotRead.BeginAsync(connection, TestContext.Current.CancellationToken))
            {
                Assert.Equal("repeatable read", await connection.ExecuteScalarAsync<string>("SHOW transaction_isolation"));
                Assert.Equal("on", await connection.ExecuteScalarAsync<string>("SHOW transaction_read_only"));
                await Assert.ThrowsAnyAsync<System.Data.Common.DbException>(() => connection.ExecuteAsync("UPDATE etl.setting SET description = description"));
            }

            Assert.Equal("read committed", await connection.ExecuteScalarAsync<string>("SHOW transaction_isolation"));
        }
        else
        {
            Assert.Equal(1, await connection.ExecuteScalarAsync<int>("SELECT snapshot_isolation_state FROM sys.databases WHERE database_id = DB_ID()"));
            await using (var snapshot = await SnapshotRead.BeginAsync(connection, TestContext.Current.CancellationToken))
            {
                Assert.Equal(5, await connection.ExecuteScalarAsync<int>("SELECT transaction_isolation_level FROM sys.dm_exec_sessions WHERE session_id = @@SPID"));
                await snapshot.CommitAsync();
            }

            Assert.Equal(2, await connection.ExecuteScalarAsync<int>("SELECT transaction_isolation_level FROM sys.dm_exec_sessions WHERE session_id = @@SPID"));
        }

        // Written after the read, on the same connection: no transaction left open.
        await connection.ExecuteAsync("UPDATE etl.setting SET description = description WHERE setting_name = 'commission_rate'");
    }

    [Fact]
    public void SQL_Servers_snapshot_migration_runs_without_a_transaction_and_no_other_script_does()
    {
        Assert.Equal(["0024_snapshot_reads.sql"],
            Migrator.Migrations(Engine.SqlServer).Where(Migrator.RunsWithoutTransaction).Select(s => s.Name.Split('/').Last()));
        Assert.DoesNotContain(Migrator.Migrations(Engine.Postgres), Migrator.RunsWithoutTransaction);
    }
}
