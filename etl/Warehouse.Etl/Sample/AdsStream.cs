namespace Warehouse.Sample;

/// <summary>
/// The daily ad reports: one ad_report_daily row per ad and day it ran, and the GMV Max rows per
/// product and per campaign. The campaign row is the sum of its product rows except on a few
/// days, where TikTok's campaign cost is a few units higher, so the tie-out has something to report.
/// </summary>
internal sealed class AdsStream(SampleSettings settings, AdsCatalog ads, SampleWriters writers)
{
    private readonly AlertPlants plants = new(settings);

    public void WriteDay(int day)
    {
        foreach (var shopAds in ads.Shops)
        {
            var random = SampleRandom.For(settings.Seed, "ads-day", shopAds.Shop.Index, day);
            var date = settings.Date(day);
            if (!plants.ReportsAds(shopAds.Shop, day)) continue; // the stale source: nothing drawn, nothing written
            double weekday = date.DayOfWeek is DayOfWeek.Saturday or DayOfWeek.Sunday ? 1.15 : 1.0;
            WriteAdReports(shopAds, random, day, date, weekday);
            WriteGmvMax(shopAds, random, day, date, weekday);
        }
    }

    private void WriteAdReports(ShopAds shopAds, Random random, int day, DateOnly date, double weekday)
    {
        var report = writers[StagingTables.AdReportDaily];
        foreach (var ad in shopAds.Ads)
        {
            if (!ad.RunsOn(day)) continue;
            decimal spend = plants.Spend(shopAds, ad, day, Math.Max(0.50m, Money.Cents(ad.DailySpend * weekday * random.Between(0.75, 1.25))));

            long impressions = (long)Math.Round((double)spend / ad.Cpm * 1000 * random.Between(0.9, 1.1));
            long clicks = (long)Math.Round(impressions * ad.ClickRate * random.Between(0.8, 1.2));
            long conversions = (long)Math.Round(clicks * ad.ConversionRate * random.Between(0.7, 1.3));
            long payments = conversions > 0 && random.Chance(0.2) ? conversions - 1 : conversions;
            decimal value = Money.Cents(payments * ad.OrderValue * (decimal)random.Between(0.9, 1.15));
            report.Text(shopAds.Shop.AdvertiserId).Text(ad.Id).Date(date).Money(spend)
                .Integer(impressions).Integer(clicks).Integer(conversions).Integer(payments).Money(value)
                .EndRow();
        }
    }

    private void WriteGmvMax(ShopAds shopAds, Random random, int day, DateOnly date, double weekday)
    {
        if (shopAds.GmvMax is not { } campaign || shopAds.GmvMaxProducts.Count == 0) return;
        var shop = shopAds.Shop;
        decimal cost = 0m, netCost = 0m, revenue = 0m;
        long orders = 0;
        foreach (var product in shopAds.GmvMaxProducts)
        {
            decimal averagePrice = product.AveragePrice;
            double expected = product.DailyRevenue * product.AdShare * weekday;
            long productOrders = (long)Math.Round(expected / (double)averagePrice * random.Between(0.6, 1.4));
            decimal productRevenue = Money.Cents(productOrders * averagePrice * (decimal)random.Between(0.95, 1.10));
            decimal productCost = Math.Max(0.50m, Money.Cents(expected * random.Between(0.7, 1.3) / product.Roas));
            decimal productNet = random.Chance(0.1) ? Money.Cents(productCost * 0.95m) : productCost;
            writers[StagingTables.GmvMaxProductDaily]
                .Text(shop.AdvertiserId).Text(campaign.Id).Text(shop.ShopId).Text(product.Product.Id).Date(date)
                .Money(productCost).Money(productNet).Integer(productOrders).Money(productRevenue)
                .EndRow();
            cost += productCost;
            netCost += productNet;
            orders += productOrders;
            revenue += productRevenue;
        }
        if (shopAds.TieOutGapDays.Contains(day))
        {
            decimal gap = Money.Cents(random.Between(1.0, 5.0));
            cost += gap;
            netCost += gap;
        }
        writers[StagingTables.GmvMaxCampaignDaily]
            .Text(shop.AdvertiserId).Text(campaign.Id).Date(date).Money(cost).Money(netCost).Integer(orders).Money(revenue)
            .EndRow();
    }
}
