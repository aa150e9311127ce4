using Dapper;
using Warehouse.Database;
using Warehouse.Tests.Infrastructure;
using Warehouse.Transform;

namespace Warehouse.Tests.ProfitEngine;

/// <summary>Profit model section 7: a transform that breaks an invariant publishes nothing.</summary>
public sealed class PublishTests(WarehouseFixture fixture) : IClassFixture<WarehouseFixture>
{
    [Theory]
    [ClassData(typeof(Engines))]
    public async Task A_failing_check_blocks_the_publish_names_the_check_day_and_amounts_and_keeps_the_old_facts(Engine engine)
    {
        var good = new Scenario().Sku("P1", "A", unitCost: 5m)
            .Order("O1", Scenario.Epoch(Scenario.Day), "buyer1", 0m, new Scenario.Line("A", 20m));
        var run = await ScenarioRun.TransformAsync(fixture, engine, good);
        await using var connection = await run.Database.OpenAsync();
        var before = await Pipeline.ChecksumAsync(connection, "fact.order_line", "shop_key, order_id, line_item_id");

        // TikTok restates the order's product total, but its lines still add up to 20.00
        await connection.ExecuteAsync("UPDATE stg.shop_order SET original_total_product_price = 25.00 WHERE order_id = 'O1'");
        // (written behind the loader's back, so no run id marks it changed: a full rebuild reads it)
        var error = await Assert.ThrowsAnyAsync<System.Data.Common.DbException>(() => Pipeline.TransformAsync(run.Database, new TransformOptions(Full: true)));

        Assert.Contains("check order_gmv_equals_source failed on 2026-11-02 for order O1: source gmv 25.00", error.Message, StringComparison.Ordinal);
        Assert.Contains("lines 20.00", error.Message, StringComparison.Ordinal);
        Assert.Equal(before, await Pipeline.ChecksumAsync(connection, "fact.order_line", "shop_key, order_id, line_item_id"));
        Assert.Equal("failed", await connection.ExecuteScalarAsync<string>(
            "SELECT status FROM etl.run_step WHERE step_name = 'etl.publish_transform' ORDER BY run_id DESC, step_number DESC" + (engine == Engine.Postgres ? " LIMIT 1" : "")));
    }
}
