using System.Runtime.CompilerServices;
using Microsoft.SqlServer.TransactSql.ScriptDom;

namespace Warehouse.Tests.Schema;

/// <summary>The T-SQL scripts under sql/sqlserver, parsed with ScriptDom, and the schema they define.</summary>
internal static class SqlServerScripts
{
    private static readonly Lazy<string> Root = new(FindRepositoryRoot);

    public static string RepositoryRoot => Root.Value;

    public static string Folder => Path.Combine(RepositoryRoot, "sql", "sqlserver");

    /// <summary>Every .sql file under sql/sqlserver, relative to it, with '/' separators, in apply order.</summary>
    public static IReadOnlyList<string> Files() =>
        Directory.EnumerateFiles(Folder, "*.sql", SearchOption.AllDirectories)
            .Select(path => Path.GetRelativePath(Folder, path).Replace('\\', '/'))
            .OrderBy(ApplyOrder)
            .ThenBy(path => path, StringComparer.Ordinal)
            .ToList();

    /// <summary>
    /// Parsed by the SQL Server 2019 parser: the scripts target SQL Server 2019+, Azure SQL and the TDS-compatible
    /// engines, so syntax only 2022 knows (IS DISTINCT FROM, the WINDOW clause) fails here.
    /// </summary>
    public static (TSqlScript Script, IList<ParseError> Errors) Parse(string relativePath)
    {
        var parser = new TSql150Parser(initialQuotedIdentifiers: true);
        using var reader = new StreamReader(Path.Combine(Folder, relativePath));
        var fragment = parser.Parse(reader, out var errors);
        return ((TSqlScript)fragment, errors);
    }

    /// <summary>The schema the scripts leave behind when applied in order: migrations, procedures, views.</summary>
    public static SchemaModel ReadModel()
    {
        var model = new SchemaModel();
        foreach (var file in Files())
        {
            var (script, errors) = Parse(file);
            if (errors.Count > 0)
            {
                throw new InvalidOperationException($"{file} does not parse: line {errors[0].Line}: {errors[0].Message}");
            }

            script.Accept(new ModelReader(model));
        }

        return model;
    }

    public static string Name(SchemaObjectName name) =>
        $"{name.SchemaIdentifier?.Value ?? "dbo"}.{name.BaseIdentifier.Value}".ToLowerInvariant();

    private static int ApplyOrder(string relativePath) => relativePath.Split('/')[0] switch
    {
        "migrations" => 0,
        "procedures" => 1,
        "views" => 2,
        _ => 3,
    };

    private static string FindRepositoryRoot()
    {
        // The build output (AppContext.BaseDirectory) normally sits inside the repository; with an
        // --artifacts-path elsewhere, the working directory or this source file's path still does.
        string[] starts = [AppContext.BaseDirectory, Directory.GetCurrentDirectory(), SourceDirectory()];
        foreach (var start in starts.Where(start => !string.IsNullOrEmpty(start)))
        {
            for (var directory = new DirectoryInfo(start); directory is not null; directory = directory.Parent)
            {
                if (File.Exists(Path.Combine(directory.FullName, "Warehouse.sln")))
                {
                    return directory.FullName;
                }
            }
        }

        throw new InvalidOperationException($"No folder with Warehouse.sln above any of: {string.Join(", ", starts)}");
    }

    private static string SourceDirectory([CallerFilePath] string path = "") => Path.GetDirectoryName(path) ?? "";

    /// <summary>Collects tables (with ALTER TABLE ADD/DROP COLUMN and DROP TABLE), views, procedures and functions.</summary>
    private sealed class ModelReader(SchemaModel model) : TSqlFragmentVisitor
    {
        public override void ExplicitVisit(CreateTableStatement node)
        {
            if (node.SchemaObjectName.BaseIdentifier.Value.StartsWith('#'))
            {
                return; // temporary table inside a procedure
            }

            var columns = new SortedDictionary<string, string>(StringComparer.Ordinal);
            foreach (var column in node.Definition.ColumnDefinitions)
            {
                columns[column.ColumnIdentifier.Value.ToLowerInvariant()] = TypeName(column.DataType);
            }

            model.Tables[Name(node.SchemaObjectName)] = columns;
        }

        public override void ExplicitVisit(AlterTableAddTableElementStatement node)
        {
            if (model.Tables.TryGetValue(Name(node.SchemaObjectName), out var columns))
            {
                foreach (var column in node.Definition.ColumnDefinitions)
                {
                    columns[column.ColumnIdentifier.Value.ToLowerInvariant()] = TypeName(column.DataType);
                }
            }
        }

        public override void ExplicitVisit(AlterTableDropTableElementStatement node)
        {
            if (model.Tables.TryGetValue(Name(node.SchemaObjectName), out var columns))
            {
                foreach (var element in node.AlterTableDropTableElements.Where(e => e.TableElementType == TableElementType.Column))
                {
                    columns.Remove(element.Name.Value.ToLowerInvariant());
                }
            }
        }

        public override void ExplicitVisit(AlterTableAlterColumnStatement node)
        {
            if (node.DataType is not null && model.Tables.TryGetValue(Name(node.SchemaObjectName), out var columns))
            {
                columns[node.ColumnIdentifier.Value.ToLowerInvariant()] = TypeName(node.DataType);
            }
        }

        public override void ExplicitVisit(DropTableStatement node)
        {
            foreach (var table in node.Objects)
            {
                model.Tables.Remove(Name(table));
            }
        }

        public override void ExplicitVisit(CreateViewStatement node) => model.Views[Name(node.SchemaObjectName)] = ViewColumns(node);

        public override void ExplicitVisit(CreateProcedureStatement node) =>
            model.Procedures[Name(node.ProcedureReference.Name)] = Parameters(node.Parameters);

        public override void ExplicitVisit(CreateFunctionStatement node) => model.Functions[Name(node.Name)] = Parameters(node.Parameters);

        private static List<string> Parameters(IEnumerable<ProcedureParameter> parameters) =>
            parameters.Select(p => p.VariableName.Value.TrimStart('@').ToLowerInvariant()).ToList();

        private static List<string> ViewColumns(ViewStatementBody view)
        {
            if (view.Columns.Count > 0)
            {
                return view.Columns.Select(c => c.Value.ToLowerInvariant()).ToList();
            }

            if (FirstQuery(view.SelectStatement.QueryExpression) is not QuerySpecification query)
            {
                throw new NotSupportedException($"view {Name(view.SchemaObjectName)}: {view.SelectStatement.QueryExpression.GetType().Name}");
            }

            return query.SelectElements
                .Select(element => OutputName(element)
                    ?? throw new NotSupportedException($"view {Name(view.SchemaObjectName)}: give every output column a name (line {element.StartLine})"))
                .Select(name => name.ToLowerInvariant())
                .ToList();
        }
    }

    /// <summary>The query that names a UNION's (or a parenthesised query's) columns: its first.</summary>
    public static QueryExpression FirstQuery(QueryExpression query)
    {
        while (query is BinaryQueryExpression or QueryParenthesisExpression)
        {
            query = query is BinaryQueryExpression binary ? binary.FirstQueryExpression : ((QueryParenthesisExpression)query).QueryExpression;
        }

        return query;
    }

    /// <summary>The name a SELECT element gives its column (its alias, else the column it reads), or null when it gives none.</summary>
    public static string? OutputName(SelectElement element) => element switch
    {
        SelectScalarExpression { ColumnName: { } alias } => alias.Value,
        SelectScalarExpression { Expression: ColumnReferenceExpression { MultiPartIdentifier: { } identifier } } => identifier.Identifiers[^1].Value,
        _ => null,
    };

    /// <summary>The type as written, in the canonical spelling the parity test compares: nvarchar(64), decimal(19,4), int.</summary>
    public static string TypeName(DataTypeReference type)
    {
        if (type is not SqlDataTypeReference sql)
        {
            return string.Join(".", type.Name.Identifiers.Select(i => i.Value)).ToLowerInvariant();
        }

        var name = sql.SqlDataTypeOption switch
        {
            SqlDataTypeOption.Numeric => "decimal",
            var option => option.ToString().ToLowerInvariant(),
        };
        if (name == "datetimeoffset" || sql.Parameters.Count == 0)
        {
            return name;
        }

        var parameters = sql.Parameters.Select(p => p is MaxLiteral ? "max" : p.Value);
        return $"{name}({string.Join(",", parameters)})";
    }
}
