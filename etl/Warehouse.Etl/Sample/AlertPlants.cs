namespace Warehouse.Sample;

/// <summary>One alert the sample plants for the monitor (profit model section 8): its rule, shop and subject.</summary>
public sealed record PlantedAlert(string RuleCode, string ShopId, string? SkuId = null, string? CampaignId = null, string Subject = "");

/// <summary>
/// The cases the sample plants so the monitor has one of each to find on the last day, by ad spend only
/// (no random draw changes, so every other figure of the sample stays as it was):
/// a spend spike (the first shop's biggest long-running ad spends four times its usual on the last day);
/// a SKU turning loser in the last week (the ad of the first shop's biggest hero outspends its expected revenue by a fifth
/// on each of the last 7 days); the unmapped campaign of every shop with current ads spends
/// to the end (spend without sales); the last shop's ad reports stop 3 days before the end when there are two
/// shops or more (a stale source). The heroes' short stock (a restock) is planted by the catalogue.
/// </summary>
internal sealed class AlertPlants(SampleSettings settings)
{
    public const int TurningLoserDays = 7;
    public const int StaleAdDays = 3;
    private const double TurningLoserSpendShare = 1.2;

    private int LastDay => settings.Days - 1;

    /// <summary>The shop whose ad reports stop early: the last, when it is not the first.</summary>
    public bool IsStale(SampleShop shop) => shop.Index > 0 && shop.Index == settings.Shops - 1;

    public bool ReportsAds(SampleShop shop, int day) => !(IsStale(shop) && day > LastDay - StaleAdDays);

    /// <summary>The spend of an ad on a day, planted cases applied.</summary>
    public decimal Spend(ShopAds shopAds, SampleAd ad, int day, decimal usual)
    {
        if (day == LastDay && ad == SpikeAd(shopAds))
        {
            return usual * 4; // campaign_spend_spike
        }

        if (day > LastDay - TurningLoserDays && ad == TurningLoserAd(shopAds))
        {
            var sku = ad.EffectiveTarget!.Skus[0];
            var revenue = settings.ExpectedUnitsPerDay(sku.Share) * (double)sku.Price;
            return Math.Max(usual, Money.Cents(revenue * TurningLoserSpendShare)); // sku_loss
        }

        return usual;
    }

    /// <summary>The first shop's biggest ad running on the last day and the 28 before it.</summary>
    public SampleAd? SpikeAd(ShopAds shopAds) =>
        shopAds.Shop.Index != 0 ? null
            : shopAds.Ads.Where(a => a.RunsOn(LastDay) && a.RunsOn(LastDay - 28)).OrderByDescending(a => a.DailySpend).FirstOrDefault();

    /// <summary>
    /// The first shop's planted hero with the most expected revenue (its own ad, running every day, not the spike's):
    /// clearly profitable until the plant, so the loss of the last week is a turn, not more of the same.
    /// </summary>
    public SampleAd? TurningLoserAd(ShopAds shopAds)
    {
        if (shopAds.Shop.Index != 0 || settings.Days < 28)
        {
            return null;
        }

        var spike = SpikeAd(shopAds);
        return shopAds.Ads
            .Where(a => a != spike && a.RunsOn(LastDay) && a.RunsOn(LastDay - 27)
                        && a.EffectiveTarget is { Product: null, Skus: [{ Tier: SkuTier.Hero }] })
            .OrderByDescending(a => settings.ExpectedUnitsPerDay(a.EffectiveTarget!.Skus[0].Share) * (double)a.EffectiveTarget.Skus[0].Price)
            .ThenBy(a => a.Id, StringComparer.Ordinal)
            .FirstOrDefault();
    }

    public IReadOnlyList<PlantedAlert> Alerts(AdsCatalog ads)
    {
        var alerts = new List<PlantedAlert>();
        foreach (var shopAds in ads.Shops)
        {
            var shop = shopAds.Shop;
            if (SpikeAd(shopAds) is { } spike)
            {
                alerts.Add(new PlantedAlert("campaign_spend_spike", shop.ShopId, CampaignId: spike.Campaign.Id));
            }

            if (TurningLoserAd(shopAds) is { } turning)
            {
                alerts.Add(new PlantedAlert("sku_loss", shop.ShopId, SkuId: turning.EffectiveTarget!.Skus[0].Id));
            }

            if (!IsStale(shop))
            {
                alerts.AddRange(shopAds.Campaigns.Where(c => c.Level == MappingLevel.None)
                    .Select(c => new PlantedAlert("campaign_spend_no_sales", shop.ShopId, CampaignId: c.Id)));
            }
            else
            {
                alerts.Add(new PlantedAlert("stale_source", shop.ShopId, Subject: "ad spend"));
            }

            alerts.AddRange(shop.Skus.Where(s => s.Tier == SkuTier.Hero).Select(s => new PlantedAlert("restock", shop.ShopId, SkuId: s.Id)));
        }

        return alerts;
    }
}
