using Warehouse.Sample;
using Xunit;

namespace Warehouse.Tests.Sample;

public sealed class MoneySplitTests
{
    [Theory]
    [InlineData(10.00, new[] { 1.0, 1.0, 1.0 }, new[] { 3.34, 3.33, 3.33 })]
    [InlineData(5.00, new[] { 9.99, 36.99, 36.99 }, new[] { 0.60, 2.20, 2.20 })]
    [InlineData(-0.05, new[] { 1.0, 3.0 }, new[] { -0.01, -0.04 })]
    [InlineData(1.00, new[] { 0.0, 0.0 }, new[] { 0.50, 0.50 })]
    public void Largest_remainder_parts_sum_to_the_whole(double total, double[] weights, double[] expected)
    {
        var parts = new decimal[weights.Length];
        Money.Split((decimal)total, weights.Select(w => (decimal)w).ToArray(), parts);
        Assert.Equal(expected.Select(e => (decimal)e), parts);
        Assert.Equal((decimal)total, parts.Sum());
    }
}
