using System.Data.Common;
using Warehouse.Stage;

namespace Warehouse.Extract;

/// <summary>
/// The staging rows of one API page (or one chunk of an import), typed by the same field parser
/// as the CSV loader. A value that does not parse makes the page malformed.
/// </summary>
public sealed class StagingBatch(IReadOnlyDictionary<string, StagingTable> tables, string request)
{
    private readonly Dictionary<string, List<object?[]>> rows = new(StringComparer.Ordinal);

    public long Count => rows.Values.Sum(r => (long)r.Count);

    public IReadOnlyDictionary<string, int> CountByTable => rows.ToDictionary(r => r.Key, r => r.Value.Count);

    public void Add(string tableName, IReadOnlyDictionary<string, string?> values)
    {
        if (TryAdd(tableName, values) is { } error)
        {
            throw new MalformedPageException(request, $"{tableName}.{error.Column}: {error.Reason}");
        }
    }

    /// <summary>Adds the row, or says which column would not parse and why.</summary>
    public (string Column, string Reason)? TryAdd(string tableName, IReadOnlyDictionary<string, string?> values)
    {
        var table = tables[tableName];
        var columns = Columns(table);
        var row = new object?[columns.Count];
        for (var i = 0; i < columns.Count; i++)
        {
            values.TryGetValue(columns[i].Name, out var text);
            if (!FieldParser.TryParse(text, columns[i], out row[i], out var error))
            {
                return (columns[i].Name, $"'{text}' is {error}");
            }
        }

        if (!rows.TryGetValue(tableName, out var list))
        {
            rows.Add(tableName, list = []);
        }

        list.Add(row);
        return null;
    }

    /// <summary>Upserts every table's rows inside the caller's transaction; returns rows inserted or replaced.</summary>
    public async Task<long> WriteAsync(DbConnection connection, DbTransaction transaction, StagingWriter writer, long runId, CancellationToken cancellationToken)
    {
        long written = 0;
        foreach (var (tableName, list) in rows.OrderBy(r => r.Key, StringComparer.Ordinal))
        {
            var table = tables[tableName];
            written += await writer.WriteAsync(connection, transaction, table, Columns(table), list, runId, cancellationToken);
        }

        return written;
    }

    private static List<StagingColumn> Columns(StagingTable table) =>
        table.Columns.Where(c => c.Name != StagingTable.RunIdColumn).ToList();
}
