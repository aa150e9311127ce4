using System.Net;
using System.Text;
using System.Text.Json;

namespace Warehouse.Extract;

/// <summary>TikTok's response envelope <c>{code, message, request_id, data}</c>, read strictly.</summary>
public sealed record ApiEnvelope(long Code, string Message, string? RequestId, JsonElement Data)
{
    /// <summary>
    /// Reads a response: 429 and 5xx are transient (with Retry-After), a body that is not the
    /// envelope is malformed, anything else is the envelope for the caller to judge by its code.
    /// </summary>
    public static async Task<ApiEnvelope> ReadAsync(HttpResponseMessage response, string request, CancellationToken cancellationToken)
    {
        var status = (int)response.StatusCode;
        if (response.StatusCode == HttpStatusCode.TooManyRequests || status >= 500)
        {
            var retryAfter = response.Headers.RetryAfter switch
            {
                { Delta: { } delta } => delta,
                { Date: { } date } => date - DateTimeOffset.UtcNow,
                _ => (TimeSpan?)null,
            };
            throw new TransientApiException(request, $"HTTP {status}", retryAfter is { } after && after < TimeSpan.Zero ? TimeSpan.Zero : retryAfter);
        }

        var bytes = await response.Content.ReadAsByteArrayAsync(cancellationToken);
        try
        {
            using var document = JsonDocument.Parse(bytes);
            var root = document.RootElement;
            if (root.ValueKind != JsonValueKind.Object || !root.TryGetProperty("code", out var code) || !code.TryGetInt64(out var codeValue))
            {
                throw new MalformedPageException(request, $"HTTP {status}: no TikTok envelope (code)", Raw(bytes));
            }

            var data = root.TryGetProperty("data", out var inner) ? inner.Clone() : default;
            if (codeValue == 0 && data.ValueKind != JsonValueKind.Object)
            {
                throw new MalformedPageException(request, "the envelope has no data object", Raw(bytes));
            }

            return new ApiEnvelope(codeValue, JsonFields.Text(root, "message") ?? "", JsonFields.Text(root, "request_id"), data);
        }
        catch (JsonException error)
        {
            throw new MalformedPageException(request, $"not valid JSON: {error.Message}", Raw(bytes));
        }
    }

    private static string Raw(byte[] bytes) => Encoding.UTF8.GetString(bytes, 0, Math.Min(bytes.Length, 4000));
}
