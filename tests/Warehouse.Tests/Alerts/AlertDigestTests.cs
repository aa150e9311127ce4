using System.Net;
using System.Net.Sockets;
using System.Text.Json.Nodes;
using Dapper;
using Warehouse.Database;
using Warehouse.Schedule;
using Warehouse.Tests.Infrastructure;
using Warehouse.Tests.ProfitEngine;
using Warehouse.Tests.Schedule;

namespace Warehouse.Tests.Alerts;

/// <summary>
/// The digest reaches a loopback SMTP server and a loopback webhook, grouped by shop and severity, exactly once.
/// The scenario: SKU LOSS sold one order on D (188.00 before ads) and got 188.01 of ads from campaign C-LOSS, so
/// three alerts open: sku_loss (high, 0.01 lost), sku_spend_no_sales and campaign_spend_no_sales (warning, 188.01).
/// </summary>
public sealed class AlertDigestTests(WarehouseFixture fixture) : IClassFixture<WarehouseFixture>
{
    private const string Secret = "/services/T0001/B0001/s3cr3tW3bh00kPath";
    private const string Loss = "Product P1 lost 0.01 after 188.01 of ads in the last 7 days; pause or cut its campaigns";
    private const string SkuNoSales = "Product P1 got 188.01 of ads in the last 3 days and no attributed order; check its ad-to-product mapping and tracking";
    private const string CampaignNoSales = "Campaign C-LOSS spent 188.01 in the last 3 days with no attributed order; check its ad-to-product mapping and tracking";
    private const string Title = "Warehouse alerts: 3 new (1 high, 2 warning, 0 info)";

    private async Task<WarehouseDatabase> AlertsAsync(Engine engine)
    {
        var scenario = new Scenario().Sku("P1", "LOSS", unitCost: 0m)
            .Order("L1", Scenario.Epoch(AlertRuleTests.D, 10), "buyer-L1", 0m, new Scenario.Line("LOSS", 200m))
            .Ad("C-LOSS", "AD-LOSS").MapAdToSku("C-LOSS", "AD-LOSS", "LOSS").Spend("AD-LOSS", AlertRuleTests.D, 188.01m);
        var run = await ScenarioRun.TransformAsync(fixture, engine, scenario);
        return run.Database;
    }

    private static ScheduleOptions Options(string? webhookUrl, string format = "slack", int smtpPort = 0, int retries = 3) => new()
    {
        Smtp = smtpPort == 0 ? new SmtpOptions() : new SmtpOptions { Host = "127.0.0.1", Port = smtpPort, UseStartTls = false, To = "owner@example.com" },
        Alerts = { WebhookUrl = webhookUrl, WebhookFormat = format, WebhookRetries = retries, WebhookRetryDelayMilliseconds = 10 },
    };

    [Theory]
    [ClassData(typeof(Engines))]
    public async Task The_digest_reaches_smtp_and_a_slack_webhook_grouped_by_shop_and_severity_and_a_second_run_sends_nothing(Engine engine)
    {
        var database = await AlertsAsync(engine);
        await using var webhook = new WebhookListener(200);
        using var smtp = new TcpListener(IPAddress.Loopback, 0);
        smtp.Start();
        var mail = ReportMailerTests.ReceiveOneMessageAsync(smtp, TestContext.Current.CancellationToken);
        var work = new WarehouseWork(database, Options(webhook.Url(Secret), "slack", ((IPEndPoint)smtp.LocalEndpoint).Port));

        var outcome = await work.DigestAsync("test", TestContext.Current.CancellationToken);

        Assert.Equal("email: 3 alerts, webhook: 3 alerts", outcome.Summary);
        var (recipients, data) = await mail;
        Assert.Equal(["<owner@example.com>"], recipients);
        Assert.Contains("Subject: " + Title, data, StringComparison.Ordinal);
        Assert.Contains("Scenario shop (S1)", data, StringComparison.Ordinal);
        Assert.Contains("  high (1)", data, StringComparison.Ordinal);
        Assert.Contains("  - [sku_loss] " + Loss, data, StringComparison.Ordinal);

        var request = Assert.Single(webhook.Requests);
        Assert.Equal(Secret, request.Path);
        var slack = JsonNode.Parse(request.Body)!.AsObject();
        Assert.Equal(Title, (string?)slack["text"]);
        var blocks = slack["blocks"]!.AsArray();
        Assert.Equal(3, blocks.Count);
        Assert.Equal("header", (string?)blocks[0]!["type"]);
        Assert.Equal("plain_text", (string?)blocks[0]!["text"]!["type"]);
        Assert.Equal(Title, (string?)blocks[0]!["text"]!["text"]);
        Assert.Equal("section", (string?)blocks[1]!["type"]);
        Assert.Equal("mrkdwn", (string?)blocks[1]!["text"]!["type"]);
        Assert.Equal("*Scenario shop (S1)* · high (1)\n• " + Loss, (string?)blocks[1]!["text"]!["text"]);
        Assert.Equal("*Scenario shop (S1)* · warning (2)\n• " + CampaignNoSales + "\n• " + SkuNoSales, (string?)blocks[2]!["text"]!["text"]);

        await using (var connection = await database.OpenAsync())
        {
            Assert.Equal(0, await connection.ExecuteScalarAsync<int>("SELECT COUNT(*) FROM fact.alert WHERE delivered_at IS NULL"));
            Assert.Equal(6, await connection.ExecuteScalarAsync<int>("SELECT COUNT(*) FROM etl.alert_delivery"));
        }

        // the monitor and the digest again: nothing new, nothing sent (the SMTP listener has stopped listening)
        await Pipeline.TransformAsync(database);
        smtp.Stop();
        var again = await work.DigestAsync("test", TestContext.Current.CancellationToken);
        Assert.Equal("email: nothing new, webhook: nothing new", again.Summary);
        Assert.Single(webhook.Requests);
    }

    [Theory]
    [ClassData(typeof(Engines))]
    public async Task The_teams_payload_is_an_adaptive_card_with_a_fact_set_per_shop_and_severity(Engine engine)
    {
        var database = await AlertsAsync(engine);
        await using var webhook = new WebhookListener(200);

        await new WarehouseWork(database, Options(webhook.Url(Secret), "teams")).DigestAsync("test", TestContext.Current.CancellationToken);

        var teams = JsonNode.Parse(Assert.Single(webhook.Requests).Body)!.AsObject();
        Assert.Equal("message", (string?)teams["type"]);
        var attachment = Assert.Single(teams["attachments"]!.AsArray())!;
        Assert.Equal("application/vnd.microsoft.card.adaptive", (string?)attachment["contentType"]);
        var card = attachment["content"]!;
        Assert.Equal("AdaptiveCard", (string?)card["type"]);
        Assert.Equal("1.4", (string?)card["version"]);
        Assert.Equal("http://adaptivecards.io/schemas/adaptive-card.json", (string?)card["$schema"]);
        var body = card["body"]!.AsArray();
        Assert.Equal(5, body.Count);
        Assert.Equal(("TextBlock", Title, "Bolder"), ((string?)body[0]!["type"], (string?)body[0]!["text"], (string?)body[0]!["weight"]));
        Assert.Equal(("TextBlock", "Scenario shop (S1) · high (1)", "Attention"), ((string?)body[1]!["type"], (string?)body[1]!["text"], (string?)body[1]!["color"]));
        Assert.Equal("FactSet", (string?)body[2]!["type"]);
        var fact = Assert.Single(body[2]!["facts"]!.AsArray())!;
        Assert.Equal(("sku_loss", Loss), ((string?)fact["title"], (string?)fact["value"]));
        Assert.Equal(("Scenario shop (S1) · warning (2)", "Warning"), ((string?)body[3]!["text"], (string?)body[3]!["color"]));
        var warnings = body[4]!["facts"]!.AsArray();
        Assert.Equal([("campaign_spend_no_sales", CampaignNoSales), ("sku_spend_no_sales", SkuNoSales)],
            warnings.Select(f => ((string?)f!["title"], (string?)f["value"])).ToList());
    }

    [Theory]
    [ClassData(typeof(Engines))]
    public async Task A_webhook_failing_is_retried_on_the_next_run_and_one_answering_500_then_200_delivers_exactly_once(Engine engine)
    {
        var database = await AlertsAsync(engine);
        // run 1: 500, 500 (one retry) -> fails, nothing marked; run 2: 500 then 200 -> delivered; run 3: nothing to send
        await using var webhook = new WebhookListener(500, 500, 500, 200);
        var work = new WarehouseWork(database, Options(webhook.Url(Secret), "slack", retries: 1));

        var failed = await Assert.ThrowsAsync<WarehouseException>(() => work.DigestAsync("test", TestContext.Current.CancellationToken));
        Assert.Contains("webhook: webhook " + webhook.Url("/***") + " answered 500", failed.Message, StringComparison.Ordinal);
        Assert.DoesNotContain("s3cr3t", failed.Message, StringComparison.Ordinal);
        await using (var connection = await database.OpenAsync())
        {
            Assert.Equal(3, await connection.ExecuteScalarAsync<int>("SELECT COUNT(*) FROM fact.alert WHERE delivered_at IS NULL"));
            var error = await connection.ExecuteScalarAsync<string>("SELECT error_message FROM etl.run WHERE command = 'digest'");
            Assert.DoesNotContain("s3cr3t", error, StringComparison.Ordinal);
        }

        await work.DigestAsync("test", TestContext.Current.CancellationToken);
        await work.DigestAsync("test", TestContext.Current.CancellationToken);

        Assert.Equal([500, 500, 500, 200], webhook.Requests.Select(r => r.Status));
        Assert.Single(webhook.Requests, r => r.Status == 200);
        Assert.Equal(webhook.Requests[2].Body, webhook.Requests[3].Body);
        await using (var connection = await database.OpenAsync())
        {
            Assert.Equal(0, await connection.ExecuteScalarAsync<int>("SELECT COUNT(*) FROM fact.alert WHERE delivered_at IS NULL"));
        }
    }

    /// <summary>
    /// The webhook accepts the digest, but before it answers the delivery table is renamed away, so the run cannot record
    /// the delivery: the run fails saying so, and the next run (table back) does not post the same alerts again.
    /// </summary>
    [Theory]
    [ClassData(typeof(Engines))]
    public async Task A_digest_accepted_whose_delivery_could_not_be_recorded_is_not_sent_again(Engine engine)
    {
        var database = await AlertsAsync(engine);
        var (away, back) = engine == Engine.Postgres
            ? ("ALTER TABLE etl.alert_delivery RENAME TO alert_delivery_away", "ALTER TABLE etl.alert_delivery_away RENAME TO alert_delivery")
            : ("EXEC sp_rename 'etl.alert_delivery', 'alert_delivery_away'", "EXEC sp_rename 'etl.alert_delivery_away', 'alert_delivery'");
        var broken = false;
        await using var webhook = new WebhookListener(200)
        {
            BeforeAnswer = async () =>
            {
                if (!broken)
                {
                    broken = true;
                    await using var connection = await database.OpenAsync();
                    await connection.ExecuteAsync(away);
                }
            },
        };
        var work = new WarehouseWork(database, Options(webhook.Url(Secret)));

        var failed = await Assert.ThrowsAsync<WarehouseException>(() => work.DigestAsync("test", TestContext.Current.CancellationToken));
        Assert.Contains("webhook: sent, but recording the delivery failed", failed.Message, StringComparison.Ordinal);
        Assert.Contains("its 3 alerts are not sent again", failed.Message, StringComparison.Ordinal);
        await using (var connection = await database.OpenAsync())
        {
            await connection.ExecuteAsync(back);
            Assert.Equal(3, await connection.ExecuteScalarAsync<int>("SELECT COUNT(*) FROM etl.alert_delivery WHERE delivery_status = 'sending'"));
        }

        var again = await work.DigestAsync("test", TestContext.Current.CancellationToken);

        Assert.Equal("webhook: nothing new, 3 unconfirmed from earlier runs (not sent again)", again.Summary);
        Assert.Single(webhook.Requests);
    }

    [Theory]
    [ClassData(typeof(Engines))]
    public async Task A_webhook_refusing_releases_its_claims_so_the_next_run_sends_them(Engine engine)
    {
        var database = await AlertsAsync(engine);
        await using var webhook = new WebhookListener(500, 500, 200);
        var work = new WarehouseWork(database, Options(webhook.Url(Secret), retries: 1));

        await Assert.ThrowsAsync<WarehouseException>(() => work.DigestAsync("test", TestContext.Current.CancellationToken));
        await using (var connection = await database.OpenAsync())
        {
            Assert.Equal(0, await connection.ExecuteScalarAsync<int>("SELECT COUNT(*) FROM etl.alert_delivery"));
        }

        Assert.Equal("webhook: 3 alerts", (await work.DigestAsync("test", TestContext.Current.CancellationToken)).Summary);
        Assert.Equal([500, 500, 200], webhook.Requests.Select(r => r.Status));
        await using (var connection = await database.OpenAsync())
        {
            Assert.Equal(3, await connection.ExecuteScalarAsync<int>("SELECT COUNT(*) FROM etl.alert_delivery WHERE delivery_status = 'sent'"));
            Assert.Equal(0, await connection.ExecuteScalarAsync<int>("SELECT COUNT(*) FROM fact.alert WHERE delivered_at IS NULL"));
        }
    }
}

/// <summary>The alerts reach the terminal (json) and the weekly workbook (an Alerts sheet) as rpt.alert has them.</summary>
public sealed class AlertOutputTests(WarehouseFixture fixture) : IClassFixture<WarehouseFixture>
{
    [Theory]
    [ClassData(typeof(Engines))]
    public async Task Warehouse_alerts_json_and_the_workbooks_Alerts_sheet_list_the_weeks_episodes_with_their_money(Engine engine)
    {
        var scenario = new Scenario().Sku("P1", "LOSS", unitCost: 0m)
            .Order("L1", Scenario.Epoch(AlertRuleTests.D, 10), "buyer-L1", 0m, new Scenario.Line("LOSS", 200m))
            .Ad("C-LOSS", "AD-LOSS").MapAdToSku("C-LOSS", "AD-LOSS", "LOSS").Spend("AD-LOSS", AlertRuleTests.D, 188.01m);
        var run = await ScenarioRun.TransformAsync(fixture, engine, scenario);
        await using var connection = await run.Database.OpenAsync();

        var alerts = await Warehouse.Alerts.AlertQueries.ListAsync(connection, null, "S1");
        var json = new StringWriter();
        Warehouse.Cli.AlertsCommand.Write(alerts, "json", json);
        var rows = JsonNode.Parse(json.ToString())!.AsArray();
        Assert.Equal(3, rows.Count);
        var loss = rows.Single(r => (string?)r!["rule_code"] == "sku_loss")!;
        Assert.Equal(("S1", "high", "LOSS", "2026-11-29", 0.01m, "USD"),
            ((string?)loss["shop_id"], (string?)loss["severity"], (string?)loss["sku_id"], (string?)loss["opened_on"], (decimal?)loss["money_amount"], (string?)loss["currency"]));
        Assert.Equal("Product P1 lost 0.01 after 188.01 of ads in the last 7 days; pause or cut its campaigns", (string?)loss["message"]);

        // ISO week 2026-W48 ends on D
        var path = Path.Combine(Path.GetTempPath(), "warehouse-tests", $"alerts-{Guid.NewGuid():N}.xlsx");
        await Warehouse.Report.ReportPeriod.WriteAsync(connection, new Warehouse.Reports.ReportRequest(new DateOnly(2026, 11, 23), AlertRuleTests.D, null, 1), path);
        using var workbook = new ClosedXML.Excel.XLWorkbook(path);
        var sheet = workbook.Worksheet("Alerts");
        Assert.Equal(["Shop", "Severity", "Rule", "SKU ID", "Campaign ID", "Opened", "Last seen", "Resolved", "Money", "Currency", "Alert"],
            Enumerable.Range(1, 11).Select(c => sheet.Cell(4, c).GetString()));
        Assert.Equal(("Scenario shop", "high", "sku_loss", "LOSS", new DateTime(2026, 11, 29), 0.01m),
            (sheet.Cell(5, 1).GetString(), sheet.Cell(5, 2).GetString(), sheet.Cell(5, 3).GetString(), sheet.Cell(5, 4).GetString(),
             sheet.Cell(5, 6).GetDateTime(), (decimal)sheet.Cell(5, 9).GetDouble()));
        Assert.Equal(3, sheet.RangeUsed()!.RowsUsed().Count() - 3);
    }
}

/// <summary>The scheduled service (Quartz, ADO job store on PostgreSQL) sends the digest at its cron time to a loopback webhook.</summary>
public sealed class ScheduledDigestTests(WarehouseFixture fixture) : IClassFixture<WarehouseFixture>
{
    [Fact]
    public async Task The_service_posts_the_digest_to_the_webhook_when_its_cron_fires_and_records_the_run()
    {
        var scenario = new Scenario().Sku("P1", "LOSS", unitCost: 0m)
            .Order("L1", Scenario.Epoch(AlertRuleTests.D, 10), "buyer-L1", 0m, new Scenario.Line("LOSS", 200m))
            .Ad("C-LOSS", "AD-LOSS").MapAdToSku("C-LOSS", "AD-LOSS", "LOSS").Spend("AD-LOSS", AlertRuleTests.D, 188.01m);
        var database = (await ScenarioRun.TransformAsync(fixture, Engine.Postgres, scenario)).Database;
        await using var webhook = new WebhookListener(200);
        var options = ScheduleHarness.QuietOptions();
        options.Alerts.DigestCheckCron = ScheduleHarness.Once(DateTimeOffset.UtcNow.AddSeconds(10)); // after the scheduler started, even on a busy machine
        options.Alerts.DigestTime = "00:00"; // due whatever the hour: the scenario shop keeps UTC
        options.Alerts.WebhookUrl = webhook.Url("/hook/s3cr3t");
        options.Alerts.WebhookFormat = "teams";

        await using (await ScheduleHarness.StartAsync(database, options, "digest"))
        {
            Assert.True(await ScheduleHarness.WaitUntilAsync(
                async () => (await ScheduleHarness.RunsAsync(database, "digest")).Any(r => r.EndedAt is not null), TimeSpan.FromSeconds(40)),
                "the digest job did not fire and finish within 40 s");
        }

        var run = Assert.Single(await ScheduleHarness.RunsAsync(database, "digest"));
        Assert.Equal("succeeded", run.Status);
        Assert.Contains("--trigger schedule", run.Arguments);
        var request = Assert.Single(webhook.Requests);
        Assert.Equal("message", (string?)JsonNode.Parse(request.Body)!["type"]);
    }

    /// <summary>`warehouse run` (the one-shot main job) ends with the digest when a webhook is configured, as the service does.</summary>
    [Fact]
    public async Task Warehouse_run_sends_the_digest_after_the_transform_and_the_workbook_when_a_webhook_is_configured()
    {
        var database = await fixture.CleanDatabaseAsync(Engine.Postgres);
        await using var webhook = new WebhookListener(200);
        var logs = Path.Combine(Path.GetTempPath(), "warehouse-tests", $"logs-{Guid.NewGuid():N}");
        using var run = ScheduleHarness.StartCli(database, logs, new Dictionary<string, string> { ["Warehouse__Schedule__Alerts__WebhookUrl"] = webhook.Url("/hook/s3cr3t") },
            "run", "--source", "folder", "--folder", Pipeline.SmallSampleFiles);
        var output = await run.StandardOutput.ReadToEndAsync(TestContext.Current.CancellationToken);
        var error = await run.StandardError.ReadToEndAsync(TestContext.Current.CancellationToken);
        await run.WaitForExitAsync(TestContext.Current.CancellationToken);

        Assert.True(run.ExitCode == 0, error);
        await using var connection = await database.OpenAsync();
        var open = await connection.ExecuteScalarAsync<int>("SELECT COUNT(*) FROM rpt.alert WHERE episode_status = 'open'");
        Assert.True(open > 0);
        Assert.Contains($"digest: webhook: {open} alerts", output, StringComparison.Ordinal);
        var request = Assert.Single(webhook.Requests);
        Assert.Equal("/hook/s3cr3t", request.Path);
        Assert.Contains($"Warehouse alerts: {open} new", request.Body, StringComparison.Ordinal);
        Assert.DoesNotContain("s3cr3t", output + error, StringComparison.Ordinal);
    }
}
