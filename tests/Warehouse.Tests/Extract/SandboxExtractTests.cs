using Dapper;
using Warehouse.Database;
using Warehouse.Extract;
using Warehouse.Tests.Infrastructure;

namespace Warehouse.Tests.Extract;

/// <summary>
/// `warehouse sandbox` + `warehouse extract --source sandbox` land what `warehouse sample` + `warehouse load`
/// land, table by table (row counts and a hash of every value), with faults off and on.
/// </summary>
public sealed class SandboxExtractTests(WarehouseFixture fixture) : IClassFixture<WarehouseFixture>
{
    [Theory]
    [ClassData(typeof(Engines))]
    public async Task Extracting_from_the_sandbox_lands_the_same_staging_as_loading_the_sample(Engine engine)
    {
        var expected = await SandboxExtract.ExpectedAsync(fixture, engine);
        var database = await fixture.CleanDatabaseAsync(engine);
        await using var sandbox = SandboxExtract.StartSandbox();

        var (results, _) = await SandboxExtract.RunAsync(database, sandbox.Url);

        Assert.All(results, r => Assert.True(r.Succeeded, $"{r.Source} {r.Scope}: {r.Error}"));
        Assert.Equal(SandboxExtract.Describe(expected), SandboxExtract.Describe(await SandboxExtract.ChecksumsAsync(database)));
    }

    [Theory]
    [ClassData(typeof(Engines))]
    public async Task With_every_fault_on_the_extract_still_lands_the_same_staging(Engine engine)
    {
        var expected = await SandboxExtract.ExpectedAsync(fixture, engine);
        var database = await fixture.CleanDatabaseAsync(engine);
        await using var sandbox = SandboxExtract.StartSandbox("rate-limit,5xx,timeout,malformed,maintenance,token-expired", 0.15, retryAfterSeconds: 1);

        var (results, runner) = await SandboxExtract.RunAsync(database, sandbox.Url);

        Assert.All(results, r => Assert.True(r.Succeeded, $"{r.Source} {r.Scope}: {r.Error}"));
        Assert.True(sandbox.FaultsInjected > 5, $"faults injected: {sandbox.FaultsInjected}");
        Assert.True(runner.Resilience.Retries >= sandbox.FaultsInjected, $"{runner.Resilience.Retries} retries for {sandbox.FaultsInjected} faults");
        Assert.Equal(SandboxExtract.Describe(expected), SandboxExtract.Describe(await SandboxExtract.ChecksumsAsync(database)));
    }

    [Theory]
    [InlineData("rate-limit")]
    [InlineData("5xx")]
    [InlineData("timeout")]
    [InlineData("malformed")]
    [InlineData("maintenance")]
    [InlineData("token-expired")]
    public async Task Each_fault_kind_is_survived(string fault)
    {
        var expected = await SandboxExtract.ExpectedAsync(fixture, Engine.Postgres);
        var database = await fixture.CleanDatabaseAsync(Engine.Postgres);
        await using var sandbox = SandboxExtract.StartSandbox(fault, 0.3);

        var (results, runner) = await SandboxExtract.RunAsync(database, sandbox.Url);

        Assert.All(results, r => Assert.True(r.Succeeded, $"{r.Source} {r.Scope}: {r.Error}"));
        Assert.True(sandbox.FaultsInjected > 0 && runner.Resilience.Retries >= sandbox.FaultsInjected, $"{sandbox.FaultsInjected} faults, {runner.Resilience.Retries} retries");
        if (fault == "token-expired")
        {
            Assert.True(sandbox.TokenRefreshes > 0, "the client refreshed the access token through the auth host");
        }

        Assert.Equal(SandboxExtract.Describe(expected), SandboxExtract.Describe(await SandboxExtract.ChecksumsAsync(database)));
    }

    [Fact]
    public async Task Retry_After_is_respected()
    {
        var database = await fixture.CleanDatabaseAsync(Engine.Postgres);
        await using var sandbox = SandboxExtract.StartSandbox("rate-limit", 1.0, faultPath: "/authorization/", retryAfterSeconds: 1);
        var settings = TikTokSettings.ForSandbox(sandbox.Url);
        using var http = new HttpClient();
        var client = new ShopApiClient(http, settings, new ApiResilience(SandboxExtract.QuickRetries with { MaxRetries = 2 }));
        var clock = System.Diagnostics.Stopwatch.StartNew();

        await Assert.ThrowsAsync<TransientApiException>(() => client.CallAsync(HttpMethod.Get, "/authorization/202309/shops", new Dictionary<string, string>(), null, (data, _) => data, TestContext.Current.CancellationToken));

        Assert.True(clock.Elapsed >= TimeSpan.FromSeconds(1.9), $"two retries after 'Retry-After: 1' took {clock.Elapsed}");
        Assert.Equal(3, sandbox.Requests);
        _ = database;
    }

    [Fact]
    public async Task A_wrong_app_secret_gets_TikToks_signature_error()
    {
        await using var sandbox = SandboxExtract.StartSandbox();
        var settings = TikTokSettings.ForSandbox(sandbox.Url) with { AppSecret = "not-the-secret" };
        using var http = new HttpClient();
        var client = new ShopApiClient(http, settings, new ApiResilience(SandboxExtract.QuickRetries));

        var error = await Assert.ThrowsAsync<TikTokApiException>(() => client.CallAsync(HttpMethod.Get, "/authorization/202309/shops", new Dictionary<string, string>(), null, (data, _) => data, TestContext.Current.CancellationToken));

        Assert.Equal(ShopApiClient.InvalidSignatureCode, error.Code);
        Assert.DoesNotContain("not-the-secret", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_source_whose_pages_stay_malformed_is_rejected_and_fails_alone()
    {
        var expected = await SandboxExtract.ExpectedAsync(fixture, Engine.Postgres);
        var database = await fixture.CleanDatabaseAsync(Engine.Postgres);
        await using var sandbox = SandboxExtract.StartSandbox("malformed", 1.0, faultPath: "/returns/search");

        var (results, _) = await SandboxExtract.RunAsync(database, sandbox.Url);

        var failed = results.Where(r => !r.Succeeded).ToList();
        Assert.Equal(["shop_returns", "shop_returns"], failed.Select(f => f.Source));
        var actual = await SandboxExtract.ChecksumsAsync(database);
        foreach (var table in SandboxExtract.ApiTables.Except(["return_order", "return_line_item"]))
        {
            Assert.Equal(expected[table], actual[table]);
        }

        Assert.Equal(0, await SandboxExtract.CountAsync(database, "SELECT COUNT(*) FROM stg.return_order"));
        await using var connection = await database.OpenAsync();
        var rejects = (await connection.QueryAsync<(string Source, string Page, string Reason)>("SELECT source_name, file_or_page, reason FROM etl.reject")).ToList();
        Assert.Equal(2, rejects.Count);
        Assert.All(rejects, r =>
        {
            Assert.Equal("api:shop_returns", r.Source);
            Assert.StartsWith("POST /return_refund/202309/returns/search?", r.Page, StringComparison.Ordinal);
            Assert.DoesNotContain(Warehouse.Sandbox.SandboxCredentials.AccessToken, r.Page, StringComparison.Ordinal);
        });
    }

    [Fact]
    public async Task Ad_reports_asked_for_too_many_days_halve_their_step()
    {
        var expected = await SandboxExtract.ExpectedAsync(fixture, Engine.Postgres);
        var database = await fixture.CleanDatabaseAsync(Engine.Postgres);
        await using var sandbox = SandboxExtract.StartSandbox();

        var (results, _) = await SandboxExtract.RunAsync(database, sandbox.Url, SandboxExtract.WholeSample with { AdsDaysPerCall = 60 });

        Assert.All(results, r => Assert.True(r.Succeeded, $"{r.Source} {r.Scope}: {r.Error}"));
        Assert.Equal(expected["ad_report_daily"], (await SandboxExtract.ChecksumsAsync(database))["ad_report_daily"]);
    }
}
