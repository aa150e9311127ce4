using Dapper;
using Microsoft.Extensions.Configuration;
using Warehouse.Control;
using Warehouse.Database;
using Warehouse.Logging;
using Warehouse.Tests.Infrastructure;
using Warehouse.Tests.Schedule;

namespace Warehouse.Tests.Hardening;

/// <summary>Issue 13, item 10: credentials inside a URL never reach the log or etl.run.arguments.</summary>
public sealed class UrlCredentialTests(WarehouseFixture fixture) : IClassFixture<WarehouseFixture>
{
    [Theory]
    [InlineData("--sandbox-url http://user:pw@127.0.0.1:8765/x", "--sandbox-url http://***@127.0.0.1:8765/x")]
    [InlineData("https://ops:p@ss@wörd@api.example.com/v1?x=1", "https://***@api.example.com/v1?x=1")]
    [InlineData("postgres://etl:Secr3t@db.internal:5432/warehouse and http://bob@h/", "postgres://***@db.internal:5432/warehouse and http://***@h/")]
    [InlineData("Failed to GET \"http://user:pw@host/path\": refused", "Failed to GET \"http://***@host/path\": refused")]
    public void The_userinfo_of_every_url_is_masked(string text, string masked)
    {
        Assert.Equal(masked, SecretMasker.Mask(text));
        Assert.Equal(masked, SecretValues.Mask(text));
    }

    [Theory]
    [InlineData("http://127.0.0.1:8765/open_api/v1.3/report?page=2")]
    [InlineData("mail finance@example.com from http://host/ at 07:00")]
    [InlineData("folder /data/in@box/files")]
    public void Urls_without_credentials_and_e_mail_addresses_stay_as_they_are(string text) =>
        Assert.Equal(text, SecretMasker.Mask(text));

    [Fact]
    public void A_configured_alert_webhook_url_is_masked_wherever_it_is_written()
    {
        const string url = "https://hooks.slack.com/services/T000/B000/XyZ-webhook-secret-81";
        var configuration = new ConfigurationBuilder()
            .AddInMemoryCollection(new Dictionary<string, string?> { ["Warehouse:Alerts:WebhookUrl"] = url })
            .Build();

        SecretValues.AddFrom(configuration);

        var masked = SecretValues.Mask($"digest: POST {url} failed: 500");
        Assert.DoesNotContain("XyZ-webhook-secret-81", masked, StringComparison.Ordinal);
        Assert.StartsWith("digest: POST ", masked, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_password_in_a_command_line_url_is_in_neither_the_log_nor_etl_run_arguments()
    {
        var database = await fixture.CleanDatabaseAsync(Engine.Postgres);
        var logs = Path.Combine(Path.GetTempPath(), "warehouse-tests", $"logs-{Guid.NewGuid():N}");
        const string password = "Url-Pa55word-x7";
        using var extract = ScheduleHarness.StartCli(database, logs,
            "extract", "--source", "sandbox", "--sandbox-url", $"http://seller:{password}@127.0.0.1:9/", "--attempt-timeout", "1", "--from", "2026-11-01", "--to", "2026-11-01");
        var output = await extract.StandardOutput.ReadToEndAsync(TestContext.Current.CancellationToken);
        var error = await extract.StandardError.ReadToEndAsync(TestContext.Current.CancellationToken);
        await extract.WaitForExitAsync(TestContext.Current.CancellationToken);

        Assert.Equal(1, extract.ExitCode); // nothing listens on port 9
        await using var connection = await database.OpenAsync(TestContext.Current.CancellationToken);
        var arguments = await connection.QuerySingleAsync<string>("SELECT arguments FROM etl.run WHERE command = 'extract'");
        Assert.Contains("http://***@127.0.0.1:9/", arguments, StringComparison.Ordinal);
        var recorded = string.Join("\n", await connection.QueryAsync<string>(
            "SELECT COALESCE(arguments, '') || ' ' || COALESCE(error_message, '') FROM etl.run UNION ALL SELECT COALESCE(message, '') FROM etl.run_step"));
        Assert.DoesNotContain(password, recorded, StringComparison.Ordinal);
        Assert.DoesNotContain(password, output + error, StringComparison.Ordinal);
        var logText = string.Join("\n", Directory.GetFiles(logs, "*.json").Select(File.ReadAllText));
        Assert.Contains("127.0.0.1:9", logText, StringComparison.Ordinal);
        Assert.DoesNotContain(password, logText, StringComparison.Ordinal);
    }
}
