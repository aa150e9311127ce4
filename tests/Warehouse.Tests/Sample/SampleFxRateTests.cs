using System.Globalization;
using Warehouse.Sample;
using Xunit;

namespace Warehouse.Tests.Sample;

/// <summary>fx_rate.csv: a GBP to USD rate for every sample day, near 1.27, moving a little each day, at most 4 decimals.</summary>
[Collection(SampleDataCollection.Name)]
public sealed class SampleFxRateTests(SampleDataFixture data)
{
    [Fact]
    public void Every_sample_day_has_a_GBP_rate_near_1_27_with_small_daily_moves()
    {
        var rows = data.Table("fx_rate").Rows;
        var days = rows.Select(r => DateOnly.ParseExact(r["rate_date"], "yyyy-MM-dd", CultureInfo.InvariantCulture)).ToList();
        var rates = rows.Select(r => r.Money("rate_to_reporting")).ToList();

        Assert.All(rows, r => Assert.Equal("GBP", r["currency"]));
        var end = SampleDataFixture.Options.EndDate ?? SampleOptions.DefaultEndDate;
        var expected = Enumerable.Range(0, SampleDataFixture.Options.Days).Select(i => end.AddDays(i + 1 - SampleDataFixture.Options.Days));
        Assert.Equal(expected, days);
        Assert.Equal(1.27m, rates[0]);
        Assert.All(rates, r => Assert.InRange(r, 1.21m, 1.33m));
        Assert.All(rates, r => Assert.Equal(r, decimal.Round(r, 4)));
        Assert.All(rates.Zip(rates.Skip(1)), p => Assert.InRange(Math.Abs(p.Second - p.First), 0m, 0.0060m));
        Assert.True(rates.Distinct().Count() > rates.Count / 2, "the rate barely moves");
    }

    [Fact]
    public void A_sample_with_only_US_shops_still_writes_the_rates()
    {
        using var directory = new TempDirectory();
        var counts = SampleGenerator.Generate(new SampleOptions(Shops: 1, Skus: 5, Days: 3), directory.Path);

        Assert.Equal(3, counts["fx_rate.csv"]);
    }
}
