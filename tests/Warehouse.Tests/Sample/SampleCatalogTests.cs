using Warehouse.Sample;
using Xunit;

namespace Warehouse.Tests.Sample;

[Collection(SampleDataCollection.Name)]
public sealed class SampleCatalogTests(SampleDataFixture data)
{
    [Fact]
    public void Shops_alternate_us_and_gb_with_their_currency_and_time_zone()
    {
        var shops = data.Table("shop").Rows;
        Assert.Equal(["7495610000000001", "7495610000000002"], shops.Select(s => s["shop_id"]));
        Assert.Equal(["US", "GB"], shops.Select(s => s["region"]));
        Assert.Equal(["USD", "GBP"], shops.Select(s => s["currency"]));
        Assert.Equal(["America/Los_Angeles", "Europe/London"], shops.Select(s => s["time_zone"]));
    }

    [Fact]
    public void Skus_are_split_across_shops_and_products_have_one_to_four_variants()
    {
        var skus = data.Table("product_sku").Rows;
        Assert.Equal(300, skus.Count);
        Assert.All(skus.GroupBy(s => s["shop_id"]), shop => Assert.Equal(150, shop.Count()));
        Assert.All(skus.GroupBy(s => s["product_id"]), product => Assert.InRange(product.Count(), 1, 4));
        Assert.Contains(skus.GroupBy(s => s["product_id"]), product => product.Count() > 1);
    }

    [Fact]
    public void A_product_title_starts_with_an_equals_sign()
    {
        Assert.Contains(data.Table("product").Rows, p => p["title"] == "=HYPERLINK(\"x\") Phone Case");
        Assert.Contains("\"=HYPERLINK(\"\"x\"\") Phone Case\"", File.ReadAllText(Path.Combine(data.Directory, "product.csv")));
    }

    [Fact]
    public void At_least_one_sku_cost_changes_mid_period()
    {
        var costs = data.Table("sku_cost").Rows;
        var first = costs.Min(c => c.Date("effective_from"));
        Assert.Equal(new DateOnly(2026, 7, 26), first);
        Assert.Equal(300, costs.Count(c => c.Date("effective_from") == first));
        var changes = costs.Where(c => c.Date("effective_from") > first).ToList();
        Assert.InRange(changes.Count, 300 / 20, 300 / 5);
        var initial = costs.Where(c => c.Date("effective_from") == first).ToDictionary(c => (c["shop_id"], c["sku_id"]), c => c.Money("unit_cost"));
        Assert.All(changes, c => Assert.NotEqual(initial[(c["shop_id"], c["sku_id"])], c.Money("unit_cost")));
        Assert.All(changes, c => Assert.True(c.Date("effective_from") < SampleOptions.DefaultEndDate));
    }

    [Fact]
    public void Unit_costs_are_20_to_75_percent_of_price_in_the_shop_currency()
    {
        var skus = data.Table("product_sku").Rows.ToDictionary(s => (s["shop_id"], s["sku_id"]));
        foreach (var cost in data.Table("sku_cost").Rows.Where(c => c.Date("effective_from") == new DateOnly(2026, 7, 26)))
        {
            var sku = skus[(cost["shop_id"], cost["sku_id"])];
            Assert.InRange(cost.Money("unit_cost") / sku.Money("sale_price"), 0.19m, 0.75m);
            Assert.Equal(sku["currency"], cost["currency"]);
        }
    }

    [Fact]
    public void Cost_settings_hold_the_shop_rates()
    {
        var settings = data.Table("cost_setting").Rows;
        Assert.Equal(["0.06", "0.09"], settings.Select(s => s["commission_rate"]));
        Assert.Equal([4.50m, 3.20m], settings.Select(s => s.Money("shipping_cost_per_order")));
        Assert.All(settings, s =>
        {
            Assert.Equal(0.20m, s.Money("refund_admin_fee_share"));
            Assert.Equal(5.00m, s.Money("refund_admin_fee_cap"));
            Assert.Equal(0.35m, s.Money("packaging_cost_per_unit"));
            Assert.Equal(14, s.Long("lead_time_days"));
        });
    }

    [Fact]
    public void Planted_skus_are_deterministic_disjoint_and_do_not_depend_on_the_order_volume()
    {
        var heroes = SampleGenerator.PlantedHeroSkuIds(SampleDataFixture.Options);
        var losers = SampleGenerator.PlantedLoserSkuIds(SampleDataFixture.Options);
        Assert.InRange(heroes.Count, 12, 18);
        Assert.InRange(losers.Count, 12, 18);
        Assert.Empty(heroes.Intersect(losers));
        Assert.Equal(heroes, SampleGenerator.PlantedHeroSkuIds(SampleDataFixture.Options with { OrdersPerDay = 5000 }));
        Assert.Equal(losers, SampleGenerator.PlantedLoserSkuIds(SampleDataFixture.Options with { OrdersPerDay = 5000 }));
        Assert.NotEqual(heroes, SampleGenerator.PlantedHeroSkuIds(SampleDataFixture.Options with { Seed = 7 }));
        var skus = data.Table("product_sku").Rows.Select(s => s["sku_id"]).ToHashSet();
        Assert.Subset(skus, heroes.Concat(losers).ToHashSet());
    }

    [Fact]
    public void Heroes_run_low_on_stock_and_losers_are_overstocked()
    {
        var stock = data.Table("product_sku").Rows.ToDictionary(s => s["sku_id"], s => s.Long("inventory_quantity"));
        var sold = SoldInLast(14);
        foreach (var hero in SampleGenerator.PlantedHeroSkuIds(SampleDataFixture.Options))
            Assert.True(stock[hero] < sold.GetValueOrDefault(hero) / 14.0 * 21, $"hero {hero} has {stock[hero]} on hand");
        foreach (var loser in SampleGenerator.PlantedLoserSkuIds(SampleDataFixture.Options))
            Assert.True(stock[loser] > sold.GetValueOrDefault(loser) / 14.0 * 90, $"loser {loser} has {stock[loser]} on hand");
        Assert.Contains(stock.Values, q => q <= 5);
    }

    /// <summary>
    /// A rough profit model over the last 28 days (the default review period): list price minus
    /// seller discount minus refunds, less the referral fee, unit cost, the rate-card shipping and
    /// packaging, less the spend of the ads mapped to the SKU alone.
    /// </summary>
    [Fact]
    public void Planted_losers_spend_more_than_they_contribute_and_heroes_earn_far_more_than_they_spend()
    {
        var from = SampleOptions.DefaultEndDate.AddDays(-27);
        var orders = data.Table("shop_order").Rows
            .Where(o => o["paid_time"].Length > 0 && o["status"] != "CANCELLED" && !o.Bool("is_sample_order") && !o.Bool("is_replacement_order"))
            .Where(o => PaidDate(o) >= from)
            .Select(o => (o["shop_id"], o["order_id"])).ToHashSet();
        var lines = data.Table("order_line_item").Rows.Where(l => orders.Contains((l["shop_id"], l["order_id"]))).ToList();
        var unitsPerOrder = lines.GroupBy(l => l["order_id"]).ToDictionary(g => g.Key, g => g.Count());
        var refunds = data.Table("return_line_item").Rows.ToDictionary(r => r["order_line_item_id"], r => r.Money("refund_amount"));
        var cost = data.Table("sku_cost").Rows.GroupBy(c => c["sku_id"]).ToDictionary(g => g.Key, g => g.MaxBy(c => c.Date("effective_from"))!.Money("unit_cost"));
        var settings = data.Table("cost_setting").Rows.ToDictionary(s => s["shop_id"]);

        var contribution = new Dictionary<string, decimal>();
        var orderCount = new Dictionary<string, HashSet<string>>();
        foreach (var line in lines)
        {
            var setting = settings[line["shop_id"]];
            decimal net = line.Money("original_price") - line.Money("seller_discount") - refunds.GetValueOrDefault(line["line_item_id"]);
            decimal value = net * (1 - setting.Money("commission_rate")) - cost[line["sku_id"]]
                - setting.Money("shipping_cost_per_order") / unitsPerOrder[line["order_id"]] - setting.Money("packaging_cost_per_unit");
            contribution[line["sku_id"]] = contribution.GetValueOrDefault(line["sku_id"]) + value;
            if (!orderCount.TryGetValue(line["sku_id"], out var set)) orderCount[line["sku_id"]] = set = [];
            set.Add(line["order_id"]);
        }
        var spend = SingleSkuAdSpendSince(from);

        foreach (var loser in SampleGenerator.PlantedLoserSkuIds(SampleDataFixture.Options))
        {
            decimal c = contribution.GetValueOrDefault(loser), s = spend.GetValueOrDefault(loser);
            Assert.True(s > 100m && s > 2 * Math.Max(c, 0m) && c - s < 0m, $"loser {loser}: contribution {c:F2}, spend {s:F2}");
        }
        foreach (var hero in SampleGenerator.PlantedHeroSkuIds(SampleDataFixture.Options))
        {
            decimal c = contribution.GetValueOrDefault(hero), s = spend.GetValueOrDefault(hero);
            Assert.True(s > 0m && (c - s) / s >= 2m && orderCount[hero].Count >= 20, $"hero {hero}: contribution {c:F2}, spend {s:F2}, {orderCount[hero].Count} orders");
        }
    }

    private Dictionary<string, decimal> SingleSkuAdSpendSince(DateOnly from)
    {
        var skuOfAd = data.Table("ad_product_map").Rows.Where(m => m["ad_id"].Length > 0).GroupBy(m => m["ad_id"])
            .Where(g => g.Count() == 1 && g.Single()["sku_id"].Length > 0)
            .ToDictionary(g => g.Key, g => g.Single()["sku_id"]);
        var spend = new Dictionary<string, decimal>();
        foreach (var report in data.Table("ad_report_daily").Rows.Where(r => r.Date("stat_time_day") >= from))
            if (skuOfAd.TryGetValue(report["ad_id"], out var sku))
                spend[sku] = spend.GetValueOrDefault(sku) + report.Money("spend");
        return spend;
    }

    private Dictionary<string, int> SoldInLast(int days)
    {
        var from = SampleOptions.DefaultEndDate.AddDays(1 - days);
        var orders = data.Table("shop_order").Rows.Where(o => o["paid_time"].Length > 0 && PaidDate(o) >= from).Select(o => o["order_id"]).ToHashSet();
        return data.Table("order_line_item").Rows.Where(l => orders.Contains(l["order_id"])).GroupBy(l => l["sku_id"]).ToDictionary(g => g.Key, g => g.Count());
    }

    /// <summary>The paid date in the shop's time zone (the sample period has US and UK daylight saving changes).</summary>
    private static DateOnly PaidDate(SampleCsv.Row order)
    {
        var zone = TimeZoneInfo.FindSystemTimeZoneById(order["currency"] == "USD" ? "America/Los_Angeles" : "Europe/London");
        var utc = DateTime.UnixEpoch.AddSeconds(order.Long("paid_time"));
        return DateOnly.FromDateTime(TimeZoneInfo.ConvertTimeFromUtc(utc, zone));
    }
}
