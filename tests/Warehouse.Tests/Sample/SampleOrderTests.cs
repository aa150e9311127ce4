using Xunit;

namespace Warehouse.Tests.Sample;

[Collection(SampleDataCollection.Name)]
public sealed class SampleOrderTests(SampleDataFixture data)
{
    private IReadOnlyList<SampleCsv.Row> Orders => data.Table("shop_order").Rows;

    private ILookup<(string, string), SampleCsv.Row> LinesByOrder =>
        data.Table("order_line_item").Rows.ToLookup(r => (r["shop_id"], r["order_id"]));

    private List<SampleCsv.Row> PaidSales => Orders
        .Where(o => o["paid_time"].Length > 0 && !o.Bool("is_sample_order") && !o.Bool("is_replacement_order"))
        .ToList();

    [Fact]
    public void Default_options_give_30k_to_60k_order_lines()
    {
        Assert.InRange(data.RowCounts["order_line_item.csv"], 30_000, 60_000);
    }

    [Fact]
    public void Every_line_is_one_unit_priced_as_original_minus_both_discounts()
    {
        foreach (var line in data.Table("order_line_item").Rows)
        {
            Assert.Equal(1, line.Long("quantity"));
            Assert.Equal(line.Money("original_price") - line.Money("platform_discount") - line.Money("seller_discount"), line.Money("sale_price"));
            Assert.True(line.Money("sale_price") >= 0m);
            Assert.True(line.Money("platform_discount") >= 0m && line.Money("seller_discount") >= 0m);
        }
    }

    [Fact]
    public void Order_totals_equal_the_sum_of_their_lines()
    {
        var lines = LinesByOrder;
        int withVoucher = 0;
        foreach (var order in Orders)
        {
            var own = lines[(order["shop_id"], order["order_id"])].ToList();
            Assert.InRange(own.Count, 1, 4);
            decimal voucher = order.Money("seller_discount") - own.Sum(l => l.Money("seller_discount"));
            Assert.True(voucher >= 0m, $"order {order["order_id"]}: seller discount below its lines'");
            if (voucher > 0m) withVoucher++;
            Assert.Equal(own.Sum(l => l.Money("platform_discount")), order.Money("platform_discount"));
            Assert.Equal(own.Sum(l => l.Money("original_price")), order.Money("original_total_product_price"));
            Assert.Equal(own.Sum(l => l.Money("sale_price")) - voucher, order.Money("sub_total"));
            Assert.Equal(order.Money("original_shipping_fee") - order.Money("shipping_fee_seller_discount") - order.Money("shipping_fee_platform_discount"), order.Money("shipping_fee"));
            Assert.Equal(order.Money("sub_total") + order.Money("shipping_fee") + order.Money("tax"), order.Money("total_amount"));
            Assert.All(own, l => Assert.Equal(order["currency"], l["currency"]));
        }
        Assert.InRange(withVoucher, Orders.Count / 20, Orders.Count / 5);
    }

    [Fact]
    public void Us_orders_carry_about_7_percent_tax_and_gb_orders_none()
    {
        foreach (var order in Orders)
        {
            decimal expected = order["currency"] == "USD" ? Math.Round(order.Money("sub_total") * 0.07m, 2, MidpointRounding.AwayFromZero) : 0m;
            Assert.Equal(expected, order.Money("tax"));
        }
    }

    [Fact]
    public void Baskets_mix_skus_and_special_orders_come_in_realistic_shares()
    {
        var lines = LinesByOrder;
        double multiSku = Orders.Count(o => lines[(o["shop_id"], o["order_id"])].Select(l => l["sku_id"]).Distinct().Count() > 1) / (double)Orders.Count;
        Assert.InRange(multiSku, 0.22, 0.38);
        Assert.InRange(Orders.Count(o => o["paid_time"].Length == 0) / (double)Orders.Count, 0.01, 0.03);
        Assert.InRange(Orders.Count(o => o.Bool("is_sample_order")) / (double)Orders.Count, 0.002, 0.01);
        Assert.InRange(Orders.Count(o => o.Bool("is_replacement_order")) / (double)Orders.Count, 0.001, 0.006);

        var ids = Orders.Select(o => (o["shop_id"], o["order_id"])).ToHashSet();
        foreach (var replacement in Orders.Where(o => o.Bool("is_replacement_order")))
            Assert.Contains((replacement["shop_id"], replacement["replaced_order_id"]), ids);
        Assert.All(Orders.Where(o => !o.Bool("is_replacement_order")), o => Assert.Equal("", o["replaced_order_id"]));
    }

    [Fact]
    public void Payment_follows_creation_within_minutes_and_unpaid_orders_are_cancelled_or_unpaid()
    {
        foreach (var order in Orders)
        {
            long created = order.Long("create_time");
            if (order.NullableLong("paid_time") is { } paid)
                Assert.InRange(paid - created, 1, 15 * 60);
            else
                Assert.Contains(order["status"], new[] { "CANCELLED", "UNPAID" });
            Assert.True(order.Long("update_time") >= Math.Max(created, order.NullableLong("paid_time") ?? 0));
            Assert.True(order.Long("update_time") >= (order.NullableLong("cancel_time") ?? 0));
        }
    }

    [Fact]
    public void Recent_orders_are_still_on_their_way_and_older_ones_are_delivered_or_completed()
    {
        long end = Orders.Max(o => o.Long("create_time"));
        var statuses = Orders.Where(o => o["status"] != "CANCELLED").ToLookup(o => end - o.Long("create_time") < 2 * 86_400);
        Assert.Contains(statuses[true], o => o["status"] is "AWAITING_SHIPMENT" or "IN_TRANSIT");
        Assert.All(statuses[false].Where(o => end - o.Long("create_time") > 20 * 86_400), o => Assert.Contains(o["status"], new[] { "COMPLETED", "UNPAID" }));
    }

    [Fact]
    public void Refund_rate_is_between_5_and_10_percent()
    {
        var paid = PaidSales.Select(o => (o["shop_id"], o["order_id"])).ToHashSet();
        var refunded = data.Table("return_order").Rows.Select(r => (r["shop_id"], r["order_id"])).ToHashSet();
        Assert.Subset(paid, refunded);
        Assert.InRange(refunded.Count / (double)paid.Count, 0.05, 0.10);
    }

    [Fact]
    public void Refunds_are_the_line_gmv_or_part_of_it_and_update_the_order()
    {
        var lines = data.Table("order_line_item").Rows.ToDictionary(l => (l["shop_id"], l["line_item_id"]));
        var orders = Orders.ToDictionary(o => (o["shop_id"], o["order_id"]));
        var returnLines = data.Table("return_line_item").Rows.ToLookup(r => (r["shop_id"], r["return_id"]));
        int partial = 0, full = 0;
        foreach (var ret in data.Table("return_order").Rows)
        {
            var own = returnLines[(ret["shop_id"], ret["return_id"])].ToList();
            Assert.NotEmpty(own);
            Assert.Equal(own.Sum(r => r.Money("refund_amount")), ret.Money("refund_total"));
            Assert.Equal("RETURN_OR_REFUND_REQUEST_COMPLETE", ret["return_status"]);
            var order = orders[(ret["shop_id"], ret["order_id"])];
            Assert.True(ret.Long("create_time") > order.Long("paid_time"));
            Assert.True(order.Long("update_time") >= ret.Long("update_time"));
            foreach (var refund in own)
            {
                var line = lines[(refund["shop_id"], refund["order_line_item_id"])];
                Assert.Equal(ret["order_id"], line["order_id"]);
                Assert.Equal(line["sku_id"], refund["sku_id"]);
                decimal lineGmv = line.Money("original_price") - line.Money("seller_discount");
                Assert.InRange(refund.Money("refund_amount"), 0.01m, lineGmv);
                if (refund.Money("refund_amount") < lineGmv * 0.6m) partial++;
                else full++;
            }
        }
        Assert.InRange(partial / (double)(partial + full), 0.03, 0.20); // a third of the refund-only cases refund half the line
        Assert.Equal(new[] { "REFUND", "RETURN_AND_REFUND" }, data.Table("return_order").Rows.Select(r => r["return_type"]).Distinct().Order());
    }

    [Fact]
    public void Cancellations_after_payment_refund_every_line_of_the_order()
    {
        var lines = LinesByOrder;
        var orders = Orders.ToDictionary(o => (o["shop_id"], o["order_id"]));
        var cancelLines = data.Table("cancellation_line_item").Rows.ToLookup(r => (r["shop_id"], r["cancel_id"]));
        var cancellations = data.Table("cancellation").Rows;
        Assert.InRange(cancellations.Count / (double)PaidSales.Count, 0.005, 0.02);
        foreach (var cancel in cancellations)
        {
            var order = orders[(cancel["shop_id"], cancel["order_id"])];
            Assert.Equal("CANCELLED", order["status"]);
            Assert.NotEqual("", order["paid_time"]);
            Assert.Equal(order.Long("cancel_time"), cancel.Long("create_time"));
            var own = cancelLines[(cancel["shop_id"], cancel["cancel_id"])].ToList();
            var orderLines = lines[(order["shop_id"], order["order_id"])].ToList();
            Assert.Equal(orderLines.Select(l => l["line_item_id"]).Order(), own.Select(c => c["order_line_item_id"]).Order());
            decimal voucher = order.Money("seller_discount") - orderLines.Sum(l => l.Money("seller_discount"));
            Assert.Equal(orderLines.Sum(l => l.Money("original_price") - l.Money("seller_discount")) - voucher, cancel.Money("refund_subtotal"));
            Assert.Equal(own.Sum(c => c.Money("refund_amount")), cancel.Money("refund_subtotal"));
            Assert.Equal(cancel.Money("refund_subtotal") + cancel.Money("refund_shipping_fee") + cancel.Money("refund_tax"), cancel.Money("refund_total"));
        }
    }

    [Fact]
    public void Affiliate_rows_cover_about_15_percent_of_paid_orders_with_rate_times_line_gmv()
    {
        var lines = data.Table("order_line_item").Rows.ToDictionary(l => (l["shop_id"], l["line_item_id"]));
        var affiliate = data.Table("affiliate_order").Rows;
        int orders = affiliate.Select(a => (a["shop_id"], a["order_id"])).Distinct().Count();
        Assert.InRange(orders / (double)PaidSales.Count, 0.12, 0.18);
        foreach (var row in affiliate)
        {
            var line = lines[(row["shop_id"], row["order_line_item_id"])];
            Assert.Equal(row["order_id"], line["order_id"]);
            decimal rate = row.Money("commission_rate");
            Assert.InRange(rate, 0.10m, 0.20m);
            decimal upper = Math.Round(rate * (line.Money("original_price") - line.Money("seller_discount")), 2, MidpointRounding.AwayFromZero);
            Assert.InRange(row.Money("estimated_commission"), 0m, upper); // an order voucher share lowers it a little
            Assert.True(upper - row.Money("estimated_commission") <= Math.Round(rate * 5m, 2) + 0.01m);
        }
    }
}
