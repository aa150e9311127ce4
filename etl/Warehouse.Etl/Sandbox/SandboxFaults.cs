namespace Warehouse.Sandbox;

/// <summary>Picks the fault (if any) for each API request: deterministic for a seed, safe across threads.</summary>
public sealed class SandboxFaults(SandboxOptions options, int seed)
{
    private readonly Random random = new(seed);
    private readonly string[] kinds = options.Faults.Order(StringComparer.Ordinal).ToArray();
    private readonly Lock gate = new();
    private long injected;

    public long Injected => Interlocked.Read(ref injected);

    /// <summary>The fault for a request, or null; token expiry exists only on the Shop API (its tokens are refreshed).</summary>
    public string? Pick(string path, bool isShopApi)
    {
        var applicable = isShopApi ? kinds : kinds.Where(k => k != "token-expired").ToArray();
        if (applicable.Length == 0 || (options.FaultPath is { } only && !path.Contains(only, StringComparison.Ordinal)))
        {
            return null;
        }

        lock (gate)
        {
            if (random.NextDouble() >= options.FaultRate)
            {
                return null;
            }

            Interlocked.Increment(ref injected);
            return applicable[random.Next(applicable.Length)];
        }
    }
}
