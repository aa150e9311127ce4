namespace Warehouse.Reports;

/// <summary>Everything one workbook shows, read from the rpt views before a single cell is written.</summary>
public sealed record ReportData(
    ReportRequest Request,
    PeriodTotals Current,
    PeriodTotals Prior,
    PeriodTotals PriorFourAverage,
    IReadOnlyList<SkuProfitLine> Lines,
    ReviewPeriod? Review,
    IReadOnlyList<SkuTierLine> Tiers,
    IReadOnlyList<CampaignLine> Campaigns,
    IReadOnlyList<SkuSettlementLine> Settlements,
    SettlementCheckTotals SettlementChecks,
    IReadOnlyList<SettingLine> Settings,
    IReadOnlyList<FreshnessLine> Freshness,
    ReportCurrency Currency,
    IReadOnlyList<FxRateLine> Rates,
    BudgetPlan? Plan = null,
    IReadOnlyList<AlertEpisodeLine>? Alerts = null);

/// <summary>An alert episode active in the report period (rpt.alert); money in the shop's currency.</summary>
public sealed record AlertEpisodeLine
{
    public string? ShopName { get; init; }
    public string Severity { get; init; } = "";
    public string RuleCode { get; init; } = "";
    public string? SkuId { get; init; }
    public string? CampaignId { get; init; }
    public object OpenedOn { get; init; } = DateOnly.MinValue;
    public object LastSeenOn { get; init; } = DateOnly.MinValue;
    public object? ResolvedOn { get; init; }
    public decimal? MoneyAmount { get; init; }
    public string? Currency { get; init; }
    public string Message { get; init; } = "";

    public static DateTime? Day(object? value) => value switch
    {
        DateOnly day => day.ToDateTime(TimeOnly.MinValue),
        DateTime time => time.Date,
        _ => null,
    };
}

/// <summary>
/// The currency of every amount in a workbook. One shop's workbook stays in the shop's currency; an
/// all-shops workbook is in the reporting currency (setting reporting_currency): each row of each day
/// is multiplied by that day's rate (rpt.*.fx_rate_to_reporting) before anything is summed.
/// </summary>
public sealed record ReportCurrency(string Code, bool Converted, string ReportingCurrency)
{
    /// <summary>One sentence for the sheets' subtitles.</summary>
    public string Describe => Converted
        ? $"Amounts in {Code}, the reporting currency: each shop's amounts converted at each day's rate before summing (rates on Assumptions)."
        : $"Amounts in {Code}, the shop's currency (not converted).";
}

/// <summary>The rate that converted one currency on one day (rpt.fx_rate).</summary>
public sealed record FxRateLine
{
    public string Currency { get; init; } = "";
    public object Day { get; init; } = DateOnly.MinValue;
    public decimal? Rate { get; init; }
    public object? RateDate { get; init; }
}

/// <summary>
/// An all-shops workbook needs a rate for every shop currency on every day it reads; a missing rate is
/// never taken as 1. The message names the shop, currency and days, and what to load.
/// </summary>
public sealed class MissingFxRateException(string message) : InvalidOperationException(message);

/// <summary>Sums of rpt.sku_daily over a range of days, and the shops' fixed expenses of those days (rpt.shop_expense_daily).</summary>
public sealed record PeriodTotals
{
    public decimal ListAmount { get; init; }
    public decimal SellerDiscount { get; init; }
    public decimal Gmv { get; init; }
    public decimal RefundAmount { get; init; }
    public decimal NetRevenue { get; init; }
    public decimal PlatformFee { get; init; }
    public decimal TransactionFee { get; init; }
    public decimal AffiliateCommission { get; init; }
    public decimal ShippingCost { get; init; }
    public decimal Cogs { get; init; }
    public decimal OtherVariableCost { get; init; }
    public decimal ContributionBeforeAds { get; init; }
    public decimal AdSpend { get; init; }
    public decimal ContributionAfterAds { get; init; }
    public decimal AttributedGmv { get; init; }
    /// <summary>Fixed and manual expenses of the days: no SKU's, so below contribution after ads.</summary>
    public decimal FixedExpenses { get; init; }

    public decimal NetProfit => ContributionAfterAds - FixedExpenses;

    public PeriodTotals Plus(PeriodTotals other) => new()
    {
        ListAmount = ListAmount + other.ListAmount, SellerDiscount = SellerDiscount + other.SellerDiscount, Gmv = Gmv + other.Gmv,
        RefundAmount = RefundAmount + other.RefundAmount, NetRevenue = NetRevenue + other.NetRevenue, PlatformFee = PlatformFee + other.PlatformFee,
        TransactionFee = TransactionFee + other.TransactionFee, AffiliateCommission = AffiliateCommission + other.AffiliateCommission,
        ShippingCost = ShippingCost + other.ShippingCost, Cogs = Cogs + other.Cogs, OtherVariableCost = OtherVariableCost + other.OtherVariableCost,
        ContributionBeforeAds = ContributionBeforeAds + other.ContributionBeforeAds, AdSpend = AdSpend + other.AdSpend,
        ContributionAfterAds = ContributionAfterAds + other.ContributionAfterAds, AttributedGmv = AttributedGmv + other.AttributedGmv,
        FixedExpenses = FixedExpenses + other.FixedExpenses,
    };

    public PeriodTotals DividedBy(decimal divisor) => new()
    {
        ListAmount = ListAmount / divisor, SellerDiscount = SellerDiscount / divisor, Gmv = Gmv / divisor,
        RefundAmount = RefundAmount / divisor, NetRevenue = NetRevenue / divisor, PlatformFee = PlatformFee / divisor,
        TransactionFee = TransactionFee / divisor, AffiliateCommission = AffiliateCommission / divisor,
        ShippingCost = ShippingCost / divisor, Cogs = Cogs / divisor, OtherVariableCost = OtherVariableCost / divisor,
        ContributionBeforeAds = ContributionBeforeAds / divisor, AdSpend = AdSpend / divisor,
        ContributionAfterAds = ContributionAfterAds / divisor, AttributedGmv = AttributedGmv / divisor,
        FixedExpenses = FixedExpenses / divisor,
    };
}

/// <summary>The tier review period (rpt.sku_profit) that ends on or before the report's last day.</summary>
public sealed record ReviewPeriod(int EndDateKey, DateOnly Start, DateOnly End);

/// <summary>One SKU's tier, action and stock in the review period (rpt.sku_profit).</summary>
public sealed record SkuTierLine
{
    public int ProductKey { get; init; }
    public string ShopName { get; init; } = "";
    public string SkuId { get; init; } = "";
    public string? SellerSku { get; init; }
    public string ProductName { get; init; } = "";
    public string Tier { get; init; } = "";
    public string Action { get; init; } = "";
    public string Reason { get; init; } = "";
    public int Orders { get; init; }
    public decimal NetRevenue { get; init; }
    public decimal AdSpend { get; init; }
    public decimal ContributionAfterAds { get; init; }
    public decimal? ContributionMargin { get; init; }
    public decimal? Roi { get; init; }
    public int OnHandUnits { get; init; }
    public decimal AvgDailyUnits { get; init; }
    public decimal? DaysOfCover { get; init; }
    public int RestockUnits { get; init; }
    public bool IsOverstock { get; init; }
}

/// <summary>One campaign over the report's days (rpt.campaign_profit and rpt.sku_ad_spend).</summary>
public sealed record CampaignLine
{
    public string ShopName { get; init; } = "";
    public string AdvertiserId { get; init; } = "";
    public string CampaignId { get; init; } = "";
    public string CampaignName { get; init; } = "";
    public string CampaignType { get; init; } = "";
    public int Ads { get; init; }
    public decimal Spend { get; init; }
    public decimal AllocatedSpend { get; init; }
    public decimal UnallocatedSpend { get; init; }
    public int AllocatedSkus { get; init; }
    public string AllocationMethod { get; init; } = "";
    public string AllocationRules { get; init; } = "";
    public decimal AttributedGmv { get; init; }
    public int AttributedOrders { get; init; }
    public decimal TiktokReportedGmv { get; init; }
}

/// <summary>One SKU's settled and estimated revenue over the report's days (rpt.sku_settlement).</summary>
public sealed record SkuSettlementLine
{
    public int ProductKey { get; init; }
    public int OrderLines { get; init; }
    public int SettledOrderLines { get; init; }
    public int EstimatedOrderLines { get; init; }
    public decimal NetRevenue { get; init; }
    public decimal SettledNetRevenue { get; init; }
    public decimal EstimatedNetRevenue { get; init; }
    public decimal EstimatedFees { get; init; }
    public decimal ComputedSettlementAmount { get; init; }
    public decimal TiktokSettlementAmount { get; init; }
}

/// <summary>The per-order settlement checks of the report's days (rpt.reconciliation, check 'settlement').</summary>
public sealed record SettlementCheckTotals
{
    public int Orders { get; init; }
    public int FlaggedOrders { get; init; }
    public decimal TiktokSettlementAmount { get; init; }
    public decimal ComputedSettlementAmount { get; init; }
}

public sealed record SettingLine(string SettingName, string SettingValue, string Description);

public sealed record FreshnessLine
{
    public string SourceName { get; init; } = "";
    public string? ShopName { get; init; }
    public object LatestDate { get; init; } = DateOnly.MinValue;
    public long LatestRunId { get; init; }
    /// <summary>As the engine returns it: a UTC DateTime (PostgreSQL timestamptz) or a DateTimeOffset (SQL Server).</summary>
    public object? LatestRunEndedAtValue { get; init; }

    /// <summary>The run's end in UTC, written the same on every engine ("2026-12-04 09:59:25 UTC").</summary>
    public string? LatestRunEndedAt => LatestRunEndedAtValue switch
    {
        null or DBNull => null,
        DateTimeOffset at => at.UtcDateTime.ToString("yyyy-MM-dd HH:mm:ss", System.Globalization.CultureInfo.InvariantCulture) + " UTC",
        DateTime at => (at.Kind == DateTimeKind.Local ? at.ToUniversalTime() : at).ToString("yyyy-MM-dd HH:mm:ss", System.Globalization.CultureInfo.InvariantCulture) + " UTC",
        var other => Convert.ToString(other, System.Globalization.CultureInfo.InvariantCulture),
    };
}
