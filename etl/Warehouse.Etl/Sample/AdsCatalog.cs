namespace Warehouse.Sample;

/// <summary>
/// Per shop one advertiser with 4–8 REGULAR campaigns (1–3 ad groups of 1–3 ads each) and one GMV
/// Max campaign. Every planted SKU is advertised by an ad of its own (ad-level mapping): heroes
/// with a modest budget, losers with one far above what they earn. The mapped campaigns map at ad,
/// ad group, campaign, ad level in turn, then at random (mostly per ad), to one SKU (mostly), one
/// product or several SKUs; one campaign is not mapped at all (unallocated spend). If the planted
/// SKUs need more ads than that (very large catalogues), ad-level campaigns grow.
/// </summary>
internal sealed class AdsCatalog
{
    private static readonly double[] UnitsPerOrder = [0.55, 0.28, 0.11, 0.06]; // 1, 2, 3, 4 units
    private static readonly string[] AdgroupNames = ["Broad", "Interests", "Lookalike 1%", "Retargeting 7d", "Creators LAL"];
    private static readonly string[] AdNames = ["UGC video", "Spark ad", "Product demo", "Unboxing", "Before-after"];

    private AdsCatalog(IReadOnlyList<ShopAds> shops) => Shops = shops;

    public IReadOnlyList<ShopAds> Shops { get; }

    public static AdsCatalog Build(SampleSettings settings, ShopCatalog catalog) =>
        new(catalog.Shops.Select(shop => BuildShop(settings, shop)).ToList());

    private static ShopAds BuildShop(SampleSettings settings, SampleShop shop)
    {
        var random = SampleRandom.For(settings.Seed, "ads", shop.Index);
        var ads = new ShopAds(shop);
        var planted = shop.Skus.Where(s => s.Tier != SkuTier.Normal).ToList();
        random.Shuffle(planted);

        AddRegularCampaigns(random, shop, ads, planted.Count);
        AssignTargets(random, shop, ads, planted);
        AssignIds(shop, ads);
        foreach (var campaign in ads.Campaigns) SetSchedule(settings, random, campaign);
        SetSpend(settings, random, shop, ads);
        foreach (var ad in ads.Ads)
            foreach (var sku in ad.EffectiveTarget?.Skus ?? [])
            {
                if (!ads.AdsBySku.TryGetValue(sku, out var list)) ads.AdsBySku.Add(sku, list = []);
                list.Add(ad);
            }
        ads.TouchChance = TouchChance(ads);
        AddGmvMax(settings, random, shop, ads);
        return ads;
    }

    private static void AddRegularCampaigns(Random random, SampleShop shop, ShopAds ads, int plantedCount)
    {
        int count = random.Range(4, 8);
        int unmapped = random.Next(count);
        int mapped = 0;
        for (int c = 0; c < count; c++)
        {
            var level = c == unmapped ? MappingLevel.None
                : mapped++ switch
                {
                    0 or 3 => MappingLevel.Ad,
                    1 => MappingLevel.Adgroup,
                    2 => MappingLevel.Campaign,
                    _ => random.NextDouble() switch { < 0.60 => MappingLevel.Ad, < 0.85 => MappingLevel.Adgroup, _ => MappingLevel.Campaign },
                };
            var campaign = NewCampaign(shop, ads, level);
            int min = level == MappingLevel.Ad ? 2 : 1;
            int groups = random.Range(min, 3);
            for (int g = 0; g < groups; g++) AddAdgroup(random, campaign, random.Range(min, 3));
        }

        // Every planted SKU needs an ad of its own: grow ad-level campaigns until they have room.
        while (ads.Campaigns.Where(c => c.Level == MappingLevel.Ad).Sum(c => c.Ads.Count()) < plantedCount)
        {
            var adgroup = ads.Campaigns.Where(c => c.Level == MappingLevel.Ad).SelectMany(c => c.Adgroups).FirstOrDefault(g => g.Ads.Count < 3);
            if (adgroup is not null)
            {
                AddAd(adgroup);
                continue;
            }
            var campaign = ads.Campaigns.FirstOrDefault(c => c.Level == MappingLevel.Ad && c.Adgroups.Count < 3)
                ?? NewCampaign(shop, ads, MappingLevel.Ad);
            AddAdgroup(random, campaign, 1);
        }
    }

    private static SampleCampaign NewCampaign(SampleShop shop, ShopAds ads, MappingLevel level)
    {
        var campaign = new SampleCampaign($"{shop.Region.Code} Product Sales {ads.Campaigns.Count + 1:D2}", "REGULAR", level);
        ads.Campaigns.Add(campaign);
        return campaign;
    }

    private static void AddAdgroup(Random random, SampleCampaign campaign, int adCount)
    {
        var adgroup = new SampleAdgroup(campaign, $"{AdgroupNames[campaign.Adgroups.Count % AdgroupNames.Length]} {campaign.Adgroups.Count + 1}")
        {
            ClickWindow = random.NextDouble() switch { < 0.75 => "SEVEN_DAYS", < 0.90 => "ONE_DAY", _ => "TWENTY_EIGHT_DAYS" },
            ViewWindow = random.Chance(0.7) ? "ONE_DAY" : "OFF",
        };
        campaign.Adgroups.Add(adgroup);
        for (int a = 0; a < adCount; a++) AddAd(adgroup);
    }

    private static void AddAd(SampleAdgroup adgroup) =>
        adgroup.Ads.Add(new SampleAd(adgroup, $"{AdNames[adgroup.Ads.Count % AdNames.Length]} {adgroup.Ads.Count + 1}"));

    private static void AssignTargets(Random random, SampleShop shop, ShopAds ads, List<SampleSku> planted)
    {
        var adSlots = ads.Campaigns.Where(c => c.Level == MappingLevel.Ad).SelectMany(c => c.Ads).ToList();
        random.Shuffle(adSlots);
        for (int i = 0; i < adSlots.Count; i++)
            adSlots[i].Target = i < planted.Count ? AdTarget.ForSkus([planted[i]]) : ExtraTarget(random, shop);
        foreach (var campaign in ads.Campaigns)
        {
            if (campaign.Level == MappingLevel.Campaign) campaign.Target = ExtraTarget(random, shop);
            if (campaign.Level == MappingLevel.Adgroup)
                foreach (var adgroup in campaign.Adgroups) adgroup.Target = ExtraTarget(random, shop);
        }
    }

    /// <summary>A target that leaves the planted SKUs alone: one SKU (most), one product, or 2–3 SKUs.</summary>
    private static AdTarget ExtraTarget(Random random, SampleShop shop)
    {
        double roll = random.NextDouble();
        if (roll < 0.2)
        {
            var products = shop.Products.Where(p => p.Skus.Count >= 2 && p.Skus.All(s => s.Tier == SkuTier.Normal)).ToList();
            if (products.Count > 0) return AdTarget.ForProduct(random.Pick(products));
        }
        if (roll < 0.4)
        {
            var skus = new List<SampleSku>();
            int wanted = random.Range(2, 3);
            for (int tries = 0; tries < 20 && skus.Count < wanted; tries++)
            {
                var sku = PopularNormalSku(random, shop);
                if (skus.All(s => s.Product != sku.Product)) skus.Add(sku);
            }
            if (skus.Count >= 2) return AdTarget.ForSkus(skus);
        }
        return AdTarget.ForSkus([PopularNormalSku(random, shop)]);
    }

    private static SampleSku PopularNormalSku(Random random, SampleShop shop)
    {
        for (int tries = 0; tries < 50; tries++)
        {
            var sku = shop.Skus[random.PickCumulative(shop.CumulativeShare)];
            if (sku.Tier == SkuTier.Normal) return sku;
        }
        return shop.Skus.First(s => s.Tier == SkuTier.Normal);
    }

    private static void AssignIds(SampleShop shop, ShopAds ads)
    {
        int campaignSeq = 0, adgroupSeq = 0, adSeq = 0;
        foreach (var campaign in ads.Campaigns)
        {
            campaign.Id = $"1800{shop.Number:D2}{++campaignSeq:D13}";
            foreach (var adgroup in campaign.Adgroups)
            {
                adgroup.Id = $"1810{shop.Number:D2}{++adgroupSeq:D13}";
                foreach (var ad in adgroup.Ads) ad.Id = $"1820{shop.Number:D2}{++adSeq:D13}";
            }
        }
        ads.GmvMax = new SampleCampaign($"{shop.Region.Code} GMV Max Store", "GMV_MAX", MappingLevel.None)
        {
            Id = $"1800{shop.Number:D2}{++campaignSeq:D13}",
        };
    }

    /// <summary>Campaigns with planted SKUs run every day; a third of the others start late or stop early.</summary>
    private static void SetSchedule(SampleSettings settings, Random random, SampleCampaign campaign)
    {
        campaign.StartDay = 0;
        campaign.EndDay = settings.Days - 1;
        bool planted = campaign.Ads.Any(a => a.EffectiveTarget?.IsPlanted == true);
        if (planted || !random.Chance(0.35)) return;
        campaign.StartDay = random.Range(0, settings.Days / 3);
        if (random.Chance(0.5))
            campaign.EndDay = Math.Max(campaign.StartDay, settings.Days - 1 - random.Range(0, settings.Days / 3));
        if (campaign.Level == MappingLevel.None)
            campaign.EndDay = settings.Days - 1; // spends to the end: the planted spend without sales (AlertPlants)
    }

    private static void SetSpend(SampleSettings settings, Random random, SampleShop shop, ShopAds ads)
    {
        double factor = shop.Region.PriceFactor;
        decimal averagePrice = shop.Skus.Average(s => s.Price);
        foreach (var campaign in ads.Campaigns)
        {
            switch (campaign.Level)
            {
                case MappingLevel.None:
                    Spread(random, campaign.Ads.ToList(), random.Between(15, 40) * factor);
                    break;
                case MappingLevel.Campaign:
                    Spread(random, campaign.Ads.ToList(), TargetSpend(settings, random, campaign.Target!, factor));
                    break;
                case MappingLevel.Adgroup:
                    foreach (var adgroup in campaign.Adgroups)
                        Spread(random, adgroup.Ads, TargetSpend(settings, random, adgroup.Target!, factor));
                    break;
                case MappingLevel.Ad:
                    foreach (var ad in campaign.Ads) ad.DailySpend = TargetSpend(settings, random, ad.Target!, factor);
                    break;
            }
        }
        foreach (var ad in ads.Ads)
        {
            ad.Cpm = random.Between(5, 12) * factor;
            ad.ClickRate = random.Between(0.006, 0.02);
            ad.ConversionRate = random.Between(0.02, 0.06);
            var skus = ad.EffectiveTarget?.Skus;
            ad.OrderValue = skus is null ? averagePrice : skus.Average(s => s.Price);
        }
    }

    /// <summary>
    /// Daily spend of a target from its expected revenue: heroes 6 % (ROAS ~16), losers 60 % with a
    /// floor (far above their ~15 % contribution), the others 8–35 %.
    /// </summary>
    private static double TargetSpend(SampleSettings settings, Random random, AdTarget target, double factor)
    {
        double revenue = target.Skus.Sum(s => settings.ExpectedUnitsPerDay(s.Share) * (double)s.Price);
        if (target.IsPlanted)
            return target.Skus[0].Tier == SkuTier.Hero
                ? Math.Max(revenue * 0.06, 1.0 * factor)
                : Math.Max(revenue * 0.60, 6.0 * factor);
        return Math.Max(revenue * random.Between(0.08, 0.35), 2.0 * factor);
    }

    private static void Spread(Random random, IReadOnlyList<SampleAd> ads, double dailySpend)
    {
        var weights = ads.Select(_ => random.Between(0.5, 1.5)).ToList();
        double sum = weights.Sum();
        for (int i = 0; i < ads.Count; i++) ads[i].DailySpend = dailySpend * weights[i] / sum;
    }

    /// <summary>Chance per eligible order, so that about 25 % of all paid orders get touchpoints.</summary>
    private static double TouchChance(ShopAds ads)
    {
        double advertised = ads.AdsBySku.Keys.Sum(s => s.Share);
        double eligible = 0, noneAdvertised = 1;
        for (int k = 0; k < UnitsPerOrder.Length; k++)
        {
            noneAdvertised *= 1 - advertised;
            eligible += UnitsPerOrder[k] * (1 - noneAdvertised);
        }
        const double newBuyers = 0.8; // touchpoints are only written for first-time buyers
        return eligible <= 0 ? 0 : Math.Clamp(0.25 / (eligible * newBuyers), 0.02, 0.95);
    }

    /// <summary>GMV Max promotes the ~20 best-selling products that hold no planted SKU.</summary>
    private static void AddGmvMax(SampleSettings settings, Random random, SampleShop shop, ShopAds ads)
    {
        var products = shop.Products
            .Where(p => p.Skus.All(s => s.Tier == SkuTier.Normal))
            .OrderByDescending(p => p.Skus.Sum(s => s.Share))
            .ThenBy(p => p.Id, StringComparer.Ordinal)
            .Take(20);
        foreach (var product in products)
        {
            double revenue = product.Skus.Sum(s => settings.ExpectedUnitsPerDay(s.Share) * (double)s.Price);
            ads.GmvMaxProducts.Add(new GmvMaxProduct(product, revenue, random.Between(0.25, 0.45), random.Between(3, 9)));
        }
        if (settings.Days >= 3)
            while (ads.TieOutGapDays.Count < 3) ads.TieOutGapDays.Add(random.Next(settings.Days));
    }

    public void Write(SampleWriters writers)
    {
        foreach (var ads in Shops)
        {
            var shop = ads.Shop;
            foreach (var campaign in ads.Campaigns)
            {
                double daily = campaign.Ads.Sum(a => a.DailySpend);
                WriteCampaign(writers, shop, campaign, daily);
                foreach (var adgroup in campaign.Adgroups)
                {
                    writers[StagingTables.Adgroup]
                        .Text(shop.AdvertiserId).Text(adgroup.Id).Text(campaign.Id).Text(adgroup.Name)
                        .Text(adgroup.ClickWindow).Text(adgroup.ViewWindow)
                        .EndRow();
                    foreach (var ad in adgroup.Ads)
                        writers[StagingTables.Ad]
                            .Text(shop.AdvertiserId).Text(ad.Id).Text(adgroup.Id).Text(campaign.Id).Text(ad.Name)
                            .EndRow();
                }
                WriteMap(writers, shop, campaign);
            }
            if (ads.GmvMax is { } gmvMax)
                WriteCampaign(writers, shop, gmvMax, ads.GmvMaxProducts.Sum(p => p.DailyRevenue * p.AdShare / p.Roas));
        }
    }

    private static void WriteCampaign(SampleWriters writers, SampleShop shop, SampleCampaign campaign, double dailySpend)
    {
        decimal budget = Math.Max(20m, Math.Ceiling((decimal)(dailySpend * 1.5) / 10m) * 10m);
        writers[StagingTables.Campaign]
            .Text(shop.AdvertiserId).Text(campaign.Id).Text(campaign.Name).Text(campaign.Type)
            .Text("PRODUCT_SALES").Text(shop.ShopId).Money(budget)
            .EndRow();
    }

    private static void WriteMap(SampleWriters writers, SampleShop shop, SampleCampaign campaign)
    {
        switch (campaign.Level)
        {
            case MappingLevel.Campaign:
                WriteMapRows(writers, shop, campaign.Id, "", "", campaign.Target!);
                break;
            case MappingLevel.Adgroup:
                foreach (var adgroup in campaign.Adgroups) WriteMapRows(writers, shop, campaign.Id, adgroup.Id, "", adgroup.Target!);
                break;
            case MappingLevel.Ad:
                foreach (var ad in campaign.Ads) WriteMapRows(writers, shop, campaign.Id, ad.Adgroup.Id, ad.Id, ad.Target!);
                break;
        }
    }

    /// <summary>A product target is one row with product_id; a SKU target one row per SKU with sku_id. Unused key parts are '' (written as "").</summary>
    private static void WriteMapRows(SampleWriters writers, SampleShop shop, string campaignId, string adgroupId, string adId, AdTarget target)
    {
        var map = writers[StagingTables.AdProductMap];
        if (target.Product is { } product)
        {
            map.Text(shop.ShopId).Text(shop.AdvertiserId).Text(campaignId).Text(adgroupId).Text(adId).Text(product.Id).Text("").EndRow();
            return;
        }
        foreach (var sku in target.Skus)
            map.Text(shop.ShopId).Text(shop.AdvertiserId).Text(campaignId).Text(adgroupId).Text(adId).Text("").Text(sku.Id).EndRow();
    }
}
