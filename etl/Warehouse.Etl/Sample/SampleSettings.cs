namespace Warehouse.Sample;

/// <summary>The options with every default resolved and every value checked.</summary>
internal sealed record SampleSettings(
    int Shops,
    int Skus,
    int Days,
    int Seed,
    int OrdersPerDay,
    DateOnly FirstDate,
    DateOnly EndDate)
{
    /// <summary>Average units (= order lines) per order, from the basket size distribution in <see cref="OrderStream"/>.</summary>
    public const double AverageUnitsPerOrder = 1.68;

    public static SampleSettings From(SampleOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        ArgumentOutOfRangeException.ThrowIfLessThan(options.Shops, 1, nameof(options.Shops));
        ArgumentOutOfRangeException.ThrowIfGreaterThan(options.Shops, 99, nameof(options.Shops));
        ArgumentOutOfRangeException.ThrowIfLessThan(options.Skus, options.Shops, nameof(options.Skus));
        ArgumentOutOfRangeException.ThrowIfLessThan(options.Days, 1, nameof(options.Days));
        ArgumentOutOfRangeException.ThrowIfGreaterThan(options.Days, 3660, nameof(options.Days));
        if (options.OrdersPerDay is { } perDay)
            ArgumentOutOfRangeException.ThrowIfLessThan(perDay, 1, nameof(options.OrdersPerDay));

        var end = options.EndDate ?? SampleOptions.DefaultEndDate;
        int skusPerShop = options.Skus / options.Shops;
        int ordersPerDay = options.OrdersPerDay
            ?? Math.Max(20, (int)Math.Round(skusPerShop * 0.75, MidpointRounding.AwayFromZero));
        return new SampleSettings(
            options.Shops, options.Skus, options.Days, options.Seed, ordersPerDay,
            end.AddDays(1 - options.Days), end);
    }

    /// <summary>SKUs are split evenly across shops; the first shops take the remainder.</summary>
    public int SkusInShop(int shopIndex) => Skus / Shops + (shopIndex < Skus % Shops ? 1 : 0);

    public DateOnly Date(int dayIndex) => FirstDate.AddDays(dayIndex);

    /// <summary>Expected units a day of a SKU with this share of its shop's units.</summary>
    public double ExpectedUnitsPerDay(double share) => OrdersPerDay * AverageUnitsPerOrder * share;
}
