using System.Buffers.Binary;
using System.Data.Common;
using System.Security.Cryptography;
using System.Text;
using Dapper;
using Microsoft.Data.SqlClient;
using Npgsql;
using Warehouse.Database;

namespace Warehouse.Schedule;

/// <summary>
/// A named lock in the warehouse database that one process at a time holds: pg_try_advisory_lock on
/// PostgreSQL, sp_getapplock (session owner) on SQL Server. It lives on its own unpooled connection,
/// so it is released when the holder releases it, closes, or dies. Jobs and `warehouse run` take one
/// per job (warehouse.extract-folder, warehouse.transform, ...), so the same job never runs twice at
/// once, whichever scheduler or command started it.
/// </summary>
public sealed class WarehouseLock : IAsyncDisposable
{
    private readonly WarehouseDatabase database;
    private DbConnection? connection;

    private WarehouseLock(WarehouseDatabase database, string name, DbConnection connection)
    {
        this.database = database;
        Name = name;
        this.connection = connection;
    }

    public string Name { get; }

    /// <summary>The lock, or null when another session holds it (no waiting).</summary>
    public static async Task<WarehouseLock?> TryAcquireAsync(WarehouseDatabase database, string name, string holder, CancellationToken cancellationToken = default)
    {
        var connection = await OpenUnpooledAsync(database, holder, cancellationToken);
        try
        {
            if (await TryLockAsync(database.Engine, connection, name, cancellationToken))
            {
                return new WarehouseLock(database, name, connection);
            }

            await connection.DisposeAsync();
            return null;
        }
        catch
        {
            await connection.DisposeAsync();
            throw;
        }
    }

    /// <summary>
    /// The lock, waiting for it up to <paramref name="timeout"/> when another session holds it: says once,
    /// through <paramref name="waiting"/>, who holds it and how long it will wait; when the time is up,
    /// a <see cref="WarehouseException"/> names the holder. A zero timeout refuses at once.
    /// </summary>
    public static async Task<WarehouseLock> AcquireAsync(
        WarehouseDatabase database, string name, string holder, TimeSpan timeout, Action<string> waiting, CancellationToken cancellationToken = default)
    {
        var connection = await OpenUnpooledAsync(database, holder, cancellationToken);
        try
        {
            var clock = System.Diagnostics.Stopwatch.StartNew();
            var told = false;
            while (!await TryLockAsync(database.Engine, connection, name, cancellationToken))
            {
                var current = await HolderAsync(database, name) ?? "another process";
                if (clock.Elapsed >= timeout)
                {
                    throw new WarehouseException(timeout <= TimeSpan.Zero
                        ? $"{name} is held by {current}; nothing was done. Try again when it has finished (`warehouse status`), or wait for it with --lock-timeout SECONDS"
                        : $"{name} is still held by {current} after {timeout.TotalSeconds:N0} s; nothing was done. Try again when it has finished (`warehouse status`), or give a longer --lock-timeout");
                }

                if (!told)
                {
                    waiting($"waiting for {name}: held by {current}; waiting up to {timeout.TotalSeconds:N0} s (--lock-timeout)");
                    told = true;
                }

                await Task.Delay(TimeSpan.FromMilliseconds(Math.Min(1000, Math.Max(50, (timeout - clock.Elapsed).TotalMilliseconds))), cancellationToken);
            }

            return new WarehouseLock(database, name, connection);
        }
        catch
        {
            await connection.DisposeAsync();
            throw;
        }
    }

    private static async Task<bool> TryLockAsync(Engine engine, DbConnection connection, string name, CancellationToken cancellationToken)
    {
        if (engine == Engine.Postgres)
        {
            return await connection.ExecuteScalarAsync<bool>(
                new CommandDefinition("SELECT pg_try_advisory_lock(@key)", new { key = Key(name) }, cancellationToken: cancellationToken));
        }

        var result = await connection.ExecuteScalarAsync<int>(new CommandDefinition(
            """
            DECLARE @result int;
            EXEC @result = sp_getapplock @Resource = @name, @LockMode = 'Exclusive', @LockOwner = 'Session', @LockTimeout = 0;
            SELECT @result;
            """,
            new { name }, cancellationToken: cancellationToken));
        return result >= 0;
    }

    /// <summary>Who holds a lock, for the message of the one that could not take it; null when unknown.</summary>
    public static async Task<string?> HolderAsync(WarehouseDatabase database, string name)
    {
        try
        {
            await using var connection = await database.OpenAsync();
            if (database.Engine == Engine.Postgres)
            {
                var key = Key(name);
                return await connection.ExecuteScalarAsync<string?>(
                    """
                    SELECT a.application_name || ' (since ' || to_char(a.backend_start AT TIME ZONE 'UTC', 'YYYY-MM-DD HH24:MI:SS') || ' UTC)'
                    FROM pg_locks AS l
                    JOIN pg_stat_activity AS a ON a.pid = l.pid
                    WHERE l.locktype = 'advisory' AND l.granted
                      AND l.database = (SELECT oid FROM pg_database WHERE datname = current_database())  -- advisory locks are per database
                      AND l.classid::bigint = @high AND l.objid::bigint = @low AND l.objsubid = 1
                    LIMIT 1
                    """,
                    new { high = (long)(uint)(key >> 32), low = (long)(uint)(key & 0xFFFFFFFF) });
            }

            return await connection.ExecuteScalarAsync<string?>(
                """
                SELECT TOP (1) s.program_name + N' (since ' + CONVERT(nvarchar(19), s.login_time, 120) + N')'
                FROM sys.dm_tran_locks AS l
                JOIN sys.dm_exec_sessions AS s ON s.session_id = l.request_session_id
                WHERE l.resource_type = N'APPLICATION' AND l.request_owner_type = N'SESSION' AND l.request_status = N'GRANT'
                  AND l.resource_database_id = DB_ID()  -- application locks are per database, as on PostgreSQL
                  AND l.resource_description LIKE N'%' + @name + N'%'
                ORDER BY s.login_time
                """,
                new { name = name.Length > 32 ? name[..32] : name });
        }
        catch (Exception error) when (error is DbException or WarehouseException)
        {
            return null;
        }
    }

    public async ValueTask DisposeAsync()
    {
        if (connection is null)
        {
            return;
        }

        try
        {
            if (connection.State == System.Data.ConnectionState.Open)
            {
                var sql = database.Engine == Engine.Postgres
                    ? "SELECT pg_advisory_unlock(@key)"
                    : "EXEC sp_releaseapplock @Resource = @name, @LockOwner = 'Session'";
                await connection.ExecuteAsync(sql, new { key = Key(Name), name = Name });
            }
        }
        catch (DbException)
        {
            // closing the session below releases it anyway
        }
        finally
        {
            await connection.DisposeAsync();
            connection = null;
        }
    }

    /// <summary>The advisory lock key of a name: the first 8 bytes of its SHA-256, stable across processes and versions.</summary>
    public static long Key(string name) => BinaryPrimitives.ReadInt64BigEndian(SHA256.HashData(Encoding.UTF8.GetBytes(name)));

    private static async Task<DbConnection> OpenUnpooledAsync(WarehouseDatabase database, string holder, CancellationToken cancellationToken)
    {
        var application = holder.Length > 60 ? holder[..60] : holder;
        var connectionString = database.Engine == Engine.Postgres
            ? new NpgsqlConnectionStringBuilder(database.ConnectionString) { Pooling = false, ApplicationName = application }.ConnectionString
            : new SqlConnectionStringBuilder(database.ConnectionString) { Pooling = false, ApplicationName = application }.ConnectionString;
        return await new WarehouseDatabase(database.Engine, connectionString).OpenAsync(cancellationToken);
    }
}
