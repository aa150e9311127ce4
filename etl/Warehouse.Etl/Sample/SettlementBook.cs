using System.Globalization;

namespace Warehouse.Sample;

/// <summary>
/// One SKU statement transaction, with TikTok's signs: revenue positive, fees and seller-borne
/// shipping negative. fee_amount is the sum of the fee fields, shipping_cost_amount the sum of the
/// shipping fields, settlement_amount = revenue + fee + shipping cost. platform_discount_amount and
/// customer_refund_amount are informational (already inside revenue) and not summed.
/// </summary>
internal sealed class SkuSettlement
{
    public int Quantity { get; set; }
    public decimal Revenue { get; set; }
    public decimal ReferralFee { get; set; }
    public decimal TransactionFee { get; set; }
    public decimal RefundAdministrationFee { get; set; }
    public decimal AffiliateCommission { get; set; }
    public decimal ActualShippingFee { get; set; }
    public decimal CustomerShippingFee { get; set; }
    public decimal PlatformShippingFeeDiscount { get; set; }
    public decimal PlatformDiscount { get; set; }
    public decimal CustomerRefund { get; set; }

    public decimal Fee => ReferralFee + TransactionFee + RefundAdministrationFee + AffiliateCommission;
    public decimal ShippingCost => ActualShippingFee + CustomerShippingFee + PlatformShippingFeeDiscount;
    public decimal Settlement => Revenue + Fee + ShippingCost;
}

/// <summary>
/// Settlement statements: one per shop and week (Tuesdays, 08:00 shop time). Transactions are
/// written as they are settled; each statement keeps running totals (a handful of numbers per
/// week) and is written at the end as the sum of its transactions.
/// </summary>
internal sealed class SettlementBook(SampleSettings settings, SampleWriters writers)
{
    private readonly SortedDictionary<(int Shop, DateOnly Date), Totals> _statements = new();

    /// <summary>The first statement day on or after <paramref name="date"/>.</summary>
    public static DateOnly StatementDate(DateOnly date) =>
        date.AddDays(((int)DayOfWeek.Tuesday - (int)date.DayOfWeek + 7) % 7);

    public static long StatementTime(SampleShop shop, DateOnly date) => shop.Region.ToEpoch(date, TimeSpan.FromHours(8));

    /// <summary>The first statement issued at or after <paramref name="time"/>.</summary>
    public static DateOnly StatementAfter(SampleShop shop, long time)
    {
        var date = StatementDate(shop.Region.LocalDate(time));
        return StatementTime(shop, date) >= time ? date : date.AddDays(7);
    }

    public static string StatementId(SampleShop shop, DateOnly date) =>
        $"69{shop.Number:D2}{date.ToString("yyyyMMdd", CultureInfo.InvariantCulture)}";

    public void Add(SampleShop shop, DateOnly statementDate, string orderId, SampleSku sku, SkuSettlement t)
    {
        writers[StagingTables.SkuStatementTransaction]
            .Text(shop.ShopId).Text(StatementId(shop, statementDate)).Text(orderId).Text(sku.Id)
            .Text(sku.Name).Text(sku.Product.Title).Integer(t.Quantity)
            .Money(t.Settlement).Money(t.Revenue).Money(t.Fee).Money(t.ShippingCost)
            .Money(0m).Money(t.ReferralFee).Money(t.TransactionFee).Money(t.RefundAdministrationFee)
            .Money(t.AffiliateCommission).Money(0m).Money(0m)
            .Money(t.PlatformDiscount).Money(t.CustomerRefund)
            .Money(0m).Money(0m).Money(t.ActualShippingFee).Money(t.PlatformShippingFeeDiscount).Money(t.CustomerShippingFee)
            .Money(0m).Money(0m)
            .EndRow();

        var key = (shop.Index, statementDate);
        if (!_statements.TryGetValue(key, out var totals)) _statements.Add(key, totals = new Totals(shop));
        totals.Settlement += t.Settlement;
        totals.Revenue += t.Revenue;
        totals.Fee += t.Fee;
        totals.ShippingCost += t.ShippingCost;
    }

    public void WriteStatements()
    {
        foreach (var ((_, date), totals) in _statements)
        {
            var shop = totals.Shop;
            string status = date.AddDays(3) <= settings.EndDate ? "PAID" : "PROCESSING";
            writers[StagingTables.Statement]
                .Text(shop.ShopId).Text(StatementId(shop, date)).Time(StatementTime(shop, date)).Text(status)
                .Text(shop.Region.Currency).Money(totals.Settlement).Money(totals.Revenue).Money(totals.Fee)
                .Money(0m).Money(totals.ShippingCost).Money(totals.Revenue)
                .EndRow();
        }
    }

    private sealed class Totals(SampleShop shop)
    {
        public SampleShop Shop { get; } = shop;
        public decimal Settlement { get; set; }
        public decimal Revenue { get; set; }
        public decimal Fee { get; set; }
        public decimal ShippingCost { get; set; }
    }
}
