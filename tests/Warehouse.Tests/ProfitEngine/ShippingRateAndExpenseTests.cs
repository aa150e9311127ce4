using Dapper;
using Warehouse.Database;
using Warehouse.Tests.Infrastructure;

namespace Warehouse.Tests.ProfitEngine;

/// <summary>
/// The seller's shipping rate card estimates shipping on orders TikTok has not settled (profit model section 1,
/// shipping_cost "else rate card"); fixed and manual expenses are spread over their days below contribution.
/// </summary>
public sealed class ShippingRateAndExpenseTests(WarehouseFixture fixture) : IClassFixture<WarehouseFixture>
{
    private static readonly DateOnly NextDay = Scenario.Day.AddDays(1);

    [Theory]
    [ClassData(typeof(Engines))]
    public async Task An_unsettled_order_pays_the_band_its_units_reach_on_the_card_in_force_on_its_paid_date(Engine engine)
    {
        // Flat 5.00 in the cost settings. Card 1 (all year): 2+ units 6.00, 3+ units 7.50. Card 2 from the next day: any order 9.00.
        var scenario = new Scenario(shippingCostPerOrder: 5.00m)
            .Sku("P1", "A", unitCost: 1.00m).Sku("P2", "B", unitCost: 1.00m).Sku("P3", "C", unitCost: 1.00m)
            .ShippingRate(new DateOnly(2026, 1, 1), 2, 6.00m).ShippingRate(new DateOnly(2026, 1, 1), 3, 7.50m)
            .ShippingRate(NextDay, 1, 9.00m)
            .Order("ONE", Scenario.Epoch(Scenario.Day), "b1", 0m, new Scenario.Line("A", 10.00m))
            .Order("TWO", Scenario.Epoch(Scenario.Day), "b2", 0m, new Scenario.Line("A", 10.00m), new Scenario.Line("B", 10.00m))
            .Order("THREE", Scenario.Epoch(Scenario.Day), "b3", 0m, new Scenario.Line("A", 10.00m), new Scenario.Line("B", 10.00m), new Scenario.Line("C", 10.00m))
            .Order("LATER", Scenario.Epoch(NextDay), "b4", 0m, new Scenario.Line("A", 10.00m));

        var run = await ScenarioRun.TransformAsync(fixture, engine, scenario);

        // one unit reaches no band of card 1: the flat 5.00
        Assert.Equal(5.00m, (await run.LineAsync("ONE", "A")).ShippingCost);
        // two units: 6.00 over two equal lines
        Assert.Equal([3.00m, 3.00m], [(await run.LineAsync("TWO", "A")).ShippingCost, (await run.LineAsync("TWO", "B")).ShippingCost]);
        // three units: the highest band reached, 7.50 over three lines
        Assert.Equal(7.50m, (await run.LineAsync("THREE", "A")).ShippingCost + (await run.LineAsync("THREE", "B")).ShippingCost + (await run.LineAsync("THREE", "C")).ShippingCost);
        Assert.Equal(2.50m, (await run.LineAsync("THREE", "C")).ShippingCost);
        // paid the day card 2 starts: 9.00, and card 2 changed nothing the day before
        var later = await run.LineAsync("LATER", "A");
        Assert.Equal(("estimated", 9.00m), (later.FeeBasis, later.ShippingCost));
        Assert.Equal(10.00m - 0.60m - 9.00m - 1.00m, later.ContributionBeforeAds);
    }

    [Theory]
    [ClassData(typeof(Engines))]
    public async Task A_settled_order_keeps_TikTok_s_shipping_whatever_the_rate_card_says(Engine engine)
    {
        var scenario = new Scenario(shippingCostPerOrder: 5.00m)
            .Sku("P1", "A", unitCost: 1.00m)
            .ShippingRate(new DateOnly(2026, 1, 1), 1, 9.00m)
            .Order("O1", Scenario.Epoch(Scenario.Day), "b1", 0m, new Scenario.Line("A", 100.00m))
            .OrderSettlement("O1", Scenario.Epoch(Scenario.Day.AddDays(9)), revenue: 100.00m, commission: -6.00m, sellerShipping: -3.20m);

        var run = await ScenarioRun.TransformAsync(fixture, engine, scenario);

        var line = await run.LineAsync("O1", "A");
        Assert.Equal(("settled", 3.20m), (line.FeeBasis, line.ShippingCost));
    }

    [Theory]
    [ClassData(typeof(Engines))]
    public async Task A_monthly_expense_spreads_over_its_days_to_the_cent_and_a_one_off_lands_on_its_day(Engine engine)
    {
        var november = new DateOnly(2026, 11, 1);
        var scenario = new Scenario()
            .Sku("P1", "A", unitCost: 1.00m)
            .Order("O1", Scenario.Epoch(Scenario.Day), "b1", 0m, new Scenario.Line("A", 10.00m))
            .Expense("Software", "Seller tools", november, november.AddDays(29), 100.00m)
            .Expense("Content", "Photo shoot", Scenario.Day, Scenario.Day, 650.00m);

        var run = await ScenarioRun.TransformAsync(fixture, engine, scenario);
        var first = await ExpensesAsync(run.Database);

        // 100.00 over 30 days: 3.33 each and the 10 cents left over to the first ten days
        var software = first.Where(e => e.Category == "Software").ToList();
        Assert.Equal(30, software.Count);
        Assert.Equal(100.00m, software.Sum(e => e.Amount));
        Assert.Equal(10, software.Count(e => e.Amount == 3.34m));
        Assert.Equal(3.34m, software.Single(e => e.CalendarDate == november.AddDays(9)).Amount);
        Assert.Equal(3.33m, software.Single(e => e.CalendarDate == november.AddDays(10)).Amount);
        Assert.Equal(650.00m, first.Single(e => e.Category == "Content").Amount);
        Assert.Equal(Scenario.Day, first.Single(e => e.Category == "Content").CalendarDate);

        // transforming again rebuilds the same rows
        await Pipeline.TransformAsync(run.Database);
        Assert.Equal(first, await ExpensesAsync(run.Database));
    }

    private sealed record ExpenseDay(DateOnly CalendarDate, string Category, decimal Amount);

    private static async Task<List<ExpenseDay>> ExpensesAsync(WarehouseDatabase database)
    {
        await using var connection = await database.OpenAsync();
        var rows = await connection.QueryAsync<(string Day, string Category, decimal Amount)>(
            "SELECT CAST(calendar_date AS varchar(10)), expense_category, expense_amount FROM rpt.shop_expense_daily WHERE shop_id = @shop ORDER BY calendar_date, expense_category",
            new { shop = Scenario.ShopId });
        return rows.Select(r => new ExpenseDay(DateOnly.ParseExact(r.Day, "yyyy-MM-dd", System.Globalization.CultureInfo.InvariantCulture), r.Category, r.Amount)).ToList();
    }
}
