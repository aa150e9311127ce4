namespace Warehouse.Sample;

/// <summary>Reported after every generated day (all shops).</summary>
public sealed record SampleProgress(int DaysDone, int DaysTotal, long OrderLines);
