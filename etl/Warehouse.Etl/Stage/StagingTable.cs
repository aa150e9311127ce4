using System.Data.Common;
using Dapper;

namespace Warehouse.Stage;

public enum ColumnKind
{
    Text,
    Integer,
    BigInteger,
    Decimal,
    Date,
    Boolean,
}

public sealed record StagingColumn(string Name, ColumnKind Kind, bool IsNullable, bool IsKey, int? MaxLength)
{
    /// <summary>A decimal column's precision and scale (numeric(19,4)): its values are below 10^(Precision - Scale).</summary>
    public int? Precision { get; init; }

    public int? Scale { get; init; }

    /// <summary>The values the column can sensibly hold (<see cref="StagingDomains"/>), or null when any value of its type is fine.</summary>
    public FieldDomain? Domain { get; init; }
}

/// <summary>A stg table as the database defines it: the loader reads files by these names and types.</summary>
public sealed record StagingTable(string Name, IReadOnlyList<StagingColumn> Columns)
{
    public const string RunIdColumn = "etl_run_id";

    public IEnumerable<StagingColumn> KeyColumns => Columns.Where(c => c.IsKey);

    public static async Task<IReadOnlyDictionary<string, StagingTable>> ReadAllAsync(DbConnection connection)
    {
        var rows = await connection.QueryAsync<(string Table, string Column, string Type, string Nullable, int? Length, int IsKey, int? Precision, int? Scale)>(
            """
            SELECT c.table_name, c.column_name, c.data_type, c.is_nullable, c.character_maximum_length,
                   CASE WHEN k.column_name IS NULL THEN 0 ELSE 1 END,
                   CAST(c.numeric_precision AS int), CAST(c.numeric_scale AS int)
            FROM information_schema.columns AS c
            LEFT JOIN (
                SELECT kcu.table_schema, kcu.table_name, kcu.column_name
                FROM information_schema.table_constraints AS tc
                JOIN information_schema.key_column_usage AS kcu
                  ON kcu.constraint_name = tc.constraint_name AND kcu.table_schema = tc.table_schema AND kcu.table_name = tc.table_name
                WHERE tc.constraint_type = 'PRIMARY KEY'
            ) AS k ON k.table_schema = c.table_schema AND k.table_name = c.table_name AND k.column_name = c.column_name
            WHERE c.table_schema = 'stg'
            ORDER BY c.table_name, c.ordinal_position
            """);

        return rows
            .GroupBy(r => r.Table)
            .ToDictionary(
                g => g.Key,
                g => new StagingTable(g.Key, g.Select(r => ColumnOf(g.Key, r.Column, KindOf(r.Type), r.Nullable == "YES", r.IsKey == 1, r.Length, r.Precision, r.Scale)).ToList()),
                StringComparer.OrdinalIgnoreCase);
    }

    private static StagingColumn ColumnOf(string table, string name, ColumnKind kind, bool isNullable, bool isKey, int? length, int? precision, int? scale) =>
        new(name, kind, isNullable, isKey, length > 0 ? length : null)
        {
            Precision = kind == ColumnKind.Decimal ? precision : null,
            Scale = kind == ColumnKind.Decimal ? scale : null,
            Domain = StagingDomains.For(table, name, kind),
        };

    private static ColumnKind KindOf(string dataType) => dataType.ToLowerInvariant() switch
    {
        "integer" or "int" or "smallint" => ColumnKind.Integer,
        "bigint" => ColumnKind.BigInteger,
        "numeric" or "decimal" => ColumnKind.Decimal,
        "date" => ColumnKind.Date,
        "boolean" or "bit" => ColumnKind.Boolean,
        _ => ColumnKind.Text,
    };
}
