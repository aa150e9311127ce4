namespace Warehouse.Extract;

/// <summary>What one source read for one shop or advertiser, or why it failed.</summary>
public sealed record SourceResult(string Source, string Scope, long Pages, long RowsRead, long RowsWritten, long Rejected, string? Error)
{
    public bool Succeeded => Error is null;
}
