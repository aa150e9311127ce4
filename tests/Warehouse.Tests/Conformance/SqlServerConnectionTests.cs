using System.Net;
using System.Net.Sockets;
using Microsoft.Data.SqlClient;
using Warehouse.Database;

namespace Warehouse.Tests.Conformance;

/// <summary>
/// SqlClient refuses globalization-invariant mode before it sends a byte. These tests open a real
/// SqlConnection to a loopback port where nothing listens: the error must be the network's, never
/// NotSupportedException about globalization. They run without a SQL Server.
/// </summary>
public sealed class SqlServerConnectionTests
{
    [Fact]
    public void A_SqlConnection_to_a_closed_loopback_port_fails_on_the_network_not_on_globalization()
    {
        using var connection = new SqlConnection(ClosedPortConnectionString(out _));

        var error = Record.Exception(connection.Open);

        Assert.NotNull(error);
        Assert.False(error is NotSupportedException || error.ToString().Contains("Globalization", StringComparison.OrdinalIgnoreCase),
            $"expected a network error, got a globalization error: {error}");
        var sql = Assert.IsType<SqlException>(error);
        Assert.Contains("network-related", sql.Message, StringComparison.OrdinalIgnoreCase);
    }

    [Fact]
    public void The_warehouse_names_the_unreachable_SQL_Server_in_one_line()
    {
        var database = new WarehouseDatabase(Engine.SqlServer, ClosedPortConnectionString(out var port));

        var opening = Assert.Throws<WarehouseException>(() => database.Open());
        var migrating = Assert.Throws<WarehouseException>(() => Migrator.Migrate(database));

        foreach (var error in new[] { opening, migrating })
        {
            Assert.StartsWith($"cannot reach SQL Server at tcp:127.0.0.1,{port}/warehouse", error.Message, StringComparison.Ordinal);
            Assert.DoesNotContain("secret-value", error.Message, StringComparison.Ordinal);
            Assert.IsType<SqlException>(error.InnerException);
        }
    }

    [Theory]
    [InlineData(Engine.SqlServer, "Server=tcp:db,1433;Database=warehouse;User Id=etl;Password=p", 0)]
    [InlineData(Engine.SqlServer, "Server=tcp:db,1433;Database=warehouse;Command Timeout=120", 120)]
    [InlineData(Engine.Postgres, "Host=db;Database=warehouse;Username=etl;Password=p", 0)]
    [InlineData(Engine.Postgres, "Host=db;Database=warehouse;Command Timeout=45", 45)]
    public void Commands_wait_as_long_as_a_long_transform_step_needs_unless_the_connection_string_sets_a_timeout(Engine engine, string configured, int seconds)
    {
        var opening = WarehouseDatabase.WithoutCommandTimeoutUnlessSet(engine, configured);

        using System.Data.Common.DbConnection connection = engine == Engine.SqlServer ? new SqlConnection(opening) : new Npgsql.NpgsqlConnection(opening);
        using var command = connection.CreateCommand();
        Assert.Equal(seconds, command.CommandTimeout);
    }

    /// <summary>A loopback port that was free a moment ago: bound, read, released.</summary>
    private static string ClosedPortConnectionString(out int port)
    {
        var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        port = ((IPEndPoint)listener.LocalEndpoint).Port;
        listener.Stop();
        return $"Server=tcp:127.0.0.1,{port};Database=warehouse;User Id=warehouse;Password=secret-value;Encrypt=False;Connect Timeout=5;ConnectRetryCount=0;Pooling=false";
    }
}
