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
/// all land through here. The file loader also copies straight into a staging table that is empty
/// (<see cref="IsEmptyAsync"/>, <see cref="CopyAsync"/>), which writes each row once instead of twice.
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

    /// <summary>
    /// True when the table has no rows at all, so a batch whose keys are distinct can go straight into it
    /// (<see cref="CopyAsync"/> into the table itself) with the same result as the upsert: every row is new, no row
    /// can be unchanged or replaced, and no parent can lose children.
    /// </summary>
    public async Task<bool> IsEmptyAsync(DbConnection connection, DbTransaction transaction, StagingTable table, CancellationToken cancellationToken)
    {
        var sql = engine == Engine.Postgres
            ? $"SELECT NOT EXISTS (SELECT 1 FROM stg.{table.Name})"
            : $"SELECT CAST(CASE WHEN EXISTS (SELECT 1 FROM stg.{table.Name}) THEN 0 ELSE 1 END AS bit)";
        return await connection.ExecuteScalarAsync<bool>(new CommandDefinition(sql, transaction: transaction, cancellationToken: cancellationToken));
    }

    /// <summary>
    /// A primary key violated by a copy straight into a staging table: the batch repeats a key (or another load
    /// filled the table meanwhile). The caller rolls back and loads the batch through the upsert path instead.
    /// </summary>
    public static bool IsDuplicateKey(Exception exception) => exception switch
    {
        PostgresException postgres => postgres.SqlState == PostgresErrorCodes.UniqueViolation,
        SqlException sql => sql.Errors.Cast<SqlError>().Any(e => e.Number is 2627 or 2601),
        _ => exception.InnerException is { } inner && IsDuplicateKey(inner),
    };

    /// <summary>
    /// Bulk-copies <paramref name="rows"/> into <paramref name="target"/> (the batch's temporary table, or an empty
    /// staging table itself): the first <c>columns.Count</c> values of each row, in the order of
    /// <paramref name="columns"/> (a row may carry more). Each row is consumed before the next is requested, so the
    /// producer may reuse one array. Returns the rows copied.
    /// </summary>
    public async Task<long> CopyAsync(DbConnection connection, DbTransaction transaction, string target, IReadOnlyList<StagingColumn> columns, IEnumerable<object?[]> rows, CancellationToken cancellationToken)
    {
        if (connection is NpgsqlConnection npgsql)
        {
            return await CopyPostgresAsync(npgsql, target, columns, rows, cancellationToken);
        }

        var sql = (SqlConnection)connection;
        using var bulk = new SqlBulkCopy(sql, SqlBulkCopyOptions.TableLock, (SqlTransaction)transaction) { DestinationTableName = target, BulkCopyTimeout = 0 };
        var batch = new DataTable();
        foreach (var column in columns)
        {
            bulk.ColumnMappings.Add(column.Name, column.Name);
            batch.Columns.Add(column.Name, ClrTypeOf(column.Kind));
        }

        long copied = 0;
        var values = new object[columns.Count];
        foreach (var row in rows)
        {
            for (var i = 0; i < values.Length; i++)
            {
                values[i] = row[i] switch
                {
                    null => DBNull.Value,
                    DateOnly date => date.ToDateTime(TimeOnly.MinValue),
                    var value => value,
                };
            }

            batch.Rows.Add(values); // copies the values
            copied++;
            if (batch.Rows.Count >= SqlServerBatchRows)
            {
                await bulk.WriteToServerAsync(batch, cancellationToken);
                batch.Clear();
            }
        }

        await bulk.WriteToServerAsync(batch, cancellationToken);
        return copied;
    }

    /// <summary>
    /// Binary COPY through Npgsql's <see cref="NpgsqlBinaryImporter"/>. Each value is written by a synchronous call of
    /// the generic Write&lt;T&gt; with its concrete type, chosen by the column's kind (<see cref="WriteValue"/>); the
    /// importer buffers and flushes by itself. The earlier <c>await WriteAsync(object, NpgsqlDbType)</c> per value
    /// (an async call and the object path for every field) cost as much client CPU as parsing the CSV. Only the
    /// Complete is async. An error cancels the COPY: the importer is disposed without Complete.
    /// </summary>
    private static async Task<long> CopyPostgresAsync(NpgsqlConnection connection, string target, IReadOnlyList<StagingColumn> columns, IEnumerable<object?[]> rows, CancellationToken cancellationToken)
    {
        var columnList = string.Join(", ", columns.Select(c => c.Name));
        var kinds = columns.Select(c => c.Kind).ToArray();
        var importer = await connection.BeginBinaryImportAsync($"COPY {target} ({columnList}) FROM STDIN (FORMAT BINARY)", cancellationToken);
        long copied = 0;
        try
        {
            foreach (var row in rows)
            {
                if ((copied & 0xFFFF) == 0)
                {
                    cancellationToken.ThrowIfCancellationRequested();
                }

                importer.StartRow();
                for (var i = 0; i < kinds.Length; i++)
                {
                    WriteValue(importer, kinds[i], row[i]);
                }

                copied++;
            }

            await importer.CompleteAsync(cancellationToken);
        }
        catch (Exception error)
        {
            // Never let a half-written COPY complete: disposing the importer without Complete cancels the COPY. The
            // original error is the one to report.
            try
            {
                await importer.DisposeAsync();
            }
            catch (Exception cancel) when (cancel is NpgsqlException or InvalidOperationException)
            {
                Serilog.Log.Debug(cancel, "cancelling the COPY into {Target} after {Error}", target, error.Message);
            }

            throw;
        }

        await importer.DisposeAsync();
        return copied;
    }

    /// <summary>
    /// One value, written with the CLR type <see cref="FieldParser"/> gives its column kind (an int is also taken for
    /// a bigint column) and the column's PostgreSQL type; null as NULL.
    /// </summary>
    private static void WriteValue(NpgsqlBinaryImporter importer, ColumnKind kind, object? value)
    {
        if (value is null)
        {
            importer.WriteNull();
            return;
        }

        switch (kind)
        {
            case ColumnKind.Text when value is string text:
                importer.Write(text, NpgsqlDbType.Varchar);
                return;
            case ColumnKind.Decimal when value is decimal number:
                importer.Write(number, NpgsqlDbType.Numeric);
                return;
            case ColumnKind.BigInteger when value is long number:
                importer.Write(number, NpgsqlDbType.Bigint);
                return;
            case ColumnKind.BigInteger when value is int number:
                importer.Write((long)number, NpgsqlDbType.Bigint);
                return;
            case ColumnKind.Integer when value is int number:
                importer.Write(number, NpgsqlDbType.Integer);
                return;
            case ColumnKind.Date when value is DateOnly date:
                importer.Write(date, NpgsqlDbType.Date);
                return;
            case ColumnKind.Boolean when value is bool flag:
                importer.Write(flag, NpgsqlDbType.Boolean);
                return;
            default:
                throw new InvalidOperationException($"a {value.GetType().Name} cannot be copied into a {kind} column");
        }
    }

    /// <summary>
    /// Last row wins within the batch; rows already in staging with the same content stay untouched;
    /// changed rows are replaced; new rows are inserted; for a child table (<see cref="ParentKeys"/>), rows of a
    /// parent present in the batch whose key the batch does not have are deleted (the parent was re-sent without
    /// them). All set-based, in the caller's transaction. The temporary table is dropped afterwards.
    /// </summary>
    public async Task<long> UpsertAsync(DbConnection connection, DbTransaction transaction, StagingTable table, string temp, IReadOnlyList<string> columns, long runId, CancellationToken cancellationToken) =>
        (await UpsertCountingAsync(connection, transaction, table, temp, columns, runId, cancellationToken)).Written;

    /// <summary><see cref="UpsertAsync"/>, also counting the batch's rows that a later row of the same key replaced.</summary>
    public async Task<(long Written, long Duplicates)> UpsertCountingAsync(DbConnection connection, DbTransaction transaction, StagingTable table, string temp, IReadOnlyList<string> columns, long runId, CancellationToken cancellationToken)
    {
        var keys = table.KeyColumns.Select(c => c.Name).ToList();
        var keyMatch = (string left, string right) => string.Join(" AND ", keys.Select(k => $"{left}.{k} = {right}.{k}"));
        var columnsOf = (string alias) => string.Join(", ", columns.Select(c => $"{alias}.{c}"));
        var isPostgres = engine == Engine.Postgres;

        var dedupe = $"DELETE FROM {temp} WHERE EXISTS (SELECT 1 FROM {temp} AS later WHERE {keyMatch("later", temp)} AND later.load_row_number > {temp}.load_row_number);";
        var differs = RowDiffers(engine, table, columns);
        var changed = $"EXISTS (SELECT 1 FROM {temp} AS incoming WHERE {keyMatch("incoming", "existing")} AND {differs})";
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
            // No row is left to carry a run id: etl.staging_deletion records the order (or SKU) they
            // belonged to, so the next transform recomputes it.
            var changedKey = columns.Contains("order_id", StringComparer.OrdinalIgnoreCase) ? "order_id" : "sku_id";
            deleteGone = isPostgres
                ? $"""
                  WITH removed AS (DELETE FROM stg.{table.Name} AS existing WHERE {gone} RETURNING existing.shop_id, existing.{changedKey})
                  INSERT INTO etl.staging_deletion (etl_run_id, table_name, shop_id, {changedKey})
                  SELECT @runId, '{table.Name}', shop_id, {changedKey} FROM removed;
                  """
                : $"DELETE existing OUTPUT @runId, '{table.Name}', deleted.shop_id, deleted.{changedKey} INTO etl.staging_deletion (etl_run_id, table_name, shop_id, {changedKey}) FROM stg.{table.Name} AS existing WHERE {gone};";
        }

        // PostgreSQL: no index on the temporary table. Its joins here run as hash joins (or through the staging
        // table's primary key when the batch is small), so the index was not read; building it was 9 s of a
        // 1 M-row reload. The planner needs its statistics, though. SQL Server keeps its index.
        await connection.ExecuteAsync(new CommandDefinition(isPostgres ? $"ANALYZE {temp};" : index, transaction: transaction, commandTimeout: 0, cancellationToken: cancellationToken));
        var duplicates = await connection.ExecuteAsync(new CommandDefinition(dedupe, transaction: transaction, commandTimeout: 0, cancellationToken: cancellationToken));
        if (deleteGone is not null)
        {
            var removed = await connection.ExecuteAsync(new CommandDefinition(deleteGone, new { runId }, transaction: transaction, commandTimeout: 0, cancellationToken: cancellationToken));
            if (removed > 0)
            {
                Serilog.Log.Information("stg.{Table}: {Removed} rows removed, their parent was re-sent without them", table.Name, removed);
            }
        }
        await connection.ExecuteAsync(new CommandDefinition(deleteChanged, transaction: transaction, commandTimeout: 0, cancellationToken: cancellationToken));
        var written = await connection.ExecuteAsync(new CommandDefinition(insertNew, new { runId }, transaction: transaction, commandTimeout: 0, cancellationToken: cancellationToken));
        await connection.ExecuteAsync(new CommandDefinition($"DROP TABLE {temp};", transaction: transaction, cancellationToken: cancellationToken));
        return (written, duplicates);
    }

    /// <summary>
    /// The upsert's test that an incoming row (alias <c>incoming</c>) changes the staged row of its key (<c>existing</c>):
    /// some column differs, nulls compared as values, text byte for byte (a title whose only change is its case is a
    /// change on both engines). PostgreSQL compares the two rows in the join filter (ROW IS DISTINCT FROM); the EXCEPT
    /// subquery form, which SQL Server needs, runs there as a set operation per joined row and took twice as long
    /// (1 M unchanged order lines: 23.5 s against 11.8 s). SQL Server compares text in a binary collation, not the
    /// database's (usually case-insensitive) one.
    /// </summary>
    public static string RowDiffers(Engine engine, StagingTable table, IReadOnlyList<string> columns)
    {
        var text = table.Columns.Where(c => c.Kind == ColumnKind.Text).Select(c => c.Name).ToHashSet(StringComparer.OrdinalIgnoreCase);
        string Of(string alias) => string.Join(", ", columns.Select(c => $"{alias}.{c}"));
        // SQL Server compares text padded with trailing spaces ('Mug' = 'Mug '), even in a binary collation: the length tells them apart.
        string Binary(string alias) => string.Join(", ", columns.Select(c => text.Contains(c) ? $"{alias}.{c} COLLATE Latin1_General_100_BIN2, DATALENGTH({alias}.{c})" : $"{alias}.{c}"));
        return engine == Engine.Postgres
            ? $"({Of("incoming")}) IS DISTINCT FROM ({Of("existing")})"
            : $"EXISTS (SELECT {Binary("incoming")} EXCEPT SELECT {Binary("existing")})";
    }

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
