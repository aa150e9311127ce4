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

public sealed record StagingColumn(string Name, ColumnKind Kind, bool IsNullable, bool IsKey, int? MaxLength);

/// <summary>A stg table as the database defines it: the loader reads files by these names and types.</summary>
public sealed record StagingTable(string Name, IReadOnlyList<StagingColumn> Columns)
{
    public const string RunIdColumn = "etl_run_id";

    public IEnumerable<StagingColumn> KeyColumns => Columns.Where(c => c.IsKey);

    public static async Task<IReadOnlyDictionary<string, StagingTable>> ReadAllAsync(DbConnection connection)
    {
        var rows = await connection.QueryAsync<(string Table, string Column, string Type, string Nullable, int? Length, int IsKey)>(
            """
            SELECT c.table_name, c.column_name, c.data_type, c.is_nullable, c.character_maximum_length,
                   CASE WHEN k.column_name IS NULL THEN 0 ELSE 1 END
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
                g => new StagingTable(g.Key, g.Select(r => new StagingColumn(r.Column, KindOf(r.Type), r.Nullable == "YES", r.IsKey == 1, r.Length > 0 ? r.Length : null)).ToList()),
                StringComparer.OrdinalIgnoreCase);
    }

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
