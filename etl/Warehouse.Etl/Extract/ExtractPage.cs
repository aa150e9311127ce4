namespace Warehouse.Extract;

/// <summary>One fetched page: its staging rows and the cursor of the next page (null when the window is done).</summary>
public sealed record ExtractPage(StagingBatch Rows, ExtractCursor? Next);
