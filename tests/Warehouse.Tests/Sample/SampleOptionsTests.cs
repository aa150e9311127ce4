using Warehouse.Sample;
using Xunit;

namespace Warehouse.Tests.Sample;

public sealed class SampleOptionsTests
{
    [Theory]
    [InlineData(1, 1, 1, null)]
    [InlineData(3, 7, 2, 3)]
    [InlineData(1, 12, 30, 40)]
    public void Small_and_odd_options_still_give_every_file_with_unique_keys(int shops, int skus, int days, int? ordersPerDay)
    {
        using var directory = new TempDirectory();
        var counts = SampleGenerator.Generate(new SampleOptions(shops, skus, days, Seed: 5, OrdersPerDay: ordersPerDay), directory.Path);

        Assert.Equal(StagingDdl.Tables.Count, counts.Count);
        Assert.Equal(shops, counts["shop.csv"]);
        Assert.Equal(skus, counts["product_sku.csv"]);
        Assert.True(counts["order_line_item.csv"] > 0);
        foreach (var (table, ddl) in StagingDdl.Tables)
        {
            var csv = SampleCsv.Read(directory.Path, table);
            var key = ddl.PrimaryKey.Select(csv.Column).ToArray();
            var keys = csv.Rows.Select(r => string.Join('|', key.Select(i => r.Fields[i]))).ToList();
            Assert.Equal(keys.Count, keys.Distinct(StringComparer.Ordinal).Count());
        }
    }

    [Fact]
    public void Shops_beyond_the_second_cycle_through_the_regions()
    {
        using var directory = new TempDirectory();
        SampleGenerator.Generate(new SampleOptions(Shops: 3, Skus: 30, Days: 2), directory.Path);
        var shops = SampleCsv.Read(directory.Path, "shop").Rows;
        Assert.Equal(["US", "GB", "US"], shops.Select(s => s["region"]));
        Assert.Equal("7495610000000003", shops[2]["shop_id"]);
    }

    [Fact]
    public void Progress_is_reported_once_a_day_with_the_lines_written_so_far()
    {
        using var directory = new TempDirectory();
        var reports = new List<SampleProgress>();
        var counts = SampleGenerator.Generate(new SampleOptions(Shops: 1, Skus: 20, Days: 5), directory.Path, new Collect(reports));

        Assert.Equal([1, 2, 3, 4, 5], reports.Select(r => r.DaysDone));
        Assert.All(reports, r => Assert.Equal(5, r.DaysTotal));
        Assert.True(reports.Zip(reports.Skip(1)).All(p => p.First.OrderLines < p.Second.OrderLines));
        Assert.Equal(counts["order_line_item.csv"], reports[^1].OrderLines);
    }

    [Fact]
    public void The_order_volume_follows_orders_per_day()
    {
        using var directory = new TempDirectory();
        var counts = SampleGenerator.Generate(new SampleOptions(Shops: 2, Skus: 40, Days: 10, OrdersPerDay: 500), directory.Path);
        Assert.InRange(counts["shop_order.csv"], 2 * 10 * 500 * 0.9, 2 * 10 * 500 * 1.1);
        Assert.InRange(counts["order_line_item.csv"] / (double)counts["shop_order.csv"], 1.55, 1.80);
    }

    [Theory]
    [InlineData(0, 10, 10, null)]
    [InlineData(2, 1, 10, null)]
    [InlineData(1, 10, 0, null)]
    [InlineData(1, 10, 10, 0)]
    public void Impossible_options_are_refused(int shops, int skus, int days, int? ordersPerDay)
    {
        using var directory = new TempDirectory();
        Assert.Throws<ArgumentOutOfRangeException>(() =>
            SampleGenerator.Generate(new SampleOptions(shops, skus, days, OrdersPerDay: ordersPerDay), directory.Path));
        Assert.False(Directory.Exists(directory.Path));
    }

    private sealed class Collect(List<SampleProgress> reports) : IProgress<SampleProgress>
    {
        public void Report(SampleProgress value) => reports.Add(value);
    }
}
