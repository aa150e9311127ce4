using System.Globalization;
using CsvHelper;
using CsvHelper.Configuration;

namespace Warehouse.Tests.Sample;

/// <summary>A generated CSV file read back: its header and its rows, every field as text.</summary>
internal sealed class SampleCsv
{
    private readonly Dictionary<string, int> columnIndex;

    private SampleCsv(string name, string[] header, List<string[]> rows)
    {
        Name = name;
        Header = header;
        Rows = rows.Select(r => new Row(this, r)).ToList();
        columnIndex = header.Select((c, i) => (c, i)).ToDictionary(x => x.c, x => x.i, StringComparer.Ordinal);
    }

    public string Name { get; }

    public string[] Header { get; }

    public IReadOnlyList<Row> Rows { get; }

    public static SampleCsv Read(string directory, string table)
    {
        using var reader = new StreamReader(Path.Combine(directory, table + ".csv"));
        using var csv = new CsvReader(reader, new CsvConfiguration(CultureInfo.InvariantCulture));
        csv.Read();
        csv.ReadHeader();
        var header = csv.HeaderRecord ?? throw new InvalidDataException($"{table}.csv has no header.");
        var rows = new List<string[]>();
        while (csv.Read())
        {
            var fields = new string[header.Length];
            for (int i = 0; i < fields.Length; i++) fields[i] = csv.GetField(i) ?? "";
            rows.Add(fields);
        }
        return new SampleCsv(table, header, rows);
    }

    public int Column(string name) =>
        columnIndex.TryGetValue(name, out int index) ? index : throw new KeyNotFoundException($"{Name}.csv has no column {name}.");

    internal sealed class Row(SampleCsv table, string[] fields)
    {
        public string[] Fields { get; } = fields;

        public string this[string column] => Fields[table.Column(column)];

        public decimal Money(string column) => decimal.Parse(this[column], NumberStyles.Number, CultureInfo.InvariantCulture);

        public long Long(string column) => long.Parse(this[column], CultureInfo.InvariantCulture);

        public long? NullableLong(string column) => this[column].Length == 0 ? null : Long(column);

        public bool Bool(string column) => this[column] switch
        {
            "true" => true,
            "false" => false,
            var other => throw new FormatException($"{table.Name}.{column}: '{other}' is not a boolean."),
        };

        public DateOnly Date(string column) => DateOnly.ParseExact(this[column], "yyyy-MM-dd", CultureInfo.InvariantCulture);
    }
}
