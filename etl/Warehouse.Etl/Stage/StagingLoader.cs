using System.Data;
using System.Data.Common;
using System.Globalization;
using CsvHelper;
using CsvHelper.Configuration;
using Dapper;
using Microsoft.Data.SqlClient;
using Npgsql;
using NpgsqlTypes;
using Warehouse.Database;

namespace Warehouse.Stage;

/// <summary>
/// Loads a folder of CSV files (one per staging table, named after it) into stg: each file is
/// parsed as a stream, bulk-copied into a temporary table (binary COPY on PostgreSQL, SqlBulkCopy
/// on SQL Server) and upserted by the table's primary key in one transaction. Rows whose content
/// is unchanged are left alone, so loading the same folder twice leaves staging as after one load.
/// Bad rows go to etl.reject; a file with more bad rows than the threshold loads nothing.
/// </summary>
public sealed class StagingLoader(WarehouseDatabase database, decimal maxRejectRate = 0.01m)
{
    private const int SqlServerBatchRows = 50_000;

    public sealed record FileResult(string File, string Table, long RowsRead, long RowsWritten, long RowsRejected);

    public async Task<IReadOnlyList<FileResult>> LoadFolderAsync(string folder, long runId, IProgress<FileResult>? progress = null, CancellationToken cancellationToken = default)
    {
        if (!Directory.Exists(folder))
        {
            throw new WarehouseException($"folder not found: {folder}");
        }

        await using var connection = await database.OpenAsync(cancellationToken);
        var tables = await StagingTable.ReadAllAsync(connection);
        var files = Directory.GetFiles(folder, "*.csv").Order(StringComparer.Ordinal).ToList();
        var unknown = files.Where(f => !tables.ContainsKey(Path.GetFileNameWithoutExtension(f))).ToList();
        if (unknown.Count > 0)
        {
            throw new WarehouseException(
                $"{unknown[0]}: no staging table is named '{Path.GetFileNameWithoutExtension(unknown[0])}' (known: {string.Join(", ", tables.Keys.Order())})");
        }

        var results = new List<FileResult>();
        foreach (var file in files)
        {
            var result = await LoadFileAsync(connection, tables[Path.GetFileNameWithoutExtension(file)], file, runId, cancellationToken);
            results.Add(result);
            progress?.Report(result);
        }

        return results;
    }

    public async Task<FileResult> LoadFileAsync(DbConnection connection, StagingTable table, string file, long runId, CancellationToken cancellationToken = default)
    {
        var rejects = new List<Reject>();
        long rowsRead = 0;
        long rowsWritten = 0;
        await using var transaction = await connection.BeginTransactionAsync(cancellationToken);
        using (var reader = new StreamReader(file, detectEncodingFromByteOrderMarks: true))
        using (var csv = new CsvReader(reader, new CsvConfiguration(CultureInfo.InvariantCulture) { BadDataFound = null, TrimOptions = TrimOptions.None }))
        {
            if (!await csv.ReadAsync() || !csv.ReadHeader() || csv.HeaderRecord is null)
            {
                throw new WarehouseException($"{file}: line 1: the file is empty, expected a header row");
            }

            var fileColumns = MapHeader(table, csv.HeaderRecord, file);
            var temp = await CreateLoadTableAsync(connection, transaction, table, cancellationToken);
            var rows = ParseRows(csv, table, fileColumns, file, runId, rejects, () => rowsRead++);
            var loadColumns = fileColumns.Select(c => c.Column).Append(RunIdColumn).Append(LoadRowColumn).ToList();
            await BulkCopyAsync(connection, transaction, temp, loadColumns, rows, cancellationToken);

            var rejectRate = rowsRead == 0 ? 0 : (decimal)rejects.Count / rowsRead;
            if (rejectRate > maxRejectRate)
            {
                await transaction.RollbackAsync(cancellationToken);
                await SaveRejectsAsync(connection, runId, rejects);
                var first = rejects[0];
                throw new WarehouseException(
                    $"{file}: {rejects.Count} of {rowsRead} rows rejected ({rejectRate:P1} > {maxRejectRate:P1}), nothing loaded from this file; first: line {first.RowNumber}, field {first.FieldName}: {first.Reason}");
            }

            rowsWritten = await UpsertAsync(connection, transaction, table, temp, fileColumns.Select(c => c.Column.Name).ToList(), runId, cancellationToken);
        }

        await transaction.CommitAsync(cancellationToken);
        await SaveRejectsAsync(connection, runId, rejects);
        return new FileResult(file, table.Name, rowsRead, rowsWritten, rejects.Count);
    }

    private static readonly StagingColumn RunIdColumn = new(StagingTable.RunIdColumn, ColumnKind.BigInteger, false, false, null);
    private static readonly StagingColumn LoadRowColumn = new("load_row_number", ColumnKind.BigInteger, false, false, null);

    private sealed record FileColumn(int Index, StagingColumn Column);

    private static List<FileColumn> MapHeader(StagingTable table, string[] header, string file)
    {
        var byName = table.Columns.Where(c => c.Name != StagingTable.RunIdColumn).ToDictionary(c => c.Name, StringComparer.OrdinalIgnoreCase);
        var mapped = new List<FileColumn>();
        for (var index = 0; index < header.Length; index++)
        {
            var name = header[index].Trim().TrimStart('\uFEFF');
            if (!byName.TryGetValue(name, out var column))
            {
                throw new WarehouseException($"{file}: line 1: unknown column '{name}' for stg.{table.Name} (expected: {string.Join(", ", byName.Keys)})");
            }

            mapped.Add(new FileColumn(index, column));
        }

        var missing = byName.Values.Where(c => !c.IsNullable && mapped.All(m => m.Column.Name != c.Name)).Select(c => c.Name).ToList();
        if (missing.Count > 0)
        {
            throw new WarehouseException($"{file}: line 1: missing required column(s) {string.Join(", ", missing)} for stg.{table.Name}");
        }

        return mapped;
    }

    private static IEnumerable<object?[]> ParseRows(CsvReader csv, StagingTable table, List<FileColumn> columns, string file, long runId, List<Reject> rejects, Action onRow)
    {
        long loadRow = 0;
        while (csv.Read())
        {
            var record = csv.Parser.Record ?? [];
            var line = csv.Parser.RawRow;
            if (record.All(string.IsNullOrWhiteSpace))
            {
                continue; // blank trailing rows
            }

            onRow();
            loadRow++;
            var values = new object?[columns.Count + 2];
            Reject? reject = null;
            for (var i = 0; i < columns.Count && reject is null; i++)
            {
                var text = columns[i].Index < record.Length ? record[columns[i].Index] : null;
                if (!FieldParser.TryParse(text, columns[i].Column, out values[i], out var error))
                {
                    reject = new Reject($"file:{table.Name}", file, line, columns[i].Column.Name, $"'{Shorten(text)}' is {error}", Shorten(csv.Parser.RawRecord, 4000));
                }
            }

            if (reject is not null)
            {
                rejects.Add(reject);
                continue;
            }

            values[columns.Count] = runId;
            values[columns.Count + 1] = loadRow;
            yield return values;
        }
    }

    private static string Shorten(string? text, int length = 200) => text is null ? "" : text.Length <= length ? text.TrimEnd('\r', '\n') : text[..length];

    private async Task<string> CreateLoadTableAsync(DbConnection connection, DbTransaction transaction, StagingTable table, CancellationToken cancellationToken)
    {
        if (database.Engine == Engine.Postgres)
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

    private async Task BulkCopyAsync(DbConnection connection, DbTransaction transaction, string temp, List<StagingColumn> columns, IEnumerable<object?[]> rows, CancellationToken cancellationToken)
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
    /// Last row wins within the file; rows already in staging with the same content stay untouched;
    /// changed rows are replaced; new rows are inserted.
    /// </summary>
    private async Task<long> UpsertAsync(DbConnection connection, DbTransaction transaction, StagingTable table, string temp, List<string> fileColumns, long runId, CancellationToken cancellationToken)
    {
        var keys = table.KeyColumns.Select(c => c.Name).ToList();
        var keyMatch = (string left, string right) => string.Join(" AND ", keys.Select(k => $"{left}.{k} = {right}.{k}"));
        var columnsOf = (string alias) => string.Join(", ", fileColumns.Select(c => $"{alias}.{c}"));
        var isPostgres = database.Engine == Engine.Postgres;

        var dedupe = $"DELETE FROM {temp} WHERE EXISTS (SELECT 1 FROM {temp} AS later WHERE {keyMatch("later", temp)} AND later.load_row_number > {temp}.load_row_number);";
        var changed = $"EXISTS (SELECT 1 FROM {temp} AS incoming WHERE {keyMatch("incoming", "existing")} AND EXISTS (SELECT {columnsOf("incoming")} EXCEPT SELECT {columnsOf("existing")}))";
        var deleteChanged = isPostgres
            ? $"DELETE FROM stg.{table.Name} AS existing WHERE {changed};"
            : $"DELETE existing FROM stg.{table.Name} AS existing WHERE {changed};";
        var insertNew = $"""
            INSERT INTO stg.{table.Name} ({string.Join(", ", fileColumns)}, {StagingTable.RunIdColumn})
            SELECT {columnsOf("incoming")}, @runId FROM {temp} AS incoming
            WHERE NOT EXISTS (SELECT 1 FROM stg.{table.Name} AS existing WHERE {keyMatch("existing", "incoming")});
            """;

        var index = $"CREATE INDEX ix_{temp.TrimStart('#')}_key ON {temp} ({string.Join(", ", keys)}, load_row_number);";
        await connection.ExecuteAsync(new CommandDefinition(index + (isPostgres ? $" ANALYZE {temp};" : ""), transaction: transaction, commandTimeout: 0, cancellationToken: cancellationToken));
        await connection.ExecuteAsync(new CommandDefinition(dedupe, transaction: transaction, commandTimeout: 0, cancellationToken: cancellationToken));
        await connection.ExecuteAsync(new CommandDefinition(deleteChanged, transaction: transaction, commandTimeout: 0, cancellationToken: cancellationToken));
        return await connection.ExecuteAsync(new CommandDefinition(insertNew, new { runId }, transaction: transaction, commandTimeout: 0, cancellationToken: cancellationToken));
    }

    public static async Task SaveRejectsAsync(DbConnection connection, long runId, IReadOnlyCollection<Reject> rejects)
    {
        if (rejects.Count == 0)
        {
            return;
        }

        await connection.ExecuteAsync(
            """
            INSERT INTO etl.reject (etl_run_id, source_name, file_or_page, row_number, field_name, reason, raw_text, rejected_at)
            VALUES (@runId, @Source, @FileOrPage, @RowNumber, @FieldName, @Reason, @RawText, @at)
            """,
            rejects.Select(r => new { runId, r.Source, r.FileOrPage, r.RowNumber, r.FieldName, r.Reason, r.RawText, at = DateTimeOffset.UtcNow }));
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
