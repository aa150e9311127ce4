using Microsoft.SqlServer.TransactSql.ScriptDom;
using Xunit;

namespace Warehouse.Tests.Schema;

/// <summary>
/// Parsing does not bind names: a T-SQL procedure that names a column its table does not have parses, and SQL Server
/// only refuses it when the statement runs (a statement on a #temp table is compiled when first executed). Without a
/// server here, every column a procedure or view names through a table alias (<c>line.gmv</c>), every INSERT column
/// list, every UPDATE ... SET column and every unqualified column of a query that reads one table is looked up in the tables and views the scripts define, and in the #temp
/// tables the same script creates (CREATE TABLE #t or SELECT ... INTO #t).
/// </summary>
public sealed class TSqlColumnBindingTests
{
    public static TheoryData<string> Scripts() =>
        [.. SqlServerScripts.Files().Where(f => f.StartsWith("procedures/", StringComparison.Ordinal) || f.StartsWith("views/", StringComparison.Ordinal))];

    private static readonly Lazy<SchemaModel> Model = new(SqlServerScripts.ReadModel);

    [Theory]
    [MemberData(nameof(Scripts))]
    public void Every_column_a_TSql_procedure_or_view_names_on_a_known_table_exists_in_it(string script)
    {
        var (parsed, errors) = SqlServerScripts.Parse(script);
        Assert.Empty(errors);

        var violations = Check(parsed);

        Assert.True(violations.Count == 0, string.Join(Environment.NewLine, violations.Select(v => $"sql/sqlserver/{script}: {v}")));
    }

    [Theory]
    [MemberData(nameof(Scripts))]
    public void Every_TSql_INSERT_gives_as_many_values_as_it_names_columns(string script)
    {
        var (parsed, errors) = SqlServerScripts.Parse(script);
        Assert.Empty(errors);

        var violations = InsertArity(parsed);

        Assert.True(violations.Count == 0, string.Join(Environment.NewLine, violations.Select(v => $"sql/sqlserver/{script}: {v}")));
    }

    [Fact]
    public void The_insert_check_finds_a_missing_value()
    {
        var parsed = (TSqlScript)new TSql150Parser(initialQuotedIdentifiers: true).Parse(
            new StringReader("INSERT INTO etl.work_affected_date (date_key, calendar_date) SELECT d.date_key FROM dim.date AS d;"), out var errors);
        Assert.Empty(errors);

        Assert.Equal(["line 1: INSERT INTO etl.work_affected_date names 2 columns and gives 1 values"], InsertArity(parsed));
    }

    /// <summary>INSERTs whose SELECT (or VALUES row) gives another number of values than the columns they name (or the table has).</summary>
    private static List<string> InsertArity(TSqlScript parsed)
    {
        var inserts = new InsertStatements();
        parsed.Accept(inserts);
        var violations = new List<string>();
        foreach (var insert in inserts.Found)
        {
            if (insert.Target is not NamedTableReference target)
            {
                continue;
            }

            var name = TableName(target.SchemaObject);
            int? expected = insert.Columns.Count > 0 ? insert.Columns.Count
                : Model.Value.Tables.TryGetValue(name, out var columns) ? columns.Count : null;
            var given = insert.InsertSource switch
            {
                SelectInsertSource select => Values(select.Select),
                ValuesInsertSource values when values.RowValues.Count > 0 => values.RowValues.Select(r => r.ColumnValues.Count).Distinct().Count() == 1
                    ? values.RowValues[0].ColumnValues.Count
                    : -1,
                _ => null,
            };
            if (expected is not null && given is not null && given != expected)
            {
                violations.Add($"line {insert.StartLine}: INSERT INTO {name} names {expected} columns and gives {given} values");
            }
        }

        return violations;
    }

    /// <summary>How many values a query gives (its first SELECT of a UNION), or null when it says * or is not plain.</summary>
    private static int? Values(QueryExpression query)
    {
        return SqlServerScripts.FirstQuery(query) is QuerySpecification specification && !specification.SelectElements.Any(e => e is SelectStarExpression)
            ? specification.SelectElements.Count
            : null;
    }

    private sealed class InsertStatements : TSqlFragmentVisitor
    {
        public List<InsertSpecification> Found { get; } = [];

        public override void Visit(InsertSpecification node) => Found.Add(node);
    }

    [Fact]
    public void The_binding_check_finds_a_misspelt_column_on_a_warehouse_table_and_on_a_temp_table()
    {
        const string sql =
            """
            CREATE PROCEDURE etl.example AS
            BEGIN
                SELECT o.order_id, o.no_such_column INTO #order_day FROM stg.shop_order AS o;
                UPDATE line SET gmv = 0, not_a_line_column = 1 FROM etl.work_order_line AS line JOIN #order_day AS d ON d.order_id = line.order_id;
                INSERT INTO fact.sku_daily (date_key, misspelt_key) SELECT d.order_id, d.missing FROM #order_day AS d;
                IF EXISTS (SELECT 1 FROM stg.shop_order WHERE paid_tim IS NULL) RETURN;
            END
            """;
        var parsed = (TSqlScript)new TSql150Parser(initialQuotedIdentifiers: true).Parse(new StringReader(sql), out var errors);
        Assert.Empty(errors);

        var violations = Check(parsed);

        Assert.Equal(
            ["o.no_such_column (stg.shop_order)", "not_a_line_column (etl.work_order_line)", "d.missing (#order_day)", "misspelt_key (fact.sku_daily)", "paid_tim (stg.shop_order)"],
            violations.Select(v => v[(v.IndexOf(": ", StringComparison.Ordinal) + 2)..].Replace("no column ", "", StringComparison.Ordinal)));
    }

    /// <summary>The columns named in a script that its tables, the warehouse's tables and views, or its #temp tables do not have.</summary>
    private static List<string> Check(TSqlScript parsed)
    {
        var tables = new Dictionary<string, HashSet<string>?>(StringComparer.OrdinalIgnoreCase);
        foreach (var (name, columns) in Model.Value.Tables)
        {
            tables[name] = [.. columns.Keys];
        }

        foreach (var (name, columns) in Model.Value.Views)
        {
            tables[name] = [.. columns];
        }

        var temporary = new TemporaryTables();
        parsed.Accept(temporary);
        foreach (var (name, columns) in temporary.Tables)
        {
            tables[name] = columns;
        }

        var checker = new ColumnChecker(tables);
        parsed.Accept(checker);
        return checker.Violations;
    }

    /// <summary>The #temp tables a script creates and their columns (null: not known, e.g. SELECT * INTO).</summary>
    private sealed class TemporaryTables : TSqlFragmentVisitor
    {
        public Dictionary<string, HashSet<string>?> Tables { get; } = new(StringComparer.OrdinalIgnoreCase);

        public override void Visit(CreateTableStatement node)
        {
            var name = node.SchemaObjectName.BaseIdentifier.Value;
            if (name.StartsWith('#'))
            {
                Add(name, node.Definition.ColumnDefinitions.Select(c => c.ColumnIdentifier.Value));
            }
        }

        public override void Visit(SelectStatement node)
        {
            if (node.Into is { } into && into.BaseIdentifier.Value.StartsWith('#')
                && SqlServerScripts.FirstQuery(node.QueryExpression) is QuerySpecification specification)
            {
                var names = specification.SelectElements.Select(SqlServerScripts.OutputName).ToList();
                Add(into.BaseIdentifier.Value, names.Contains(null) ? null : names.Select(n => n!));
            }
        }

        private void Add(string name, IEnumerable<string>? columns)
        {
            if (columns is null || (Tables.TryGetValue(name, out var known) && known is null))
            {
                Tables[name] = null;
                return;
            }

            Tables[name] = known is null ? new HashSet<string>(columns, StringComparer.OrdinalIgnoreCase) : [.. known.Union(columns, StringComparer.OrdinalIgnoreCase)];
        }
    }

    /// <summary>
    /// One scope per statement (SELECT, INSERT, UPDATE, DELETE) or, outside them, per query (IF EXISTS, SET @v = (...)):
    /// its table aliases, and the columns named through them.
    /// </summary>
    private sealed class ColumnChecker(IReadOnlyDictionary<string, HashSet<string>?> tables) : TSqlFragmentVisitor
    {
        public List<string> Violations { get; } = [];

        public override void ExplicitVisit(SelectStatement node) => Check(node);

        public override void ExplicitVisit(InsertStatement node) => Check(node);

        public override void ExplicitVisit(UpdateStatement node) => Check(node);

        public override void ExplicitVisit(DeleteStatement node) => Check(node);

        public override void ExplicitVisit(QuerySpecification node) => Check(node);

        private void Check(TSqlFragment scope)
        {
            var names = new ScopeNames();
            scope.Accept(names);

            IReadOnlyList<string> Resolve(string qualifier) =>
                names.Aliases.TryGetValue(qualifier, out var resolved) ? resolved : [];

            foreach (var column in names.Columns)
            {
                var identifiers = column.MultiPartIdentifier.Identifiers;
                if (identifiers.Count < 2)
                {
                    continue;
                }

                var qualifier = identifiers[^2].Value;
                Require(column, $"{qualifier}.{identifiers[^1].Value}", identifiers[^1].Value, Resolve(qualifier));
            }

            foreach (var (target, column) in names.TargetColumns)
            {
                var identifiers = column.MultiPartIdentifier.Identifiers;
                var resolved = target.SchemaIdentifier is null && names.Aliases.TryGetValue(target.BaseIdentifier.Value, out var aliased)
                    ? aliased
                    : [TableName(target)];
                Require(column, identifiers[^1].Value, identifiers[^1].Value, resolved);
            }

            var singleTable = new SingleTableQueries();
            scope.Accept(singleTable);
            foreach (var (table, columns) in singleTable.Found)
            {
                foreach (var column in columns)
                {
                    Require(column, column.MultiPartIdentifier.Identifiers[0].Value, column.MultiPartIdentifier.Identifiers[0].Value, [table]);
                }
            }
        }

        private void Require(TSqlFragment node, string written, string column, IReadOnlyList<string> candidates)
        {
            var known = candidates.Where(tables.ContainsKey).ToList();
            if (known.Count == 0 || known.Count != candidates.Count || known.Any(t => tables[t] is null))
            {
                return; // a CTE, a derived table, a table variable or a #temp table whose columns are not known
            }

            if (!known.Any(t => tables[t]!.Contains(column)))
            {
                Violations.Add($"line {node.StartLine}: no column {written} ({string.Join(" or ", known)})");
            }
        }
    }

    /// <summary>
    /// Queries that read one table and nothing else (no join, no subquery): every unqualified column in their SELECT
    /// list, WHERE, GROUP BY and HAVING is that table's (ORDER BY may name a SELECT alias, so it is left out).
    /// </summary>
    private sealed class SingleTableQueries : TSqlFragmentVisitor
    {
        public List<(string Table, List<ColumnReferenceExpression> Columns)> Found { get; } = [];

        public override void Visit(QuerySpecification node)
        {
            if (node.FromClause?.TableReferences is not [NamedTableReference table] || Nested(node))
            {
                return;
            }

            var columns = new UnqualifiedColumns();
            foreach (var part in new TSqlFragment?[] { node.WhereClause, node.GroupByClause, node.HavingClause }.Concat(node.SelectElements))
            {
                part?.Accept(columns);
            }

            Found.Add((TableName(table.SchemaObject), columns.Found));
        }

        private static bool Nested(QuerySpecification node)
        {
            var inner = new QueryCount();
            node.Accept(inner);
            return inner.Count > 1;
        }
    }

    private sealed class QueryCount : TSqlFragmentVisitor
    {
        public int Count { get; private set; }

        public override void Visit(QuerySpecification node) => Count++;
    }

    private sealed class UnqualifiedColumns : TSqlFragmentVisitor
    {
        public List<ColumnReferenceExpression> Found { get; } = [];

        public override void Visit(ColumnReferenceExpression node)
        {
            if (node.ColumnType == ColumnType.Regular && node.MultiPartIdentifier?.Identifiers.Count == 1)
            {
                Found.Add(node);
            }
        }
    }

    private static string TableName(SchemaObjectName name) =>
        name.BaseIdentifier.Value.StartsWith('#') ? name.BaseIdentifier.Value : SqlServerScripts.Name(name);

    /// <summary>Everything one scope names: aliases (and bare table names) to tables, column references, INSERT and SET targets.</summary>
    private sealed class ScopeNames : TSqlFragmentVisitor
    {
        public Dictionary<string, List<string>> Aliases { get; } = new(StringComparer.OrdinalIgnoreCase);

        public List<ColumnReferenceExpression> Columns { get; } = [];

        public List<(SchemaObjectName Target, ColumnReferenceExpression Column)> TargetColumns { get; } = [];

        public override void Visit(NamedTableReference node)
        {
            var table = TableName(node.SchemaObject);
            if (table.StartsWith("dbo.", StringComparison.Ordinal))
            {
                // No warehouse object lives in dbo: a CTE (its alias is then not checked), or the alias an UPDATE or DELETE names as its target.
                Ambiguous(node.Alias?.Value);
                return;
            }

            var alias = node.Alias?.Value ?? node.SchemaObject.BaseIdentifier.Value;
            if (!Aliases.TryGetValue(alias, out var list))
            {
                Aliases[alias] = list = [];
            }

            if (!list.Contains(table, StringComparer.OrdinalIgnoreCase))
            {
                list.Add(table);
            }
        }

        // A derived table or CTE reusing an alias makes it ambiguous: its columns are not checked.
        public override void Visit(QueryDerivedTable node) => Ambiguous(node.Alias?.Value);

        public override void Visit(CommonTableExpression node) => Ambiguous(node.ExpressionName.Value);

        public override void Visit(ColumnReferenceExpression node)
        {
            if (node.ColumnType == ColumnType.Regular && node.MultiPartIdentifier is not null)
            {
                Columns.Add(node);
            }
        }

        public override void Visit(InsertSpecification node)
        {
            if (node.Target is NamedTableReference target)
            {
                TargetColumns.AddRange(node.Columns.Select(c => (target.SchemaObject, c)));
            }
        }

        public override void Visit(UpdateSpecification node)
        {
            if (node.Target is NamedTableReference target)
            {
                TargetColumns.AddRange(node.SetClauses.OfType<AssignmentSetClause>()
                    .Where(c => c.Column is not null)
                    .Select(c => (target.SchemaObject, c.Column)));
            }
        }

        private void Ambiguous(string? name)
        {
            if (name is not null)
            {
                Aliases[name] = ["(derived)"];
            }
        }
    }
}
