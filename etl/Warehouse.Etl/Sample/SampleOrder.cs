namespace Warehouse.Sample;

internal enum OrderKind
{
    Normal,
    /// <summary>Never paid: cancelled by the system (or still unpaid at the end date).</summary>
    Unpaid,
    /// <summary>A free sample for a creator: no revenue.</summary>
    Sample,
    /// <summary>A free replacement for an earlier order: no revenue.</summary>
    Replacement,
}

/// <summary>One unit of an order (the API sends one line per unit).</summary>
internal sealed class SampleLine
{
    public SampleSku Sku { get; set; } = null!;
    public string Id { get; set; } = "";
    public decimal Original { get; set; }
    public decimal PlatformDiscount { get; set; }
    public decimal SellerDiscount { get; set; }
    /// <summary>This line's share of the order-level seller voucher (not on the line in the API).</summary>
    public decimal VoucherShare { get; set; }
    public decimal Refund { get; set; }
    /// <summary>When the refund completed (epoch seconds); 0 without a refund.</summary>
    public long RefundTime { get; set; }
    public decimal AffiliateRate { get; set; }

    public decimal Sale => Original - PlatformDiscount - SellerDiscount;

    /// <summary>List price minus every seller-funded discount, its voucher share included (the profit model's gmv).</summary>
    public decimal Gmv => Original - SellerDiscount - VoucherShare;

    public void Reset(SampleSku sku, string id)
    {
        Sku = sku;
        Id = id;
        Original = sku.Price;
        PlatformDiscount = SellerDiscount = VoucherShare = Refund = AffiliateRate = 0m;
        RefundTime = 0;
    }
}

/// <summary>The order being generated: reused from one order to the next, never kept.</summary>
internal sealed class SampleOrder
{
    public const int MaxUnits = 4;

    public SampleLine[] Lines { get; } = [new(), new(), new(), new()];
    public int Units { get; set; }
    public string Id { get; set; } = "";
    public string UserId { get; set; } = "";
    public bool NewBuyer { get; set; }
    public OrderKind Kind { get; set; }
    public string? ReplacedOrderId { get; set; }
    public int Day { get; set; }

    public long CreateTime { get; set; }
    public long? PaidTime { get; set; }
    public long? CancelTime { get; set; }
    public long CancelUpdateTime { get; set; }
    public long ShippedTime { get; set; }
    public long DeliveredTime { get; set; }
    public long CompletedTime { get; set; }
    public long UpdateTime { get; set; }
    public string Status { get; set; } = "";

    public decimal Voucher { get; set; }
    public decimal OriginalShippingFee { get; set; }
    public decimal ShippingSellerDiscount { get; set; }
    public decimal ShippingPlatformDiscount { get; set; }
    public decimal Tax { get; set; }
    /// <summary>What the carrier charges the seller for the parcel.</summary>
    public decimal CarrierCost { get; set; }

    /// <summary>Paid, not cancelled, and carrying revenue.</summary>
    public bool IsPaidSale => Kind == OrderKind.Normal && PaidTime is not null && CancelTime is null;

    public bool IsZeroPriced => Kind is OrderKind.Sample or OrderKind.Replacement;

    public decimal ShippingFee => OriginalShippingFee - ShippingSellerDiscount - ShippingPlatformDiscount;

    public decimal SubTotal => Sum(l => l.Sale) - Voucher;

    public decimal Total => SubTotal + ShippingFee + Tax;

    public IEnumerable<SampleLine> UnitLines => Lines.Take(Units);

    public decimal Sum(Func<SampleLine, decimal> amount)
    {
        decimal sum = 0m;
        for (int i = 0; i < Units; i++) sum += amount(Lines[i]);
        return sum;
    }

    public void Reset()
    {
        Units = 0;
        ReplacedOrderId = null;
        PaidTime = CancelTime = null;
        CancelUpdateTime = ShippedTime = DeliveredTime = CompletedTime = UpdateTime = 0;
        Voucher = OriginalShippingFee = ShippingSellerDiscount = ShippingPlatformDiscount = Tax = CarrierCost = 0m;
    }
}
