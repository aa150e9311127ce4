using Warehouse.Database;
using Warehouse.Sample;

namespace Warehouse.Bench;

/// <summary>
/// What one benchmark run measures: about <paramref name="Lines"/> order lines of generated sample
/// (<paramref name="Shops"/> shops, <paramref name="Skus"/> SKUs, <paramref name="Days"/> days) on a
/// fresh database of <paramref name="Engine"/>. <paramref name="Keep"/> keeps the database and the
/// sample files afterwards; <paramref name="ReuseSample"/> reuses sample files of the same options.
/// </summary>
public sealed record BenchOptions(
    long Lines,
    Engine Engine,
    int Shops = 2,
    int Skus = 5000,
    int Days = 365,
    int Seed = 42,
    bool Keep = false,
    bool ReuseSample = false,
    string? WorkFolder = null,
    string? ResultsFolder = null)
{
    /// <summary>
    /// Order lines the generator writes per order on average, measured on its output (basket sizes,
    /// unpaid and sample orders included); <see cref="SampleSettings.AverageUnitsPerOrder"/> is the paid mean.
    /// </summary>
    public const double LinesPerOrder = 1.68;

    /// <summary>Orders per shop per day that give about <see cref="Lines"/> order lines.</summary>
    public int OrdersPerDay => (int)Math.Max(1, Math.Round(Lines / (Shops * (double)Days * LinesPerOrder), MidpointRounding.AwayFromZero));

    public SampleOptions Sample => new(Shops, Skus, Days, Seed, OrdersPerDay);

    public void Validate()
    {
        if (Lines < 100)
        {
            throw new WarehouseException("--lines must be at least 100");
        }

        if (Shops < 1 || Skus < Shops || Days < 14)
        {
            throw new WarehouseException("--shops must be at least 1, --skus at least --shops and --days at least 14");
        }
    }
}
