namespace Warehouse.Sample;

/// <summary>
/// A shop's region: currency, time zone and the money rules the sample applies there. The time
/// zone rules are written out (US and UK daylight saving since 2007) instead of read from the
/// operating system, so the files are identical on every machine.
/// </summary>
internal sealed class ShopRegion
{
    public static readonly ShopRegion UnitedStates = new(
        code: "US", currency: "USD", timeZone: "America/Los_Angeles", standardOffset: TimeSpan.FromHours(-8),
        usdPerUnit: 1m,
        taxRate: 0.07m, commissionRate: 0.06m, transactionFeeRate: 0m, shippingCostPerOrder: 4.50m,
        priceFactor: 1.0, freeShippingFrom: 35m, standardShippingFee: 5.99m,
        carrierCostLow: 3.90, carrierCostHigh: 5.40, carrierCostPerExtraUnit: 0.45m);

    public static readonly ShopRegion UnitedKingdom = new(
        code: "GB", currency: "GBP", timeZone: "Europe/London", standardOffset: TimeSpan.Zero,
        usdPerUnit: 1.27m,
        taxRate: 0m, commissionRate: 0.09m, transactionFeeRate: 0.005m, shippingCostPerOrder: 3.20m,
        priceFactor: 0.85, freeShippingFrom: 25m, standardShippingFee: 2.99m,
        carrierCostLow: 2.70, carrierCostHigh: 3.60, carrierCostPerExtraUnit: 0.30m);

    private static readonly ShopRegion[] Cycle = [UnitedStates, UnitedKingdom];

    /// <summary>Every region, in the order shops cycle through them.</summary>
    public static IReadOnlyList<ShopRegion> All => Cycle;

    private ShopRegion(
        string code, string currency, string timeZone, TimeSpan standardOffset,
        decimal usdPerUnit, decimal taxRate, decimal commissionRate, decimal transactionFeeRate, decimal shippingCostPerOrder,
        double priceFactor, decimal freeShippingFrom, decimal standardShippingFee,
        double carrierCostLow, double carrierCostHigh, decimal carrierCostPerExtraUnit)
    {
        Code = code;
        Currency = currency;
        TimeZone = timeZone;
        StandardOffset = standardOffset;
        UsdPerUnit = usdPerUnit;
        TaxRate = taxRate;
        CommissionRate = commissionRate;
        TransactionFeeRate = transactionFeeRate;
        ShippingCostPerOrder = shippingCostPerOrder;
        PriceFactor = priceFactor;
        FreeShippingFrom = freeShippingFrom;
        StandardShippingFee = standardShippingFee;
        CarrierCostLow = carrierCostLow;
        CarrierCostHigh = carrierCostHigh;
        CarrierCostPerExtraUnit = carrierCostPerExtraUnit;
    }

    /// <summary>Shop 1 is US, shop 2 GB, and so on in turn.</summary>
    public static ShopRegion ForShop(int shopIndex) => Cycle[shopIndex % Cycle.Length];

    public string Code { get; }
    public string Currency { get; }
    public string TimeZone { get; }
    public TimeSpan StandardOffset { get; }
    /// <summary>Anchor of the sample's exchange rate: US dollars per unit of the currency (fx_rate.csv).</summary>
    public decimal UsdPerUnit { get; }
    /// <summary>Sales tax on the product subtotal (US); 0 where VAT is included in the price (GB).</summary>
    public decimal TaxRate { get; }
    /// <summary>Referral fee on revenue, as TikTok charges it in the settlement.</summary>
    public decimal CommissionRate { get; }
    /// <summary>Payment processing fee charged in the settlement (0 in the US: folded into the referral fee).</summary>
    public decimal TransactionFeeRate { get; }
    /// <summary>The seller's rate card for estimating shipping before settlement (cost_setting).</summary>
    public decimal ShippingCostPerOrder { get; }
    public double PriceFactor { get; }
    public decimal FreeShippingFrom { get; }
    public decimal StandardShippingFee { get; }
    public double CarrierCostLow { get; }
    public double CarrierCostHigh { get; }
    public decimal CarrierCostPerExtraUnit { get; }

    public TimeSpan OffsetAtUtc(DateTime utc)
    {
        var (start, end) = DaylightSavingUtc(utc.Year);
        return utc >= start && utc < end ? StandardOffset + TimeSpan.FromHours(1) : StandardOffset;
    }

    /// <summary>UTC epoch seconds of a local wall-clock time.</summary>
    public long ToEpoch(DateOnly date, TimeSpan timeOfDay)
    {
        var local = date.ToDateTime(TimeOnly.MinValue).Add(timeOfDay);
        var offset = OffsetAtUtc(local - StandardOffset);
        var utc = local - offset;
        var actual = OffsetAtUtc(utc);
        if (actual != offset) utc = local - actual;
        return ToEpoch(utc);
    }

    public DateOnly LocalDate(long epochSeconds)
    {
        var utc = DateTime.UnixEpoch.AddSeconds(epochSeconds);
        return DateOnly.FromDateTime(utc + OffsetAtUtc(utc));
    }

    public static long ToEpoch(DateTime utc) => (utc.Ticks - DateTime.UnixEpoch.Ticks) / TimeSpan.TicksPerSecond;

    private (DateTime Start, DateTime End) DaylightSavingUtc(int year)
    {
        var oneHour = TimeSpan.FromHours(1);
        if (Code == "US")
        {
            // Second Sunday of March 02:00 standard time to first Sunday of November 02:00 daylight time.
            var start = NthSunday(year, 3, 2).AddHours(2) - StandardOffset;
            var end = NthSunday(year, 11, 1).AddHours(2) - (StandardOffset + oneHour);
            return (start, end);
        }
        // EU/UK: last Sunday of March 01:00 UTC to last Sunday of October 01:00 UTC.
        return (LastSunday(year, 3).AddHours(1), LastSunday(year, 10).AddHours(1));
    }

    private static DateTime NthSunday(int year, int month, int n)
    {
        var first = new DateTime(year, month, 1, 0, 0, 0, DateTimeKind.Unspecified);
        int toSunday = ((int)DayOfWeek.Sunday - (int)first.DayOfWeek + 7) % 7;
        return first.AddDays(toSunday + 7 * (n - 1));
    }

    private static DateTime LastSunday(int year, int month)
    {
        var last = new DateTime(year, month, DateTime.DaysInMonth(year, month), 0, 0, 0, DateTimeKind.Unspecified);
        return last.AddDays(-(int)last.DayOfWeek);
    }
}
