namespace Warehouse.Sample;

/// <summary>
/// The sample's dated exchange rates (<c>fx_rate.csv</c>): one rate a day, every sample day, for every
/// region currency other than the default reporting currency (USD), in US dollars per unit. A small
/// random walk around the region's anchor (GBP about 1.27) in steps of 0.0001, pulled back towards the
/// anchor, from its own random stream, so it never disturbs the other files. Written even when no
/// shop uses the currency: rates are market data, not shop data.
/// </summary>
internal static class FxRates
{
    public const string ReportingCurrency = "USD";

    /// <summary>Largest daily move, in ten-thousandths (0.0040).</summary>
    private const int MaxStep = 40;

    /// <summary>Rates stay within this many ten-thousandths of the anchor (0.0600).</summary>
    private const int MaxDrift = 600;

    public static void Write(SampleWriters writers, SampleSettings settings)
    {
        foreach (var region in ShopRegion.All.Where(r => r.Currency != ReportingCurrency).DistinctBy(r => r.Currency))
        {
            foreach (var (day, rate) in Daily(settings, region))
                writers[StagingTables.FxRate].Text(region.Currency).Date(day).Rate(rate).EndRow();
        }
    }

    /// <summary>The rate of every sample day, oldest first.</summary>
    public static IEnumerable<(DateOnly Day, decimal Rate)> Daily(SampleSettings settings, ShopRegion region)
    {
        var random = SampleRandom.For(settings.Seed, "fx_rate:" + region.Currency);
        int anchor = (int)(region.UsdPerUnit * 10_000m);
        int ticks = anchor;
        for (int day = 0; day < settings.Days; day++)
        {
            yield return (settings.Date(day), ticks / 10_000m);
            int pull = (anchor - ticks) / 50; // mean reversion: 2 % of the drift a day
            ticks = Math.Clamp(ticks + random.Range(-MaxStep, MaxStep) + pull, anchor - MaxDrift, anchor + MaxDrift);
        }
    }
}
