namespace Warehouse.Sample;

/// <summary>
/// Orders, day by day and shop by shop, each written the moment it is generated together with
/// everything that follows from it: its lines, its return or cancellation, its affiliate rows,
/// the buyer's ad touchpoints and its settlement. Only one order is in memory at a time, plus a
/// few hundred recent buyer and order ids per shop, so memory does not grow with the volume.
/// Events after the end date (a refund next week, a settlement not yet issued) are left out,
/// as they would be from a real extract taken that day.
/// </summary>
internal sealed class OrderStream
{
    private const double UnpaidShare = 0.02;
    private const double SampleShare = 0.005;
    private const double ReplacementShare = 0.003;
    private const double CancelAfterPaymentShare = 0.01;
    private const double ReturnShare = 0.075;
    private const double AffiliateShare = 0.15;
    private const double RepeatBuyerShare = 0.20;
    private const double SellerDiscountShare = 0.18;
    private const double PlatformDiscountShare = 0.12;
    private const double VoucherShare = 0.10;

    /// <summary>Orders by hour of the shop's day: quiet nights, a lunch bump, a late-evening peak.</summary>
    private static readonly double[] CumulativeHours = Cumulate(
    [
        0.6, 0.35, 0.25, 0.2, 0.2, 0.3, 0.5, 0.8, 1.0, 1.1, 1.2, 1.3,
        1.4, 1.3, 1.2, 1.2, 1.3, 1.4, 1.6, 1.9, 2.1, 2.0, 1.6, 1.0,
    ]);

    /// <summary>1, 2, 3 or 4 units (= lines) per order; mean 1.68 (<see cref="SampleSettings.AverageUnitsPerOrder"/>).</summary>
    private static readonly double[] CumulativeUnits = Cumulate([0.55, 0.28, 0.11, 0.06]);

    private static readonly decimal[] Vouchers = [2m, 3m, 5m];

    private readonly SampleSettings _settings;
    private readonly AdsCatalog _ads;
    private readonly SampleWriters _writers;
    private readonly SettlementBook _book;
    private readonly ShopState[] _states;
    private readonly SampleOrder _order = new();

    public OrderStream(SampleSettings settings, AdsCatalog ads, SampleWriters writers, SettlementBook book)
    {
        _settings = settings;
        _ads = ads;
        _writers = writers;
        _book = book;
        _states = ads.Shops.Select(a => new ShopState(settings, a.Shop)).ToArray();
    }

    public void WriteDay(int day)
    {
        var date = _settings.Date(day);
        foreach (var shopAds in _ads.Shops)
        {
            var shop = shopAds.Shop;
            var random = SampleRandom.For(_settings.Seed, "orders", shop.Index, day);
            var createTimes = CreateTimes(random, shop, day, date);
            foreach (long createTime in createTimes)
                WriteOrder(shopAds, _states[shop.Index], random, day, createTime);
        }
    }

    /// <summary>The day's order times, in order: weekends busier, a slow upward trend, some noise.</summary>
    private long[] CreateTimes(Random random, SampleShop shop, int day, DateOnly date)
    {
        double weekday = date.DayOfWeek switch
        {
            DayOfWeek.Monday => 0.90,
            DayOfWeek.Tuesday => 0.92,
            DayOfWeek.Wednesday => 0.95,
            DayOfWeek.Thursday => 1.00,
            DayOfWeek.Friday => 1.08,
            DayOfWeek.Saturday => 1.25,
            _ => 1.20,
        };
        double trend = _settings.Days > 1 ? 0.9 + 0.2 * day / (_settings.Days - 1) : 1.0;
        int count = (int)Math.Round(_settings.OrdersPerDay * weekday * trend * random.Between(0.92, 1.08));
        var times = new long[count];
        for (int i = 0; i < count; i++)
        {
            int hour = random.PickCumulative(CumulativeHours);
            times[i] = shop.Region.ToEpoch(date, TimeSpan.FromHours(hour) + TimeSpan.FromSeconds(random.Next(3600)));
        }
        Array.Sort(times);
        return times;
    }

    private void WriteOrder(ShopAds shopAds, ShopState state, Random random, int day, long createTime)
    {
        var shop = shopAds.Shop;
        var order = _order;
        order.Reset();
        order.Id = $"57{shop.Number:D2}{++state.OrderSeq:D14}";
        order.Day = day;
        order.CreateTime = createTime;
        ChooseBuyer(random, shop, state, order);
        ChooseKind(random, state, order);
        AddLines(random, shop, state, order);
        PriceOrder(random, shop, order);
        SetTimeline(random, shop, order);
        AddReturn(random, shop, order, out var returnType, out long returnRequested);
        SetStatus(shop, order);

        WriteOrderRows(shop, order);
        if (order.CancelTime is not null && order.PaidTime is not null) WriteCancellation(random, shop, state, order);
        if (returnType is not null) WriteReturn(shop, state, order, returnType, returnRequested);
        if (order.Kind == OrderKind.Normal && order.PaidTime is not null)
        {
            WriteAffiliate(random, shop, state, order);
            WriteTouchpoints(random, shopAds, order);
            state.RecentOrders.Add(order.Id);
        }
        if (order.IsPaidSale) Settle(random, shop, order);
    }

    private static void ChooseBuyer(Random random, SampleShop shop, ShopState state, SampleOrder order)
    {
        order.NewBuyer = state.RecentBuyers.Count == 0 || !random.Chance(RepeatBuyerShare);
        if (order.NewBuyer)
        {
            order.UserId = $"70{shop.Number:D2}{++state.UserSeq:D15}";
            state.RecentBuyers.Add(order.UserId);
        }
        else
        {
            order.UserId = state.RecentBuyers.Pick(random);
        }
    }

    private static void ChooseKind(Random random, ShopState state, SampleOrder order)
    {
        double roll = random.NextDouble();
        order.Kind = roll switch
        {
            < UnpaidShare => OrderKind.Unpaid,
            < UnpaidShare + SampleShare => OrderKind.Sample,
            < UnpaidShare + SampleShare + ReplacementShare when state.RecentOrders.Count > 0 => OrderKind.Replacement,
            _ => OrderKind.Normal,
        };
        if (order.Kind == OrderKind.Replacement) order.ReplacedOrderId = state.RecentOrders.Pick(random);
    }

    /// <summary>1–4 units; a further unit repeats the SKU, takes a sibling variant, or another popular SKU.</summary>
    private static void AddLines(Random random, SampleShop shop, ShopState state, SampleOrder order)
    {
        order.Units = random.PickCumulative(CumulativeUnits) + 1;
        for (int u = 0; u < order.Units; u++)
        {
            SampleSku sku;
            double roll = random.NextDouble();
            if (u > 0 && roll < 0.35) sku = order.Lines[u - 1].Sku;
            else if (u > 0 && roll < 0.60 && order.Lines[u - 1].Sku.Product.Skus.Count > 1) sku = random.Pick(order.Lines[u - 1].Sku.Product.Skus);
            else sku = shop.Skus[random.PickCumulative(shop.CumulativeShare)];

            var line = order.Lines[u];
            line.Reset(sku, $"58{shop.Number:D2}{++state.LineSeq:D14}");
            var same = order.Lines.Take(u).FirstOrDefault(l => l.Sku == sku);
            if (order.IsZeroPriced)
            {
                line.SellerDiscount = line.Original; // free to the buyer, funded by the seller
            }
            else if (same is not null)
            {
                line.SellerDiscount = same.SellerDiscount;
                line.PlatformDiscount = same.PlatformDiscount;
            }
            else
            {
                if (random.Chance(SellerDiscountShare)) line.SellerDiscount = Money.Cents(line.Original * (decimal)random.Between(0.10, 0.25));
                if (random.Chance(PlatformDiscountShare)) line.PlatformDiscount = Money.Cents(line.Original * (decimal)random.Between(0.05, 0.15));
            }
        }
    }

    /// <summary>Order voucher (split over the lines by gmv), shipping, tax. Every total is exact to the cent.</summary>
    private static void PriceOrder(Random random, SampleShop shop, SampleOrder order)
    {
        var region = shop.Region;
        if (order.IsZeroPriced)
        {
            order.CarrierCost = Money.Cents(random.Between(region.CarrierCostLow, region.CarrierCostHigh));
            return;
        }

        decimal sale = order.Sum(l => l.Sale);
        if (random.Chance(VoucherShare) && sale >= 10m)
        {
            decimal voucher = random.Pick(Vouchers);
            order.Voucher = voucher <= sale * 0.3m ? voucher : Money.Cents(sale * 0.1m);
            Span<decimal> weights = stackalloc decimal[order.Units];
            Span<decimal> shares = stackalloc decimal[order.Units];
            for (int i = 0; i < order.Units; i++) weights[i] = order.Lines[i].Original - order.Lines[i].SellerDiscount;
            Money.Split(order.Voucher, weights, shares);
            for (int i = 0; i < order.Units; i++) order.Lines[i].VoucherShare = shares[i];
        }

        decimal original = order.Sum(l => l.Original);
        order.OriginalShippingFee = original >= region.FreeShippingFrom ? 0m : region.StandardShippingFee;
        if (order.OriginalShippingFee > 0)
        {
            switch (random.NextDouble())
            {
                case < 0.25: order.ShippingPlatformDiscount = order.OriginalShippingFee; break;
                case < 0.35: order.ShippingSellerDiscount = order.OriginalShippingFee; break;
                case < 0.45: order.ShippingPlatformDiscount = Money.Cents(order.OriginalShippingFee / 2); break;
            }
        }
        order.Tax = Money.Cents(order.SubTotal * region.TaxRate);
        order.CarrierCost = Money.Cents(random.Between(region.CarrierCostLow, region.CarrierCostHigh))
            + region.CarrierCostPerExtraUnit * (order.Units - 1);
    }

    /// <summary>Payment minutes after the order; shipping, delivery and completion days later; rare cancellations.</summary>
    private static void SetTimeline(Random random, SampleShop shop, SampleOrder order)
    {
        if (order.Kind == OrderKind.Unpaid)
        {
            long cancel = order.CreateTime + random.Seconds(TimeSpan.FromMinutes(30), TimeSpan.FromHours(24));
            if (cancel <= shop.AsOf) order.CancelTime = cancel;
            return;
        }
        long paid = order.CreateTime + random.Seconds(TimeSpan.FromSeconds(20), TimeSpan.FromMinutes(10));
        if (paid > shop.AsOf) return; // still unpaid at the end date
        order.PaidTime = paid;
        order.ShippedTime = paid + random.Seconds(TimeSpan.FromHours(6), TimeSpan.FromHours(60));
        order.DeliveredTime = order.ShippedTime + random.Seconds(TimeSpan.FromHours(36), TimeSpan.FromHours(96));
        order.CompletedTime = order.DeliveredTime + random.Seconds(TimeSpan.FromDays(6), TimeSpan.FromDays(9));

        if (order.Kind == OrderKind.Normal && random.Chance(CancelAfterPaymentShare))
        {
            var latest = TimeSpan.FromSeconds(Math.Min(TimeSpan.FromHours(20).TotalSeconds, order.ShippedTime - paid - 60));
            long cancel = paid + random.Seconds(TimeSpan.FromMinutes(5), latest);
            if (cancel <= shop.AsOf)
            {
                order.CancelTime = cancel;
                order.CancelUpdateTime = Math.Min(shop.AsOf, cancel + random.Seconds(TimeSpan.FromMinutes(1), TimeSpan.FromHours(2)));
            }
        }
    }

    /// <summary>
    /// 7.5 % of paid sales are refunded: RETURN_AND_REFUND after delivery, or REFUND only (sometimes
    /// half the line). A full refund is the line's gmv (list price minus seller discounts, its
    /// voucher share included). Only refunds completed by the end date are kept.
    /// </summary>
    private static void AddReturn(Random random, SampleShop shop, SampleOrder order, out string? returnType, out long requested)
    {
        returnType = null;
        requested = 0;
        if (!order.IsPaidSale || !random.Chance(ReturnShare)) return;

        bool goodsBack = random.Chance(0.65);
        long completed;
        if (goodsBack)
        {
            requested = order.DeliveredTime + random.Seconds(TimeSpan.FromHours(12), TimeSpan.FromDays(12));
            completed = requested + random.Seconds(TimeSpan.FromDays(2), TimeSpan.FromDays(7));
        }
        else
        {
            requested = order.PaidTime!.Value + random.Seconds(TimeSpan.FromDays(1), TimeSpan.FromDays(14));
            completed = requested + random.Seconds(TimeSpan.FromHours(2), TimeSpan.FromDays(3));
        }
        bool oneLine = order.Units == 1 || random.Chance(0.55);
        int chosen = random.Next(order.Units);
        bool half = !goodsBack && random.Chance(0.3);
        if (completed > shop.AsOf) return;

        returnType = goodsBack ? "RETURN_AND_REFUND" : "REFUND";
        for (int i = 0; i < order.Units; i++)
        {
            if (oneLine && i != chosen) continue;
            var line = order.Lines[i];
            line.Refund = half ? Money.Cents(line.Gmv / 2) : line.Gmv;
            line.RefundTime = completed;
        }
    }

    /// <summary>Status as of the end date, and the time of the latest event that touched the order.</summary>
    private static void SetStatus(SampleShop shop, SampleOrder order)
    {
        long asOf = shop.AsOf;
        long update = order.CreateTime;
        if (order.PaidTime is null)
        {
            order.Status = order.CancelTime is null ? "UNPAID" : "CANCELLED";
            order.UpdateTime = order.CancelTime ?? update;
            return;
        }
        update = order.PaidTime.Value;
        if (order.CancelTime is not null)
        {
            order.Status = "CANCELLED";
            order.UpdateTime = order.CancelUpdateTime;
            return;
        }
        order.Status = "AWAITING_SHIPMENT";
        if (order.ShippedTime <= asOf) (order.Status, update) = ("IN_TRANSIT", order.ShippedTime);
        if (order.DeliveredTime <= asOf) (order.Status, update) = ("DELIVERED", order.DeliveredTime);
        if (order.CompletedTime <= asOf) (order.Status, update) = ("COMPLETED", order.CompletedTime);
        for (int i = 0; i < order.Units; i++) update = Math.Max(update, order.Lines[i].RefundTime);
        order.UpdateTime = update;
    }

    private void WriteOrderRows(SampleShop shop, SampleOrder order)
    {
        var currency = shop.Region.Currency;
        _writers[StagingTables.ShopOrder]
            .Text(shop.ShopId).Text(order.Id).Text(order.Status)
            .Time(order.CreateTime).Time(order.UpdateTime).Time(order.PaidTime).Time(order.CancelTime)
            .Bool(order.Kind == OrderKind.Sample).Bool(order.Kind == OrderKind.Replacement).Text(order.ReplacedOrderId)
            .Text(order.UserId).Text(currency)
            .Money(order.Total).Money(order.SubTotal).Money(order.ShippingFee)
            .Money(order.Sum(l => l.SellerDiscount) + order.Voucher).Money(order.Sum(l => l.PlatformDiscount))
            .Money(order.Sum(l => l.Original)).Money(order.OriginalShippingFee)
            .Money(order.ShippingSellerDiscount).Money(order.ShippingPlatformDiscount).Money(order.Tax)
            .EndRow();

        var lines = _writers[StagingTables.OrderLineItem];
        foreach (var line in order.UnitLines)
        {
            var sku = line.Sku;
            lines.Text(shop.ShopId).Text(order.Id).Text(line.Id).Text(sku.Product.Id).Text(sku.Product.Title)
                .Text(sku.Id).Text(sku.Name).Text(sku.SellerSku).Text(currency).Integer(1)
                .Money(line.Original).Money(line.Sale).Money(line.PlatformDiscount).Money(line.SellerDiscount)
                .Text(order.Status).Bool(false)
                .EndRow();
        }
    }

    /// <summary>A cancellation after payment refunds every line (its gmv), the shipping fee and the tax.</summary>
    private void WriteCancellation(Random random, SampleShop shop, ShopState state, SampleOrder order)
    {
        string cancelId = $"43{shop.Number:D2}{++state.CancelSeq:D14}";
        decimal products = order.Sum(l => l.Gmv);
        string type = random.Chance(0.8) ? "BUYER_CANCEL" : "SELLER_CANCEL";
        _writers[StagingTables.Cancellation]
            .Text(shop.ShopId).Text(cancelId).Text(order.Id).Text(type).Text("CANCELLED")
            .Time(order.CancelTime).Time(order.CancelUpdateTime)
            .Money(products + order.ShippingFee + order.Tax).Money(products).Money(order.ShippingFee).Money(order.Tax)
            .EndRow();
        foreach (var line in order.UnitLines)
            _writers[StagingTables.CancellationLineItem]
                .Text(shop.ShopId).Text(cancelId).Text(order.Id).Text(line.Id).Text(line.Sku.Id).Money(line.Gmv)
                .EndRow();
    }

    private void WriteReturn(SampleShop shop, ShopState state, SampleOrder order, string returnType, long requested)
    {
        string returnId = $"41{shop.Number:D2}{++state.ReturnSeq:D14}";
        long completed = order.UnitLines.Max(l => l.RefundTime);
        _writers[StagingTables.ReturnOrder]
            .Text(shop.ShopId).Text(returnId).Text(order.Id).Text(returnType).Text("RETURN_OR_REFUND_REQUEST_COMPLETE")
            .Time(requested).Time(completed).Money(order.Sum(l => l.Refund))
            .EndRow();
        foreach (var line in order.UnitLines)
        {
            if (line.Refund == 0m) continue;
            _writers[StagingTables.ReturnLineItem]
                .Text(shop.ShopId).Text(returnId).Text($"42{shop.Number:D2}{++state.ReturnLineSeq:D14}").Text(order.Id)
                .Text(line.Id).Text(line.Sku.Id).Text(line.Sku.SellerSku).Money(line.Refund)
                .EndRow();
        }
    }

    /// <summary>15 % of paid orders came through a creator: one row per line, commission on the line's gmv.</summary>
    private void WriteAffiliate(Random random, SampleShop shop, ShopState state, SampleOrder order)
    {
        if (!random.Chance(AffiliateShare)) return;
        var (creator, rate) = state.Creators[random.Next(state.Creators.Length)];
        foreach (var line in order.UnitLines)
        {
            line.AffiliateRate = rate;
            _writers[StagingTables.AffiliateOrder]
                .Text(shop.ShopId).Text(order.Id).Text(line.Id).Text(creator).Rate(rate).Money(Money.Cents(rate * line.Gmv))
                .EndRow();
        }
    }

    /// <summary>
    /// About a quarter of paid orders: the buyer clicked (or only viewed) an ad mapped to a SKU in
    /// the order, minutes to ten days before paying; sometimes clicked it twice, sometimes viewed
    /// another ad after clicking. Only first-time buyers get touchpoints, so keys never repeat.
    /// </summary>
    private void WriteTouchpoints(Random random, ShopAds shopAds, SampleOrder order)
    {
        if (!order.NewBuyer) return;
        var candidates = new List<SampleAd>(4);
        foreach (var line in order.UnitLines)
            if (shopAds.AdsBySku.TryGetValue(line.Sku, out var skuAds))
                candidates.AddRange(skuAds.Where(a => a.RunsOn(order.Day)));
        if (candidates.Count == 0 || !random.Chance(shopAds.TouchChance)) return;

        var shop = shopAds.Shop;
        long paid = order.PaidTime!.Value;
        var ad = random.Pick(candidates);
        if (!random.Chance(0.75))
        {
            WriteTouchpoint(shop, order, ad, "view", paid - random.Seconds(TimeSpan.FromMinutes(1), TimeSpan.FromHours(40)));
            return;
        }
        long click = paid - random.NextDouble() switch
        {
            < 0.35 => random.Seconds(TimeSpan.FromMinutes(1), TimeSpan.FromHours(1)),
            < 0.65 => random.Seconds(TimeSpan.FromHours(1), TimeSpan.FromDays(1)),
            < 0.90 => random.Seconds(TimeSpan.FromDays(1), TimeSpan.FromDays(7)),
            _ => random.Seconds(TimeSpan.FromDays(7), TimeSpan.FromDays(10)),
        };
        WriteTouchpoint(shop, order, ad, "click", click);
        if (random.Chance(0.1))
            WriteTouchpoint(shop, order, ad, "click", click - random.Seconds(TimeSpan.FromHours(1), TimeSpan.FromDays(3)));
        if (random.Chance(0.2) && paid - click >= 10)
        {
            var others = shopAds.Ads.Where(a => a != ad && a.RunsOn(order.Day)).ToList();
            if (others.Count > 0)
                WriteTouchpoint(shop, order, random.Pick(others), "view", click + (long)((paid - click) * random.Between(0.1, 0.9)));
        }
    }

    private void WriteTouchpoint(SampleShop shop, SampleOrder order, SampleAd ad, string eventType, long time) =>
        _writers[StagingTables.Touchpoint].Text(shop.ShopId).Text(order.UserId).Text(ad.Id).Text(eventType).Time(time).EndRow();

    /// <summary>
    /// Settles a delivered order on the weekly statement 8–16 days after payment, one transaction
    /// per SKU; refunds completed after that statement come back as an adjustment transaction
    /// (quantity 0) on the first statement after the refund.
    /// </summary>
    private void Settle(Random random, SampleShop shop, SampleOrder order)
    {
        var region = shop.Region;
        var paidDate = region.LocalDate(order.PaidTime!.Value);
        var statementDate = SettlementBook.StatementDate(paidDate.AddDays(8 + random.Range(0, 2)));
        long statementTime = SettlementBook.StatementTime(shop, statementDate);
        if (statementTime > shop.AsOf || order.Status is not ("DELIVERED" or "COMPLETED")) return;

        // Group the unit lines by SKU, in order of first appearance.
        Span<int> group = stackalloc int[order.Units];
        var skus = new List<SampleSku>(order.Units);
        for (int i = 0; i < order.Units; i++)
        {
            int g = skus.IndexOf(order.Lines[i].Sku);
            if (g < 0) skus.Add(order.Lines[i].Sku);
            group[i] = g < 0 ? skus.Count - 1 : g;
        }
        int n = skus.Count;
        Span<decimal> gross = stackalloc decimal[n];
        for (int i = 0; i < order.Units; i++) gross[group[i]] += order.Lines[i].Gmv;

        // The carrier's charge, less what the buyer paid for shipping and TikTok's shipping subsidy,
        // is what the seller bears; each part is split over the SKUs by gmv.
        decimal customerCredit = Math.Min(order.ShippingFee, order.CarrierCost);
        decimal platformCredit = Math.Min(order.ShippingPlatformDiscount, order.CarrierCost - customerCredit);
        Span<decimal> sellerBorne = stackalloc decimal[n];
        Span<decimal> customer = stackalloc decimal[n];
        Span<decimal> platform = stackalloc decimal[n];
        Money.Split(order.CarrierCost - customerCredit - platformCredit, gross, sellerBorne);
        Money.Split(customerCredit, gross, customer);
        Money.Split(platformCredit, gross, platform);

        long lateRefundTime = 0;
        for (int g = 0; g < n; g++)
        {
            decimal refunded = 0m, affiliate = 0m, platformDiscount = 0m;
            int quantity = 0;
            for (int i = 0; i < order.Units; i++)
            {
                if (group[i] != g) continue;
                var line = order.Lines[i];
                quantity++;
                platformDiscount += line.PlatformDiscount;
                decimal before = line.RefundTime != 0 && line.RefundTime <= statementTime ? line.Refund : 0m;
                if (line.RefundTime > statementTime) lateRefundTime = line.RefundTime;
                refunded += before;
                affiliate += line.AffiliateRate * (line.Gmv - before);
            }
            decimal revenue = gross[g] - refunded;
            _book.Add(shop, statementDate, order.Id, skus[g], new SkuSettlement
            {
                Quantity = quantity,
                Revenue = revenue,
                ReferralFee = -Money.Cents(region.CommissionRate * revenue),
                TransactionFee = -Money.Cents(region.TransactionFeeRate * revenue),
                RefundAdministrationFee = -RefundAdministrationFee(region, refunded),
                AffiliateCommission = -Money.Cents(affiliate),
                ActualShippingFee = -(sellerBorne[g] + customer[g] + platform[g]),
                CustomerShippingFee = customer[g],
                PlatformShippingFeeDiscount = platform[g],
                PlatformDiscount = platformDiscount,
                CustomerRefund = -refunded,
            });
        }
        if (lateRefundTime != 0) SettleLateRefund(shop, order, skus, group, lateRefundTime);
    }

    private void SettleLateRefund(SampleShop shop, SampleOrder order, List<SampleSku> skus, ReadOnlySpan<int> group, long refundTime)
    {
        var region = shop.Region;
        var statementDate = SettlementBook.StatementAfter(shop, refundTime);
        if (SettlementBook.StatementTime(shop, statementDate) > shop.AsOf) return;
        for (int g = 0; g < skus.Count; g++)
        {
            decimal late = 0m, affiliate = 0m;
            for (int i = 0; i < order.Units; i++)
            {
                var line = order.Lines[i];
                if (group[i] != g || line.RefundTime != refundTime) continue;
                late += line.Refund;
                affiliate += line.AffiliateRate * line.Refund;
            }
            if (late == 0m) continue;
            _book.Add(shop, statementDate, order.Id, skus[g], new SkuSettlement
            {
                Quantity = 0,
                Revenue = -late,
                ReferralFee = Money.Cents(region.CommissionRate * late),
                TransactionFee = Money.Cents(region.TransactionFeeRate * late),
                RefundAdministrationFee = -RefundAdministrationFee(region, late),
                AffiliateCommission = Money.Cents(affiliate),
                CustomerRefund = -late,
            });
        }
    }

    /// <summary>20 % of the referral fee on the refunded amount, at most 5.00 per SKU.</summary>
    private static decimal RefundAdministrationFee(ShopRegion region, decimal refunded) =>
        refunded <= 0m ? 0m : Math.Min(Money.Cents(0.20m * region.CommissionRate * refunded), 5.00m);

    private static double[] Cumulate(double[] weights)
    {
        var cumulative = new double[weights.Length];
        double sum = 0;
        for (int i = 0; i < weights.Length; i++) cumulative[i] = sum += weights[i];
        return cumulative;
    }

    /// <summary>Per-shop counters and the small rolling memory an order stream needs.</summary>
    private sealed class ShopState
    {
        public ShopState(SampleSettings settings, SampleShop shop)
        {
            var random = SampleRandom.For(settings.Seed, "creators", shop.Index);
            Creators = new (string, decimal)[30];
            for (int i = 0; i < Creators.Length; i++)
                Creators[i] = (CatalogWords.Creator(i + 20 * shop.Index), random.Range(10, 20) / 100m);
        }

        public long OrderSeq { get; set; }
        public long LineSeq { get; set; }
        public long UserSeq { get; set; }
        public long ReturnSeq { get; set; }
        public long ReturnLineSeq { get; set; }
        public long CancelSeq { get; set; }
        public (string Name, decimal Rate)[] Creators { get; }
        public RecentIds RecentBuyers { get; } = new(500);
        public RecentIds RecentOrders { get; } = new(500);
    }

    /// <summary>The last few hundred ids: repeat buyers and replaced orders come from here.</summary>
    private sealed class RecentIds(int capacity)
    {
        private readonly string[] _ids = new string[capacity];
        private int _next;

        public int Count { get; private set; }

        public void Add(string id)
        {
            _ids[_next] = id;
            _next = (_next + 1) % _ids.Length;
            Count = Math.Min(Count + 1, _ids.Length);
        }

        public string Pick(Random random) => _ids[random.Next(Count)];
    }
}
