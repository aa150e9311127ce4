using Microsoft.Extensions.Configuration;
using Serilog;
using Serilog.Context;
using Warehouse.Logging;

namespace Warehouse.Tests.Schedule;

/// <summary>The real Serilog setup: secrets from configuration never reach the log file; lines carry the run id, job and shop.</summary>
public sealed class LoggingTests
{
    [Fact]
    public async Task A_secret_given_in_configuration_never_appears_in_the_log_file()
    {
        const string password = "Pg-Passw0rd-91f3";
        const string appSecret = "tts-app-secret-7a1c2e";
        const string accessToken = "ROW_access_token_55aa";
        const string smtpPassword = "smtp-secret-1234";
        var folder = Path.Combine(Path.GetTempPath(), "warehouse-tests", $"logs-{Guid.NewGuid():N}");
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["Warehouse:Connection"] = $"Host=db.example;Port=5432;Username=etl;Password={password};Database=warehouse",
            ["TikTok:AppSecret"] = appSecret,
            ["TikTok:AccessToken"] = accessToken,
            ["Warehouse:Schedule:Smtp:Password"] = smtpPassword,
            ["Warehouse:Logging:Folder"] = folder,
        }).Build();

        await using (var logger = WarehouseLogging.CreateLogger(configuration))
        {
            using var run = LogContext.PushProperty("RunId", 42);
            using var job = LogContext.PushProperty("Job", "extract-tiktok");
            using var shop = LogContext.PushProperty("Shop", "7495");
            logger.Information("connecting with {Connection}", configuration["Warehouse:Connection"]);
            logger.Information("signing with app secret " + appSecret + " and token {Token}", accessToken); // even a careless template
            logger.Warning(new InvalidOperationException($"login failed for password {password} (smtp {smtpPassword})"), "mail failed");
            logger.Information("plain --access-token {Value} argument", "another-token-value");
        }

        var text = string.Concat(Directory.GetFiles(folder, "warehouse-*.json").Select(File.ReadAllText));
        Assert.Contains("\"RunId\":42", text);
        Assert.Contains("\"Job\":\"extract-tiktok\"", text);
        Assert.Contains("\"Shop\":\"7495\"", text);
        Assert.Contains("***", text);
        foreach (var secret in new[] { password, appSecret, accessToken, smtpPassword })
        {
            Assert.DoesNotContain(secret, text);
        }
    }
}
