namespace Warehouse.Sample;

/// <summary>What a SKU was planted to be: a clear winner, a clear loser, or neither.</summary>
internal enum SkuTier
{
    Normal,
    Hero,
    Loser,
}

internal sealed class SampleShop(int index, ShopRegion region, SampleSettings settings)
{
    public int Index { get; } = index;
    public int Number => Index + 1;
    public ShopRegion Region { get; } = region;
    public string ShopId => $"74956100000000{Number:D2}";
    public string Name => $"Sample Shop {Number} ({Region.Code})";
    public string AdvertiserId => $"73120000000000{Number:D2}";
    public List<SampleProduct> Products { get; } = [];
    public List<SampleSku> Skus { get; } = [];

    /// <summary>Cumulative unit shares of <see cref="Skus"/>, for picking what a buyer adds to the basket.</summary>
    public double[] CumulativeShare { get; set; } = [];

    /// <summary>The last second of the end date in the shop's time zone: nothing happens after it.</summary>
    public long AsOf { get; } = region.ToEpoch(settings.EndDate.AddDays(1), TimeSpan.Zero) - 1;
}

internal sealed class SampleProduct(SampleShop shop, string id, string title, string category)
{
    public SampleShop Shop { get; } = shop;
    public string Id { get; } = id;
    public string Title { get; } = title;
    public string Category { get; } = category;
    public long CreateTime { get; set; }
    public long UpdateTime { get; set; }
    public List<SampleSku> Skus { get; } = [];
}

internal sealed class SampleSku(SampleProduct product, string id, string name, string sellerSku, decimal price)
{
    public SampleProduct Product { get; } = product;
    public string Id { get; } = id;
    public string Name { get; } = name;
    public string SellerSku { get; } = sellerSku;
    public decimal Price { get; set; } = price;
    public SkuTier Tier { get; set; }
    public decimal UnitCost { get; set; }

    /// <summary>A second cost from this date on, for the SKUs whose cost changes mid-period.</summary>
    public (DateOnly From, decimal UnitCost)? CostChange { get; set; }

    /// <summary>Share of the shop's units sold (before basket effects).</summary>
    public double Share { get; set; }

    public int Inventory { get; set; }
}
