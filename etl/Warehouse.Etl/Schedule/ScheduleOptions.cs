using Microsoft.Extensions.Configuration;
using Quartz;
using Warehouse.Database;

namespace Warehouse.Schedule;

/// <summary>
/// What `warehouse serve` runs and when: section Warehouse:Schedule of appsettings.json, user secrets
/// or the environment (Warehouse__Schedule__Extract__Cron=...). Cron expressions are Quartz's
/// (seconds first); every cron runs in <see cref="TimeZone"/>, the shop's time zone.
/// </summary>
public sealed class ScheduleOptions
{
    public const string Section = "Warehouse:Schedule";

    /// <summary>IANA name of the time zone every cron runs in (the shop's): weekly report on Monday morning there.</summary>
    public string TimeZone { get; set; } = "UTC";

    /// <summary>Quartz scheduler name: every `warehouse serve` with the same name and database forms one cluster.</summary>
    public string SchedulerName { get; set; } = "warehouse";

    /// <summary>A trigger this late counts as misfired and gets its misfire policy (run once now, or skip).</summary>
    public int MisfireThresholdSeconds { get; set; } = 60;

    /// <summary>How long a stop (Ctrl+C, SIGTERM) waits for the running step to finish or roll back.</summary>
    public int StopTimeoutSeconds { get; set; } = 300;

    /// <summary>How often a node checks in with the cluster; a node silent for twice this is taken as dead and its work recovered.</summary>
    public int ClusterCheckinSeconds { get; set; } = 7;

    public ExtractOptions Extract { get; set; } = new();

    public TransformScheduleOptions Transform { get; set; } = new();

    public ReportOptions Report { get; set; } = new();

    public QualityOptions Quality { get; set; } = new();

    public SmtpOptions Smtp { get; set; } = new();

    public AlertOptions Alerts { get; set; } = new();

    public static ScheduleOptions From(IConfiguration configuration)
    {
        var options = configuration.GetSection(Section).Get<ScheduleOptions>() ?? new ScheduleOptions();
        options.Validate();
        return options;
    }

    public TimeZoneInfo Zone()
    {
        try
        {
            return TimeZoneInfo.FindSystemTimeZoneById(TimeZone);
        }
        catch (Exception error) when (error is TimeZoneNotFoundException or InvalidTimeZoneException)
        {
            throw new WarehouseException($"{Section}:TimeZone '{TimeZone}' is not a time zone this machine knows (use an IANA name such as America/Los_Angeles)", error);
        }
    }

    public void Validate()
    {
        _ = Zone();
        CheckCron("Extract:Cron", Extract.Cron);
        CheckCron("Report:Cron", Report.Cron);
        CheckCron("Quality:Cron", Quality.Cron);
        CheckCron("Alerts:DigestCheckCron", Alerts.DigestCheckCron);
        Alerts.Validate();
        if (!string.IsNullOrWhiteSpace(Transform.Cron))
        {
            CheckCron("Transform:Cron", Transform.Cron);
        }

        if (Report.Period is not ("previous-week" or "latest-data"))
        {
            throw new WarehouseException($"{Section}:Report:Period must be previous-week or latest-data, not '{Report.Period}'");
        }

        foreach (var source in Extract.AllSources())
        {
            source.Validate();
        }
    }

    private static void CheckCron(string key, string cron)
    {
        if (!CronExpression.TryParse(cron, out _))
        {
            throw new WarehouseException($"{Section}:{key} '{cron}' is not a Quartz cron expression (seconds minutes hours day-of-month month day-of-week [year], e.g. '0 0 * * * ?')");
        }
    }
}

public sealed class ExtractOptions
{
    /// <summary>Every hour on the hour.</summary>
    public string Cron { get; set; } = "0 0 * * * ?";

    /// <summary>The default source (when <see cref="Sources"/> is empty): folder, sandbox or tiktok.</summary>
    public string Source { get; set; } = "folder";

    /// <summary>Folder of staging CSV files, for source folder.</summary>
    public string? Folder { get; set; }

    /// <summary>Base URL of the TikTok sandbox, for source sandbox.</summary>
    public string? SandboxUrl { get; set; }

    /// <summary>Shop or advertiser id the default source covers (default: every authorized one).</summary>
    public string? Shop { get; set; }

    /// <summary>The seller's own files (costs, ad map, touchpoints, affiliate orders, cost settings, exports), loaded on every extract run.</summary>
    public SellerFilesOptions? SellerFiles { get; set; }

    /// <summary>One extract job per entry (per source and shop/advertiser); empty = one from the keys above.</summary>
    public List<ExtractSourceOptions> Sources { get; set; } = [];

    /// <summary>The extract jobs; an entry of <see cref="Sources"/> without its own seller files gets <see cref="SellerFiles"/>.</summary>
    public IReadOnlyList<ExtractSourceOptions> AllSources() =>
        Sources.Count > 0
            ? Sources.Select(s => s.SellerFiles?.Folder is { Length: > 0 } ? s : s.With(SellerFiles)).ToList()
            : [new ExtractSourceOptions { Source = Source, Folder = Folder, SandboxUrl = SandboxUrl, Shop = Shop, SellerFiles = SellerFiles }];
}

/// <summary>
/// A folder of the seller's own files, loaded after the source's data on every extract run (idempotent):
/// staging-named CSV files (<c>sku_cost.csv</c>, <c>touchpoint.csv</c>, ...) as `warehouse load` reads them,
/// any other CSV/XLSX as `warehouse import` reads it (kind from the header).
/// </summary>
public sealed class SellerFilesOptions
{
    public string? Folder { get; set; }

    /// <summary>The shop files without a shop_id column belong to (as `warehouse import --shop`).</summary>
    public string? Shop { get; set; }

    /// <summary>The advertiser of Ads Manager / GMV Max exports and ad maps without an advertiser_id column.</summary>
    public string? Advertiser { get; set; }

    /// <summary>The shop's Seller Center time format, for order and income exports (as `--date-format`).</summary>
    public string? DateFormat { get; set; }

    public decimal MaxRejectRate { get; set; } = 0.01m;
}

public sealed class ExtractSourceOptions
{
    public string Source { get; set; } = "folder";

    public string? Folder { get; set; }

    public string? SandboxUrl { get; set; }

    public string? Shop { get; set; }

    public SellerFilesOptions? SellerFiles { get; set; }

    /// <summary>A copy with these seller files.</summary>
    public ExtractSourceOptions With(SellerFilesOptions? sellerFiles) =>
        new() { Source = Source, Folder = Folder, SandboxUrl = SandboxUrl, Shop = Shop, SellerFiles = sellerFiles };

    /// <summary>The job's name: extract-folder, extract-tiktok-7495..., unique per source and shop.</summary>
    public string JobName => Shop is null ? $"extract-{Source}" : $"extract-{Source}-{Shop}";

    public void Validate()
    {
        if (Source is not ("folder" or "sandbox" or "tiktok"))
        {
            throw new WarehouseException($"extract source must be folder, sandbox or tiktok, not '{Source}'");
        }
    }
}

public sealed class TransformScheduleOptions
{
    /// <summary>Own cron for the transform; empty (the default) = only chained after each successful extract.</summary>
    public string? Cron { get; set; }

    public int ClickWindowDays { get; set; } = 7;

    public int ViewWindowDays { get; set; } = 1;

    public string AllocationMethod { get; set; } = "revenue";

    /// <summary>Days ending today a scheduled transform recomputes as well as what changed since the last one; 0 (default) = only what changed.</summary>
    public int Days { get; set; }
}

public sealed class ReportOptions
{
    /// <summary>Mondays at 07:00 in the shop's time zone.</summary>
    public string Cron { get; set; } = "0 0 7 ? * MON";

    /// <summary>Where workbooks are written (default .warehouse/reports; /reports in docker).</summary>
    public string? Folder { get; set; }

    /// <summary>previous-week: the last complete ISO week before today; latest-data: the ISO week of the latest day with facts.</summary>
    public string Period { get; set; } = "previous-week";

    public string ResolvedFolder() =>
        string.IsNullOrWhiteSpace(Folder) ? Path.Combine(RepositoryRoot.Find(), ".warehouse", "reports") : Path.GetFullPath(Folder);
}

public sealed class QualityOptions
{
    /// <summary>Every night at 02:30 in the shop's time zone.</summary>
    public string Cron { get; set; } = "0 30 2 * * ?";

    /// <summary>An extract older than this fails the freshness check.</summary>
    public int MaxExtractAgeHours { get; set; } = 3;

    /// <summary>Rejected rows over the last day above this share of rows read fail the reject check.</summary>
    public decimal MaxRejectRate { get; set; } = 0.01m;
}

/// <summary>SMTP for the weekly workbook; no Host = no e-mail. The password belongs in user secrets or the environment.</summary>
public sealed class SmtpOptions
{
    public string? Host { get; set; }

    public int Port { get; set; } = 587;

    public bool UseStartTls { get; set; } = true;

    public string? User { get; set; }

    public string? Password { get; set; }

    public string From { get; set; } = "warehouse@localhost";

    /// <summary>Finance's address(es), comma separated.</summary>
    public string? To { get; set; }

    public bool Enabled => !string.IsNullOrWhiteSpace(Host) && !string.IsNullOrWhiteSpace(To);
}

/// <summary>
/// The daily alert digest (profit model section 8): by e-mail when <see cref="Email"/> and Smtp are set, to an
/// incoming webhook when <see cref="WebhookUrl"/> is set (a secret: user secrets or the environment).
/// </summary>
public sealed class AlertOptions
{
    /// <summary>Local time of each shop's daily digest, on the shop's own clock (its time zone in dim.shop), HH:mm.</summary>
    public string DigestTime { get; set; } = "08:00";

    /// <summary>How often the digest job looks for shops whose digest time has come: every 15 minutes.</summary>
    public string DigestCheckCron { get; set; } = "0 0/15 * * * ?";

    /// <summary>Mail the digest to Smtp:To (when Smtp is configured).</summary>
    public bool Email { get; set; } = true;

    /// <summary>Slack or Teams incoming-webhook URL; empty = no webhook.</summary>
    public string? WebhookUrl { get; set; }

    /// <summary>slack or teams.</summary>
    public string WebhookFormat { get; set; } = "slack";

    public int WebhookRetries { get; set; } = 3;

    public int WebhookRetryDelayMilliseconds { get; set; } = 2000;

    /// <summary>The channels configured: email, webhook.</summary>
    public IReadOnlyList<string> Channels(SmtpOptions smtp) =>
        [.. (Email && smtp.Enabled ? new[] { "email" } : []), .. (string.IsNullOrWhiteSpace(WebhookUrl) ? Array.Empty<string>() : ["webhook"])];

    public TimeOnly Time() =>
        TimeOnly.TryParseExact(DigestTime, ["HH:mm", "H:mm"], System.Globalization.CultureInfo.InvariantCulture, System.Globalization.DateTimeStyles.None, out var time)
            ? time
            : throw new WarehouseException($"{ScheduleOptions.Section}:Alerts:DigestTime '{DigestTime}' is not a time of day (HH:mm, such as 08:00)");

    public void Validate()
    {
        Time();
        if (WebhookRetries < 1)
        {
            throw new WarehouseException($"{ScheduleOptions.Section}:Alerts:WebhookRetries must be at least 1, not {WebhookRetries}");
        }

        if (WebhookFormat is not ("slack" or "teams"))
        {
            throw new WarehouseException($"{ScheduleOptions.Section}:Alerts:WebhookFormat must be slack or teams, not '{WebhookFormat}'");
        }

        if (!string.IsNullOrWhiteSpace(WebhookUrl) && !Uri.TryCreate(WebhookUrl, UriKind.Absolute, out _))
        {
            throw new WarehouseException($"{ScheduleOptions.Section}:Alerts:WebhookUrl is not an absolute URL");
        }
    }
}
