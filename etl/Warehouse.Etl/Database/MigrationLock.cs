using System.Data.Common;
using Dapper;
using Microsoft.Data.SqlClient;
using Npgsql;

namespace Warehouse.Database;

/// <summary>
/// The lock one migration at a time holds (two services starting together, or `warehouse migrate` while
/// the service starts): pg_advisory_lock on PostgreSQL, sp_getapplock on SQL Server, waiting for the
/// holder up to a limit. It lives on its own unpooled connection, so closing it always releases it.
/// </summary>
public sealed class MigrationLock : IDisposable
{
    private readonly DbConnection connection;

    private MigrationLock(DbConnection connection) => this.connection = connection;

    public static MigrationLock Acquire(WarehouseDatabase database, string name, TimeSpan wait)
    {
        var connectionString = database.Engine == Engine.Postgres
            ? new NpgsqlConnectionStringBuilder(database.ConnectionString) { Pooling = false, ApplicationName = "warehouse migrate" }.ConnectionString
            : new SqlConnectionStringBuilder(database.ConnectionString) { Pooling = false, ApplicationName = "warehouse migrate" }.ConnectionString;
        var connection = new WarehouseDatabase(database.Engine, connectionString).Open();
        try
        {
            var seconds = (int)Math.Ceiling(wait.TotalSeconds);
            bool acquired;
            if (database.Engine == Engine.Postgres)
            {
                connection.Execute($"SET lock_timeout = '{seconds}s'");
                acquired = connection.ExecuteScalar<bool>(new CommandDefinition("SELECT pg_advisory_lock(@key) IS NOT NULL", new { key = Schedule.WarehouseLock.Key(name) }, commandTimeout: seconds + 30));
            }
            else
            {
                acquired = connection.ExecuteScalar<int>(new CommandDefinition(
                    """
                    DECLARE @result int;
                    EXEC @result = sp_getapplock @Resource = @name, @LockMode = 'Exclusive', @LockOwner = 'Session', @LockTimeout = @milliseconds;
                    SELECT @result;
                    """,
                    new { name, milliseconds = seconds * 1000 }, commandTimeout: seconds + 30)) >= 0;
            }

            if (!acquired)
            {
                throw new WarehouseException($"another migration of {database.Describe()} held the migration lock for {seconds} s; try again when it has finished");
            }

            return new MigrationLock(connection);
        }
        catch (DbException error)
        {
            connection.Dispose();
            throw new WarehouseException($"cannot take the migration lock on {database.Describe()}: {error.Message}", error);
        }
        catch
        {
            connection.Dispose();
            throw;
        }
    }

    /// <summary>Closing the unpooled session releases the lock on both engines.</summary>
    public void Dispose() => connection.Dispose();
}
