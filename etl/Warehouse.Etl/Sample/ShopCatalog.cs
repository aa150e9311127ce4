namespace Warehouse.Sample;

/// <summary>
/// Shops, products and SKUs with their prices, costs, demand and stock, including the planted
/// heroes and losers. The catalogue depends only on shops, SKUs, days, seed and end date (stock
/// also on orders per day), so the planted SKUs are the same whatever the order volume.
/// </summary>
internal sealed class ShopCatalog
{
    /// <summary>Share of a shop's units that goes to its heroes, to its losers, and (the rest) to the others.</summary>
    private const double HeroUnitShare = 0.20;
    private const double LoserUnitShare = 0.08;
    private const double PlantedSkuFraction = 0.05;

    private ShopCatalog(IReadOnlyList<SampleShop> shops) => Shops = shops;

    public IReadOnlyList<SampleShop> Shops { get; }

    public static ShopCatalog Build(SampleSettings settings)
    {
        var shops = new List<SampleShop>(settings.Shops);
        for (int i = 0; i < settings.Shops; i++) shops.Add(BuildShop(settings, i));
        return new ShopCatalog(shops);
    }

    public IEnumerable<SampleSku> SkusOfTier(SkuTier tier) => Shops.SelectMany(s => s.Skus).Where(s => s.Tier == tier);

    private static SampleShop BuildShop(SampleSettings settings, int index)
    {
        var shop = new SampleShop(index, ShopRegion.ForShop(index), settings);
        AddProducts(settings, shop);
        Plant(settings, shop);
        SetCosts(settings, shop);
        SetDemand(settings, shop);
        SetInventory(settings, shop);
        return shop;
    }

    private static void AddProducts(SampleSettings settings, SampleShop shop)
    {
        var random = SampleRandom.For(settings.Seed, "catalog", shop.Index);
        int skuCount = settings.SkusInShop(shop.Index);
        long firstDay = shop.Region.ToEpoch(settings.FirstDate, TimeSpan.Zero);
        while (shop.Skus.Count < skuCount)
        {
            int productNumber = shop.Products.Count + 1;
            bool formula = shop.Index == 0 && productNumber == 1;
            var category = formula ? CatalogWords.Categories[0] : random.Pick(CatalogWords.Categories);
            string title = formula ? CatalogWords.FormulaTitle : CatalogWords.Title(random, category);
            var product = new SampleProduct(shop, $"17295{shop.Number:D2}{productNumber:D12}", title, category.Name);
            product.CreateTime = firstDay - random.Seconds(TimeSpan.FromDays(20), TimeSpan.FromDays(600));
            product.UpdateTime = product.CreateTime + (long)((shop.AsOf - product.CreateTime) * random.NextDouble());

            int variants = Math.Min(random.Range(1, 4), skuCount - shop.Skus.Count);
            decimal basePrice = Money.PricePoint(random.Between(6, 60) * shop.Region.PriceFactor);
            var names = CatalogWords.Variants(random, category, variants);
            for (int v = 0; v < variants; v++)
            {
                int skuNumber = shop.Skus.Count + 1;
                var sku = new SampleSku(
                    product,
                    $"17300{shop.Number:D2}{skuNumber:D12}",
                    names[v],
                    $"{category.Code}-{productNumber:D4}-{v + 1}",
                    basePrice + v * category.VariantPriceStep);
                product.Skus.Add(sku);
                shop.Skus.Add(sku);
            }
            shop.Products.Add(product);
        }
    }

    /// <summary>About 5 % heroes and 5 % losers, each from a different product (never the formula-title one).</summary>
    private static void Plant(SampleSettings settings, SampleShop shop)
    {
        int count = shop.Skus.Count >= 10
            ? Math.Max(1, (int)Math.Round(shop.Skus.Count * PlantedSkuFraction, MidpointRounding.AwayFromZero))
            : 0;
        var random = SampleRandom.For(settings.Seed, "plant", shop.Index);
        var candidates = shop.Products.Skip(1).ToList();
        random.Shuffle(candidates);
        for (int i = 0; i < candidates.Count && i < 2 * count; i++)
        {
            var sku = random.Pick(candidates[i].Skus);
            bool hero = i < count;
            sku.Tier = hero ? SkuTier.Hero : SkuTier.Loser;
            // Heroes sell at higher prices, losers at lower ones: shipping eats the cheap ones.
            sku.Price = Money.PricePoint((hero ? random.Between(34, 64) : random.Between(14, 36)) * shop.Region.PriceFactor);
        }
    }

    private static void SetCosts(SampleSettings settings, SampleShop shop)
    {
        var random = SampleRandom.For(settings.Seed, "cost", shop.Index);
        foreach (var sku in shop.Skus)
        {
            double ratio = sku.Tier switch
            {
                SkuTier.Hero => random.Between(0.32, 0.38),
                SkuTier.Loser => random.Between(0.66, 0.74),
                _ => random.Between(0.20, 0.60),
            };
            sku.UnitCost = Money.Cents(sku.Price * (decimal)ratio);
            if (sku.Tier == SkuTier.Normal && settings.Days >= 2 && random.Chance(0.08))
                sku.CostChange = CostChange(settings, random, sku);
        }
        if (settings.Days >= 2 && !shop.Skus.Any(s => s.CostChange is not null)
            && shop.Skus.FirstOrDefault(s => s.Tier == SkuTier.Normal) is { } first)
            first.CostChange = CostChange(settings, random, first);
    }

    private static (DateOnly, decimal) CostChange(SampleSettings settings, Random random, SampleSku sku)
    {
        int day = Math.Clamp(random.Range(settings.Days / 4, settings.Days * 3 / 4), 1, settings.Days - 1);
        decimal changed = Money.Cents(sku.UnitCost * (decimal)random.Between(0.85, 1.20));
        if (changed == sku.UnitCost) changed += 0.05m;
        return (settings.Date(day), changed);
    }

    /// <summary>Heroes share 20 % of the units, losers 8 %, the rest follow a long tail (Zipf).</summary>
    private static void SetDemand(SampleSettings settings, SampleShop shop)
    {
        var random = SampleRandom.For(settings.Seed, "demand", shop.Index);
        var heroes = shop.Skus.Where(s => s.Tier == SkuTier.Hero).ToList();
        var losers = shop.Skus.Where(s => s.Tier == SkuTier.Loser).ToList();
        var others = shop.Skus.Where(s => s.Tier == SkuTier.Normal).ToList();
        double heroShare = heroes.Count > 0 ? HeroUnitShare : 0;
        double loserShare = losers.Count > 0 ? LoserUnitShare : 0;
        foreach (var sku in heroes) sku.Share = heroShare / heroes.Count;
        foreach (var sku in losers) sku.Share = loserShare / losers.Count;

        random.Shuffle(others);
        double tail = 0;
        for (int rank = 0; rank < others.Count; rank++) tail += Zipf(rank + 1);
        for (int rank = 0; rank < others.Count; rank++)
            others[rank].Share = (1 - heroShare - loserShare) * Zipf(rank + 1) / tail;

        var cumulative = new double[shop.Skus.Count];
        double sum = 0;
        for (int i = 0; i < shop.Skus.Count; i++) cumulative[i] = sum += shop.Skus[i].Share;
        shop.CumulativeShare = cumulative;
    }

    /// <summary>rank^-0.75, with square roots only: IEEE-exact on every platform, unlike Math.Pow.</summary>
    private static double Zipf(int rank)
    {
        double cube = (double)rank * rank * rank;
        return 1.0 / Math.Sqrt(Math.Sqrt(cube));
    }

    /// <summary>Stock on hand at the end date, as days of cover: heroes short (restock), losers overstocked.</summary>
    private static void SetInventory(SampleSettings settings, SampleShop shop)
    {
        var random = SampleRandom.For(settings.Seed, "inventory", shop.Index);
        foreach (var sku in shop.Skus)
        {
            double perDay = settings.ExpectedUnitsPerDay(sku.Share);
            double cover = sku.Tier switch
            {
                SkuTier.Hero => random.Between(3, 10),
                SkuTier.Loser => random.Between(150, 400),
                _ => random.NextDouble() switch
                {
                    < 0.12 => -1, // nearly sold out
                    < 0.20 => random.Between(120, 365),
                    _ => random.Between(20, 90),
                },
            };
            sku.Inventory = cover < 0 ? random.Range(0, 5) : (int)Math.Ceiling(perDay * cover);
            if (sku.Tier == SkuTier.Loser) sku.Inventory = Math.Max(sku.Inventory, 300);
        }
    }

    public void Write(SampleWriters writers, SampleSettings settings)
    {
        foreach (var shop in Shops)
        {
            var region = shop.Region;
            writers[StagingTables.Shop].Text(shop.ShopId).Text(shop.Name).Text(region.Code).Text(region.Currency).Text(region.TimeZone).EndRow();
            writers[StagingTables.CostSetting]
                .Text(shop.ShopId).Date(settings.FirstDate)
                .Rate(region.CommissionRate).Rate(0m).Rate(0.20m).Money(5.00m)
                .Money(region.ShippingCostPerOrder).Money(0.35m).Money(0m).Integer(14)
                .EndRow();
            WriteShippingRates(writers, settings, shop.ShopId, region);
            WriteExpenses(writers, settings, shop.ShopId);
            foreach (var product in shop.Products)
            {
                writers[StagingTables.Product]
                    .Text(shop.ShopId).Text(product.Id).Text(product.Title).Text("ACTIVATE").Text(product.Category)
                    .Time(product.CreateTime).Time(product.UpdateTime)
                    .EndRow();
                foreach (var sku in product.Skus)
                {
                    writers[StagingTables.ProductSku]
                        .Text(shop.ShopId).Text(product.Id).Text(sku.Id).Text(sku.SellerSku).Text(sku.Name)
                        .Text(region.Currency).Money(sku.Price).Integer(sku.Inventory)
                        .EndRow();
                    writers[StagingTables.SkuCost]
                        .Text(shop.ShopId).Text(sku.Id).Date(settings.FirstDate).Money(sku.UnitCost).Text(region.Currency)
                        .EndRow();
                    if (sku.CostChange is { } change)
                        writers[StagingTables.SkuCost]
                            .Text(shop.ShopId).Text(sku.Id).Date(change.From).Money(change.UnitCost).Text(region.Currency)
                            .EndRow();
                }
            }
        }
    }

    /// <summary>The seller's rate card: one unit ships at the flat cost, each extra unit adds the carrier's per-unit cost, capped at four.</summary>
    private static void WriteShippingRates(SampleWriters writers, SampleSettings settings, string shopId, ShopRegion region)
    {
        for (int units = 1; units <= 4; units++)
        {
            writers[StagingTables.ShippingRate]
                .Text(shopId).Date(settings.FirstDate).Integer(units)
                .Money(region.ShippingCostPerOrder + region.CarrierCostPerExtraUnit * (units - 1))
                .EndRow();
        }
    }

    /// <summary>Fixed costs of a small seller: monthly software and an agency retainer, and one photo shoot.</summary>
    private static void WriteExpenses(SampleWriters writers, SampleSettings settings, string shopId)
    {
        for (var month = new DateOnly(settings.FirstDate.Year, settings.FirstDate.Month, 1); month <= settings.EndDate; month = month.AddMonths(1))
        {
            var last = month.AddMonths(1).AddDays(-1);
            writers[StagingTables.Expense].Text(shopId).Text("Software").Text("Seller tools and inventory app").Date(month).Date(last).Money(149.00m).EndRow();
            writers[StagingTables.Expense].Text(shopId).Text("Agency fee").Text("Creative agency retainer").Date(month).Date(last).Money(1500.00m).EndRow();
        }

        var shoot = settings.FirstDate.AddDays(settings.Days / 2);
        writers[StagingTables.Expense].Text(shopId).Text("Content").Text("Product photo shoot").Date(shoot).Date(shoot).Money(650.00m).EndRow();
    }
}
