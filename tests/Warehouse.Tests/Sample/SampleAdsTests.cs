using Xunit;

namespace Warehouse.Tests.Sample;

[Collection(SampleDataCollection.Name)]
public sealed class SampleAdsTests(SampleDataFixture data)
{
    [Fact]
    public void Every_id_a_row_refers_to_exists()
    {
        var shops = data.Table("shop").Rows.Select(s => s["shop_id"]).ToHashSet();
        var products = data.Table("product").Rows.Select(p => (p["shop_id"], p["product_id"])).ToHashSet();
        var skus = data.Table("product_sku").Rows.ToDictionary(s => (s["shop_id"], s["sku_id"]), s => s["product_id"]);
        var campaigns = data.Table("campaign").Rows.ToDictionary(c => (c["advertiser_id"], c["campaign_id"]));
        var adgroups = data.Table("adgroup").Rows.ToDictionary(g => (g["advertiser_id"], g["adgroup_id"]), g => g["campaign_id"]);
        var ads = data.Table("ad").Rows.ToDictionary(a => (a["advertiser_id"], a["ad_id"]));
        var lines = data.Table("order_line_item").Rows.Select(l => (l["shop_id"], l["line_item_id"])).ToHashSet();

        Assert.All(data.Table("product_sku").Rows, s => Assert.Contains((s["shop_id"], s["product_id"]), products));
        Assert.All(data.Table("order_line_item").Rows, l => Assert.Equal(skus[(l["shop_id"], l["sku_id"])], l["product_id"]));
        Assert.All(campaigns.Values, c => Assert.Contains(c["store_id"], shops));
        Assert.All(adgroups.Values, campaignId => Assert.Contains(campaignId, campaigns.Keys.Select(k => k.Item2)));
        Assert.All(ads.Values, a => Assert.Equal(adgroups[(a["advertiser_id"], a["adgroup_id"])], a["campaign_id"]));
        Assert.All(data.Table("ad_report_daily").Rows, r => Assert.Contains((r["advertiser_id"], r["ad_id"]), ads.Keys));
        Assert.All(data.Table("gmv_max_product_daily").Rows, r => Assert.Contains((r["store_id"], r["item_group_id"]), products));
        Assert.All(data.Table("return_line_item").Rows, r => Assert.Contains((r["shop_id"], r["order_line_item_id"]), lines));
        Assert.All(data.Table("cancellation_line_item").Rows, r => Assert.Contains((r["shop_id"], r["order_line_item_id"]), lines));
        Assert.All(data.Table("affiliate_order").Rows, r => Assert.Contains((r["shop_id"], r["order_line_item_id"]), lines));
        foreach (var map in data.Table("ad_product_map").Rows)
        {
            Assert.Contains((map["advertiser_id"], map["campaign_id"]), campaigns.Keys);
            if (map["adgroup_id"].Length > 0) Assert.Equal(map["campaign_id"], adgroups[(map["advertiser_id"], map["adgroup_id"])]);
            if (map["ad_id"].Length > 0) Assert.Equal(map["adgroup_id"], ads[(map["advertiser_id"], map["ad_id"])]["adgroup_id"]);
            Assert.True(map["product_id"].Length > 0 ^ map["sku_id"].Length > 0, "a map row targets a product or a SKU");
            if (map["product_id"].Length > 0) Assert.Contains((map["shop_id"], map["product_id"]), products);
            else Assert.Contains((map["shop_id"], map["sku_id"]), skus.Keys);
        }
    }

    [Fact]
    public void Each_advertiser_has_4_to_8_regular_campaigns_one_gmv_max_and_one_campaign_without_mapping()
    {
        var mapped = data.Table("ad_product_map").Rows.Select(m => m["campaign_id"]).ToHashSet();
        foreach (var advertiser in data.Table("campaign").Rows.GroupBy(c => c["advertiser_id"]))
        {
            Assert.InRange(advertiser.Count(c => c["campaign_type"] == "REGULAR"), 4, 8);
            var gmvMax = Assert.Single(advertiser, c => c["campaign_type"] == "GMV_MAX");
            Assert.DoesNotContain(gmvMax["campaign_id"], mapped);
            Assert.Single(advertiser, c => c["campaign_type"] == "REGULAR" && !mapped.Contains(c["campaign_id"]));
            Assert.Single(advertiser.Select(c => c["store_id"]).Distinct());
        }
        var windows = data.Table("adgroup").Rows.Select(g => g["click_attribution_window"]).ToList();
        Assert.True(windows.Count(w => w == "SEVEN_DAYS") > windows.Count / 2);
    }

    [Fact]
    public void The_ad_map_uses_every_level_and_targets_single_skus_products_and_sku_sets()
    {
        var rows = data.Table("ad_product_map").Rows;
        var targets = rows.GroupBy(m => (m["campaign_id"], m["adgroup_id"], m["ad_id"])).ToList();
        Assert.Contains(targets, t => t.Key.Item3.Length > 0);
        Assert.True(targets.Count(t => t.Key.Item3.Length > 0) > targets.Count / 2, "most mappings are per ad");
        Assert.Contains(targets, t => t.Key.Item2.Length > 0 && t.Key.Item3.Length == 0);
        Assert.Contains(targets, t => t.Key.Item2.Length == 0);
        Assert.Contains(targets, t => t.Count() == 1 && t.Single()["product_id"].Length > 0);
        Assert.Contains(targets, t => t.Count() > 1);
        Assert.True(targets.Count(t => t.Count() == 1 && t.Single()["sku_id"].Length > 0) > targets.Count / 2, "most targets are one SKU");
    }

    [Fact]
    public void Ads_report_positive_spend_with_funnel_metrics_that_narrow()
    {
        foreach (var report in data.Table("ad_report_daily").Rows)
        {
            Assert.True(report.Money("spend") > 0m);
            Assert.True(report.Long("impressions") >= report.Long("clicks"));
            Assert.True(report.Long("clicks") >= report.Long("conversion"));
            Assert.True(report.Long("conversion") >= report.Long("complete_payment"));
        }
    }

    [Fact]
    public void Gmv_max_campaign_cost_is_the_sum_of_its_products_except_on_a_few_days()
    {
        var products = data.Table("gmv_max_product_daily").Rows.ToLookup(p => (p["campaign_id"], p["stat_time_day"]));
        int gaps = 0;
        foreach (var campaign in data.Table("gmv_max_campaign_daily").Rows)
        {
            var own = products[(campaign["campaign_id"], campaign["stat_time_day"])].ToList();
            Assert.InRange(own.Count, 1, 20);
            Assert.Equal(own.Sum(p => p.Long("orders")), campaign.Long("orders"));
            Assert.Equal(own.Sum(p => p.Money("gross_revenue")), campaign.Money("gross_revenue"));
            decimal gap = campaign.Money("cost") - own.Sum(p => p.Money("cost"));
            Assert.InRange(gap, 0m, 5m);
            Assert.Equal(gap, campaign.Money("net_cost") - own.Sum(p => p.Money("net_cost")));
            if (gap > 0m) gaps++;
        }
        Assert.InRange(gaps, 2, 10);
    }

    [Fact]
    public void Touchpoints_precede_payment_on_an_ad_of_a_sku_in_the_buyers_order()
    {
        var orders = data.Table("shop_order").Rows.Where(o => o["paid_time"].Length > 0 && !o.Bool("is_sample_order") && !o.Bool("is_replacement_order")).ToList();
        var byBuyer = data.Table("shop_order").Rows.ToLookup(o => (o["shop_id"], o["user_id"]));
        var skusOfOrder = data.Table("order_line_item").Rows.ToLookup(l => (l["shop_id"], l["order_id"]), l => l["sku_id"]);
        var skusOfAd = MappedSkusByAd();
        var touchpoints = data.Table("touchpoint").Rows;
        int beyondSevenDays = 0;
        foreach (var buyer in touchpoints.GroupBy(t => (t["shop_id"], t["buyer_user_id"])))
        {
            // Touchpoints are written for a buyer's first order (a repeat order may still be attributed to them).
            var order = byBuyer[buyer.Key].MinBy(o => o["order_id"], StringComparer.Ordinal)!;
            long paid = order.Long("paid_time");
            var skus = skusOfOrder[(order["shop_id"], order["order_id"])].ToHashSet();
            Assert.All(buyer, t => Assert.True(t.Long("event_time") < paid));
            Assert.All(buyer, t => Assert.Contains(t["event_type"], new[] { "click", "view" }));
            var first = buyer.MinBy(t => t.Long("event_time"))!;
            Assert.Contains(buyer, t => skusOfAd.TryGetValue(t["ad_id"], out var adSkus) && adSkus.Overlaps(skus));
            if (paid - first.Long("event_time") > 7 * 86_400) beyondSevenDays++;
        }
        int buyers = touchpoints.Select(t => (t["shop_id"], t["buyer_user_id"])).Distinct().Count();
        Assert.InRange(buyers / (double)orders.Count, 0.18, 0.32);
        Assert.InRange(beyondSevenDays, 1, buyers / 5);
        Assert.Contains(touchpoints, t => t["event_type"] == "view");
    }

    /// <summary>The SKUs each ad sells under the most specific mapping that applies to it.</summary>
    private Dictionary<string, HashSet<string>> MappedSkusByAd()
    {
        var skusOfProduct = data.Table("product_sku").Rows.ToLookup(s => s["product_id"], s => s["sku_id"]);
        var map = data.Table("ad_product_map").Rows.ToLookup(m => (m["campaign_id"], m["adgroup_id"], m["ad_id"]),
            m => m["product_id"].Length > 0 ? skusOfProduct[m["product_id"]] : [m["sku_id"]]);
        var result = new Dictionary<string, HashSet<string>>(StringComparer.Ordinal);
        foreach (var ad in data.Table("ad").Rows)
        {
            var keys = new[] { (ad["campaign_id"], ad["adgroup_id"], ad["ad_id"]), (ad["campaign_id"], ad["adgroup_id"], ""), (ad["campaign_id"], "", "") };
            var level = keys.FirstOrDefault(k => map[k].Any());
            if (map[level].Any()) result[ad["ad_id"]] = map[level].SelectMany(s => s).ToHashSet();
        }
        return result;
    }
}
