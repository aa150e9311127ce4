using System.Data.Common;
using System.Text;
using System.Text.RegularExpressions;
using Dapper;
using Warehouse.Reports;

namespace Warehouse.Tests.Reports;

/// <summary>
/// Generates docs/data-dictionary.md from a live, migrated PostgreSQL database: every table and view
/// of the schemas people query (rpt, dim, fact, and etl's control tables), each column with its type
/// and meaning. Meanings come from, in order: the comment on the column's line in sql/postgres/migrations,
/// the definitions below (the profit model's words), the same column of a fact or dimension table.
/// Table descriptions come from the comment above CREATE TABLE or at the top of the view's script.
/// </summary>
public static partial class DataDictionary
{
    public const string Missing = "(no meaning recorded: add one to tests/Warehouse.Tests/Reports/DataDictionary.cs)";

    public static readonly string[] Schemas = ["rpt", "dim", "fact", "etl"];

    public static string RepositoryPath => Path.Combine(Schema.SqlServerScripts.RepositoryRoot, "docs", "data-dictionary.md");

    /// <summary>Meanings by column name, the same wherever the name appears (names are chosen to make that true).</summary>
    private static readonly Dictionary<string, string> Meanings = new(StringComparer.Ordinal)
    {
        ["date_key"] = "Day as yyyymmdd (integer key to rpt.dim_date / dim.date); for orders the paid day in the shop's time zone",
        ["shop_key"] = "Integer key to rpt.dim_shop / dim.shop; 0 = Unknown",
        ["product_key"] = "Integer key of the SKU in rpt.dim_sku / dim.product; 0 = Unknown / Unallocated",
        ["campaign_key"] = "Integer key to rpt.dim_campaign / dim.campaign (an ad, or a campaign for campaign-level spend); 0 = none or unknown",
        ["traffic_source_key"] = "Integer key to rpt.dim_traffic_source: 1 organic, 2 paid ads, 3 affiliate, 0 unknown",
        ["etl_run_id"] = "The etl.run that wrote the row",
        ["calendar_date"] = "The calendar date",
        ["iso_week_label"] = "ISO 8601 week, e.g. 2026-W47",
        ["shop_id"] = "TikTok Shop id",
        ["shop_name"] = "Shop name as TikTok sends it",
        ["currency"] = "ISO 4217 currency of the amounts",
        ["region"] = "TikTok Shop region code (US, GB, ...)",
        ["time_zone"] = "IANA time zone of the shop; a day is a calendar day in it",
        ["product_id"] = "TikTok product id (a product has one or more SKUs)",
        ["sku_id"] = "TikTok SKU id (blank on Unknown / Unallocated)",
        ["seller_sku"] = "The seller's own SKU code",
        ["product_name"] = "Product title as TikTok sends it (text; may start with =, treat it as data)",
        ["sku_name"] = "SKU variant name (colour, size)",
        ["category"] = "Product category",
        ["traffic_source"] = "organic, paid_ads, affiliate or unknown (profit model section 2)",
        ["traffic_source_name"] = "Display name of the traffic source",
        ["description"] = "What the row means, in words",
        ["orders"] = "Distinct orders with revenue",
        ["units"] = "Units sold",
        ["quantity"] = "Units on the line",
        ["list_amount"] = "original price x quantity",
        ["seller_discount"] = "Seller-funded discount, including the line's share of order-level seller vouchers",
        ["platform_discount"] = "TikTok-funded discount; TikTok reimburses it, so it stays revenue to the seller",
        ["gmv"] = "list_amount - seller_discount: what the buyer paid plus the platform subsidy, before refunds and fees",
        ["refund_amount"] = "Product amount refunded (returns, refund-only, cancellations after payment)",
        ["net_revenue"] = "gmv - refund_amount",
        ["platform_fee"] = "Referral commission plus refund administration fee: TikTok's settlement where settled, else estimated",
        ["transaction_fee"] = "Payment processing fee: settlement value, else net_revenue x payment_rate",
        ["affiliate_commission"] = "Creator commission: settlement value or the affiliate order feed",
        ["shipping_cost"] = "Seller-borne shipping: settlement value, else the rate card",
        ["cogs"] = "Unit cost as of the paid date x (quantity - restocked units)",
        ["other_variable_cost"] = "Per-unit packaging and handling plus per-order fees from the cost settings",
        ["contribution_before_ads"] = "net_revenue - platform_fee - transaction_fee - affiliate_commission - shipping_cost - cogs - other_variable_cost",
        ["ad_spend"] = "Ad spend allocated to the SKU (profit model section 3)",
        ["contribution_after_ads"] = "contribution_before_ads - ad_spend",
        ["attributed_gmv"] = "GMV of paid_ads lines (credited to an ad)",
        ["attributed_orders"] = "Orders with a paid_ads line",
        ["attributed_net_revenue"] = "Net revenue of the lines credited to the campaign",
        ["attributed_contribution_before_ads"] = "Contribution before ads of the lines credited to the campaign",
        ["attributed_contribution"] = "Contribution before ads of the attributed lines",
        ["estimated_fee_revenue"] = "Net revenue whose fees are still estimates (not yet settled)",
        ["tiktok_settlement_amount"] = "TikTok's own settlement amount (what TikTok pays out) of the settled lines",
        ["settled_net_revenue"] = "Net revenue of the lines TikTok has settled",
        ["contribution_margin"] = "contribution_before_ads / net_revenue",
        ["roas"] = "attributed_gmv / ad_spend (null without spend)",
        ["blended_roas"] = "gmv / ad_spend over all traffic sources (MER)",
        ["roi"] = "contribution_after_ads / ad_spend",
        ["break_even_roas"] = "gmv / contribution_before_ads: the ROAS at which ads stop paying (null when contribution <= 0)",
        ["refund_rate"] = "refund_amount / gmv",
        ["period_end_date_key"] = "Last day of the review period (yyyymmdd key to rpt.dim_date); a Sunday or the last day of data",
        ["period_start_date_key"] = "First day of the review period (yyyymmdd)",
        ["period_end_date"] = "Last day of the review period",
        ["period_start_date"] = "First day of the review period (review_period_days before the end)",
        ["tier"] = "hero, winner, marginal, loser, organic or testing (profit model section 6)",
        ["action"] = "What to do about the SKU's ads, in words",
        ["reason"] = "Which tier rule fired, with the numbers",
        ["on_hand_units"] = "Units in stock at the end of the period",
        ["avg_daily_units"] = "Average daily units over the stock window",
        ["days_of_cover"] = "on_hand_units / avg_daily_units",
        ["restock_units"] = "Units to order for a hero or winner short of lead time + safety days of cover",
        ["is_overstock"] = "A loser with more days of cover than overstock_days",
        ["advertiser_id"] = "TikTok Ads advertiser account id",
        ["campaign_id"] = "TikTok Ads campaign id",
        ["alert_id"] = "Number of the alert episode (etl.alert_delivery refers to it)",
        ["rule_code"] = "The monitoring rule (profit model section 8): sku_loss, tier_to_loser, tier_to_hero, restock, campaign_spend_spike, campaign_to_zero, sku_spend_no_sales, campaign_spend_no_sales, hero_margin_drop, hero_roas_drop, unallocated_spend, settlement_difference, missing_fx, stale_source",
        ["subject_type"] = "What the alert is about: sku, campaign or shop",
        ["severity"] = "high, warning or info",
        ["subject"] = "The source of a stale_source alert, the currency of a missing_fx alert; blank otherwise",
        ["first_date_key"] = "First day of the alert episode as yyyymmdd (part of its grain: rule x subject x first day)",
        ["opened_on"] = "First day of the alert episode (the latest day with facts when the rule first held)",
        ["last_seen_on"] = "Latest day the rule held",
        ["resolved_on"] = "The day the subject recovered (the rule no longer held); empty while the episode is open",
        ["episode_status"] = "open or resolved",
        ["measured_value"] = "What the rule measured: contribution after ads, z-score, days of cover, unallocated share, days behind, ...",
        ["baseline_value"] = "What the measure is compared with: contribution before ads, trailing mean spend, daily units, total spend, ...",
        ["threshold_value"] = "The setting the rule fired against (etl.setting alert_*, safety and lead time)",
        ["money_amount"] = "The money at stake in the shop currency: lost contribution, spend without sales, extra spend, unallocated spend, a reorder's cost, a hero's margin lost on the day",
        ["alert_message"] = "The alert in the seller's words: the SKU or campaign, the money and what to do",
        ["delivered_at"] = "When the alert was delivered: on fact.alert once every configured digest channel carried it (empty = still to send); on etl.alert_delivery when that channel accepted it (or, while sending, when it was claimed)",
        ["delivery_status"] = "sending: claimed by a digest run before it sent (one never confirmed is not sent again); sent: the channel accepted it",
        ["digest_date"] = "The shop's local day whose scheduled digest went out",
        ["sent_at"] = "When the digest run sent it",
        ["campaign_name"] = "Campaign name",
        ["campaign_type"] = "REGULAR or GMV_MAX",
        ["adgroup_id"] = "TikTok Ads ad group id (blank on campaign-level rows)",
        ["adgroup_name"] = "Ad group name",
        ["ad_id"] = "TikTok Ads ad id (blank on campaign-level rows)",
        ["ad_name"] = "Ad name",
        ["click_attribution_window"] = "The ad group's click attribution window as TikTok sends it",
        ["view_attribution_window"] = "The ad group's view attribution window as TikTok sends it",
        ["campaign_level"] = "'ad' for an ad, 'campaign' for campaign-level spend (GMV Max), 'unknown' for key 0",
        ["campaign_ad_label"] = "Campaign / ad, for slicers",
        ["spend_source"] = "ad_report (Marketing API ad report) or gmv_max (GMV Max report)",
        ["spend"] = "Spend as the source reports it",
        ["impressions"] = "Impressions as the source reports them",
        ["clicks"] = "Clicks as the source reports them",
        ["conversions"] = "Conversions (complete payments) as TikTok reports them",
        ["tiktok_reported_gmv"] = "GMV TikTok attributes to the ad itself (its own model, not the warehouse's)",
        ["allocated_spend"] = "Spend allocated to SKUs, including the Unknown / Unallocated member; equals spend",
        ["unallocated_spend"] = "Part of the spend on Unknown / Unallocated (no SKU mapped)",
        ["allocated_sku_count"] = "Distinct SKUs (not Unknown) that received part of the spend that day",
        ["allocation_method"] = "How wholes are split into parts: revenue, units or margin (profit model section 4)",
        ["allocation_rule"] = "Which rule of profit model section 3 placed the spend",
        ["allocation_rules"] = "The rules of profit model section 3 that placed the day's spend, comma-separated",
        ["order_lines"] = "Order lines",
        ["settled_order_lines"] = "Order lines TikTok has settled",
        ["estimated_order_lines"] = "Order lines whose fees are still estimates",
        ["estimated_net_revenue"] = "Net revenue of the lines whose fees are still estimates",
        ["estimated_fees"] = "Platform and transaction fees that are estimates",
        ["computed_settlement_amount"] = "net_revenue - platform_fee - transaction_fee - affiliate_commission - shipping_cost of the settled lines",
        ["settlement_difference"] = "tiktok_settlement_amount - computed_settlement_amount",
        ["check_name"] = "gmv, ad_spend, ad_allocation or settlement",
        ["source_name"] = "The source: a TikTok feed, a staging table, or (rpt.data_freshness) the kind of facts",
        ["scope_id"] = "Shop or advertiser the watermark belongs to",
        ["high_water_mark"] = "Latest source time committed for the source and scope (UTC)",
        ["warehouse_name"] = "Where the warehouse figure comes from",
        ["order_id"] = "TikTok order id",
        ["source_amount"] = "Total at the source (settlement: TikTok's settlement)",
        ["warehouse_amount"] = "Total in the warehouse (settlement: the computed one)",
        ["difference"] = "Source minus warehouse (GMV Max tie-out: campaign cost minus product cost)",
        ["is_flagged"] = "The difference is not zero (settlement: beyond settlement_tolerance)",
        ["product_cost"] = "GMV Max cost reported on product rows",
        ["campaign_cost"] = "GMV Max cost reported for the campaign",
        ["untied_share"] = "difference / campaign_cost",
        ["is_tied_out"] = "Product rows add up to the campaign's cost",
        ["setting_name"] = "Name of the profit-model setting",
        ["setting_value"] = "Its value as text",
        ["latest_date_key"] = "Latest day (yyyymmdd) in the published facts",
        ["latest_date"] = "Latest day in the published facts",
        ["latest_run_id"] = "The latest etl.run that wrote rows of the source",
        ["latest_run_ended_at"] = "When that run ended (UTC)",
        ["current_unit_cost"] = "The SKU's unit cost valid today",
        ["cost_currency"] = "Currency of the unit cost",
        ["latest_tier"] = "Tier in the SKU's latest review period ('none' before the first)",
        ["latest_action"] = "Action in the SKU's latest review period",
        ["latest_period_end_date_key"] = "End of the SKU's latest review period (yyyymmdd)",
        ["is_unallocated"] = "The Unknown / Unallocated member (key 0)",
        ["year"] = "Calendar year",
        ["quarter"] = "Calendar quarter 1-4",
        ["quarter_label"] = "Q1-Q4",
        ["year_quarter_key"] = "year x 10 + quarter, sortable",
        ["year_quarter_label"] = "e.g. 2026-Q4",
        ["month"] = "Month 1-12",
        ["month_name"] = "Month name in English",
        ["month_short_name"] = "Jan-Dec",
        ["year_month_key"] = "yyyymm, sortable (use as Sort by column for year_month_label)",
        ["year_month_label"] = "e.g. 2026-11",
        ["month_start_date"] = "First day of the month",
        ["day_of_month"] = "Day of the month 1-31",
        ["day_of_week"] = "ISO day of week: 1 = Monday ... 7 = Sunday",
        ["day_name"] = "Day name in English",
        ["is_weekend"] = "Saturday or Sunday",
        ["iso_year"] = "ISO 8601 week-numbering year",
        ["iso_week"] = "ISO 8601 week 1-53",
        ["iso_week_key"] = "iso_year x 100 + iso_week, sortable",
        ["week_start_date"] = "Monday of the ISO week",
        ["week_end_date"] = "Sunday of the ISO week",
        ["fiscal_year"] = "Fiscal year, named after the calendar year it ends in (setting fiscal_year_start_month, default 1)",
        ["fiscal_year_label"] = "e.g. FY2026",
        ["fiscal_quarter"] = "Fiscal quarter 1-4",
        ["fiscal_quarter_label"] = "e.g. FY2026-Q4",
        ["fiscal_month"] = "Month of the fiscal year 1-12",
        ["line_item_id"] = "TikTok order line id",
        ["order_status"] = "TikTok order status",
        ["restocked_units"] = "Returned units that came back sellable (their cost is given back)",
        ["click_window_days"] = "Click attribution window of the run, in days",
        ["view_window_days"] = "View attribution window of the run, in days",
        ["reported_gmv"] = "TikTok's own attributed value for the ad",
        ["unit_cost"] = "Cost of one unit",
        ["valid_from"] = "First day the row applies",
        ["is_current"] = "The row valid today",
        ["computed_settlement"] = "net_revenue - fees - affiliate - shipping",
        ["run_id"] = "Run id",
        ["command"] = "The CLI command or job that ran",
        ["arguments"] = "Its arguments, secrets masked",
        ["started_at"] = "Start (UTC)",
        ["ended_at"] = "End (UTC)",
        ["status"] = "running, succeeded, failed, or abandoned (its process ended without finishing it: killed, crashed)",
        ["host_name"] = "Machine the run's process ran on",
        ["process_id"] = "The run's process id on that machine",
        ["error_message"] = "Why the run failed",
        ["step_number"] = "Order of the step in the run",
        ["step_name"] = "The procedure or stage the step ran",
        ["rows_read"] = "Rows read by the step",
        ["rows_written"] = "Rows written by the step",
        ["rows_rejected"] = "Rows rejected by the step",
        ["rows_duplicate"] = "Rows of a loaded file that repeated the key of a later row of the same file and were replaced by it (the last row wins)",
        ["message"] = "What the step reported",
        ["updated_at"] = "Last change (UTC)",
        ["reject_id"] = "Rejected row id",
        ["file_or_page"] = "File (or API page) the bad row came from",
        ["row_number"] = "Line of the file",
        ["field_name"] = "Column of the bad value",
        ["raw_text"] = "The row as read",
        ["rejected_at"] = "When it was rejected (UTC)",
        ["iana_name"] = "IANA time zone name (PostgreSQL)",
        ["windows_name"] = "Windows time zone name (SQL Server AT TIME ZONE)",
        ["schemaversionsid"] = "DbUp journal row id",
        ["scriptname"] = "Script applied by DbUp",
        ["applied"] = "When DbUp applied it",
        ["fee_basis"] = "settled (TikTok's fees) or estimated",
        ["reporting_currency"] = "Currency of cross-shop totals (setting reporting_currency, default USD)",
        ["fx_rate_to_reporting"] = "Units of the reporting currency per unit of the row's currency on the row's day: the latest stg.fx_rate on or before the day, 1 for the reporting currency itself, NULL (never 1) without a rate; amount x fx_rate_to_reporting is the amount in the reporting currency",
        ["expense_category"] = "The seller's own grouping of a fixed or manual expense (stg.expense.category), e.g. Software, Agency fee",
        ["expense_amount"] = "The day's share of the category's fixed and manual expenses, in the shop's currency (each expense spread evenly over its days, exact to the cent)",
        ["current_spend"] = "Budget plan: ad spend in the current week (the last 7 days of the review period)",
        ["planned_spend"] = "Budget plan: next week's planned ad spend (current_spend + change_amount)",
        ["change_amount"] = "Budget plan: planned_spend - current_spend (negative = a cut)",
        ["plan_rule"] = "Budget plan rule that set the amount: loser_cut, loser_test, testing_cap, testing_keep, hero_raise, winner_raise, restock_first, budget_cut or keep",
        ["plan_reason"] = "The budget plan's rule in words, with the numbers",
        ["pace_cap"] = "Most extra weekly spend the pace allows: floor(current_spend x max_change) to the cent (heroes and winners; else 0)",
        ["stock_cap"] = "Most extra weekly spend the stock allows: available_units / units_per_ad_money to the cent (empty: no units sold, no limit)",
        ["units_per_ad_money"] = "Units sold per unit of ad spend over the review period (units / ad_spend)",
        ["available_units"] = "On hand less lead-time demand (avg_daily_units x lead time days), at least 0",
        ["restock_first_units"] = "Where stock binds (restock_first): units to restock so the SKU could take its pace cap",
        ["attributed_contribution_rate"] = "Contribution before ads of paid_ads lines per unit of ad spend over the review period: what a cut loses",
        ["return_factor"] = "Diminishing-return factor of the plan (setting plan_return_factor): extra spend earns ROI x this",
        ["current_contribution_after_ads"] = "Contribution after ads in the current week",
        ["expected_contribution_change"] = "change > 0: change x roi x return_factor; change < 0: -change x (1 - attributed_contribution_rate)",
        ["expected_contribution_after_ads"] = "current_contribution_after_ads + expected_contribution_change",
        ["budget"] = "The plan's weekly budget: --budget of `warehouse plan`, else the current week's total spend",
        ["unplaced"] = "budget - planned spend: money no SKU could take under its caps, reported and left unspent",
        ["max_change"] = "Pace of the plan: largest weekly raise as a share of current spend (--max-change, setting plan_max_change)",
        ["test_budget"] = "Weekly spend a testing SKU keeps at most (setting plan_test_budget)",
        ["keep_testing_losers"] = "Losers keep the test budget instead of being cut to zero (setting plan_keep_testing_losers)",
        ["current_week_start_date_key"] = "First day (yyyymmdd) of the plan's current week: the last 7 days of the review period",
        ["current_week_start_date"] = "First day of the plan's current week: the last 7 days of the review period",
        ["skus"] = "Distinct SKUs the campaign's ad spent on in the current week",
        ["fx_rate_date"] = "Date of the stg.fx_rate row that gives the day's rate (NULL for the reporting currency, or without a rate)",
    };

    /// <summary>Descriptions of tables whose script has no comment right above CREATE TABLE.</summary>
    private static readonly Dictionary<string, string> TableMeanings = new(StringComparer.Ordinal)
    {
        ["dim.date"] = "One row per calendar day 2015-2035 (whole years), key yyyymmdd. Power BI uses rpt.dim_date.",
        ["dim.shop"] = "One row per TikTok shop; key 0 = Unknown.",
        ["dim.product"] = "One row per SKU (the grain of every SKU figure); the product is an attribute; key 0 = Unknown / Unallocated.",
        ["dim.traffic_source"] = "Where a sale came from (profit model section 2).",
        ["fact.order_line"] = "One row per order line with every figure of profit model section 1 and its attribution (section 2).",
        ["fact.sku_daily"] = "SKU x day x traffic source with every figure of profit model section 5.",
        ["etl.reject"] = "Input rows the load refused: file, line, column, reason and the raw text.",
        ["etl.run"] = "One row per run of a command or job, with its outcome.",
        ["etl.run_step"] = "The steps of a run (one per transform procedure), with row counts.",
        ["etl.schema_version"] = "DbUp's journal of the migration scripts applied.",
        ["etl.watermark"] = "How far each source has been read, per shop or advertiser.",
    };

    [GeneratedRegex(@"^(?<metric>attributed_gmv|attributed_contribution|roas|attributed_roi)_(?<days>\d+)d$")]
    private static partial Regex WindowColumn();

    /// <summary>The dictionary as markdown, from the live schema of <paramref name="connection"/> (PostgreSQL).</summary>
    public static async Task<string> GenerateAsync(DbConnection connection)
    {
        var columns = (await connection.QueryAsync<(string Schema, string Table, string Kind, string Column, string Type, bool NotNull)>(
            """
            SELECT n.nspname, c.relname, c.relkind::text, a.attname, format_type(a.atttypid, a.atttypmod), a.attnotnull
            FROM pg_class AS c
            JOIN pg_namespace AS n ON n.oid = c.relnamespace
            JOIN pg_attribute AS a ON a.attrelid = c.oid AND a.attnum > 0 AND NOT a.attisdropped
            WHERE c.relkind IN ('r', 'v') AND n.nspname = ANY(@schemas)
              AND c.relname NOT LIKE 'work\_%' AND c.relname NOT LIKE 'qrtz\_%'
            ORDER BY n.nspname, c.relname, a.attnum
            """, new { schemas = Schemas })).ToList();
        var (tableComments, columnComments) = ReadScriptComments();

        var text = new StringBuilder();
        text.AppendLine("# Data dictionary");
        text.AppendLine();
        text.AppendLine("Generated from the live schema (PostgreSQL catalog) by `tests/Warehouse.Tests/Reports/DataDictionary.cs`;");
        text.AppendLine("`DataDictionaryTests` fails when this file and the schema differ. To regenerate after a schema change:");
        text.AppendLine("`WAREHOUSE_WRITE_DOCS=1 dotnet test tests/Warehouse.Tests/Warehouse.Tests.csproj --filter FullyQualifiedName~DataDictionary`.");
        text.AppendLine();
        text.AppendLine("Schemas: `rpt` (views for people and Power BI: start here), `dim` and `fact` (the star the views read),");
        text.AppendLine("`etl` (runs, settings, rejects; work tables and the scheduler's tables are left out). `stg` mirrors the");
        text.AppendLine("TikTok payloads and is not for reporting (see `sql/postgres/migrations/0003_staging.sql`); `warehouse_reader` cannot read it.");
        text.AppendLine("Types are PostgreSQL's; on SQL Server `character varying` is `nvarchar`, `numeric` is `decimal`, `boolean` is `bit`,");
        text.AppendLine("`timestamp with time zone` is `datetimeoffset`. Money is `numeric(19,4)` in the shop's currency; `fx_rate_to_reporting` converts it to the reporting currency. Definitions follow `docs/profit-model.md`.");
        foreach (var schema in Schemas)
        {
            foreach (var table in columns.Where(c => c.Schema == schema).GroupBy(c => c.Table))
            {
                var name = $"{schema}.{table.Key}";
                var kind = table.First().Kind == "v" ? "view" : "table";
                text.AppendLine();
                text.AppendLine($"## {name} ({kind})");
                text.AppendLine();
                text.AppendLine(TableMeanings.GetValueOrDefault(name) ?? tableComments.GetValueOrDefault(name, Missing));
                text.AppendLine();
                text.AppendLine("| column | type | meaning |");
                text.AppendLine("|---|---|---|");
                foreach (var column in table)
                {
                    var general = Meanings.GetValueOrDefault(column.Column) ?? WindowMeaning(column.Column);
                    var comment = columnComments.GetValueOrDefault($"{name}.{column.Column}");
                    var meaning = (general, comment) switch
                    {
                        ({ } g, { } c) => $"{g} ({c})",
                        ({ } g, null) => g,
                        (null, { } c) => c,
                        _ => Missing,
                    };
                    var type = column.Type + (kind == "table" && column.NotNull ? "" : kind == "table" ? ", null" : "");
                    text.AppendLine($"| {column.Column} | {type} | {meaning.Replace("|", "\\|", StringComparison.Ordinal)} |");
                }
            }
        }

        return text.ToString().Replace("\r\n", "\n", StringComparison.Ordinal);
    }

    private static string? WindowMeaning(string column)
    {
        var match = WindowColumn().Match(column);
        if (!match.Success)
        {
            return null;
        }

        var what = match.Groups["metric"].Value switch
        {
            "attributed_gmv" => "Attributed GMV",
            "attributed_contribution" => "Contribution before ads of the attributed lines",
            "roas" => "ROAS (attributed GMV / ad spend)",
            _ => "Attributed ROI ((attributed contribution - ad spend) / ad spend)",
        };
        return $"{what} under a {match.Groups["days"].Value}-day click window";
    }

    /// <summary>Comments in sql/postgres: above CREATE TABLE and on column lines (migrations), at the top of a view's script.</summary>
    private static (Dictionary<string, string> Tables, Dictionary<string, string> Columns) ReadScriptComments()
    {
        var tables = new Dictionary<string, string>(StringComparer.Ordinal);
        var columns = new Dictionary<string, string>(StringComparer.Ordinal);
        var root = Path.Combine(Schema.SqlServerScripts.RepositoryRoot, "sql", "postgres");
        foreach (var file in Directory.EnumerateFiles(Path.Combine(root, "migrations"), "*.sql").Order(StringComparer.Ordinal))
        {
            var pending = new List<string>();
            string? table = null;
            foreach (var line in File.ReadLines(file))
            {
                var trimmed = line.Trim();
                var create = Regex.Match(trimmed, @"^CREATE TABLE (\w+\.\w+)", RegexOptions.IgnoreCase);
                if (create.Success)
                {
                    table = create.Groups[1].Value.ToLowerInvariant();
                    if (pending.Count > 0)
                    {
                        tables[table] = string.Join(" ", pending);
                    }

                    pending.Clear();
                    continue;
                }

                if (trimmed.StartsWith("--", StringComparison.Ordinal))
                {
                    pending.Add(trimmed.TrimStart('-').Trim());
                    continue;
                }

                if (trimmed.Length == 0 || trimmed.StartsWith("INSERT", StringComparison.OrdinalIgnoreCase))
                {
                    pending.Clear();
                }

                if (table is not null)
                {
                    var column = Regex.Match(line, @"^\s+(\w+)\s+[^-]*--\s*(.+)$");
                    if (column.Success && !column.Groups[1].Value.Equals("CONSTRAINT", StringComparison.OrdinalIgnoreCase))
                    {
                        columns[$"{table}.{column.Groups[1].Value.ToLowerInvariant()}"] = column.Groups[2].Value.Trim();
                    }

                    if (trimmed.StartsWith(");", StringComparison.Ordinal))
                    {
                        table = null;
                    }
                }
            }
        }

        foreach (var file in Directory.EnumerateFiles(Path.Combine(root, "views"), "*.sql"))
        {
            var lines = File.ReadLines(file).TakeWhile(l => l.StartsWith("--", StringComparison.Ordinal)).Select(l => l.TrimStart('-').Trim()).ToList();
            var view = Regex.Match(File.ReadAllText(file), @"CREATE (?:OR REPLACE )?VIEW (\w+\.\w+)", RegexOptions.IgnoreCase);
            if (view.Success && lines.Count > 0)
            {
                tables[view.Groups[1].Value.ToLowerInvariant()] = string.Join(" ", lines);
            }
        }

        return (tables, columns);
    }
}
