namespace Warehouse.Sample;

/// <summary>One alert the sample plants for the monitor (profit model section 8): its rule, shop and subject.</summary>
public sealed record PlantedAlert(string RuleCode, string ShopId, string? SkuId = null, string? CampaignId = null, string Subject = "");

/// <summary>
/// The cases the sample plants so the monitor has one of each to find on the last day, by ad spend only
/// (no random draw changes, so every other figure of the sample stays as it was):
/// a spend spike (the first shop's biggest long-running ad spends four times its usual on the last day);
/// a SKU turning loser in the last week (an ad of a normal SKU of the first shop that should make money outspends its
/// SKU's expected revenue by a fifth on each of the last 7 days); the unmapped campaign of every shop with current ads spends
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
            return Math.Max(usual, Money.Cents(revenue * TurningLoserSpendShare)); // far more than it earns: sku_loss
        }

        return usual;
    }

    /// <summary>The first shop's biggest ad running on the last day and the 28 before it.</summary>
    public SampleAd? SpikeAd(ShopAds shopAds) =>
        shopAds.Shop.Index != 0 ? null
            : shopAds.Ads.Where(a => a.RunsOn(LastDay) && a.RunsOn(LastDay - 28)).OrderByDescending(a => a.DailySpend).FirstOrDefault();

    /// <summary>
    /// The first shop's ad on one normal SKU, running the whole last 28 days, not the spike's; preferring a SKU that should
    /// keep over 15 % of its revenue after ads, of no GMV Max product, with no other ad, selling a couple of units a day, then the one that should keep the most after ads
    /// until the plant, so the loss of the last week is a turn rather than more of the same. Heroes and
    /// losers stay as planted: their 28-day figures are pinned by the catalogue tests.
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
                        && a.EffectiveTarget is { Product: null, Skus: [{ Tier: SkuTier.Normal }] })
            .OrderByDescending(a => ExpectedShareAfterAds(shopAds, a.EffectiveTarget!.Skus[0]) > 0.15)
            .ThenByDescending(a => shopAds.GmvMaxProducts.All(p => p.Product != a.EffectiveTarget!.Skus[0].Product))
            .ThenByDescending(a => shopAds.AdsBySku[a.EffectiveTarget!.Skus[0]].Count == 1)
            .ThenByDescending(a => settings.ExpectedUnitsPerDay(a.EffectiveTarget!.Skus[0].Share) >= 2)
            .ThenByDescending(a => ExpectedShareAfterAds(shopAds, a.EffectiveTarget!.Skus[0]))
            .ThenBy(a => a.Id, StringComparer.Ordinal)
            .FirstOrDefault();
    }

    /// <summary>What the SKU should keep of its revenue after ads: less unit cost, commission, fees, shipping (an order a unit, at worst) and its ads.</summary>
    private double ExpectedShareAfterAds(ShopAds shopAds, SampleSku sku)
    {
        var revenue = settings.ExpectedUnitsPerDay(sku.Share) * (double)sku.Price;
        var region = shopAds.Shop.Region;
        var spend = shopAds.AdsBySku[sku].Sum(a => a.DailySpend);
        var kept = 1m - sku.UnitCost / sku.Price - region.CommissionRate - region.TransactionFeeRate - region.ShippingCostPerOrder / sku.Price;
        return (double)kept - spend / revenue;
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
