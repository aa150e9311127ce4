namespace Warehouse.Bench;

/// <summary>Everything one benchmark run measured; written as bench/results/&lt;engine&gt;-&lt;lines&gt;.json.</summary>
public sealed record BenchResult
{
    public required string Engine { get; init; }
    public required string ServerVersion { get; init; }
    public required long LinesRequested { get; init; }
    public required long OrderLines { get; init; }
    public required BenchSample Sample { get; init; }
    public required BenchMachine Machine { get; init; }
    public required BenchLoad RawFloor { get; init; }
    public required BenchLoad StagingLoad { get; init; }
    public required double StagingToFloorRatio { get; init; }
    public required double OrderLineStagingToFloorRatio { get; init; }
    public required BenchTransform FullTransform { get; init; }
    /// <summary>The full transform's time over the raw floor's (issue 12: at most 3x).</summary>
    public required double FullToFloorRatio { get; init; }
    /// <summary>The default (incremental) transform after loading one day of new orders plus the late refunds and settlements of the weeks before, as they would really arrive.</summary>
    public required BenchTransform IncrementalTransform { get; init; }
    public required double IncrementalShareOfFull { get; init; }
    /// <summary>The default (incremental) transform after loading a late returns file touching 30 days of old orders.</summary>
    public required BenchTransform LateReturnsTransform { get; init; }
    public required double LateReturnsShareOfFull { get; init; }
    public required BenchReport Report { get; init; }
    public required BenchMemory Memory { get; init; }
    public required long DatabaseBytes { get; init; }
    public required IReadOnlyList<BenchTarget> Targets { get; init; }
    public required DateTimeOffset StartedAt { get; init; }
    public required double TotalSeconds { get; init; }
}

public sealed record BenchSample(int Shops, int Skus, int Days, int Seed, int OrdersPerDay, long Rows, long Bytes, double Seconds, bool Reused, double LoadAverage);

/// <summary>Cores, memory and the 1-minute load average at the start and end of the run.</summary>
public sealed record BenchMachine(int Cores, long MemoryBytes, string Os, string Runtime, double LoadAverageStart, double LoadAverageEnd);

public sealed record BenchLoad(long Rows, long Bytes, double Seconds, double RowsPerSecond, long OrderLineRows, double OrderLineSeconds, double OrderLineRowsPerSecond, double LoadAverage, string Method, IReadOnlyList<BenchFile> Files);

public sealed record BenchFile(string Table, long Rows, double Seconds);

public sealed record BenchStep(string Step, long RowsWritten, double Seconds, string? Message = null);

/// <summary>A transform run; <see cref="Scenario"/> says what it recomputed (full, or which incremental case) and <see cref="LoadedBefore"/> what was loaded just before it.</summary>
public sealed record BenchTransform(string From, string To, long AffectedDays, long OrderLines, double Seconds, double OrderLinesPerSecond, IReadOnlyList<BenchStep> Steps, double LoadAverage,
    string Scenario = "full", BenchLoad? LoadedBefore = null, BenchReaders? Readers = null);

/// <summary>
/// A reporting query run in a loop on a second connection while the publish step ran (issue 12:
/// readers must never block for more than a second): how many ran, their maximum, 99th percentile
/// and median latency, the median of the same query on the idle warehouse before the transform, and
/// how many gave up after waiting a second for a lock (lock_timeout / LOCK_TIMEOUT).
/// </summary>
public sealed record BenchReaders(string Query, int Queries, double MaxSeconds, double P99Seconds, double MedianSeconds, double IdleMedianSeconds, int BlockedOverOneSecond);

public sealed record BenchReport(string Week, int Skus, int Campaigns, long Bytes, double Seconds, double LoadAverage)
{
    public string? Error { get; init; }
}

/// <summary>
/// Peak working set (VmHWM) of this process in each phase, and over the whole run. <c>PortionsBytes</c> is the bench's
/// own work between generation and the staging load (the raw floor's COPY and the split of the sample into the base, the
/// day and the late returns), kept apart from the warehouse's load.
/// </summary>
public sealed record BenchMemory(long GenerateBytes, long PortionsBytes, long LoadBytes, long TransformBytes, long ReportBytes, long PeakBytes, bool PerPhase);

public sealed record BenchTarget(string Name, string Goal, string Measured, bool? Holds);
