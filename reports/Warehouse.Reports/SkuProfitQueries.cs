using System.Data.Common;
using Dapper;

namespace Warehouse.Reports;

/// <summary>The report's reads, all from the rpt views: plain SQL that runs the same on both engines.</summary>
public static class SkuProfitQueries
{
    /// <summary>Reads everything the workbook shows; <paramref name="reading"/> hears of each part before it is read.</summary>
    /// <exception cref="MissingFxRateException">An all-shops workbook and a shop currency without a rate on a day it reads.</exception>
    public static async Task<ReportData> ReadAsync(DbConnection connection, ReportRequest request, Func<string, Task>? reading = null)
    {
        reading ??= _ => Task.CompletedTask;
        await reading("currency and rates");
        var currency = await CurrencyAsync(connection, request);
        var review = await ReviewPeriodAsync(connection, request);
        var (firstDay, lastDay) = DaysRead(request, review);
        var rates = currency.Converted ? await RatesAsync(connection, firstDay, lastDay) : [];
        if (currency.Converted)
        {
            await EnsureRatesAsync(connection, currency, firstDay, lastDay);
        }

        await reading("summary");
        var (current, prior, priorFour) = await ComparedTotalsAsync(connection, request);
        await reading("tiers");
        var tiers = review is null ? [] : await TiersAsync(connection, request, review);
        var tierByProduct = tiers.ToDictionary(t => t.ProductKey, t => t.Tier);
        await reading("sku lines");
        var lines = (await SkuLinesAsync(connection, request))
            .Select(line => line with { Tier = tierByProduct.GetValueOrDefault(line.ProductKey) })
            .ToList();
        await reading("campaigns, settlements, settings and freshness");
        return new ReportData(
            request, current, prior, priorFour, lines, review, tiers,
            await CampaignsAsync(connection, request),
            await SettlementsAsync(connection, request),
            await SettlementChecksAsync(connection, request),
            (await connection.QueryAsync<SettingLine>(
                "SELECT setting_name AS SettingName, setting_value AS SettingValue, description AS Description FROM rpt.setting ORDER BY setting_name")).ToList(),
            await FreshnessAsync(connection, request),
            currency,
            rates,
            await BudgetPlan.ReadAsync(connection, request.ShopId),
            await AlertsAsync(connection, request));
    }

    /// <summary>The alert episodes active in the period (opened by its last day, not resolved before its first), most severe first.</summary>
    public static async Task<IReadOnlyList<AlertEpisodeLine>> AlertsAsync(DbConnection connection, ReportRequest request) =>
        (await connection.QueryAsync<AlertEpisodeLine>(
            """
            SELECT shop_name AS ShopName, severity AS Severity, rule_code AS RuleCode, sku_id AS SkuId, campaign_id AS CampaignId,
                   opened_on AS OpenedOn, last_seen_on AS LastSeenOn, resolved_on AS ResolvedOn, money_amount AS MoneyAmount,
                   currency AS Currency, alert_message AS Message
            FROM rpt.alert
            WHERE first_date_key <= @to AND (resolved_on IS NULL OR resolved_on >= @fromDay) AND (@shop IS NULL OR shop_id = @shop)
            ORDER BY CASE severity WHEN 'high' THEN 0 WHEN 'warning' THEN 1 ELSE 2 END, shop_name, rule_code, CASE WHEN money_amount IS NULL THEN 1 ELSE 0 END, money_amount DESC, alert_id
            """, new { to = request.ToKey, fromDay = request.From.ToDateTime(TimeOnly.MinValue), shop = request.ShopId })).ToList();

    /// <summary>
    /// An amount column as the workbook sums it: as stored for one shop, times the row's day rate into
    /// the reporting currency for all shops (every money view carries fx_rate_to_reporting).
    /// </summary>
    private static string Money(ReportRequest request, string column, string? alias = null)
    {
        var prefix = alias is null ? "" : alias + ".";
        return request.ShopId is null ? $"{prefix}{column} * {prefix}fx_rate_to_reporting" : prefix + column;
    }

    /// <summary>The shop's currency for one shop; the reporting currency, converted, for all shops.</summary>
    public static async Task<ReportCurrency> CurrencyAsync(DbConnection connection, ReportRequest request)
    {
        var reporting = await connection.ExecuteScalarAsync<string?>(
            "SELECT setting_value FROM rpt.setting WHERE setting_name = 'reporting_currency'");
        if (request.ShopId is null)
        {
            return reporting is null
                ? throw new MissingFxRateException("setting reporting_currency is missing from etl.setting: the all-shops workbook has no currency to convert to")
                : new ReportCurrency(reporting, Converted: true, reporting);
        }

        var shopCurrency = await connection.ExecuteScalarAsync<string?>(
            "SELECT currency FROM rpt.dim_shop WHERE shop_id = @shop", new { shop = request.ShopId });
        return new ReportCurrency(shopCurrency ?? "", Converted: false, reporting ?? "");
    }

    /// <summary>Every day the workbook reads: the prior four periods to the last day, and the tier review period.</summary>
    public static (DateOnly First, DateOnly Last) DaysRead(ReportRequest request, ReviewPeriod? review)
    {
        var (fourFrom, _) = request.Prior(4);
        var first = review is { } p && p.Start < fourFrom ? p.Start : fourFrom;
        return (first, request.To);
    }

    /// <summary>The rate of every shop currency other than the reporting currency on every day read (rpt.fx_rate).</summary>
    public static async Task<IReadOnlyList<FxRateLine>> RatesAsync(DbConnection connection, DateOnly first, DateOnly last) =>
        (await connection.QueryAsync<FxRateLine>(
            """
            SELECT fx.currency AS Currency, fx.calendar_date AS Day, fx.fx_rate_to_reporting AS Rate, fx.fx_rate_date AS RateDate
            FROM rpt.fx_rate AS fx
            WHERE fx.date_key BETWEEN @from AND @to AND fx.currency <> fx.reporting_currency
              AND fx.currency IN (SELECT shop.currency FROM rpt.dim_shop AS shop WHERE shop.shop_key <> 0)
            ORDER BY fx.currency, fx.date_key
            """,
            new { from = ReportRequest.Key(first), to = ReportRequest.Key(last) })).ToList();

    private sealed record MissingRate
    {
        public string ShopId { get; init; } = "";
        public string ShopName { get; init; } = "";
        public string Currency { get; init; } = "";
        public object FirstDay { get; init; } = DateOnly.MinValue;
        public object LastDay { get; init; } = DateOnly.MinValue;
        public int Days { get; init; }
    }

    /// <summary>Refuses to convert when a row the workbook reads has no rate (profit model: never silently 1).</summary>
    public static async Task EnsureRatesAsync(DbConnection connection, ReportCurrency currency, DateOnly first, DateOnly last)
    {
        var missing = (await connection.QueryAsync<MissingRate>(
            """
            SELECT shop.shop_id AS ShopId, MAX(shop.shop_name) AS ShopName, MAX(shop.currency) AS Currency,
                   MIN(day.calendar_date) AS FirstDay, MAX(day.calendar_date) AS LastDay, COUNT(DISTINCT day.date_key) AS Days
            FROM (
                SELECT shop_key, date_key FROM rpt.sku_daily
                WHERE date_key BETWEEN @from AND @to AND fx_rate_to_reporting IS NULL
                UNION
                SELECT shop_key, date_key FROM rpt.campaign_profit
                WHERE date_key BETWEEN @from AND @to AND fx_rate_to_reporting IS NULL
                UNION
                SELECT shop_key, date_key FROM rpt.sku_settlement
                WHERE date_key BETWEEN @from AND @to AND fx_rate_to_reporting IS NULL
            ) AS unconverted
            JOIN rpt.dim_shop AS shop ON shop.shop_key = unconverted.shop_key
            JOIN rpt.dim_date AS day ON day.date_key = unconverted.date_key
            GROUP BY shop.shop_id
            ORDER BY shop.shop_id
            """,
            new { from = ReportRequest.Key(first), to = ReportRequest.Key(last) })).ToList();
        if (missing.Count == 0)
        {
            return;
        }

        var parts = missing.Select(m =>
        {
            var (firstDay, lastDay) = (ToDate(m.FirstDay), ToDate(m.LastDay));
            var days = firstDay == lastDay
                ? $"{firstDay:yyyy-MM-dd}"
                : $"{firstDay:yyyy-MM-dd} to {lastDay:yyyy-MM-dd}, {m.Days} days with amounts";
            return m.ShopId.Length == 0
                ? $"amounts of shop Unknown (spend of campaigns linked to no shop) have no currency to convert from ({days})"
                : $"shop {m.ShopId} ({m.ShopName}) has no {m.Currency} to {currency.ReportingCurrency} rate on or before {firstDay:yyyy-MM-dd} (needed for {days})";
        });
        throw new MissingFxRateException(
            $"the all-shops workbook converts every amount to {currency.ReportingCurrency} (setting reporting_currency) with each day's rate, " +
            $"and a rate is missing: {string.Join("; ", parts)}. Load fx_rate.csv (stg.fx_rate: currency, rate_date, rate_to_reporting) " +
            "with a rate on or before that day (rpt.reconciliation, check fx_rate, lists the shop-days), or write one shop's workbook with --shop.");
    }

    /// <summary>
    /// The totals of the period, of the prior period and the prior-4 average in one read of rpt.sku_daily
    /// (the four periods before and this one are contiguous days), without reading the prior period's days twice;
    /// then the shops' fixed expenses of the same periods from rpt.shop_expense_daily.
    /// </summary>
    public static async Task<(PeriodTotals Current, PeriodTotals Prior, PeriodTotals PriorFourAverage)> ComparedTotalsAsync(DbConnection connection, ReportRequest request)
    {
        var (priorFrom, _) = request.Prior(1);
        var (fourFrom, _) = request.Prior(4);
        string M(string column) => Money(request, column);
        var rows = (await connection.QueryAsync<int, PeriodTotals, (int Period, PeriodTotals Totals)>(
            $"""
            SELECT period.period_number AS PeriodNumber,
                   COALESCE(SUM({M("list_amount")}), 0) AS ListAmount, COALESCE(SUM({M("seller_discount")}), 0) AS SellerDiscount,
                   COALESCE(SUM({M("gmv")}), 0) AS Gmv, COALESCE(SUM({M("refund_amount")}), 0) AS RefundAmount,
                   COALESCE(SUM({M("net_revenue")}), 0) AS NetRevenue, COALESCE(SUM({M("platform_fee")}), 0) AS PlatformFee,
                   COALESCE(SUM({M("transaction_fee")}), 0) AS TransactionFee, COALESCE(SUM({M("affiliate_commission")}), 0) AS AffiliateCommission,
                   COALESCE(SUM({M("shipping_cost")}), 0) AS ShippingCost, COALESCE(SUM({M("cogs")}), 0) AS Cogs,
                   COALESCE(SUM({M("other_variable_cost")}), 0) AS OtherVariableCost,
                   COALESCE(SUM({M("contribution_before_ads")}), 0) AS ContributionBeforeAds, COALESCE(SUM({M("ad_spend")}), 0) AS AdSpend,
                   COALESCE(SUM({M("contribution_after_ads")}), 0) AS ContributionAfterAds, COALESCE(SUM({M("attributed_gmv")}), 0) AS AttributedGmv
            FROM (
                SELECT daily.*, CASE WHEN daily.date_key >= @from THEN 0 WHEN daily.date_key >= @priorFrom THEN 1 ELSE 2 END AS period_number
                FROM rpt.sku_daily AS daily
                WHERE daily.date_key BETWEEN @fourFrom AND @to AND (@shop IS NULL OR daily.shop_id = @shop)
            ) AS period
            GROUP BY period.period_number
            """,
            (period, totals) => (period, totals),
            new { from = request.FromKey, to = request.ToKey, priorFrom = ReportRequest.Key(priorFrom), fourFrom = ReportRequest.Key(fourFrom), shop = request.ShopId },
            splitOn: "ListAmount")).ToDictionary(r => r.Period, r => r.Totals);
        var expenses = (await connection.QueryAsync<(int Period, decimal Amount)>(
            $"""
            SELECT CASE WHEN expense.date_key >= @from THEN 0 WHEN expense.date_key >= @priorFrom THEN 1 ELSE 2 END,
                   SUM({Money(request, "expense_amount", "expense")})
            FROM rpt.shop_expense_daily AS expense
            WHERE expense.date_key BETWEEN @fourFrom AND @to AND (@shop IS NULL OR expense.shop_id = @shop)
            GROUP BY CASE WHEN expense.date_key >= @from THEN 0 WHEN expense.date_key >= @priorFrom THEN 1 ELSE 2 END
            """,
            new { from = request.FromKey, to = request.ToKey, priorFrom = ReportRequest.Key(priorFrom), fourFrom = ReportRequest.Key(fourFrom), shop = request.ShopId }))
            .ToDictionary(r => r.Period, r => r.Amount);
        var empty = new PeriodTotals();
        PeriodTotals Period(int number) => rows.GetValueOrDefault(number, empty) with { FixedExpenses = expenses.GetValueOrDefault(number) };
        var prior = Period(1);
        return (Period(0), prior, prior.Plus(Period(2)).DividedBy(4));
    }

    public static async Task<IReadOnlyList<SkuProfitLine>> SkuLinesAsync(DbConnection connection, ReportRequest request)
    {
        string M(string column) => Money(request, column);
        var rows = await connection.QueryAsync<SkuProfitLine>(
            $"""
            SELECT product_key AS ProductKey, MAX(shop_id) AS ShopId, MAX(shop_name) AS ShopName, MAX(sku_id) AS SkuId,
                   MAX(seller_sku) AS SellerSku, MAX(product_name) AS ProductName,
                   SUM(orders) AS Orders, SUM(units) AS Units, SUM({M("list_amount")}) AS ListAmount, SUM({M("seller_discount")}) AS SellerDiscount,
                   SUM({M("platform_discount")}) AS PlatformDiscount, SUM({M("gmv")}) AS Gmv, SUM({M("refund_amount")}) AS RefundAmount,
                   SUM({M("net_revenue")}) AS NetRevenue, SUM({M("platform_fee")}) AS PlatformFee, SUM({M("transaction_fee")}) AS TransactionFee,
                   SUM({M("affiliate_commission")}) AS AffiliateCommission, SUM({M("shipping_cost")}) AS ShippingCost, SUM({M("cogs")}) AS Cogs,
                   SUM({M("other_variable_cost")}) AS OtherVariableCost, SUM({M("contribution_before_ads")}) AS ContributionBeforeAds,
                   SUM({M("ad_spend")}) AS AdSpend, SUM({M("contribution_after_ads")}) AS ContributionAfterAds, SUM({M("attributed_gmv")}) AS AttributedGmv,
                   SUM(attributed_orders) AS AttributedOrders, SUM({M("estimated_fee_revenue")}) AS EstimatedFeeRevenue,
                   SUM({M("settled_net_revenue")}) AS SettledNetRevenue
            FROM rpt.sku_daily
            WHERE date_key BETWEEN @from AND @to AND (@shop IS NULL OR shop_id = @shop)
            GROUP BY product_key
            ORDER BY SUM({M("contribution_after_ads")}) DESC, product_key
            """,
            new { from = request.FromKey, to = request.ToKey, shop = request.ShopId });
        return rows.ToList();
    }

    /// <summary>The latest review period that ends on or before the report's last day.</summary>
    public static async Task<ReviewPeriod?> ReviewPeriodAsync(DbConnection connection, ReportRequest request)
    {
        var row = await connection.QueryFirstOrDefaultAsync<ReviewRow>(
            """
            SELECT period_end_date_key AS EndKey, MIN(period_start_date) AS StartDate, MIN(period_end_date) AS EndDate
            FROM rpt.sku_profit
            WHERE period_end_date_key = (SELECT MAX(period_end_date_key) FROM rpt.sku_profit
                                         WHERE period_end_date_key <= @to AND (@shop IS NULL OR shop_id = @shop))
            GROUP BY period_end_date_key
            """,
            new { to = request.ToKey, shop = request.ShopId });
        return row is null ? null : new ReviewPeriod(row.EndKey, ToDate(row.StartDate), ToDate(row.EndDate));
    }

    private sealed record ReviewRow
    {
        public int EndKey { get; init; }
        public object StartDate { get; init; } = DateOnly.MinValue;
        public object EndDate { get; init; } = DateOnly.MinValue;
    }

    /// <summary>A date column as either provider returns it (Npgsql: DateOnly, SqlClient: DateTime).</summary>
    public static DateOnly ToDate(object value) => value switch
    {
        DateOnly date => date,
        DateTime time => DateOnly.FromDateTime(time),
        DateTimeOffset time => DateOnly.FromDateTime(time.Date),
        _ => throw new InvalidCastException($"not a date: {value} ({value.GetType().Name})"),
    };

    /// <summary>
    /// The SKUs' tiers in the review period. For all shops their amounts are the review period's days of
    /// rpt.sku_daily converted day by day (rpt.sku_profit holds them in the shop's currency); the tier,
    /// the reason, the margin and the ROI stay as the transform decided them, in the shop's currency.
    /// </summary>
    public static async Task<IReadOnlyList<SkuTierLine>> TiersAsync(DbConnection connection, ReportRequest request, ReviewPeriod review)
    {
        var tiers = (await connection.QueryAsync<SkuTierLine>(
            """
            SELECT product_key AS ProductKey, shop_name AS ShopName, sku_id AS SkuId, seller_sku AS SellerSku, product_name AS ProductName,
                   tier AS Tier, action AS Action, reason AS Reason, orders AS Orders, net_revenue AS NetRevenue, ad_spend AS AdSpend,
                   contribution_after_ads AS ContributionAfterAds, contribution_margin AS ContributionMargin, roi AS Roi,
                   on_hand_units AS OnHandUnits, avg_daily_units AS AvgDailyUnits, days_of_cover AS DaysOfCover,
                   restock_units AS RestockUnits, is_overstock AS IsOverstock
            FROM rpt.sku_profit
            WHERE period_end_date_key = @end AND (@shop IS NULL OR shop_id = @shop)
            ORDER BY CASE tier WHEN 'hero' THEN 1 WHEN 'winner' THEN 2 WHEN 'marginal' THEN 3 WHEN 'testing' THEN 4
                               WHEN 'loser' THEN 5 ELSE 6 END,
                     contribution_after_ads DESC, sku_id
            """,
            new { end = review.EndDateKey, shop = request.ShopId })).ToList();
        if (request.ShopId is not null)
        {
            return tiers;
        }

        var converted = (await connection.QueryAsync<(int ProductKey, decimal NetRevenue, decimal AdSpend, decimal ContributionAfterAds)>(
            $"""
            SELECT product_key, SUM({Money(request, "net_revenue")}), SUM({Money(request, "ad_spend")}), SUM({Money(request, "contribution_after_ads")})
            FROM rpt.sku_daily
            WHERE date_key BETWEEN @from AND @to
            GROUP BY product_key
            """,
            new { from = ReportRequest.Key(review.Start), to = review.EndDateKey })).ToDictionary(c => c.ProductKey);
        return tiers.Select(t => converted.TryGetValue(t.ProductKey, out var c)
                ? t with { NetRevenue = c.NetRevenue, AdSpend = c.AdSpend, ContributionAfterAds = c.ContributionAfterAds }
                : t with { NetRevenue = 0m, AdSpend = 0m, ContributionAfterAds = 0m })
            .OrderBy(t => TierOrder(t.Tier)).ThenByDescending(t => t.ContributionAfterAds).ThenBy(t => t.SkuId, StringComparer.Ordinal)
            .ToList();
    }

    private static int TierOrder(string tier) => tier switch
    {
        "hero" => 1,
        "winner" => 2,
        "marginal" => 3,
        "testing" => 4,
        "loser" => 5,
        _ => 6,
    };

    public static async Task<IReadOnlyList<CampaignLine>> CampaignsAsync(DbConnection connection, ReportRequest request)
    {
        var parameters = new { from = request.FromKey, to = request.ToKey, shop = request.ShopId };
        string M(string column) => Money(request, column, "campaign");
        var campaigns = (await connection.QueryAsync<CampaignLine>(
            $"""
            SELECT MAX(shop.shop_name) AS ShopName, campaign.advertiser_id AS AdvertiserId, campaign.campaign_id AS CampaignId,
                   MAX(campaign.campaign_name) AS CampaignName, MAX(campaign.campaign_type) AS CampaignType,
                   COUNT(DISTINCT CASE WHEN campaign.ad_id <> '' THEN campaign.ad_id END) AS Ads,
                   SUM({M("spend")}) AS Spend, SUM({M("allocated_spend")}) AS AllocatedSpend,
                   SUM({M("unallocated_spend")}) AS UnallocatedSpend, SUM({M("attributed_gmv")}) AS AttributedGmv,
                   SUM(campaign.attributed_orders) AS AttributedOrders, SUM({M("tiktok_reported_gmv")}) AS TiktokReportedGmv
            FROM rpt.campaign_profit AS campaign
            JOIN rpt.dim_shop AS shop ON shop.shop_key = campaign.shop_key
            WHERE campaign.date_key BETWEEN @from AND @to AND (@shop IS NULL OR shop.shop_id = @shop)
            GROUP BY campaign.advertiser_id, campaign.campaign_id
            ORDER BY SUM({M("spend")}) DESC, campaign.campaign_id
            """, parameters)).ToList();

        var allocations = (await connection.QueryAsync<(string CampaignId, int ProductKey, string Rule, string Method)>(
            """
            SELECT DISTINCT campaign_id AS CampaignId, product_key AS ProductKey, allocation_rule AS AllocationRule,
                   allocation_method AS AllocationMethod
            FROM rpt.sku_ad_spend
            WHERE date_key BETWEEN @from AND @to AND (@shop IS NULL OR shop_id = @shop)
            """, parameters)).ToLookup(a => a.CampaignId);

        return campaigns.Select(c => c with
        {
            AllocatedSkus = allocations[c.CampaignId].Where(a => a.ProductKey != 0).Select(a => a.ProductKey).Distinct().Count(),
            AllocationMethod = string.Join(", ", allocations[c.CampaignId].Select(a => a.Method).Distinct().Order(StringComparer.Ordinal)),
            AllocationRules = string.Join(", ", allocations[c.CampaignId].Select(a => a.Rule).Distinct().Order(StringComparer.Ordinal)),
        }).ToList();
    }

    public static async Task<IReadOnlyList<SkuSettlementLine>> SettlementsAsync(DbConnection connection, ReportRequest request)
    {
        string M(string column) => Money(request, column, "settlement");
        return (await connection.QueryAsync<SkuSettlementLine>(
            $"""
            SELECT settlement.product_key AS ProductKey, SUM(settlement.order_lines) AS OrderLines,
                   SUM(settlement.settled_order_lines) AS SettledOrderLines, SUM(settlement.estimated_order_lines) AS EstimatedOrderLines,
                   SUM({M("net_revenue")}) AS NetRevenue, SUM({M("settled_net_revenue")}) AS SettledNetRevenue,
                   SUM({M("estimated_net_revenue")}) AS EstimatedNetRevenue, SUM({M("estimated_fees")}) AS EstimatedFees,
                   SUM({M("computed_settlement_amount")}) AS ComputedSettlementAmount,
                   SUM({M("tiktok_settlement_amount")}) AS TiktokSettlementAmount
            FROM rpt.sku_settlement AS settlement
            JOIN rpt.dim_shop AS shop ON shop.shop_key = settlement.shop_key
            WHERE settlement.date_key BETWEEN @from AND @to AND (@shop IS NULL OR shop.shop_id = @shop)
            GROUP BY settlement.product_key
            """,
            new { from = request.FromKey, to = request.ToKey, shop = request.ShopId })).ToList();
    }

    public static async Task<SettlementCheckTotals> SettlementChecksAsync(DbConnection connection, ReportRequest request) =>
        await connection.QuerySingleAsync<SettlementCheckTotals>(
            $"""
            SELECT COUNT(*) AS Orders, COALESCE(SUM(CASE WHEN is_flagged = @yes THEN 1 ELSE 0 END), 0) AS FlaggedOrders,
                   COALESCE(SUM({Money(request, "source_amount")}), 0) AS TiktokSettlementAmount,
                   COALESCE(SUM({Money(request, "warehouse_amount")}), 0) AS ComputedSettlementAmount
            FROM rpt.reconciliation
            WHERE check_name = 'settlement' AND date_key BETWEEN @from AND @to AND (@shop IS NULL OR shop_id = @shop)
            """,
            new { from = request.FromKey, to = request.ToKey, shop = request.ShopId, yes = true });

    public static async Task<IReadOnlyList<FreshnessLine>> FreshnessAsync(DbConnection connection, ReportRequest request) =>
        (await connection.QueryAsync<FreshnessLine>(
            """
            SELECT source_name AS SourceName, shop_name AS ShopName, latest_date AS LatestDate, latest_run_id AS LatestRunId,
                   latest_run_ended_at AS LatestRunEndedAtValue
            FROM rpt.data_freshness
            WHERE @shop IS NULL OR shop_id = @shop OR shop_key = 0
            ORDER BY source_name, shop_name
            """,
            new { shop = request.ShopId })).ToList();
}
