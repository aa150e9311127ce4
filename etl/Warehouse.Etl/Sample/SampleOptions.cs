namespace Warehouse.Sample;

/// <summary>
/// What the sample generator produces. <paramref name="OrdersPerDay"/> is the average number of
/// orders per shop per day (weekends are busier, the period trends slightly upward); when null it
/// scales with the catalogue (3 orders a day for every 4 SKUs of a shop, at least 20), which gives
/// about 47,000 order lines for the defaults. <paramref name="EndDate"/> defaults to
/// <see cref="DefaultEndDate"/> so that the output never depends on today.
/// </summary>
public sealed record SampleOptions(
    int Shops = 2,
    int Skus = 300,
    int Days = 120,
    int Seed = 42,
    int? OrdersPerDay = null,
    DateOnly? EndDate = null)
{
    /// <summary>2026-11-22, a Sunday.</summary>
    public static readonly DateOnly DefaultEndDate = new(2026, 11, 22);
}
