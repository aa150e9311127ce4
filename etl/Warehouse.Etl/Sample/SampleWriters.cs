namespace Warehouse.Sample;

/// <summary>One open <see cref="CsvTableWriter"/> per staging table of a generation run.</summary>
internal sealed class SampleWriters : IDisposable
{
    private readonly Dictionary<string, CsvTableWriter> _writers = new(StringComparer.Ordinal);

    public SampleWriters(string directory)
    {
        Directory.CreateDirectory(directory);
        try
        {
            foreach (var table in StagingTables.All)
                _writers.Add(table.Name, new CsvTableWriter(directory, table));
        }
        catch
        {
            Dispose();
            throw;
        }
    }

    public CsvTableWriter this[TableSpec table] => _writers[table.Name];

    /// <summary>Rows written per file name (e.g. "shop_order.csv"), in <see cref="StagingTables.All"/> order.</summary>
    public IReadOnlyDictionary<string, long> RowCounts()
    {
        var counts = new Dictionary<string, long>(StringComparer.Ordinal);
        foreach (var table in StagingTables.All) counts.Add(table.FileName, _writers[table.Name].Rows);
        return counts;
    }

    public void Dispose()
    {
        foreach (var writer in _writers.Values) writer.Dispose();
    }
}
