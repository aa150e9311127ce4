namespace Warehouse.Sample;

/// <summary>
/// Writes a deterministic, realistic sample of every staging table as CSV files (the loader's
/// file contract: <c>&lt;table&gt;.csv</c>, the staging columns without etl_run_id, in order).
/// The same options always give byte-identical files. Orders are streamed day by day, so memory
/// stays flat however many order lines are asked for.
/// </summary>
public static class SampleGenerator
{
    /// <summary>Writes one CSV per staging table into <paramref name="outDir"/>; returns rows written per file name.</summary>
    public static IReadOnlyDictionary<string, long> Generate(SampleOptions options, string outDir, IProgress<SampleProgress>? progress = null)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(outDir);
        var settings = SampleSettings.From(options);
        var catalog = ShopCatalog.Build(settings);
        var ads = AdsCatalog.Build(settings, catalog);

        using var writers = new SampleWriters(outDir);
        catalog.Write(writers, settings);
        ads.Write(writers);
        FxRates.Write(writers, settings);

        var book = new SettlementBook(settings, writers);
        var orders = new OrderStream(settings, ads, writers, book);
        var adReports = new AdsStream(settings, ads, writers);
        for (int day = 0; day < settings.Days; day++)
        {
            orders.WriteDay(day);
            adReports.WriteDay(day);
            progress?.Report(new SampleProgress(day + 1, settings.Days, writers[StagingTables.OrderLineItem].Rows));
        }
        book.WriteStatements();
        return writers.RowCounts();
    }

    /// <summary>The SKUs planted to lose money: ad spend far above what they contribute. Sorted, ordinal.</summary>
    public static IReadOnlyList<string> PlantedLoserSkuIds(SampleOptions o) => Planted(o, SkuTier.Loser);

    /// <summary>The SKUs planted as heroes: ~60 % gross margin, many orders, modest ad spend. Sorted, ordinal.</summary>
    public static IReadOnlyList<string> PlantedHeroSkuIds(SampleOptions o) => Planted(o, SkuTier.Hero);

    /// <summary>The alerts the sample plants for the monitor on its last day (<see cref="AlertPlants"/>).</summary>
    public static IReadOnlyList<PlantedAlert> PlantedAlerts(SampleOptions o)
    {
        var settings = SampleSettings.From(o);
        return new AlertPlants(settings).Alerts(AdsCatalog.Build(settings, ShopCatalog.Build(settings)));
    }

    private static string[] Planted(SampleOptions options, SkuTier tier) =>
        ShopCatalog.Build(SampleSettings.From(options)).SkusOfTier(tier).Select(s => s.Id).Order(StringComparer.Ordinal).ToArray();
}
