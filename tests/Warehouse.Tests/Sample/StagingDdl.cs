using System.Text.RegularExpressions;
using Warehouse.Sample;

namespace Warehouse.Tests.Sample;

internal sealed record DdlColumn(string Name, string Type, bool NotNull);

internal sealed record DdlTable(string Name, IReadOnlyList<DdlColumn> Columns, IReadOnlyList<string> PrimaryKey);

/// <summary>The staging tables as sql/postgres/migrations/0003_staging.sql, 0013_fx_rate.sql and 0014_shipping_rate_and_expense.sql declare them (read from the ETL assembly's embedded scripts).</summary>
internal static partial class StagingDdl
{
    private static readonly Lazy<IReadOnlyDictionary<string, DdlTable>> Parsed = new(Parse);

    public static IReadOnlyDictionary<string, DdlTable> Tables => Parsed.Value;

    /// <summary>The migrations whose stg tables the sample writes a file for (0011's income export is import-only).</summary>
    public static readonly string[] Migrations = ["sql/postgres/migrations/0003_staging.sql", "sql/postgres/migrations/0013_fx_rate.sql", "sql/postgres/migrations/0014_shipping_rate_and_expense.sql"];

    private static IReadOnlyDictionary<string, DdlTable> Parse()
    {
        string sql = string.Join('\n', Migrations.Select(Read));
        var tables = new Dictionary<string, DdlTable>(StringComparer.Ordinal);
        foreach (Match table in CreateTable().Matches(sql))
        {
            var columns = new List<DdlColumn>();
            string[] primaryKey = [];
            foreach (var rawLine in table.Groups["body"].Value.Split('\n'))
            {
                string line = rawLine.Split("--")[0].Trim();
                if (PrimaryKey().Match(line) is { Success: true } pk)
                    primaryKey = pk.Groups["columns"].Value.Split(',', StringSplitOptions.TrimEntries);
                else if (Column().Match(line) is { Success: true } column && column.Groups["name"].Value != "CONSTRAINT")
                    columns.Add(new DdlColumn(column.Groups["name"].Value, column.Groups["type"].Value, line.Contains("NOT NULL", StringComparison.Ordinal)));
            }
            string name = table.Groups["name"].Value;
            tables.Add(name, new DdlTable(name, columns, primaryKey));
        }
        return tables;
    }

    private static string Read(string resource)
    {
        using var stream = typeof(SampleGenerator).Assembly.GetManifestResourceStream(resource)
            ?? throw new InvalidOperationException($"The ETL assembly does not embed {resource}.");
        using var reader = new StreamReader(stream);
        return reader.ReadToEnd();
    }

    [GeneratedRegex(@"CREATE TABLE stg\.(?<name>\w+) \((?<body>.*?)\n\);", RegexOptions.Singleline)]
    private static partial Regex CreateTable();

    [GeneratedRegex(@"PRIMARY KEY \((?<columns>[^)]*)\)")]
    private static partial Regex PrimaryKey();

    [GeneratedRegex(@"^(?<name>[A-Za-z_]\w*)\s+(?<type>\w+)")]
    private static partial Regex Column();
}
