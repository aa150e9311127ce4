namespace Warehouse.Extract;

/// <summary>A response page that is not JSON or misses a required field; retried, then rejected to etl.reject.</summary>
public sealed class MalformedPageException(string request, string reason, string? rawText = null) : Exception($"{request}: {reason}")
{
    public string Request { get; } = request;

    public string Reason { get; } = reason;

    public string? RawText { get; } = rawText;
}
