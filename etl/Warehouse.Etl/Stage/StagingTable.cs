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
            SELECT c.TABLE_NAME, c.COLUMN_NAME, c.DATA_TYPE, c.IS_NULLABLE, c.CHARACTER_MAXIMUM_LENGTH,
                   CASE WHEN k.COLUMN_NAME IS NULL THEN 0 ELSE 1 END,
                   CAST(c.NUMERIC_PRECISION AS int), CAST(c.NUMERIC_SCALE AS int)
            FROM INFORMATION_SCHEMA.COLUMNS AS c
            LEFT JOIN (
                SELECT kcu.TABLE_SCHEMA, kcu.TABLE_NAME, kcu.COLUMN_NAME
                FROM INFORMATION_SCHEMA.TABLE_CONSTRAINTS AS tc
                JOIN INFORMATION_SCHEMA.KEY_COLUMN_USAGE AS kcu
                  ON kcu.CONSTRAINT_NAME = tc.CONSTRAINT_NAME AND kcu.TABLE_SCHEMA = tc.TABLE_SCHEMA AND kcu.TABLE_NAME = tc.TABLE_NAME
                WHERE tc.CONSTRAINT_TYPE = 'PRIMARY KEY'
            ) AS k ON k.TABLE_SCHEMA = c.TABLE_SCHEMA AND k.TABLE_NAME = c.TABLE_NAME AND k.COLUMN_NAME = c.COLUMN_NAME
            WHERE c.TABLE_SCHEMA = 'stg'
            ORDER BY c.TABLE_NAME, c.ORDINAL_POSITION
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
