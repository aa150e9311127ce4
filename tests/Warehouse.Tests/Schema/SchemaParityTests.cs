using Xunit;

namespace Warehouse.Tests.Schema;

/// <summary>
/// Both engines carry the same objects: the PostgreSQL schema is read from a live database migrated
/// with sql/postgres, the SQL Server one from the T-SQL scripts parsed with ScriptDom.
/// </summary>
public sealed class SchemaParityTests(PostgresCatalog postgres) : IClassFixture<PostgresCatalog>
{
    private static readonly Lazy<SchemaModel> SqlServer = new(SqlServerScripts.ReadModel);

    [Fact]
    public void Both_engines_define_the_same_tables_and_columns()
    {
        var pgTables = postgres.Model.Tables.Where(t => !SchemaModel.IsIgnoredTable(t.Key)).ToDictionary();
        var msTables = SqlServer.Value.Tables.Where(t => !SchemaModel.IsIgnoredTable(t.Key)).ToDictionary();
        var differences = new List<string>();

        differences.AddRange(pgTables.Keys.Except(msTables.Keys).Order().Select(t => $"table {t}: defined on PostgreSQL, missing on SQL Server"));
        differences.AddRange(msTables.Keys.Except(pgTables.Keys).Order().Select(t => $"table {t}: defined on SQL Server, missing on PostgreSQL"));
        foreach (var table in pgTables.Keys.Intersect(msTables.Keys).Order())
        {
            var (pg, ms) = (pgTables[table], msTables[table]);
            differences.AddRange(pg.Keys.Except(ms.Keys).Select(c => $"column {table}.{c}: on PostgreSQL ({pg[c]}), missing on SQL Server"));
            differences.AddRange(ms.Keys.Except(pg.Keys).Select(c => $"column {table}.{c}: on SQL Server ({ms[c]}), missing on PostgreSQL"));
            differences.AddRange(
                from column in pg.Keys.Intersect(ms.Keys)
                let expected = PostgresCatalog.ToSqlServerType(pg[column])
                where expected != ms[column]
                select $"column {table}.{column}: PostgreSQL {pg[column]} needs SQL Server {expected}, but it is {ms[column]}");
        }

        AssertNoDifferences(differences, "tables");
    }

    [Fact]
    public void Both_engines_define_the_same_views_and_columns() =>
        AssertNoDifferences(SchemaModel.CompareNamedLists("view", postgres.Model.Views, SqlServer.Value.Views).ToList(), "views");

    [Fact]
    public void Both_engines_define_the_same_procedures_and_functions()
    {
        var differences = SchemaModel.CompareNamedLists("procedure", postgres.Model.Procedures, SqlServer.Value.Procedures)
            .Concat(SchemaModel.CompareNamedLists("function", postgres.Model.Functions, SqlServer.Value.Functions))
            .ToList();
        AssertNoDifferences(differences, "procedures and functions");
    }

    private static void AssertNoDifferences(List<string> differences, string what)
    {
        if (differences.Count > 0)
        {
            Assert.Fail($"The engines' {what} differ ({differences.Count}):{Environment.NewLine}{string.Join(Environment.NewLine, differences)}");
        }
    }
}
