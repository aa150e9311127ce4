using System.Globalization;
using Microsoft.Extensions.Configuration;
using Dapper;
using Warehouse.Alerts;
using Warehouse.Database;
using Warehouse.Schedule;
using Warehouse.Tests.Infrastructure;
using Warehouse.Tests.Schedule;

namespace Warehouse.Tests.Alerts;

/// <summary>Each shop's digest goes out at the configured local time on its own clock, once a local day.</summary>
public sealed class DigestScheduleTests(WarehouseFixture fixture) : IClassFixture<WarehouseFixture>
{
    private sealed class Clock(DateTimeOffset now) : TimeProvider
    {
        public DateTimeOffset Now { get; set; } = now;

        public override DateTimeOffset GetUtcNow() => Now;
    }

    /// <summary>
    /// now (UTC), the shop's time zone, the digest time, the last digest's local day, the day due (empty: not due).
    /// Los Angeles is UTC-8 in November, UTC-7 from 2026-03-08 02:00 (02:30 does not exist that day); Tokyo UTC+9.
    /// </summary>
    [Theory]
    [InlineData("2026-11-23T15:59:59Z", "America/Los_Angeles", "08:00", null, null)]
    [InlineData("2026-11-23T16:00:00Z", "America/Los_Angeles", "08:00", null, "2026-11-23")]
    [InlineData("2026-11-23T16:00:00Z", "America/Los_Angeles", "08:00", "2026-11-22", "2026-11-23")]
    [InlineData("2026-11-24T07:59:00Z", "America/Los_Angeles", "08:00", "2026-11-22", "2026-11-23")]
    [InlineData("2026-11-23T16:00:00Z", "America/Los_Angeles", "08:00", "2026-11-23", null)]
    [InlineData("2026-11-23T08:00:00Z", "Europe/London", "08:00", null, "2026-11-23")]
    [InlineData("2026-11-23T07:59:00Z", "Europe/London", "08:00", null, null)]
    [InlineData("2026-11-23T23:00:00Z", "Asia/Tokyo", "08:00", "2026-11-23", "2026-11-24")]
    [InlineData("2026-11-23T22:59:00Z", "Asia/Tokyo", "08:00", "2026-11-23", null)]
    [InlineData("2026-03-08T09:59:00Z", "America/Los_Angeles", "02:30", null, null)]
    [InlineData("2026-03-08T10:00:00Z", "America/Los_Angeles", "02:30", null, "2026-03-08")]
    public void A_shops_digest_is_due_from_its_local_digest_time_once_a_local_day(string now, string zone, string time, string? last, string? due)
    {
        var day = DigestSchedule.DueDay(
            DateTimeOffset.Parse(now, CultureInfo.InvariantCulture), TimeZoneInfo.FindSystemTimeZoneById(zone),
            TimeOnly.Parse(time, CultureInfo.InvariantCulture), last is null ? null : DateOnly.Parse(last, CultureInfo.InvariantCulture));

        Assert.Equal(due is null ? null : DateOnly.Parse(due, CultureInfo.InvariantCulture), day);
    }

    /// <summary>
    /// The small sample: shop 1 in Los Angeles, shop 2 in London, both with open alerts. Digest time 08:00, the clock
    /// set by hand: at 10:00 UTC only London's is due; at 16:00 UTC (08:00 in Los Angeles) Los Angeles's; at 16:15 none;
    /// the next morning in London its digest runs again with nothing new.
    /// </summary>
    [Theory]
    [ClassData(typeof(Engines))]
    public async Task A_scheduled_digest_sends_only_the_shops_whose_local_digest_time_has_come_and_each_once_a_day(Engine engine)
    {
        var database = await fixture.CleanDatabaseAsync(engine);
        await Pipeline.LoadAsync(database, Pipeline.SmallSampleFiles);
        await Pipeline.TransformAsync(database);
        await using var webhook = new WebhookListener(200);
        var options = new ScheduleOptions { Alerts = { WebhookUrl = webhook.Url("/hook"), DigestTime = "08:00" } };
        var clock = new Clock(DateTimeOffset.Parse("2026-11-23T10:00:00Z", CultureInfo.InvariantCulture));
        var work = new WarehouseWork(database, options, clock);
        var cancel = TestContext.Current.CancellationToken;

        var london = await work.ScheduledDigestAsync("test", cancel);
        var body = Assert.Single(webhook.Requests).Body;
        Assert.Contains("Sample Shop 2 (GB)", body, StringComparison.Ordinal);
        Assert.DoesNotContain("Sample Shop 1 (US)", body, StringComparison.Ordinal);
        Assert.EndsWith("for 7495610000000002 (2026-11-23)", london.Summary, StringComparison.Ordinal);

        clock.Now = DateTimeOffset.Parse("2026-11-23T16:00:00Z", CultureInfo.InvariantCulture);
        var losAngeles = await work.ScheduledDigestAsync("test", cancel);
        Assert.Equal(2, webhook.Requests.Count);
        Assert.Contains("Sample Shop 1 (US)", webhook.Requests[1].Body, StringComparison.Ordinal);
        Assert.DoesNotContain("Sample Shop 2 (GB)", webhook.Requests[1].Body, StringComparison.Ordinal);
        Assert.EndsWith("for 7495610000000001 (2026-11-23)", losAngeles.Summary, StringComparison.Ordinal);

        clock.Now = DateTimeOffset.Parse("2026-11-23T16:15:00Z", CultureInfo.InvariantCulture);
        Assert.Equal("no shop due (digest at 08:00 local time of each shop)", (await work.ScheduledDigestAsync("test", cancel)).Summary);

        clock.Now = DateTimeOffset.Parse("2026-11-24T08:00:00Z", CultureInfo.InvariantCulture);
        Assert.Equal("webhook: nothing new for 7495610000000002 (2026-11-24)", (await work.ScheduledDigestAsync("test", cancel)).Summary);
        Assert.Equal(2, webhook.Requests.Count);

        await using var connection = await database.OpenAsync();
        Assert.Equal(0, await connection.ExecuteScalarAsync<int>(
            "SELECT COUNT(*) FROM rpt.alert WHERE episode_status = 'open' AND alert_id NOT IN (SELECT alert_id FROM etl.alert_delivery)"));
        Assert.Equal(3, await connection.ExecuteScalarAsync<int>("SELECT COUNT(*) FROM etl.alert_digest"));
    }
}

/// <summary>The digest settings are checked when the configuration is read, each error naming its setting.</summary>
public sealed class DigestOptionsTests
{
    [Theory]
    [InlineData("Warehouse:Schedule:Alerts:DigestTime", "8 o'clock", "Warehouse:Schedule:Alerts:DigestTime '8 o'clock' is not a time of day (HH:mm, such as 08:00)")]
    [InlineData("Warehouse:Schedule:Alerts:DigestTime", "24:00", "Warehouse:Schedule:Alerts:DigestTime '24:00' is not a time of day (HH:mm, such as 08:00)")]
    [InlineData("Warehouse:Schedule:Alerts:WebhookRetries", "0", "Warehouse:Schedule:Alerts:WebhookRetries must be at least 1, not 0")]
    public void A_bad_digest_setting_is_refused_naming_it(string key, string value, string message)
    {
        var configuration = new ConfigurationBuilder()
            .AddInMemoryCollection(new Dictionary<string, string?> { [key] = value }).Build();

        var error = Assert.Throws<WarehouseException>(() => ScheduleOptions.From(configuration));

        Assert.Equal(message, error.Message);
    }

    [Fact]
    public void The_digest_time_is_read_as_local_hours_and_minutes()
    {
        var configuration = new ConfigurationBuilder()
            .AddInMemoryCollection(new Dictionary<string, string?> { ["Warehouse:Schedule:Alerts:DigestTime"] = "7:45" }).Build();

        Assert.Equal(new TimeOnly(7, 45), ScheduleOptions.From(configuration).Alerts.Time());
        Assert.Equal(new TimeOnly(8, 0), new AlertOptions().Time());
    }
}
