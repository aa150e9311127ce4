namespace Warehouse.Extract;

/// <summary>
/// A failure worth retrying: HTTP 429 or 5xx, TikTok's rate-limit (40100) or maintenance (60001)
/// codes, an expired access token that has just been refreshed. Carries Retry-After when sent.
/// </summary>
public sealed class TransientApiException(string request, string reason, TimeSpan? retryAfter = null) : Exception($"{request}: {reason}")
{
    public string Request { get; } = request;

    public TimeSpan? RetryAfter { get; } = retryAfter;
}
