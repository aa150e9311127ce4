using System.Text.Json.Nodes;

namespace Warehouse.Sandbox;

/// <summary>An answer of the sandbox: HTTP status, body, and Retry-After when rate limited.</summary>
public sealed record SandboxResponse(int Status, string Body, int? RetryAfterSeconds = null)
{
    public static SandboxResponse Ok(JsonObject data) => Envelope(0, "Success", data);

    /// <summary>TikTok's error envelope: a code, a message, a request id and no data.</summary>
    public static SandboxResponse Error(long code, string message, int status = 200) => Envelope(code, message, null, status);

    private static SandboxResponse Envelope(long code, string message, JsonObject? data, int status = 200) =>
        new(status, new JsonObject
        {
            ["code"] = code,
            ["message"] = message,
            ["request_id"] = Guid.NewGuid().ToString("N").ToUpperInvariant(),
            ["data"] = data,
        }.ToJsonString());
}
