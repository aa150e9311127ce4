using System.Data;
using System.Data.Common;
using System.Net.Sockets;
using Dapper;
using Microsoft.Data.SqlClient;
using Npgsql;

namespace Warehouse.Database;

/// <summary>One warehouse database on one engine: opens connections and calls the etl procedures.</summary>
public sealed class WarehouseDatabase(Engine engine, string connectionString)
{
    public Engine Engine { get; } = engine;
    public string ConnectionString { get; } = connectionString;

    private readonly string openingConnectionString = WithoutCommandTimeoutUnlessSet(engine, connectionString);

    /// <summary>
    /// The connection string connections open with. Both drivers stop a command after 30 s by default, and a
    /// transform step, a publish or a workbook query on millions of order lines runs for minutes; so commands wait
    /// as long as they need (Command Timeout 0), unless the configured connection string sets its own timeout.
    /// </summary>
    public static string WithoutCommandTimeoutUnlessSet(Engine engine, string connectionString)
    {
        var given = new DbConnectionStringBuilder { ConnectionString = connectionString };
        if (given.ContainsKey("Command Timeout") || given.ContainsKey("CommandTimeout"))
        {
            return connectionString;
        }

        return engine == Engine.Postgres
            ? new NpgsqlConnectionStringBuilder(connectionString) { CommandTimeout = 0 }.ConnectionString
            : new SqlConnectionStringBuilder(connectionString) { CommandTimeout = 0 }.ConnectionString;
    }

    /// <summary>The configured database, or the private PostgreSQL cluster when none is configured.</summary>
    public static WarehouseDatabase FromSettings(WarehouseSettings settings)
    {
        if (settings.ConnectionString is not null)
        {
            return new WarehouseDatabase(settings.Engine, settings.ConnectionString);
        }

        if (settings.Engine == Engine.SqlServer)
        {
            throw new WarehouseException("WAREHOUSE_ENGINE is SqlServer but WAREHOUSE_CONNECTION is not set.");
        }

        return new WarehouseDatabase(Engine.Postgres, EmbeddedPostgres.ForRepository().Start());
    }

    /// <summary>Host and database, for messages: never the password.</summary>
    public string Describe()
    {
        if (Engine == Engine.Postgres)
        {
            var builder = new NpgsqlConnectionStringBuilder(ConnectionString);
            return $"PostgreSQL at {builder.Host}:{builder.Port}/{builder.Database}";
        }

        var sql = new SqlConnectionStringBuilder(ConnectionString);
        return $"SQL Server at {sql.DataSource}/{sql.InitialCatalog}";
    }

    public DbConnection Open()
    {
        DbConnection connection = Engine == Engine.Postgres
            ? new NpgsqlConnection(openingConnectionString)
            : new SqlConnection(openingConnectionString);
        try
        {
            connection.Open();
            return connection;
        }
        catch (Exception error) when (error is NpgsqlException or SqlException or SocketException)
        {
            connection.Dispose();
            throw new WarehouseException($"cannot reach {Describe()}: {error.Message}", error);
        }
    }

    public async Task<DbConnection> OpenAsync(CancellationToken cancellationToken = default)
    {
        DbConnection connection = Engine == Engine.Postgres
            ? new NpgsqlConnection(openingConnectionString)
            : new SqlConnection(openingConnectionString);
        try
        {
            await connection.OpenAsync(cancellationToken);
            return connection;
        }
        catch (Exception error) when (error is NpgsqlException or SqlException or SocketException)
        {
            await connection.DisposeAsync();
            throw new WarehouseException($"cannot reach {Describe()}: {error.Message}", error);
        }
    }

    /// <summary>
    /// Calls an etl procedure with named parameters (p_...) and returns its p_rows_written output.
    /// Each call is its own transaction on both engines.
    /// </summary>
    public async Task<long> CallProcedureAsync(
        DbConnection connection, string procedure, IReadOnlyDictionary<string, object?> parameters, CancellationToken cancellationToken = default)
    {
        var arguments = new DynamicParameters();
        foreach (var (name, value) in parameters)
        {
            if (value is DateOnly date)
            {
                arguments.Add(name, date.ToDateTime(TimeOnly.MinValue), DbType.Date);
            }
            else
            {
                arguments.Add(name, value);
            }
        }

        string sql;
        if (Engine == Engine.Postgres)
        {
            var named = string.Join(", ", parameters.Keys.Select(name => $"{name} => @{name}"));
            sql = $"CALL {procedure}({named})";
        }
        else
        {
            var named = string.Join(", ", parameters.Keys.Select(name => $"@{name} = @{name}").Append("@p_rows_written = @rows_written OUTPUT"));
            sql = $"DECLARE @rows_written bigint = 0; EXEC {procedure} {named}; SELECT @rows_written;";
        }

        var command = new CommandDefinition(sql, arguments, commandTimeout: 0, cancellationToken: cancellationToken);
        var result = await connection.ExecuteScalarAsync(command);
        return result is null or DBNull ? 0 : Convert.ToInt64(result, System.Globalization.CultureInfo.InvariantCulture);
    }

}
