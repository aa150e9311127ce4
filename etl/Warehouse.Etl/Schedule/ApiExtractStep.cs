using System.Data.Common;
using Serilog;
using Warehouse.Control;
using Warehouse.Database;
using Warehouse.Extract;
using Warehouse.Logging;

namespace Warehouse.Schedule;

/// <summary>
/// Sources sandbox and tiktok: the TikTok Shop + Marketing API extractor (<see cref="ExtractRunner"/>, what
/// `warehouse extract` runs) inside the scheduler's extract run. Incremental by the watermarks (no dates:
/// each source from its high-water mark minus its lookback); every source is a step in etl.run_step; a source
/// that fails after its retries fails the run at the end, after the others finished.
/// </summary>
public sealed class ApiExtractStep(ExtractSourceOptions source, ResilienceSettings? resilience = null, Func<TikTokSettings>? settings = null) : IExtractStep
{
    /// <summary>Where `warehouse sandbox` listens by default.</summary>
    public const string DefaultSandboxUrl = "http://127.0.0.1:8765";

    public string Source => source.Source;

    public string SandboxUrl => source.SandboxUrl ?? DefaultSandboxUrl;

    public string Describe() =>
        $"--source {source.Source}" + (source.Source == "sandbox" ? $" --sandbox-url {SandboxUrl}" : "") + (source.Shop is null ? "" : $" --shop {source.Shop}");

    /// <summary>The clients' settings: the sandbox's published test credentials, or TikTok:* from configuration (secrets from the environment or user secrets).</summary>
    public TikTokSettings Settings() => settings?.Invoke() ?? (source.Source switch
    {
        "sandbox" => TikTokSettings.ForSandbox(SandboxUrl),
        "tiktok" => TikTokSettings.FromConfiguration(WarehouseSettings.LoadConfiguration()),
        var other => throw new WarehouseException($"the API extractor reads sandbox or tiktok, not '{other}'"),
    });

    public async Task<StepResult> ExtractAsync(WarehouseDatabase database, DbConnection connection, long runId, IStepProgress? progress, CancellationToken cancellationToken)
    {
        var tiktok = Settings();
        foreach (var secret in new[] { tiktok.AppSecret, tiktok.AccessToken, tiktok.RefreshToken, tiktok.MarketingSecret, tiktok.MarketingAccessToken })
        {
            SecretValues.Add(secret); // masked in every log line and in etl.run
        }

        // the same extract, with the same progress, as `warehouse extract`
        var (results, retries) = await Extract.ExtractWithProgress.RunAsync(
            database, connection, runId, tiktok, resilience ?? new ResilienceSettings(), new Warehouse.Extract.ExtractOptions(ShopId: source.Shop), progress, cancellationToken);
        var failures = results.Where(r => !r.Succeeded).ToList();
        var summary = $"{results.Sum(r => r.Pages):N0} pages, {results.Sum(r => r.RowsRead):N0} rows read, {results.Sum(r => r.RowsWritten):N0} written, {retries:N0} retries";
        Log.Information("extract {Source}: {Summary}", source.Source, summary);
        if (failures.Count > 0)
        {
            throw new WarehouseException(
                $"extract {source.Source}: {failures.Count} source(s) failed, the others finished: {string.Join("; ", failures.Select(f => $"{f.Source} {f.Scope}: {f.Error}"))}");
        }

        return new StepResult(results.Sum(r => r.RowsRead), results.Sum(r => r.RowsWritten), results.Sum(r => r.Rejected));
    }
}
