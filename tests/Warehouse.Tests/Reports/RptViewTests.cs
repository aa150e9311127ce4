using Dapper;
using Warehouse.Cli;
using Warehouse.Database;
using Warehouse.Tests.Infrastructure;

namespace Warehouse.Tests.Reports;

/// <summary>The rpt views on the transformed sample: reconciliations that hold, a star whose keys all join, and the CSV export.</summary>
public sealed class RptViewTests(ReportFixture fixture) : IClassFixture<ReportFixture>
{
    [Theory]
    [ClassData(typeof(Engines))]
    public async Task Reconciliation_finds_source_and_warehouse_equal_on_the_clean_sample(Engine engine)
    {
        var report = await fixture.ReportAsync(engine);
        await using var connection = await report.Database.OpenAsync();

        var checks = (await connection.QueryAsync<(string Check, int Rows, int Flagged, decimal Source, decimal Warehouse)>(
            """
            SELECT check_name, COUNT(*), SUM(CASE WHEN is_flagged = @yes THEN 1 ELSE 0 END), SUM(source_amount), SUM(warehouse_amount)
            FROM rpt.reconciliation GROUP BY check_name
            """, new { yes = true })).ToDictionary(c => c.Check);

        foreach (var check in new[] { "gmv", "ad_spend", "ad_allocation" })
        {
            Assert.True(checks[check].Rows > 30, $"{check}: {checks[check].Rows} rows");
            Assert.Equal(0, checks[check].Flagged);
            Assert.Equal(checks[check].Source, checks[check].Warehouse);
        }

        Assert.True(checks["settlement"].Rows > 0);
        Assert.Equal(await connection.ExecuteScalarAsync<decimal>("SELECT SUM(tiktok_settlement_amount) FROM fact.settlement_check"), checks["settlement"].Source);
        Assert.Equal(await connection.ExecuteScalarAsync<decimal>("SELECT SUM(spend) FROM stg.ad_report_daily") +
                     await connection.ExecuteScalarAsync<decimal>("SELECT SUM(cost) FROM stg.gmv_max_campaign_daily"), checks["ad_spend"].Source);
    }

    [Theory]
    [ClassData(typeof(Engines))]
    public async Task Campaign_profit_and_the_GMV_Max_tieout_add_up_to_the_facts(Engine engine)
    {
        var report = await fixture.ReportAsync(engine);
        await using var connection = await report.Database.OpenAsync();
        async Task<decimal> Sum(string sql) => await connection.ExecuteScalarAsync<decimal?>(sql) ?? 0m;

        Assert.Equal(await Sum("SELECT SUM(spend) FROM fact.ad_daily"), await Sum("SELECT SUM(spend) FROM rpt.campaign_profit"));
        Assert.Equal(await Sum("SELECT SUM(ad_spend) FROM fact.sku_ad_spend"), await Sum("SELECT SUM(allocated_spend) FROM rpt.campaign_profit"));
        Assert.Equal(await Sum("SELECT SUM(spend) FROM rpt.campaign_profit"), await Sum("SELECT SUM(allocated_spend) FROM rpt.campaign_profit"));
        Assert.Equal(
            await Sum($"SELECT SUM(daily.attributed_gmv) FROM rpt.sku_daily AS daily WHERE daily.sku_id <> '{ReportFixture.ScenarioSku}'"),
            await Sum("SELECT SUM(attributed_gmv) FROM rpt.campaign_profit"));
        Assert.True(await connection.ExecuteScalarAsync<int>("SELECT MAX(allocated_sku_count) FROM rpt.campaign_profit") > 1);
        Assert.Equal(await Sum("SELECT SUM(ad_spend) FROM rpt.sku_ad_spend"), await Sum("SELECT SUM(ad_spend) FROM fact.sku_ad_spend"));
        Assert.Equal(
            await Sum("SELECT SUM(ad_spend) FROM fact.sku_ad_spend WHERE allocation_rule = 'gmv_max_untied'"),
            await Sum("SELECT SUM(difference) FROM rpt.gmv_max_tieout"));
        Assert.Equal(
            await Sum("SELECT SUM(settled_net_revenue) FROM fact.sku_daily WHERE etl_run_id <> 0"),
            await Sum("SELECT SUM(settled_net_revenue) FROM rpt.sku_settlement"));
        Assert.Equal(
            await Sum("SELECT SUM(estimated_fee_revenue) FROM fact.sku_daily WHERE etl_run_id <> 0"),
            await Sum("SELECT SUM(estimated_net_revenue) FROM rpt.sku_settlement"));
    }

    [Theory]
    [ClassData(typeof(Engines))]
    public async Task Every_key_of_the_star_finds_its_dimension_row(Engine engine)
    {
        var report = await fixture.ReportAsync(engine);
        await using var connection = await report.Database.OpenAsync();

        string[] orphans =
        [
            "SELECT COUNT(*) FROM rpt.sku_daily AS f WHERE NOT EXISTS (SELECT 1 FROM rpt.dim_sku AS d WHERE d.product_key = f.product_key)",
            "SELECT COUNT(*) FROM rpt.sku_daily AS f WHERE NOT EXISTS (SELECT 1 FROM rpt.dim_shop AS d WHERE d.shop_key = f.shop_key)",
            "SELECT COUNT(*) FROM rpt.sku_daily AS f WHERE NOT EXISTS (SELECT 1 FROM rpt.dim_date AS d WHERE d.date_key = f.date_key)",
            "SELECT COUNT(*) FROM rpt.sku_daily AS f WHERE NOT EXISTS (SELECT 1 FROM rpt.dim_traffic_source AS d WHERE d.traffic_source_key = f.traffic_source_key)",
            "SELECT COUNT(*) FROM rpt.campaign_profit AS f WHERE NOT EXISTS (SELECT 1 FROM rpt.dim_campaign AS d WHERE d.campaign_key = f.campaign_key)",
            "SELECT COUNT(*) FROM rpt.campaign_profit AS f WHERE NOT EXISTS (SELECT 1 FROM rpt.dim_shop AS d WHERE d.shop_key = f.shop_key)",
            "SELECT COUNT(*) FROM rpt.sku_ad_spend AS f WHERE NOT EXISTS (SELECT 1 FROM rpt.dim_sku AS d WHERE d.product_key = f.product_key)",
            "SELECT COUNT(*) FROM rpt.sku_profit AS f WHERE NOT EXISTS (SELECT 1 FROM rpt.dim_date AS d WHERE d.date_key = f.period_end_date_key)",
            "SELECT COUNT(*) FROM rpt.dim_sku AS s WHERE NOT EXISTS (SELECT 1 FROM rpt.dim_shop AS d WHERE d.shop_key = s.shop_key)",
        ];
        foreach (var sql in orphans)
        {
            Assert.True(await connection.ExecuteScalarAsync<int>(sql) == 0, sql);
        }

        Assert.Equal(await connection.ExecuteScalarAsync<int>("SELECT COUNT(*) FROM dim.product"), await connection.ExecuteScalarAsync<int>("SELECT COUNT(*) FROM rpt.dim_sku"));
        Assert.True(await connection.ExecuteScalarAsync<int>("SELECT COUNT(*) FROM rpt.dim_sku WHERE latest_tier = 'loser'") > 0);
        var week = await connection.QuerySingleAsync<(string Label, int Key, int FiscalYear, int FiscalMonth, string YearMonth)>(
            "SELECT iso_week_label, iso_week_key, fiscal_year, fiscal_month, year_month_label FROM rpt.dim_date WHERE date_key = 20261122");
        Assert.Equal(("2026-W47", 202647, 2026, 11, "2026-11"), week);
        var bounds = await connection.QuerySingleAsync<(int First, int Last, int Days)>("SELECT MIN(date_key), MAX(date_key), COUNT(*) FROM rpt.dim_date");
        Assert.Equal((20150101, 20351231, 7670), bounds);
    }

    [Theory]
    [ClassData(typeof(Engines))]
    public async Task Export_writes_a_view_as_CSV_with_every_row(Engine engine)
    {
        var report = await fixture.ReportAsync(engine);
        await using var connection = await report.Database.OpenAsync();
        var path = Path.Combine(Path.GetDirectoryName(report.Path)!, $"sku_profit-{engine}.csv");

        var rows = await ExportCommand.ExportAsync(connection, ExportCommand.ViewName("rpt.sku_profit"), path);

        Assert.Equal(await connection.ExecuteScalarAsync<long>("SELECT COUNT(*) FROM rpt.sku_profit"), rows);
        var header = File.ReadLines(path).First();
        Assert.StartsWith("period_end_date_key,period_end_date,period_start_date,shop_key,shop_id,", header, StringComparison.Ordinal);
        Assert.Matches(@"^\d{8},\d{4}-\d{2}-\d{2},\d{4}-\d{2}-\d{2},", File.ReadLines(path).Skip(1).First());
        Assert.Equal("'=x", ExportCommand.Format("=x", spreadsheetSafe: true));
        Assert.Equal("=x", ExportCommand.Format("=x", spreadsheetSafe: false));
        Assert.Throws<WarehouseException>(() => ExportCommand.ViewName("sku_profit; DROP TABLE x"));
        await Assert.ThrowsAsync<WarehouseException>(() => ExportCommand.ExportAsync(connection, "no_such_view", path));
    }
}
