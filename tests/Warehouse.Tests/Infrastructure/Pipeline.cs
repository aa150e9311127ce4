using System.Data.Common;
using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using Dapper;
using Warehouse.Control;
using Warehouse.Database;
using Warehouse.Sample;
using Warehouse.Stage;
using Warehouse.Transform;

namespace Warehouse.Tests.Infrastructure;

/// <summary>The real flow, step by step, as the CLI runs it: sample files, load, transform.</summary>
public static class Pipeline
{
    public static readonly SampleOptions SmallSample = new(Shops: 2, Skus: 40, Days: 35, Seed: 7);

    private static readonly Lazy<string> SmallSampleFolder = new(() => WriteSample(SmallSample));

    /// <summary>The small sample, generated once per test run (generation is deterministic).</summary>
    public static string SmallSampleFiles => SmallSampleFolder.Value;

    public static string WriteSample(SampleOptions options)
    {
        var folder = Path.Combine(Path.GetTempPath(), "warehouse-tests", $"sample-{Guid.NewGuid():N}");
        SampleGenerator.Generate(options, folder);
        return folder;
    }

    public static async Task<long> StartRunAsync(WarehouseDatabase database, string command)
    {
        await using var connection = await database.OpenAsync();
        return await new RunLog(database).StartAsync(connection, command, "test");
    }

    /// <summary>Loads a folder as `warehouse load` does: one run, ended when the load has finished.</summary>
    public static async Task<IReadOnlyList<StagingLoader.FileResult>> LoadAsync(WarehouseDatabase database, string folder, decimal maxRejectRate = 0.01m)
    {
        var runId = await StartRunAsync(database, "load");
        var results = await new StagingLoader(database, maxRejectRate).LoadFolderAsync(folder, runId);
        await using var connection = await database.OpenAsync();
        await new RunLog(database).EndAsync(connection, runId, null);
        return results;
    }

    /// <summary>A transform as `warehouse transform` runs it (incremental unless the options say full); returns its run id.</summary>
    public static async Task<long> TransformAsync(WarehouseDatabase database, TransformOptions? options = null)
    {
        var runId = await StartRunAsync(database, "transform");
        await using var connection = await database.OpenAsync();
        await new TransformRunner(database, new RunLog(database)).RunAsync(connection, runId, options ?? new TransformOptions());
        await new RunLog(database).EndAsync(connection, runId, null);
        return runId;
    }

    /// <summary>A checksum of a table's rows in key order, without the run id columns.</summary>
    public static async Task<string> ChecksumAsync(DbConnection connection, string table, string orderBy)
    {
        var rows = await connection.QueryAsync($"SELECT * FROM {table} ORDER BY {orderBy}");
        var text = new StringBuilder();
        foreach (IDictionary<string, object?> row in rows)
        {
            foreach (var (name, value) in row.Where(c => c.Key != "etl_run_id").OrderBy(c => c.Key, StringComparer.Ordinal))
            {
                text.Append(name).Append('=').Append(Convert.ToString(value, CultureInfo.InvariantCulture)).Append(';');
            }

            text.Append('\n');
        }

        return $"{rows.Count()} rows, sha256 {Convert.ToHexString(SHA256.HashData(Encoding.UTF8.GetBytes(text.ToString())))[..16]}";
    }
}
