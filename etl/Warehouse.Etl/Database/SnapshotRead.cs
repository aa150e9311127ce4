using System.Data.Common;
using Dapper;
using Npgsql;

namespace Warehouse.Database;

/// <summary>
/// One consistent read: everything read on the connection between <see cref="BeginAsync"/> and
/// <see cref="CommitAsync"/> comes from one snapshot of the database, so a publish that commits
/// meanwhile is seen either whole or not at all, never half (a workbook's Summary from one publish and
/// its tiers from the next). PostgreSQL: a read-only REPEATABLE READ transaction. SQL Server: a
/// SNAPSHOT isolation transaction (ALLOW_SNAPSHOT_ISOLATION, migration 0024). Readers take no locks
/// that hold up the publish, and the publish does not hold them up. The transaction is begun in SQL
/// text, so the reads need no transaction object (SqlClient asks for one only for transactions it began).
/// </summary>
public sealed class SnapshotRead : IAsyncDisposable
{
    private readonly DbConnection connection;
    private readonly bool postgres;
    private bool open = true;

    private SnapshotRead(DbConnection connection, bool postgres)
    {
        this.connection = connection;
        this.postgres = postgres;
    }

    public static async Task<SnapshotRead> BeginAsync(DbConnection connection, CancellationToken cancellationToken = default)
    {
        var postgres = connection is NpgsqlConnection;
        await connection.ExecuteAsync(new CommandDefinition(
            postgres ? "BEGIN ISOLATION LEVEL REPEATABLE READ, READ ONLY" : "SET TRANSACTION ISOLATION LEVEL SNAPSHOT; BEGIN TRANSACTION;",
            cancellationToken: cancellationToken));
        return new SnapshotRead(connection, postgres);
    }

    /// <summary>Ends the read (nothing was written) and puts the connection back to READ COMMITTED.</summary>
    public async Task CommitAsync()
    {
        if (open)
        {
            open = false;
            await connection.ExecuteAsync(postgres ? "COMMIT" : "COMMIT TRANSACTION; SET TRANSACTION ISOLATION LEVEL READ COMMITTED;");
        }
    }

    /// <summary>Reads <paramref name="read"/> in one snapshot.</summary>
    public static async Task<T> RunAsync<T>(DbConnection connection, Func<Task<T>> read, CancellationToken cancellationToken = default)
    {
        await using var snapshot = await BeginAsync(connection, cancellationToken);
        var result = await read();
        await snapshot.CommitAsync();
        return result;
    }

    public async ValueTask DisposeAsync()
    {
        if (!open)
        {
            return;
        }

        open = false;
        try
        {
            if (connection.State == System.Data.ConnectionState.Open)
            {
                await connection.ExecuteAsync(postgres
                    ? "ROLLBACK"
                    : "IF @@TRANCOUNT > 0 ROLLBACK TRANSACTION; SET TRANSACTION ISOLATION LEVEL READ COMMITTED;");
            }
        }
        catch (DbException)
        {
            // a broken connection has no transaction left
        }
    }
}
