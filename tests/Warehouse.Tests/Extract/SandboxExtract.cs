using Dapper;
using Warehouse.Control;
using Warehouse.Database;
using Warehouse.Extract;
using Warehouse.Sandbox;
using Warehouse.Stage;
using Warehouse.Tests.Infrastructure;

namespace Warehouse.Tests.Extract;

/// <summary>The real extract against a real sandbox on a free loopback port, and what staging holds afterwards.</summary>
internal static class SandboxExtract
{
    /// <summary>The staging tables the TikTok APIs fill (the rest come from the seller's files).</summary>
    public static readonly IReadOnlyList<string> ApiTables = ExtractRunner.ApiTables;

    /// <summary>A window that covers the whole small sample (which ends 2026-11-22).</summary>
    public static readonly ExtractOptions WholeSample = new(new DateOnly(2026, 10, 1), new DateOnly(2026, 11, 30));

    /// <summary>Fast retries for tests: the faults are many, the waits short.</summary>
    public static readonly ResilienceSettings QuickRetries = new(MaxRetries: 10, BaseDelay: TimeSpan.FromMilliseconds(5), MaxDelay: TimeSpan.FromMilliseconds(50), AttemptTimeout: TimeSpan.FromSeconds(1));

    public static SandboxServer StartSandbox(string faults = "", double rate = 0, string? faultPath = null, int retryAfterSeconds = 0) =>
        new SandboxServer(new SandboxOptions(
            0, Pipeline.SmallSample, faults.Split(',', StringSplitOptions.RemoveEmptyEntries).ToHashSet(StringComparer.Ordinal), rate, faultPath, retryAfterSeconds)).Start();

    public static async Task<(IReadOnlyList<SourceResult> Results, ExtractRunner Runner)> RunAsync(
        WarehouseDatabase database, string url, ExtractOptions? options = null, TikTokSettings? settings = null,
        Action<string, ExtractCursor?>? pageCommitted = null, CancellationToken cancellationToken = default)
    {
        var runId = await Pipeline.StartRunAsync(database, "extract");
        await using var connection = await database.OpenAsync(cancellationToken);
        using var http = new HttpClient { Timeout = Timeout.InfiniteTimeSpan };
        var runner = new ExtractRunner(database, http, settings ?? TikTokSettings.ForSandbox(url), QuickRetries) { PageCommitted = pageCommitted };
        var results = await runner.RunAsync(connection, runId, options ?? WholeSample, cancellationToken);
        await new RunLog(database).EndAsync(connection, runId, null);
        return (results, runner);
    }

    /// <summary>Per API table: row count and a hash of every value (run ids left out), in key order.</summary>
    public static async Task<IReadOnlyDictionary<string, string>> ChecksumsAsync(WarehouseDatabase database)
    {
        await using var connection = await database.OpenAsync();
        var tables = await StagingTable.ReadAllAsync(connection);
        var sums = new SortedDictionary<string, string>(StringComparer.Ordinal);
        foreach (var name in ApiTables)
        {
            var keys = string.Join(", ", tables[name].KeyColumns.Select(c => c.Name));
            sums[name] = await Pipeline.ChecksumAsync(connection, "stg." + name, keys);
        }

        return sums;
    }

    /// <summary>What `warehouse sample` + `warehouse load` put into staging for the small sample, per engine (computed once).</summary>
    public static async Task<IReadOnlyDictionary<string, string>> ExpectedAsync(WarehouseFixture fixture, Engine engine)
    {
        var database = await fixture.CleanDatabaseAsync(engine);
        await Pipeline.LoadAsync(database, Pipeline.SmallSampleFiles);
        var sums = await ChecksumsAsync(database);
        await fixture.CleanDatabaseAsync(engine);
        return sums;
    }

    public static string Describe(IReadOnlyDictionary<string, string> sums) => string.Join("\n", sums.Select(s => $"{s.Key}: {s.Value}"));

    public static Task<int> CountAsync(WarehouseDatabase database, string sql) => WithConnection(database, c => c.ExecuteScalarAsync<int>(sql));

    private static async Task<T> WithConnection<T>(WarehouseDatabase database, Func<System.Data.Common.DbConnection, Task<T>> work)
    {
        await using var connection = await database.OpenAsync();
        return await work(connection);
    }
}
