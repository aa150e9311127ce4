namespace Warehouse.Sample;

/// <summary>The level at which a REGULAR campaign is mapped to what it sells (ad_product_map).</summary>
internal enum MappingLevel
{
    None,
    Campaign,
    Adgroup,
    Ad,
}

/// <summary>What an ad, ad group or campaign advertises: one product (all its SKUs) or one or more SKUs.</summary>
internal sealed class AdTarget
{
    private AdTarget(SampleProduct? product, IReadOnlyList<SampleSku> skus)
    {
        Product = product;
        Skus = skus;
    }

    public static AdTarget ForProduct(SampleProduct product) => new(product, product.Skus);

    public static AdTarget ForSkus(IReadOnlyList<SampleSku> skus) => new(null, skus);

    /// <summary>Set for a product target; null for a SKU target.</summary>
    public SampleProduct? Product { get; }

    public IReadOnlyList<SampleSku> Skus { get; }

    public bool IsPlanted => Product is null && Skus.Count == 1 && Skus[0].Tier != SkuTier.Normal;
}

internal sealed class SampleCampaign(string name, string type, MappingLevel level)
{
    public string Id { get; set; } = "";
    public string Name { get; } = name;
    /// <summary>REGULAR or GMV_MAX.</summary>
    public string Type { get; } = type;
    public MappingLevel Level { get; } = level;
    public AdTarget? Target { get; set; }
    public int StartDay { get; set; }
    public int EndDay { get; set; }
    public List<SampleAdgroup> Adgroups { get; } = [];
    public IEnumerable<SampleAd> Ads => Adgroups.SelectMany(g => g.Ads);
}

internal sealed class SampleAdgroup(SampleCampaign campaign, string name)
{
    public string Id { get; set; } = "";
    public SampleCampaign Campaign { get; } = campaign;
    public string Name { get; } = name;
    public string ClickWindow { get; set; } = "SEVEN_DAYS";
    public string ViewWindow { get; set; } = "ONE_DAY";
    public AdTarget? Target { get; set; }
    public List<SampleAd> Ads { get; } = [];
}

internal sealed class SampleAd(SampleAdgroup adgroup, string name)
{
    public string Id { get; set; } = "";
    public SampleAdgroup Adgroup { get; } = adgroup;
    public SampleCampaign Campaign => Adgroup.Campaign;
    public string Name { get; } = name;
    public AdTarget? Target { get; set; }

    /// <summary>The mapping that applies: the most specific level given.</summary>
    public AdTarget? EffectiveTarget => Target ?? Adgroup.Target ?? Campaign.Target;

    /// <summary>Average spend on a day it runs, in the shop's currency.</summary>
    public double DailySpend { get; set; }
    public double Cpm { get; set; }
    public double ClickRate { get; set; }
    public double ConversionRate { get; set; }
    public decimal OrderValue { get; set; }

    public bool RunsOn(int day) => day >= Campaign.StartDay && day <= Campaign.EndDay;
}

/// <summary>A product promoted by the shop's GMV Max campaign.</summary>
internal sealed class GmvMaxProduct(SampleProduct product, double dailyRevenue, double adShare, double roas)
{
    public SampleProduct Product { get; } = product;
    /// <summary>Expected revenue a day of all the product's SKUs.</summary>
    public double DailyRevenue { get; } = dailyRevenue;
    /// <summary>Part of that revenue GMV Max claims.</summary>
    public double AdShare { get; } = adShare;
    public double Roas { get; } = roas;
    public decimal AveragePrice => Product.Skus.Average(s => s.Price);
}

/// <summary>One shop's advertiser: campaigns, ad groups, ads, their mapping and the GMV Max campaign.</summary>
internal sealed class ShopAds(SampleShop shop)
{
    public SampleShop Shop { get; } = shop;
    public List<SampleCampaign> Campaigns { get; } = [];
    public SampleCampaign? GmvMax { get; set; }
    public List<GmvMaxProduct> GmvMaxProducts { get; } = [];
    /// <summary>Days on which the GMV Max campaign total is a few units above the sum of its products.</summary>
    public HashSet<int> TieOutGapDays { get; } = [];
    /// <summary>REGULAR ads whose mapping covers the SKU.</summary>
    public Dictionary<SampleSku, List<SampleAd>> AdsBySku { get; } = [];
    /// <summary>Chance that a paid order with an advertised SKU has touchpoints, tuned to about 25 % of all paid orders.</summary>
    public double TouchChance { get; set; }
    public IEnumerable<SampleAd> Ads => Campaigns.SelectMany(c => c.Ads);
}
