namespace Warehouse.Tests.Schema;

/// <summary>
/// What both engines must agree on, with names in lower case: tables (column name to type, in the
/// SQL Server spelling), views (output column names in order), procedures and functions
/// (parameter names in order, without @ or mode).
/// </summary>
internal sealed class SchemaModel
{
    public SortedDictionary<string, SortedDictionary<string, string>> Tables { get; } = new(StringComparer.Ordinal);

    public SortedDictionary<string, List<string>> Views { get; } = new(StringComparer.Ordinal);

    public SortedDictionary<string, List<string>> Procedures { get; } = new(StringComparer.Ordinal);

    public SortedDictionary<string, List<string>> Functions { get; } = new(StringComparer.Ordinal);

    /// <summary>Quartz's own tables are created by its scripts on each engine, cased differently: not ours to compare.</summary>
    public static bool IsIgnoredTable(string qualifiedName) =>
        qualifiedName[(qualifiedName.IndexOf('.', StringComparison.Ordinal) + 1)..].StartsWith("qrtz_", StringComparison.OrdinalIgnoreCase);

    /// <summary>Differences of two named lists (procedure parameters, view columns) as readable lines.</summary>
    public static IEnumerable<string> CompareNamedLists(
        string kind, IReadOnlyDictionary<string, List<string>> postgres, IReadOnlyDictionary<string, List<string>> sqlServer)
    {
        foreach (var name in postgres.Keys.Except(sqlServer.Keys, StringComparer.Ordinal))
        {
            yield return $"{kind} {name}: defined on PostgreSQL, missing on SQL Server";
        }

        foreach (var name in sqlServer.Keys.Except(postgres.Keys, StringComparer.Ordinal))
        {
            yield return $"{kind} {name}: defined on SQL Server, missing on PostgreSQL";
        }

        foreach (var name in postgres.Keys.Intersect(sqlServer.Keys, StringComparer.Ordinal))
        {
            var pg = postgres[name];
            var ms = sqlServer[name];
            var missing = pg.Except(ms, StringComparer.Ordinal).ToList();
            var extra = ms.Except(pg, StringComparer.Ordinal).ToList();
            if (missing.Count > 0 || extra.Count > 0)
            {
                yield return $"{kind} {name}: missing on SQL Server ({string.Join(", ", missing)}), only on SQL Server ({string.Join(", ", extra)})";
            }
            else if (!pg.SequenceEqual(ms, StringComparer.Ordinal))
            {
                yield return $"{kind} {name}: same names in another order: PostgreSQL ({string.Join(", ", pg)}) vs SQL Server ({string.Join(", ", ms)})";
            }
        }
    }
}
