using System.Collections.Concurrent;
using System.Globalization;
using Dapper;
using Warehouse.Cli;
using Warehouse.Database;
using Warehouse.Report;
using Warehouse.Reports;
using Warehouse.Tests.Infrastructure;

namespace Warehouse.Tests.Reports;

/// <summary>
/// Per engine, once per test class: the small sample loaded and transformed, one planted scenario
/// SKU with hand-picked figures, and the workbook of the last full ISO week written by the same
/// code path as `warehouse report`. Tests only read from it.
/// </summary>
public sealed class ReportFixture : IAsyncLifetime
{
    public const string ScenarioSku = "SCENARIO-0001";
    public const string ScenarioTitle = "=HYPERLINK(\"http://evil.example\",\"click\") Scenario Mug";

    private readonly WarehouseFixture warehouse = new();
    private readonly ConcurrentDictionary<Engine, Lazy<Task<PreparedReport>>> prepared = new();

    public Task<PreparedReport> ReportAsync(Engine engine)
    {
        if (engine == Engine.SqlServer && TestServers.SqlServer is null)
        {
            Assert.Skip("SQL Server not configured: set WAREHOUSE_TEST_SQLSERVER to a connection string to run this test on it");
        }

        return prepared.GetOrAdd(engine, e => new Lazy<Task<PreparedReport>>(() => PrepareAsync(e))).Value;
    }

    private async Task<PreparedReport> PrepareAsync(Engine engine)
    {
        var database = await warehouse.CleanDatabaseAsync(engine);
        await Pipeline.LoadAsync(database, Pipeline.SmallSampleFiles);
        await Pipeline.TransformAsync(database);
        await using var connection = await database.OpenAsync();

        // The last full ISO week of data (Monday to Sunday), as finance would ask for it.
        var lastKey = await connection.ExecuteScalarAsync<int>("SELECT MAX(date_key) FROM fact.sku_daily");
        var last = DateOnly.ParseExact(lastKey.ToString(CultureInfo.InvariantCulture), "yyyyMMdd", CultureInfo.InvariantCulture);
        var sunday = last.DayOfWeek == DayOfWeek.Sunday ? last : last.AddDays(-(int)last.DayOfWeek);
        var week = $"{ISOWeek.GetYear(sunday.ToDateTime(TimeOnly.MinValue))}-W{ISOWeek.GetWeekOfYear(sunday.ToDateTime(TimeOnly.MinValue)):00}";
        var (from, to, _) = ReportPeriod.Range(null, null, week);

        await PlantScenarioAsync(connection, engine, to);

        var folder = Path.Combine(Path.GetTempPath(), "warehouse-tests", $"report-{Guid.NewGuid():N}");
        var request = new ReportRequest(from, to, null, 4242);
        var path = Path.Combine(folder, request.DefaultFileName);
        await ReportPeriod.WriteAsync(connection, request, path);
        return new PreparedReport(database, request, week, path);
    }

    /// <summary>
    /// A SKU whose figures are chosen by hand, on the report's last day, so the SKU P&amp;L row can be
    /// checked against numbers worked out on paper (profit model sections 1 and 5).
    /// </summary>
    private static async Task PlantScenarioAsync(System.Data.Common.DbConnection connection, Engine engine, DateOnly day)
    {
        var shop = await connection.QuerySingleAsync<(int ShopKey, string ShopId)>(
            "SELECT shop_key, shop_id FROM dim.shop WHERE shop_key = (SELECT MIN(shop_key) FROM dim.shop WHERE shop_key <> 0)");
        await connection.ExecuteAsync(
            """
            INSERT INTO dim.product (shop_id, product_id, sku_id, seller_sku, product_name, sku_name, category, etl_run_id)
            VALUES (@shopId, 'SCENARIO-PRODUCT', @sku, '+SUM(A1)', @title, '@mention', 'Scenario', 0)
            """,
            new { shopId = shop.ShopId, sku = ScenarioSku, title = ScenarioTitle });
        var productKey = await connection.ExecuteScalarAsync<int>("SELECT product_key FROM dim.product WHERE sku_id = @sku", new { sku = ScenarioSku });
        await connection.ExecuteAsync(
            """
            INSERT INTO fact.sku_daily (date_key, shop_key, product_key, traffic_source_key, orders, units, list_amount, seller_discount,
                platform_discount, gmv, refund_amount, net_revenue, platform_fee, transaction_fee, affiliate_commission, shipping_cost,
                cogs, other_variable_cost, contribution_before_ads, ad_spend, contribution_after_ads, attributed_gmv, attributed_orders,
                estimated_fee_revenue, tiktok_settlement_amount, settled_net_revenue, etl_run_id)
            VALUES (@day, @shop, @product, 2, 3, 4, 200.00, 20.00,
                5.00, 180.00, 30.00, 150.00, 9.00, 1.50, 12.00, 8.00,
                40.00, 2.50, 77.00, 25.00, 52.00, 100.00, 2,
                50.00, 90.00, 100.00, 0)
            """,
            new { day = ReportRequest.Key(day), shop = shop.ShopKey, product = productKey });
        _ = engine;
    }

    public ValueTask InitializeAsync() => warehouse.InitializeAsync();

    public ValueTask DisposeAsync() => warehouse.DisposeAsync();
}

public sealed record PreparedReport(WarehouseDatabase Database, ReportRequest Request, string Week, string Path);
