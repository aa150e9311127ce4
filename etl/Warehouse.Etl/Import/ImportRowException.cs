namespace Warehouse.Import;

/// <summary>One row of a seller's file that cannot be read: the column and the reason.</summary>
public sealed class ImportRowException(string column, string reason) : Exception($"{column}: {reason}")
{
    public string Column { get; } = column;

    public string Reason { get; } = reason;
}
