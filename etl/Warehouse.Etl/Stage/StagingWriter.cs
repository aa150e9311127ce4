using System.Data;
using System.Data.Common;
using Dapper;
using Microsoft.Data.SqlClient;
using Npgsql;
using NpgsqlTypes;
using Warehouse.Database;

namespace Warehouse.Stage;

/// <summary>
/// Writes typed rows into one stg table inside the caller's transaction: bulk copy into a
/// temporary table (binary COPY on PostgreSQL, SqlBulkCopy on SQL Server), then upsert by the
/// table's primary key. Rows whose content is unchanged are left alone, changed rows replaced,
/// new rows inserted; within one batch the last row of a key wins. Files, API pages and imports
/// all land through here.
/// </summary>
public sealed class StagingWriter(Engine engine)
{
    private const int SqlServerBatchRows = 50_000;

    /// <summary>
    /// Child tables and the key of their parent: a parent re-sent (an order, a return, a cancellation, a statement,
    /// a product) brings all its children, so children of a parent in the batch that the batch no longer has are removed.
    /// </summary>
    public static readonly IReadOnlyDictionary<string, string[]> ParentKeys = new Dictionary<string, string[]>(StringComparer.OrdinalIgnoreCase)
    {
        ["order_line_item"] = ["shop_id", "order_id"],
        ["return_line_item"] = ["shop_id", "return_id"],
        ["cancellation_line_item"] = ["shop_id", "cancel_id"],
        ["sku_statement_transaction"] = ["shop_id", "statement_id"],
        ["product_sku"] = ["shop_id", "product_id"],
    };

    public static readonly StagingColumn RunIdColumn = new(StagingTable.RunIdColumn, ColumnKind.BigInteger, false, false, null);
    public static readonly StagingColumn LoadRowColumn = new("load_row_number", ColumnKind.BigInteger, false, false, null);

    /// <summary>Creates the batch's temporary table; <see cref="CopyAsync"/> fills it and <see cref="UpsertAsync"/> applies it.</summary>
    public async Task<string> CreateLoadTableAsync(DbConnection connection, DbTransaction transaction, StagingTable table, CancellationToken cancellationToken)
    {
        if (engine == Engine.Postgres)
        {
            var temp = $"load_{table.Name}";
            await connection.ExecuteAsync(new CommandDefinition(
                $"CREATE TEMP TABLE {temp} (LIKE stg.{table.Name}) ON COMMIT DROP; ALTER TABLE {temp} ADD COLUMN load_row_number bigint;",
                transaction: transaction, cancellationToken: cancellationToken));
            return temp;
        }

        var sqlTemp = $"#load_{table.Name}";
        await connection.ExecuteAsync(new CommandDefinition(
            $"SELECT TOP 0 * INTO {sqlTemp} FROM stg.{table.Name}; ALTER TABLE {sqlTemp} ADD load_row_number bigint;",
            transaction: transaction, cancellationToken: cancellationToken));
        return sqlTemp;
    }

    /// <summary>
    /// Writes a whole batch: rows hold the values of <paramref name="columns"/> in order (the
    /// staging columns, without etl_run_id); returns the rows inserted or replaced.
    /// </summary>
    public async Task<long> WriteAsync(
        DbConnection connection, DbTransaction transaction, StagingTable table, IReadOnlyList<StagingColumn> columns,
        IEnumerable<object?[]> rows, long runId, CancellationToken cancellationToken = default)
    {
        var temp = await CreateLoadTableAsync(connection, transaction, table, cancellationToken);
        long loadRow = 0;
        var withRun = rows.Select(row =>
        {
            var values = new object?[columns.Count + 2];
            Array.Copy(row, values, columns.Count);
            values[columns.Count] = runId;
            values[columns.Count + 1] = ++loadRow;
            return values;
        });
        await CopyAsync(connection, transaction, temp, [.. columns, RunIdColumn, LoadRowColumn], withRun, cancellationToken);
        return await UpsertAsync(connection, transaction, table, temp, columns.Select(c => c.Name).ToList(), runId, cancellationToken);
    }

    public async Task CopyAsync(DbConnection connection, DbTransaction transaction, string temp, IReadOnlyList<StagingColumn> columns, IEnumerable<object?[]> rows, CancellationToken cancellationToken)
    {
        if (connection is NpgsqlConnection npgsql)
        {
            var columnList = string.Join(", ", columns.Select(c => c.Name));
            await using var importer = await npgsql.BeginBinaryImportAsync($"COPY {temp} ({columnList}) FROM STDIN (FORMAT BINARY)", cancellationToken);
            var types = columns.Select(c => NpgsqlTypeOf(c.Kind)).ToArray();
            foreach (var row in rows)
            {
                await importer.StartRowAsync(cancellationToken);
                for (var i = 0; i < row.Length; i++)
                {
                    if (row[i] is null)
                    {
                        await importer.WriteNullAsync(cancellationToken);
                    }
                    else
                    {
                        await importer.WriteAsync(row[i], types[i], cancellationToken);
                    }
                }
            }

            await importer.CompleteAsync(cancellationToken);
            return;
        }

        var sql = (SqlConnection)connection;
        using var bulk = new SqlBulkCopy(sql, SqlBulkCopyOptions.TableLock, (SqlTransaction)transaction) { DestinationTableName = temp, BulkCopyTimeout = 0 };
        var batch = new DataTable();
        foreach (var column in columns)
        {
            bulk.ColumnMappings.Add(column.Name, column.Name);
            batch.Columns.Add(column.Name, ClrTypeOf(column.Kind));
        }

        foreach (var row in rows)
        {
            batch.Rows.Add(row.Select(v => v is DateOnly d ? d.ToDateTime(TimeOnly.MinValue) : v ?? DBNull.Value).ToArray());
            if (batch.Rows.Count >= SqlServerBatchRows)
            {
                await bulk.WriteToServerAsync(batch, cancellationToken);
                batch.Clear();
            }
        }

        await bulk.WriteToServerAsync(batch, cancellationToken);
    }

    /// <summary>
    /// Last row wins within the batch; rows already in staging with the same content stay untouched;
    /// changed rows are replaced; new rows are inserted; for a child table (<see cref="ParentKeys"/>), rows of a
    /// parent present in the batch whose key the batch does not have are deleted (the parent was re-sent without
    /// them). All set-based, in the caller's transaction. The temporary table is dropped afterwards.
    /// </summary>
    public async Task<long> UpsertAsync(DbConnection connection, DbTransaction transaction, StagingTable table, string temp, IReadOnlyList<string> columns, long runId, CancellationToken cancellationToken)
    {
        var keys = table.KeyColumns.Select(c => c.Name).ToList();
        var keyMatch = (string left, string right) => string.Join(" AND ", keys.Select(k => $"{left}.{k} = {right}.{k}"));
        var columnsOf = (string alias) => string.Join(", ", columns.Select(c => $"{alias}.{c}"));
        var isPostgres = engine == Engine.Postgres;

        var dedupe = $"DELETE FROM {temp} WHERE EXISTS (SELECT 1 FROM {temp} AS later WHERE {keyMatch("later", temp)} AND later.load_row_number > {temp}.load_row_number);";
        var changed = $"EXISTS (SELECT 1 FROM {temp} AS incoming WHERE {keyMatch("incoming", "existing")} AND EXISTS (SELECT {columnsOf("incoming")} EXCEPT SELECT {columnsOf("existing")}))";
        var deleteChanged = isPostgres
            ? $"DELETE FROM stg.{table.Name} AS existing WHERE {changed};"
            : $"DELETE existing FROM stg.{table.Name} AS existing WHERE {changed};";
        var insertNew = $"""
            INSERT INTO stg.{table.Name} ({string.Join(", ", columns)}, {StagingTable.RunIdColumn})
            SELECT {columnsOf("incoming")}, @runId FROM {temp} AS incoming
            WHERE NOT EXISTS (SELECT 1 FROM stg.{table.Name} AS existing WHERE {keyMatch("existing", "incoming")});
            """;

        var index = $"CREATE INDEX ix_{temp.TrimStart('#')}_key ON {temp} ({string.Join(", ", keys)}, load_row_number);";
        string? deleteGone = null;
        if (ParentKeys.TryGetValue(table.Name, out var parent) && parent.All(p => columns.Contains(p, StringComparer.OrdinalIgnoreCase)))
        {
            if (!keys.Take(parent.Length).SequenceEqual(parent, StringComparer.OrdinalIgnoreCase))
            {
                index += $" CREATE INDEX ix_{temp.TrimStart('#')}_parent ON {temp} ({string.Join(", ", parent)});";
            }

            var gone = $"EXISTS (SELECT 1 FROM {temp} AS parent WHERE {string.Join(" AND ", parent.Select(p => $"parent.{p} = existing.{p}"))}) "
                + $"AND NOT EXISTS (SELECT 1 FROM {temp} AS incoming WHERE {keyMatch("incoming", "existing")})";
            deleteGone = isPostgres
                ? $"DELETE FROM stg.{table.Name} AS existing WHERE {gone};"
                : $"DELETE existing FROM stg.{table.Name} AS existing WHERE {gone};";
        }

        await connection.ExecuteAsync(new CommandDefinition(index + (isPostgres ? $" ANALYZE {temp};" : ""), transaction: transaction, commandTimeout: 0, cancellationToken: cancellationToken));
        await connection.ExecuteAsync(new CommandDefinition(dedupe, transaction: transaction, commandTimeout: 0, cancellationToken: cancellationToken));
        if (deleteGone is not null)
        {
            var removed = await connection.ExecuteAsync(new CommandDefinition(deleteGone, transaction: transaction, commandTimeout: 0, cancellationToken: cancellationToken));
            if (removed > 0)
            {
                Serilog.Log.Information("stg.{Table}: {Removed} rows removed, their parent was re-sent without them", table.Name, removed);
            }
        }
        await connection.ExecuteAsync(new CommandDefinition(deleteChanged, transaction: transaction, commandTimeout: 0, cancellationToken: cancellationToken));
        var written = await connection.ExecuteAsync(new CommandDefinition(insertNew, new { runId }, transaction: transaction, commandTimeout: 0, cancellationToken: cancellationToken));
        await connection.ExecuteAsync(new CommandDefinition($"DROP TABLE {temp};", transaction: transaction, cancellationToken: cancellationToken));
        return written;
    }

    private static NpgsqlDbType NpgsqlTypeOf(ColumnKind kind) => kind switch
    {
        ColumnKind.Integer => NpgsqlDbType.Integer,
        ColumnKind.BigInteger => NpgsqlDbType.Bigint,
        ColumnKind.Decimal => NpgsqlDbType.Numeric,
        ColumnKind.Date => NpgsqlDbType.Date,
        ColumnKind.Boolean => NpgsqlDbType.Boolean,
        _ => NpgsqlDbType.Varchar,
    };

    private static Type ClrTypeOf(ColumnKind kind) => kind switch
    {
        ColumnKind.Integer => typeof(int),
        ColumnKind.BigInteger => typeof(long),
        ColumnKind.Decimal => typeof(decimal),
        ColumnKind.Date => typeof(DateTime),
        ColumnKind.Boolean => typeof(bool),
        _ => typeof(string),
    };
}
