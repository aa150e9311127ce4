using Microsoft.SqlServer.TransactSql.ScriptDom;
using Xunit;

namespace Warehouse.Tests.Schema;

/// <summary>SQL Server cannot run here: its scripts are checked by the SQL Server 2019 parser and the customer's rules.</summary>
public sealed class TSqlScriptTests
{
    public static TheoryData<string> Scripts() => [.. SqlServerScripts.Files()];

    [Theory]
    [MemberData(nameof(Scripts))]
    public void Every_TSql_script_parses_with_the_SQL_Server_2019_parser(string script)
    {
        var (_, errors) = SqlServerScripts.Parse(script);

        Assert.True(errors.Count == 0, string.Join(Environment.NewLine,
            errors.Select(e => $"sql/sqlserver/{script}({e.Line},{e.Column}): error {e.Number}: {e.Message}")));
    }

    [Fact]
    public void TSql_scripts_follow_the_house_rules()
    {
        var violations = new List<string>();
        foreach (var script in SqlServerScripts.Files())
        {
            var (parsed, errors) = SqlServerScripts.Parse(script);
            if (errors.Count > 0)
            {
                continue; // reported by the parse test
            }

            var checker = new HouseRules(script.StartsWith("migrations/", StringComparison.Ordinal));
            parsed.Accept(checker);
            violations.AddRange(checker.Violations.Select(v => $"sql/sqlserver/{script}: {v}"));
        }

        Assert.True(violations.Count == 0, string.Join(Environment.NewLine, violations));
    }

    /// <summary>
    /// No MERGE, no CREATE OR ALTER, no TOP ... WITH TIES, no SELECT @s = @s + ..., no function only SQL Server 2022
    /// has (GREATEST, LEAST, GENERATE_SERIES, DATETRUNC, ...) nor IS [NOT] DISTINCT FROM; every procedure sets
    /// NOCOUNT and XACT_ABORT and has a TRY/CATCH that THROWs; run-always scripts DROP ... IF EXISTS before CREATE.
    /// </summary>
    /// <summary>Functions SQL Server 2022 added, which 2019 and older TDS engines reject at run time (they parse as any call).</summary>
    private static readonly HashSet<string> SqlServer2022Functions = new(StringComparer.OrdinalIgnoreCase)
    {
        "GREATEST", "LEAST", "GENERATE_SERIES", "DATETRUNC", "DATE_BUCKET", "JSON_OBJECT", "JSON_ARRAY", "JSON_PATH_EXISTS",
        "APPROX_PERCENTILE_CONT", "APPROX_PERCENTILE_DISC", "LEFT_SHIFT", "RIGHT_SHIFT", "BIT_COUNT", "GET_BIT", "SET_BIT",
    };

    private sealed class HouseRules(bool runOnce) : TSqlFragmentVisitor
    {
        private readonly HashSet<string> dropped = new(StringComparer.Ordinal);

        public List<string> Violations { get; } = [];

        public override void Visit(MergeStatement node) => Add(node, "MERGE: write an explicit UPDATE then INSERT");

        public override void Visit(FunctionCall node) => RequireBefore2022(node, node.FunctionName.Value);

        public override void Visit(GlobalFunctionTableReference node) => RequireBefore2022(node, node.Name.Value);

        public override void Visit(SchemaObjectFunctionTableReference node) => RequireBefore2022(node, node.SchemaObject.BaseIdentifier.Value);

        public override void Visit(DistinctPredicate node) =>
            Add(node, "IS [NOT] DISTINCT FROM is SQL Server 2022 only: compare with EXISTS (SELECT a EXCEPT SELECT b) or spell out the NULLs");

        private void RequireBefore2022(TSqlFragment node, string name)
        {
            if (SqlServer2022Functions.Contains(name))
            {
                Add(node, $"{name.ToUpperInvariant()} is SQL Server 2022 only (the scripts target 2019+, Azure SQL and TDS-compatible engines)");
            }
        }

        public override void Visit(CreateOrAlterProcedureStatement node) => Add(node, "CREATE OR ALTER PROCEDURE: DROP PROCEDURE IF EXISTS, GO, CREATE");

        public override void Visit(CreateOrAlterFunctionStatement node) => Add(node, "CREATE OR ALTER FUNCTION: DROP FUNCTION IF EXISTS, GO, CREATE");

        public override void Visit(CreateOrAlterViewStatement node) => Add(node, "CREATE OR ALTER VIEW: DROP VIEW IF EXISTS, GO, CREATE");

        public override void Visit(CreateOrAlterTriggerStatement node) => Add(node, "CREATE OR ALTER TRIGGER");

        public override void Visit(TopRowFilter node)
        {
            if (node.WithTies)
            {
                Add(node, "TOP ... WITH TIES");
            }
        }

        public override void Visit(SelectSetVariable node)
        {
            var name = node.Variable.Name;
            var references = new VariableReferences();
            node.Expression.Accept(references);
            if (node.AssignmentKind != AssignmentKind.Equals || references.Names.Contains(name))
            {
                Add(node, $"SELECT {name} = {name} + ... (aggregate with STRING_AGG or SUM)");
            }
        }

        public override void Visit(DropProcedureStatement node) => Dropped(node);

        public override void Visit(DropFunctionStatement node) => Dropped(node);

        public override void Visit(DropViewStatement node) => Dropped(node);

        public override void Visit(CreateProcedureStatement node)
        {
            RequireDropFirst(node, SqlServerScripts.Name(node.ProcedureReference.Name), "PROCEDURE");

            var body = new ProcedureBody();
            node.StatementList?.Accept(body);
            if (!body.NoCountOn || !body.XactAbortOn)
            {
                Add(node, "procedure must SET NOCOUNT ON and SET XACT_ABORT ON");
            }

            if (!body.TryCatchWithThrow)
            {
                Add(node, "procedure must run its work in BEGIN TRY ... END TRY BEGIN CATCH ... THROW; END CATCH");
            }
        }

        public override void Visit(CreateFunctionStatement node) => RequireDropFirst(node, SqlServerScripts.Name(node.Name), "FUNCTION");

        public override void Visit(CreateViewStatement node) => RequireDropFirst(node, SqlServerScripts.Name(node.SchemaObjectName), "VIEW");

        private void Dropped(DropObjectsStatement node)
        {
            if (node.IsIfExists)
            {
                dropped.UnionWith(node.Objects.Select(SqlServerScripts.Name));
            }
        }

        private void RequireDropFirst(TSqlFragment node, string name, string kind)
        {
            if (!runOnce && !dropped.Contains(name))
            {
                Add(node, $"run-always script must DROP {kind} IF EXISTS {name}; GO before CREATE {kind}");
            }
        }

        private void Add(TSqlFragment node, string message) => Violations.Add($"line {node.StartLine}: {message}");
    }

    private sealed class VariableReferences : TSqlFragmentVisitor
    {
        public HashSet<string> Names { get; } = new(StringComparer.OrdinalIgnoreCase);

        public override void Visit(VariableReference node) => Names.Add(node.Name);
    }

    private sealed class ProcedureBody : TSqlFragmentVisitor
    {
        public bool NoCountOn { get; private set; }

        public bool XactAbortOn { get; private set; }

        public bool TryCatchWithThrow { get; private set; }

        public override void Visit(PredicateSetStatement node)
        {
            NoCountOn |= node.IsOn && node.Options.HasFlag(SetOptions.NoCount);
            XactAbortOn |= node.IsOn && node.Options.HasFlag(SetOptions.XactAbort);
        }

        public override void Visit(TryCatchStatement node)
        {
            var rethrow = new ThrowFinder();
            node.CatchStatements?.Accept(rethrow);
            TryCatchWithThrow |= rethrow.Found;
        }
    }

    private sealed class ThrowFinder : TSqlFragmentVisitor
    {
        public bool Found { get; private set; }

        public override void Visit(ThrowStatement node) => Found = true;
    }
}
