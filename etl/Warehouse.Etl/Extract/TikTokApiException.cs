namespace Warehouse.Extract;

/// <summary>TikTok answered with an error envelope (<c>code</c> not 0) that retrying will not fix.</summary>
public class TikTokApiException(string request, long code, string message) : Exception($"{request}: TikTok error {code}: {message}")
{
    public string Request { get; } = request;

    public long Code { get; } = code;
}
