using Warehouse.Database;
using Warehouse.Tests.Infrastructure;

namespace Warehouse.Tests.ProfitEngine;

/// <summary>Profit model section 3: spend to the SKUs that consumed it, parts summing to the spend exactly.</summary>
public sealed class AdSpendAllocationTests(WarehouseFixture fixture) : IClassFixture<WarehouseFixture>
{
    [Theory]
    [ClassData(typeof(Engines))]
    public async Task A_multi_SKU_ad_splits_by_its_own_sales_then_all_sales_then_equally(Engine engine)
    {
        var day1 = Scenario.Day;
        var day2 = Scenario.Day.AddDays(1);
        var day3 = Scenario.Day.AddDays(2);
        var scenario = new Scenario()
            .Sku("P1", "A", unitCost: 5m).Sku("P2", "B", unitCost: 5m).Ad("C1", "AD1")
            .MapAdToSku("C1", "AD1", "A").MapAdToSku("C1", "AD1", "B")
            // day 1: A sold 30.00 through the ad (a click), B sold 10.00 organically: all 10.00 to A
            .Order("D1A", Scenario.Epoch(day1, 12), "buyer1", 0m, new Scenario.Line("A", 30m))
            .Touch("buyer1", "AD1", "click", Scenario.Epoch(day1, 11))
            .Order("D1B", Scenario.Epoch(day1, 13), "buyer2", 0m, new Scenario.Line("B", 10m))
            .Spend("AD1", day1, 10.00m)
            // day 2: no attributed sales; A sold 10.00 and B 20.00 organically: 3.33 and 6.67
            .Order("D2A", Scenario.Epoch(day2, 12), "buyer3", 0m, new Scenario.Line("A", 10m))
            .Order("D2B", Scenario.Epoch(day2, 13), "buyer4", 0m, new Scenario.Line("B", 20m))
            .Spend("AD1", day2, 10.00m)
            // day 3: no sales at all: equally, 5.00 and 5.00 ... of 10.01: 5.01 and 5.00
            .Spend("AD1", day3, 10.01m);

        var run = await ScenarioRun.TransformAsync(fixture, engine, scenario);

        var first = await run.SpendBySkuAsync(day1, "ad_report");
        Assert.Equal((10.00m, "multi_sku_attributed"), first["A"]);
        Assert.Equal((0.00m, "multi_sku_attributed"), first["B"]);
        var second = await run.SpendBySkuAsync(day2, "ad_report");
        // 10 x 10/30 = 3.333.. and 10 x 20/30 = 6.666..: floors 3.33 + 6.66, the cent to the larger remainder (B)
        Assert.Equal((3.33m, "multi_sku_sales"), second["A"]);
        Assert.Equal((6.67m, "multi_sku_sales"), second["B"]);
        var third = await run.SpendBySkuAsync(day3, "ad_report");
        Assert.Equal(10.01m, third["A"].Spend + third["B"].Spend);
        Assert.Equal("multi_sku_equal", third["A"].Rule);
        Assert.Equal([5.00m, 5.01m], new[] { third["A"].Spend, third["B"].Spend }.Order());
    }

    [Theory]
    [ClassData(typeof(Engines))]
    public async Task A_single_SKU_ad_gives_it_all_and_unmapped_spend_goes_to_Unallocated(Engine engine)
    {
        var scenario = new Scenario()
            .Sku("P1", "A", unitCost: 5m).Ad("C1", "MAPPED").Ad("C2", "UNMAPPED")
            .MapAdToSku("C1", "MAPPED", "A")
            .Spend("MAPPED", Scenario.Day, 12.34m)
            .Spend("UNMAPPED", Scenario.Day, 7.77m);

        var run = await ScenarioRun.TransformAsync(fixture, engine, scenario);

        var spend = await run.SpendBySkuAsync(Scenario.Day, "ad_report");
        Assert.Equal((12.34m, "single_sku"), spend["A"]);
        Assert.Equal((7.77m, "unmapped"), spend[""]);
    }

    [Theory]
    [ClassData(typeof(Engines))]
    public async Task GMV_Max_product_spend_splits_over_the_products_three_SKUs_and_the_tie_out_difference_stays_visible(Engine engine)
    {
        var day = Scenario.Day;
        var scenario = new Scenario()
            .Sku("P1", "S1", unitCost: 5m).Sku("P1", "S2", unitCost: 5m).Sku("P1", "S3", unitCost: 5m).Ad("GMV", "GMV-AD", "GMV_MAX")
            .Order("O1", Scenario.Epoch(day, 10), "buyer1", 0m, new Scenario.Line("S1", 20m))
            .Order("O2", Scenario.Epoch(day, 11), "buyer2", 0m, new Scenario.Line("S2", 10m))
            .GmvMaxProduct("GMV", "P1", day, cost: 10.00m)
            .GmvMaxCampaign("GMV", day, 10.50m);

        var run = await ScenarioRun.TransformAsync(fixture, engine, scenario);

        var spend = await run.SpendBySkuAsync(day, "gmv_max");
        // 10 x 20/30 = 6.666.., 10 x 10/30 = 3.333.., 0: floors 6.66 + 3.33 + 0 = 9.99, the cent to S1
        Assert.Equal((6.67m, "gmv_max_product"), spend["S1"]);
        Assert.Equal((3.33m, "gmv_max_product"), spend["S2"]);
        Assert.Equal((0.00m, "gmv_max_product"), spend["S3"]);
        var untied = await run.SpendBySkuAsync(day, "gmv_max_untied");
        Assert.Equal((0.50m, "gmv_max_untied"), untied[""]);
    }
}
