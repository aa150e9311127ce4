using System.Data.Common;
using System.Diagnostics;
using Dapper;
using Warehouse.Database;

namespace Warehouse.Bench;

/// <summary>
/// A reader beside the transform (issue 12: "readers never block for more than a second during a
/// publish"): on its own connection it runs one cheap reporting query after another, as Power BI
/// refreshing a page would, while the transform's publish step runs, and times each query.
/// Before the transform it times the same query on an idle warehouse, for comparison. The reader
/// gives up waiting for a lock after a second (PostgreSQL lock_timeout, SQL Server LOCK_TIMEOUT):
/// each such query is counted as blocked, so a slow query on a busy machine (CPU) and a reader
/// blocked by the publish (a lock) are told apart.
/// </summary>
public sealed class ReaderProbe(WarehouseDatabase database, int fromDateKey)
{
    /// <summary>The last week of rpt.sku_daily summed: what a Power BI page over the SKU view asks for.</summary>
    public const string Query =
        "SELECT COUNT(*) AS sku_days, SUM(net_revenue) AS net_revenue, SUM(contribution_after_ads) AS contribution_after_ads FROM rpt.sku_daily WHERE date_key >= @fromDateKey";

    private readonly List<double> samples = [];
    private int blocked;
    private CancellationTokenSource? running;
    private Task? loop;

    /// <summary>Times the query a few times on the idle warehouse; the median.</summary>
    public async Task<double> IdleMedianAsync(int queries = 5)
    {
        await using var connection = await database.OpenAsync();
        var idle = new List<double>();
        for (var i = 0; i < queries; i++)
        {
            idle.Add(await TimeOneAsync(connection));
        }

        return Percentile(idle, 0.5);
    }

    /// <summary>Starts querying in a loop (called when the publish step starts).</summary>
    public void Start()
    {
        running = new CancellationTokenSource();
        var token = running.Token;
        loop = Task.Run(async () =>
        {
            await using var connection = await database.OpenAsync();
            await connection.ExecuteAsync(database.Engine == Engine.Postgres ? "SET lock_timeout = '1s'" : "SET LOCK_TIMEOUT 1000");
            while (!token.IsCancellationRequested)
            {
                var clock = Stopwatch.StartNew();
                try
                {
                    await TimeOneAsync(connection);
                }
                catch (DbException error) when (IsLockTimeout(error))
                {
                    Interlocked.Increment(ref blocked);
                }

                lock (samples)
                {
                    samples.Add(clock.Elapsed.TotalSeconds);
                }

                await Task.Delay(20, CancellationToken.None);  // a short pause: the reader should not starve the publish of CPU
            }
        });
    }

    /// <summary>Stops after the query in flight (called when the publish step has ended).</summary>
    public async Task StopAsync()
    {
        if (running is null || loop is null)
        {
            return;
        }

        await running.CancelAsync();
        await loop;
        running.Dispose();
        running = null;
        loop = null;
    }

    /// <summary>The latencies of the queries that ran during the publish.</summary>
    public BenchReaders Summarise(double idleMedianSeconds)
    {
        lock (samples)
        {
            return new BenchReaders(Query.Replace("@fromDateKey", fromDateKey.ToString(System.Globalization.CultureInfo.InvariantCulture), StringComparison.Ordinal),
                samples.Count, Math.Round(samples.DefaultIfEmpty(0).Max(), 3), Math.Round(Percentile(samples, 0.99), 3),
                Math.Round(Percentile(samples, 0.5), 3), Math.Round(idleMedianSeconds, 3), blocked);
        }
    }

    private async Task<double> TimeOneAsync(DbConnection connection)
    {
        var clock = Stopwatch.StartNew();
        await connection.QuerySingleAsync(Query, new { fromDateKey }, commandTimeout: 0);
        return clock.Elapsed.TotalSeconds;
    }

    /// <summary>PostgreSQL 55P03 lock_not_available; SQL Server 1222 lock request time out period exceeded.</summary>
    private static bool IsLockTimeout(DbException error) =>
        error is Npgsql.PostgresException { SqlState: "55P03" } || error is Microsoft.Data.SqlClient.SqlException { Number: 1222 };

    private static double Percentile(List<double> values, double share)
    {
        if (values.Count == 0)
        {
            return 0;
        }

        var sorted = values.Order().ToList();
        return sorted[Math.Clamp((int)Math.Ceiling(share * sorted.Count) - 1, 0, sorted.Count - 1)];
    }
}
