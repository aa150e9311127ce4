namespace Warehouse.Extract;

/// <summary>How hard the clients try: retries with exponential backoff and jitter, and a timeout per attempt.</summary>
public sealed record ResilienceSettings(int MaxRetries = 6, TimeSpan? BaseDelay = null, TimeSpan? MaxDelay = null, TimeSpan? AttemptTimeout = null)
{
    public TimeSpan Delay => BaseDelay ?? TimeSpan.FromMilliseconds(500);

    public TimeSpan LongestDelay => MaxDelay ?? TimeSpan.FromSeconds(30);

    public TimeSpan Timeout => AttemptTimeout ?? TimeSpan.FromSeconds(30);
}
