using Warehouse.Database;
using Warehouse.Tests.Infrastructure;
using Warehouse.Transform;

namespace Warehouse.Tests.ProfitEngine;

/// <summary>Profit model sections 1 and 4 on hand-made orders, the expected numbers worked out in each test.</summary>
public sealed class OrderLineFigureTests(WarehouseFixture fixture) : IClassFixture<WarehouseFixture>
{
    public static TheoryData<Engine, string, decimal, decimal> VoucherSplits()
    {
        var data = new TheoryData<Engine, string, decimal, decimal>();
        foreach (var engine in new[] { Engine.Postgres, Engine.SqlServer })
        {
            // A 10.00 order voucher over line A (30.00, cost 20.00) and line B (10.00, cost 2.00):
            // revenue: 10 x 30/40 = 7.50 and 10 x 10/40 = 2.50
            data.Add(engine, "revenue", 7.50m, 2.50m);
            // units: one unit each, 5.00 and 5.00
            data.Add(engine, "units", 5.00m, 5.00m);
            // margin: weights 30-20 = 10 and 10-2 = 8: 5.555.. and 4.444.. floor to 5.55 + 4.44 = 9.99;
            // the last cent goes to the larger remainder (0.0055 > 0.0044): 5.56 and 4.44
            data.Add(engine, "margin", 5.56m, 4.44m);
        }

        return data;
    }

    [Theory]
    [MemberData(nameof(VoucherSplits))]
    public async Task An_order_voucher_splits_over_its_lines_by_the_chosen_method(Engine engine, string method, decimal voucherOnA, decimal voucherOnB)
    {
        var scenario = new Scenario()
            .Sku("P1", "A", unitCost: 20.00m).Sku("P2", "B", unitCost: 2.00m)
            .Order("O1", Scenario.Epoch(Scenario.Day), "buyer1", voucher: 10.00m, new Scenario.Line("A", 30.00m), new Scenario.Line("B", 10.00m));

        var run = await ScenarioRun.TransformAsync(fixture, engine, scenario, new TransformOptions(AllocationMethod: method));

        var a = await run.LineAsync("O1", "A");
        var b = await run.LineAsync("O1", "B");
        Assert.Equal((voucherOnA, 30.00m - voucherOnA), (a.SellerDiscount, a.Gmv));
        Assert.Equal((voucherOnB, 10.00m - voucherOnB), (b.SellerDiscount, b.Gmv));
        // estimated referral fee: 6 % of net revenue, to the cent
        Assert.Equal(Math.Round((30.00m - voucherOnA) * 0.06m, 2), a.PlatformFee);
        Assert.Equal("estimated", a.FeeBasis);
        // contribution before ads = net revenue - fees - COGS
        Assert.Equal(30.00m - voucherOnA - a.PlatformFee - 20.00m, a.ContributionBeforeAds);
    }

    [Theory]
    [ClassData(typeof(Engines))]
    public async Task A_refund_after_settlement_restates_the_order_day_with_settled_fees(Engine engine)
    {
        var paid = Scenario.Epoch(Scenario.Day);
        var scenario = new Scenario()
            .Sku("P1", "A", unitCost: 15.00m)
            .Order("O1", paid, "buyer1", voucher: 0m, new Scenario.Line("A", 50.00m))
            // settled ten days later: referral fee -3.00 (6 %), seller shipping -4.00
            .Settlement("ST1", Scenario.Epoch(Scenario.Day.AddDays(10)), "O1", "A", 1, revenue: 50.00m, referralFee: -3.00m, shippingCost: -4.00m)
            // returned (item back in stock) after settlement; TikTok gives the referral fee back and charges
            // the refund administration fee: 20 % x 3.00 = 0.60
            .Return("R1", "O1", "A", 50.00m, "RETURN_AND_REFUND", Scenario.Epoch(Scenario.Day.AddDays(20)))
            .Settlement("ST2", Scenario.Epoch(Scenario.Day.AddDays(24)), "O1", "A", 0, revenue: -50.00m, referralFee: 3.00m, refundAdminFee: -0.60m);

        var run = await ScenarioRun.TransformAsync(fixture, engine, scenario);

        var line = await run.LineAsync("O1", "A");
        Assert.Equal(20261102, line.DateKey);
        Assert.Equal("settled", line.FeeBasis);
        Assert.Equal(50.00m, line.RefundAmount);
        Assert.Equal(0.00m, line.NetRevenue);
        Assert.Equal(0.60m, line.PlatformFee);   // |-3.00 + 3.00| + |-0.60|
        Assert.Equal(4.00m, line.ShippingCost);
        Assert.Equal(0.00m, line.Cogs);          // restocked: the unit's cost comes back
        Assert.Equal(1, line.RestockedUnits);
        Assert.Equal(-4.60m, line.ContributionBeforeAds);
    }

    [Theory]
    [ClassData(typeof(Engines))]
    public async Task A_refund_only_keeps_the_cost_and_charges_the_estimated_admin_fee(Engine engine)
    {
        var scenario = new Scenario()
            .Sku("P1", "A", unitCost: 15.00m)
            .Order("O1", Scenario.Epoch(Scenario.Day), "buyer1", voucher: 0m, new Scenario.Line("A", 40.00m))
            .Return("R1", "O1", "A", 20.00m, "REFUND", Scenario.Epoch(Scenario.Day.AddDays(3)));

        var run = await ScenarioRun.TransformAsync(fixture, engine, scenario);

        var line = await run.LineAsync("O1", "A");
        // net revenue 40 - 20 = 20; referral 6 % x 20 = 1.20; admin fee min(20 % x 6 % x 20.00, 5.00) = 0.24
        Assert.Equal(20.00m, line.NetRevenue);
        Assert.Equal(1.44m, line.PlatformFee);
        Assert.Equal(15.00m, line.Cogs);
        Assert.Equal(0, line.RestockedUnits);
        Assert.Equal(20.00m - 1.44m - 15.00m, line.ContributionBeforeAds);
    }

    [Theory]
    [ClassData(typeof(Engines))]
    public async Task A_cost_change_on_a_day_changes_nothing_before_that_day(Engine engine)
    {
        var changeDay = Scenario.Day.AddDays(3);
        var scenario = new Scenario()
            .Sku("P1", "A", unitCost: 10.00m)
            .Cost("A", changeDay, 12.00m)
            .Order("BEFORE", Scenario.Epoch(changeDay.AddDays(-1), 23, 59), "buyer1", 0m, new Scenario.Line("A", 30.00m))
            .Order("ON", Scenario.Epoch(changeDay, 0, 1), "buyer2", 0m, new Scenario.Line("A", 30.00m));

        var run = await ScenarioRun.TransformAsync(fixture, engine, scenario);

        Assert.Equal(10.00m, (await run.LineAsync("BEFORE", "A")).Cogs);
        Assert.Equal(12.00m, (await run.LineAsync("ON", "A")).Cogs);
    }

    [Theory]
    [ClassData(typeof(Engines))]
    public async Task Shipping_and_per_order_fees_split_exactly_and_samples_carry_no_revenue(Engine engine)
    {
        var scenario = new Scenario(shippingCostPerOrder: 5.00m, packagingCostPerUnit: 0.35m, feePerOrder: 1.00m)
            .Sku("P1", "A", unitCost: 4.00m).Sku("P2", "B", unitCost: 1.00m).Sku("P3", "C", unitCost: 1.00m)
            .Order("O1", Scenario.Epoch(Scenario.Day), "buyer1", 0m, new Scenario.Line("A", 10.00m), new Scenario.Line("B", 10.00m), new Scenario.Line("C", 10.00m))
            .Order("SAMPLE", Scenario.Epoch(Scenario.Day), "creator1", 0m, isSample: true, new Scenario.Line("A", 10.00m));

        var run = await ScenarioRun.TransformAsync(fixture, engine, scenario);

        // 5.00 over three equal lines: 1.66 each floored, remainder 0.02 to the first two by key
        var shipping = new[] { (await run.LineAsync("O1", "A")).ShippingCost, (await run.LineAsync("O1", "B")).ShippingCost, (await run.LineAsync("O1", "C")).ShippingCost };
        Assert.Equal(5.00m, shipping.Sum());
        Assert.Equal([1.67m, 1.67m, 1.66m], shipping);
        // per unit 0.35 packaging plus 1.00 per order split 0.34/0.33/0.33
        Assert.Equal(0.35m + 0.34m, (await run.LineAsync("O1", "A")).OtherVariableCost);
        var sample = await run.LineAsync("SAMPLE", "A");
        Assert.Equal((0m, 0m, 0m), (sample.Gmv, sample.NetRevenue, sample.PlatformFee));
        Assert.Equal(4.00m, sample.Cogs);  // the sample still left the warehouse
        Assert.Equal(5.00m, sample.ShippingCost);
    }

    [Theory]
    [ClassData(typeof(Engines))]
    public async Task An_order_level_income_export_row_splits_its_fees_over_the_lines_by_revenue(Engine engine)
    {
        var scenario = new Scenario()
            .Sku("P1", "A", unitCost: 30.00m).Sku("P2", "B", unitCost: 10.00m)
            .Order("O1", Scenario.Epoch(Scenario.Day), "buyer1", 0m, new Scenario.Line("A", 75.00m), new Scenario.Line("B", 25.00m))
            // the income export: commission -6.00, seller shipping -5.00, 100.00 - 11.00 = 89.00 settled
            .OrderSettlement("O1", Scenario.Epoch(Scenario.Day.AddDays(9)), revenue: 100.00m, commission: -6.00m, sellerShipping: -5.00m);

        var run = await ScenarioRun.TransformAsync(fixture, engine, scenario);

        var a = await run.LineAsync("O1", "A");
        var b = await run.LineAsync("O1", "B");
        // by revenue, 75 : 25: commission 4.50 and 1.50, shipping 3.75 and 1.25
        Assert.Equal(("settled", 4.50m, 3.75m), (a.FeeBasis, a.PlatformFee, a.ShippingCost));
        Assert.Equal(("settled", 1.50m, 1.25m), (b.FeeBasis, b.PlatformFee, b.ShippingCost));
        Assert.Equal(75.00m - 4.50m - 3.75m - 30.00m, a.ContributionBeforeAds);
    }
}
