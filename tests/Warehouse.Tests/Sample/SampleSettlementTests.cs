using Xunit;

namespace Warehouse.Tests.Sample;

[Collection(SampleDataCollection.Name)]
public sealed class SampleSettlementTests(SampleDataFixture data)
{
    private IReadOnlyList<SampleCsv.Row> Transactions => data.Table("sku_statement_transaction").Rows;

    private Dictionary<(string, string), SampleCsv.Row> OrdersById =>
        data.Table("shop_order").Rows.ToDictionary(o => (o["shop_id"], o["order_id"]));

    private Dictionary<(string, string), SampleCsv.Row> StatementsById =>
        data.Table("statement").Rows.ToDictionary(s => (s["shop_id"], s["statement_id"]));

    [Fact]
    public void Settlements_exist_only_for_delivered_orders()
    {
        var orders = OrdersById;
        var statements = StatementsById;
        foreach (var transaction in Transactions.Where(t => t.Long("quantity") > 0))
        {
            var order = orders[(transaction["shop_id"], transaction["order_id"])];
            Assert.Contains(order["status"], new[] { "DELIVERED", "COMPLETED" });
            Assert.False(order.Bool("is_sample_order") || order.Bool("is_replacement_order"));
            long statementTime = statements[(transaction["shop_id"], transaction["statement_id"])].Long("statement_time");
            Assert.InRange((statementTime - order.Long("paid_time")) / 86_400.0, 7.0, 17.0);
        }
    }

    [Fact]
    public void Most_older_delivered_orders_are_settled_and_no_order_is_settled_twice()
    {
        var settled = Transactions.Where(t => t.Long("quantity") > 0).GroupBy(t => (t["shop_id"], t["order_id"]))
            .ToDictionary(g => g.Key, g => g.Select(t => t["statement_id"]).Distinct().Count());
        Assert.All(settled.Values, statements => Assert.Equal(1, statements));
        long end = data.Table("shop_order").Rows.Max(o => o.Long("create_time"));
        var old = data.Table("shop_order").Rows
            .Where(o => o["status"] == "COMPLETED" && !o.Bool("is_sample_order") && !o.Bool("is_replacement_order") && end - o.Long("paid_time") > 20 * 86_400)
            .ToList();
        Assert.All(old, o => Assert.True(settled.ContainsKey((o["shop_id"], o["order_id"])), $"order {o["order_id"]} is not settled"));
    }

    [Fact]
    public void Transaction_quantity_is_the_units_of_that_sku_in_the_order()
    {
        var units = data.Table("order_line_item").Rows.GroupBy(l => (l["shop_id"], l["order_id"], l["sku_id"])).ToDictionary(g => g.Key, g => g.Count());
        foreach (var transaction in Transactions.Where(t => t.Long("quantity") > 0))
            Assert.Equal(units[(transaction["shop_id"], transaction["order_id"], transaction["sku_id"])], transaction.Long("quantity"));
    }

    [Fact]
    public void Settlement_is_revenue_plus_fees_plus_shipping_and_fees_are_negative()
    {
        string[] feeFields =
        [
            "platform_commission_amount", "referral_fee_amount", "transaction_fee_amount", "refund_administration_fee_amount",
            "affiliate_commission_amount", "affiliate_ads_commission_amount", "affiliate_partner_commission_amount",
        ];
        string[] shippingFields =
        [
            "actual_shipping_fee_amount", "platform_shipping_fee_discount_amount", "customer_shipping_fee_amount",
            "shipping_fee_subsidy_amount", "shipping_fee_amount", "return_shipping_fee_amount",
        ];
        foreach (var t in Transactions)
        {
            Assert.Equal(feeFields.Sum(t.Money), t.Money("fee_amount"));
            Assert.Equal(shippingFields.Sum(t.Money), t.Money("shipping_cost_amount"));
            Assert.Equal(t.Money("revenue_amount") + t.Money("fee_amount") + t.Money("shipping_cost_amount"), t.Money("settlement_amount"));
            Assert.True(t.Money("refund_administration_fee_amount") is <= 0m and >= -5m);
            if (t.Long("quantity") > 0)
            {
                Assert.True(t.Money("referral_fee_amount") <= 0m);
                Assert.True(t.Money("affiliate_commission_amount") <= 0m);
                Assert.True(t.Money("shipping_cost_amount") <= 0m);
            }
        }
    }

    [Fact]
    public void Referral_fee_is_6_percent_in_the_us_and_9_percent_in_gb()
    {
        var currency = data.Table("shop").Rows.ToDictionary(s => s["shop_id"], s => s["currency"]);
        foreach (var t in Transactions.Where(t => t.Long("quantity") > 0))
        {
            decimal rate = currency[t["shop_id"]] == "USD" ? 0.06m : 0.09m;
            Assert.Equal(-Math.Round(rate * t.Money("revenue_amount"), 2, MidpointRounding.AwayFromZero), t.Money("referral_fee_amount"));
        }
    }

    [Fact]
    public void Statement_totals_are_the_sums_of_their_transactions()
    {
        var byStatement = Transactions.ToLookup(t => (t["shop_id"], t["statement_id"]));
        var statements = data.Table("statement").Rows;
        Assert.Equal(byStatement.Count, statements.Count);
        foreach (var statement in statements)
        {
            var own = byStatement[(statement["shop_id"], statement["statement_id"])].ToList();
            Assert.NotEmpty(own);
            foreach (var field in new[] { "settlement_amount", "revenue_amount", "fee_amount", "shipping_cost_amount" })
                Assert.Equal(own.Sum(t => t.Money(field)), statement.Money(field));
        }
    }

    [Fact]
    public void Settled_revenue_is_the_gmv_of_the_units_minus_refunds_known_by_the_statement()
    {
        var orders = OrdersById;
        var statements = StatementsById;
        var lines = data.Table("order_line_item").Rows.ToLookup(l => (l["shop_id"], l["order_id"], l["sku_id"]));
        var orderLines = data.Table("order_line_item").Rows.ToLookup(l => (l["shop_id"], l["order_id"]));
        var refunds = data.Table("return_line_item").Rows.ToDictionary(r => (r["shop_id"], r["order_line_item_id"]), r => r.Money("refund_amount"));
        var refundTime = data.Table("return_order").Rows.ToDictionary(r => (r["shop_id"], r["return_id"]), r => r.Long("update_time"));
        var refundReturn = data.Table("return_line_item").Rows.ToDictionary(r => (r["shop_id"], r["order_line_item_id"]), r => r["return_id"]);
        foreach (var t in Transactions.Where(t => t.Long("quantity") > 0))
        {
            var order = orders[(t["shop_id"], t["order_id"])];
            var own = lines[(t["shop_id"], t["order_id"], t["sku_id"])].ToList();
            decimal voucher = order.Money("seller_discount") - orderLines[(t["shop_id"], t["order_id"])].Sum(l => l.Money("seller_discount"));
            decimal listMinusSeller = own.Sum(l => l.Money("original_price") - l.Money("seller_discount"));
            long statementTime = statements[(t["shop_id"], t["statement_id"])].Long("statement_time");
            decimal refunded = own.Sum(l => refunds.TryGetValue((l["shop_id"], l["line_item_id"]), out var r)
                && refundTime[(l["shop_id"], refundReturn[(l["shop_id"], l["line_item_id"])])] <= statementTime ? r : 0m);
            decimal gross = t.Money("revenue_amount") + refunded;
            Assert.InRange(listMinusSeller - gross, 0m, voucher); // the voucher's share of this SKU, if any
            Assert.Equal(-refunded, t.Money("customer_refund_amount"));
        }
    }

    [Fact]
    public void Late_refunds_come_back_on_a_later_statement_as_an_adjustment()
    {
        var statements = StatementsById;
        var settledAt = Transactions.Where(t => t.Long("quantity") > 0)
            .ToDictionary(t => (t["shop_id"], t["order_id"], t["sku_id"]), t => statements[(t["shop_id"], t["statement_id"])].Long("statement_time"));
        var adjustments = Transactions.Where(t => t.Long("quantity") == 0).ToList();
        Assert.True(adjustments.Count >= 20, $"only {adjustments.Count} late-refund adjustments");
        foreach (var adjustment in adjustments)
        {
            Assert.True(adjustment.Money("revenue_amount") < 0m);
            Assert.True(adjustment.Money("referral_fee_amount") >= 0m); // the fee comes back
            long settled = settledAt[(adjustment["shop_id"], adjustment["order_id"], adjustment["sku_id"])];
            Assert.True(statements[(adjustment["shop_id"], adjustment["statement_id"])].Long("statement_time") > settled);
        }
    }
}
