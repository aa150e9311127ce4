using Warehouse.Sample;

namespace Warehouse.Sandbox;

/// <summary>
/// How the sandbox runs: its port on 127.0.0.1 (0 = any free port), the sample it serves (the same
/// arguments as <c>warehouse sample</c>), and the faults it injects: which kinds, on what share of
/// API requests, optionally only on paths containing <see cref="FaultPath"/>.
/// </summary>
public sealed record SandboxOptions(
    int Port,
    SampleOptions Sample,
    IReadOnlySet<string> Faults,
    double FaultRate = 0.1,
    string? FaultPath = null,
    int RetryAfterSeconds = 1,
    TimeSpan? TimeoutHold = null)
{
    public static readonly IReadOnlyList<string> FaultKinds = ["rate-limit", "5xx", "timeout", "malformed", "maintenance", "token-expired"];

    public TimeSpan Hold => TimeoutHold ?? TimeSpan.FromSeconds(90);
}
