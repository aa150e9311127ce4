namespace Warehouse.Database;

/// <summary>An error the user can act on: the CLI prints its message as one line, without a stack trace.</summary>
public sealed class WarehouseException(string message, Exception? inner = null) : Exception(message, inner);
