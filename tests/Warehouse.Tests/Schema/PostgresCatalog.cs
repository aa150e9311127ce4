using System.Text.RegularExpressions;
using Npgsql;
using Warehouse.Tests.Infrastructure;
using Xunit;

namespace Warehouse.Tests.Schema;

/// <summary>
/// A fresh PostgreSQL database with every script of sql/postgres applied (migrations by file name,
/// then procedures, then views), and the schema read back from its catalog.
/// The server is the tests' PostgreSQL server (<see cref="TestServers.Postgres"/>): WAREHOUSE_TEST_POSTGRES,
/// else the private cluster under .warehouse/test-pg.
/// </summary>
public sealed partial class PostgresCatalog : IAsyncLifetime
{
    private readonly string serverConnectionString = TestServers.Postgres;

    private readonly string databaseName = $"tsql_parity_{Guid.NewGuid():N}"[..32];

    private string? databaseConnectionString;

    internal SchemaModel Model { get; } = new();

    public async ValueTask InitializeAsync()
    {
        await using (var server = new NpgsqlConnection(serverConnectionString))
        {
            await server.OpenAsync();

            await using var create = new NpgsqlCommand($"CREATE DATABASE {databaseName}", server);
            await create.ExecuteNonQueryAsync();
        }

        databaseConnectionString = new NpgsqlConnectionStringBuilder(serverConnectionString) { Database = databaseName }.ConnectionString;
        await using var connection = new NpgsqlConnection(databaseConnectionString);
        await connection.OpenAsync();
        foreach (var script in Scripts())
        {
            await using var command = new NpgsqlCommand(await File.ReadAllTextAsync(script), connection);
            try
            {
                await command.ExecuteNonQueryAsync();
            }
            catch (PostgresException exception)
            {
                throw new InvalidOperationException(
                    $"{Path.GetRelativePath(SqlServerScripts.RepositoryRoot, script)} fails on PostgreSQL: {exception.MessageText}", exception);
            }
        }

        await ReadColumnsAsync(connection);
        await ReadRoutinesAsync(connection);
    }

    public async ValueTask DisposeAsync()
    {
        if (databaseConnectionString is null)
        {
            return;
        }

        NpgsqlConnection.ClearAllPools();
        await using var server = new NpgsqlConnection(serverConnectionString);
        await server.OpenAsync();
        await using var drop = new NpgsqlCommand($"DROP DATABASE IF EXISTS {databaseName} WITH (FORCE)", server);
        await drop.ExecuteNonQueryAsync();
    }

    /// <summary>PostgreSQL's type as the SQL Server type the translation must use (the agreed type map).</summary>
    public static string ToSqlServerType(string postgresType)
    {
        var sized = SizedType().Match(postgresType);
        var (name, size) = sized.Success ? (sized.Groups["name"].Value, sized.Groups["size"].Value) : (postgresType, "");
        return name switch
        {
            "character varying" when size.Length > 0 => $"nvarchar({size})",
            "numeric" when size.Length > 0 => $"decimal({size})",
            "text" => "nvarchar(max)",
            "integer" => "int",
            "bigint" => "bigint",
            "smallint" => "smallint",
            "boolean" => "bit",
            "date" => "date",
            "timestamp with time zone" => "datetimeoffset",
            _ => $"(no SQL Server equivalent agreed for PostgreSQL {postgresType})",
        };
    }

    private static IEnumerable<string> Scripts()
    {
        var folder = Path.Combine(SqlServerScripts.RepositoryRoot, "sql", "postgres");
        return new[] { "migrations", "procedures", "views" }
            .Select(sub => Path.Combine(folder, sub))
            .Where(Directory.Exists)
            .SelectMany(sub => Directory.EnumerateFiles(sub, "*.sql").OrderBy(Path.GetFileName, StringComparer.Ordinal));
    }

    private async Task ReadColumnsAsync(NpgsqlConnection connection)
    {
        const string sql = """
            SELECT lower(n.nspname || '.' || c.relname), c.relkind::text, lower(a.attname), format_type(a.atttypid, a.atttypmod)
            FROM pg_class AS c
            JOIN pg_namespace AS n ON n.oid = c.relnamespace
            JOIN pg_attribute AS a ON a.attrelid = c.oid AND a.attnum > 0 AND NOT a.attisdropped
            WHERE c.relkind IN ('r', 'p', 'v')
              AND n.nspname NOT IN ('pg_catalog', 'information_schema') AND n.nspname NOT LIKE 'pg\_%'
            ORDER BY 1, a.attnum
            """;
        await using var command = new NpgsqlCommand(sql, connection);
        await using var reader = await command.ExecuteReaderAsync();
        while (await reader.ReadAsync())
        {
            var (name, kind, column, type) = (reader.GetString(0), reader.GetString(1), reader.GetString(2), reader.GetString(3));
            if (kind == "v")
            {
                (Model.Views.TryGetValue(name, out var columns) ? columns : Model.Views[name] = []).Add(column);
            }
            else
            {
                (Model.Tables.TryGetValue(name, out var columns) ? columns : Model.Tables[name] = new(StringComparer.Ordinal))[column] = type;
            }
        }
    }

    private async Task ReadRoutinesAsync(NpgsqlConnection connection)
    {
        // Argument names in order; a function's OUT and TABLE columns are results, not parameters.
        const string sql = """
            SELECT lower(n.nspname || '.' || p.proname), p.prokind::text,
                   ARRAY(SELECT lower(arg.name)
                         FROM unnest(p.proargnames) WITH ORDINALITY AS arg(name, position)
                         WHERE p.prokind = 'p' OR COALESCE(p.proargmodes[arg.position]::text, 'i') NOT IN ('o', 't')
                         ORDER BY arg.position)
            FROM pg_proc AS p
            JOIN pg_namespace AS n ON n.oid = p.pronamespace
            WHERE p.prokind IN ('f', 'p')
              AND n.nspname NOT IN ('pg_catalog', 'information_schema') AND n.nspname NOT LIKE 'pg\_%'
            """;
        await using var command = new NpgsqlCommand(sql, connection);
        await using var reader = await command.ExecuteReaderAsync();
        while (await reader.ReadAsync())
        {
            var routines = reader.GetString(1) == "p" ? Model.Procedures : Model.Functions;
            routines[reader.GetString(0)] = [.. reader.GetFieldValue<string[]>(2)];
        }
    }

    [GeneratedRegex(@"^(?<name>[a-z ]+)\((?<size>\d+(,\d+)?)\)$")]
    private static partial Regex SizedType();
}
