namespace Warehouse.Stage;

/// <summary>One row of input the warehouse refused, kept in etl.reject with where it came from and why.</summary>
public sealed record Reject(string Source, string FileOrPage, long? RowNumber, string? FieldName, string Reason, string? RawText);
