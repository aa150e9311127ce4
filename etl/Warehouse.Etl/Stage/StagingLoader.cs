using System.Data.Common;
using System.Globalization;
using CsvHelper;
using CsvHelper.Configuration;
using Dapper;
using Warehouse.Database;

namespace Warehouse.Stage;

/// <summary>
/// Loads a folder of CSV files (one per staging table, named after it) into stg: each file is
/// parsed as a stream, bulk-copied into a temporary table (binary COPY on PostgreSQL, SqlBulkCopy
/// on SQL Server) and upserted by the table's primary key in one transaction; into an empty table
/// the file is copied straight into the staging table instead (see <see cref="LoadFileAsync"/>).
/// Rows whose content is unchanged are left alone, so loading the same folder twice leaves staging
/// as after one load.
/// Bad rows go to etl.reject; a file with more bad rows than the threshold loads nothing.
/// </summary>
public sealed class StagingLoader(WarehouseDatabase database, decimal maxRejectRate = 0.01m)
{
    private readonly StagingWriter writer = new(database.Engine);

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

    /// <summary>
    /// Loads one file in one transaction. Into an empty table the rows are copied straight into the staging table
    /// (written once); should the file repeat a key, that copy fails on the primary key, is rolled back, and the
    /// file is loaded again the general way: copied into a temporary table and upserted (last row of a key wins).
    /// Both ways leave the same rows, etl_run_id and rejects.
    /// </summary>
    public async Task<FileResult> LoadFileAsync(DbConnection connection, StagingTable table, string file, long runId, CancellationToken cancellationToken = default)
    {
        if (await LoadOnceAsync(connection, table, file, runId, allowDirect: true, cancellationToken) is { } result)
        {
            return result;
        }

        Serilog.Log.Information("stg.{Table}: {File} repeats a key, loading it through the upsert", table.Name, file);
        return await LoadOnceAsync(connection, table, file, runId, allowDirect: false, cancellationToken)
            ?? throw new InvalidOperationException("the upsert path does not copy into the staging table");
    }

    /// <summary>One attempt; null when the straight copy met a repeated key and was rolled back.</summary>
    private async Task<FileResult?> LoadOnceAsync(DbConnection connection, StagingTable table, string file, long runId, bool allowDirect, CancellationToken cancellationToken)
    {
        var rejects = new List<Reject>();
        long rowsRead = 0;
        long rowsWritten = 0;
        await using var transaction = await connection.BeginTransactionAsync(cancellationToken);
        using (var reader = new StreamReader(file, System.Text.Encoding.UTF8, detectEncodingFromByteOrderMarks: true, bufferSize: 1 << 16))
        using (var csv = new CsvReader(reader, new CsvConfiguration(CultureInfo.InvariantCulture) { BadDataFound = null, TrimOptions = TrimOptions.None, BufferSize = 1 << 16 }))
        {
            if (!await csv.ReadAsync() || !csv.ReadHeader() || csv.HeaderRecord is null)
            {
                throw new WarehouseException($"{file}: line 1: the file is empty, expected a header row");
            }

            var fileColumns = MapHeader(table, csv.HeaderRecord, file);
            var direct = allowDirect && await writer.IsEmptyAsync(connection, transaction, table, cancellationToken);
            var rows = ParseRows(csv, table, fileColumns, file, runId, rejects, () => rowsRead++);
            string? temp = null;
            if (direct)
            {
                var copyColumns = fileColumns.Select(c => c.Column).Append(StagingWriter.RunIdColumn).ToList();
                try
                {
                    rowsWritten = await writer.CopyAsync(connection, transaction, $"stg.{table.Name}", copyColumns, rows, cancellationToken);
                }
                catch (Exception e) when (StagingWriter.IsDuplicateKey(e))
                {
                    return null; // the transaction is rolled back as it is disposed
                }
            }
            else
            {
                temp = await writer.CreateLoadTableAsync(connection, transaction, table, cancellationToken);
                var loadColumns = fileColumns.Select(c => c.Column).Append(StagingWriter.RunIdColumn).Append(StagingWriter.LoadRowColumn).ToList();
                await writer.CopyAsync(connection, transaction, temp, loadColumns, rows, cancellationToken);
            }

            var rejectRate = rowsRead == 0 ? 0 : (decimal)rejects.Count / rowsRead;
            if (rejectRate > maxRejectRate)
            {
                await transaction.RollbackAsync(cancellationToken);
                await SaveRejectsAsync(connection, runId, rejects);
                var first = rejects[0];
                throw new WarehouseException(
                    $"{file}: {rejects.Count} of {rowsRead} rows rejected ({rejectRate:P1} > {maxRejectRate:P1}), nothing loaded from this file; first: line {first.RowNumber}, field {first.FieldName}: {first.Reason}");
            }

            if (temp is not null)
            {
                rowsWritten = await writer.UpsertAsync(connection, transaction, table, temp, fileColumns.Select(c => c.Column.Name).ToList(), runId, cancellationToken);
            }
        }

        await transaction.CommitAsync(cancellationToken);
        await SaveRejectsAsync(connection, runId, rejects);
        return new FileResult(file, table.Name, rowsRead, rowsWritten, rejects.Count);
    }

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

    /// <summary>
    /// The file's rows typed, each as the file's columns then etl_run_id and the row's position in the file. One
    /// array is reused for every row: the copy writes a row before it asks for the next.
    /// </summary>
    private static IEnumerable<object?[]> ParseRows(CsvReader csv, StagingTable table, List<FileColumn> columns, string file, long runId, List<Reject> rejects, Action onRow)
    {
        var parser = csv.Parser;
        var values = new object?[columns.Count + 2];
        var fields = new string?[columns.Count];
        object boxedRunId = runId;
        long loadRow = 0;
        while (parser.Read())
        {
            var count = parser.Count;
            var blank = true;
            for (var i = 0; i < fields.Length; i++)
            {
                var text = columns[i].Index < count ? parser[columns[i].Index] : null;
                fields[i] = text;
                blank = blank && string.IsNullOrWhiteSpace(text);
            }

            if (blank && (count <= fields.Length || parser.Record is not { } record || record.All(string.IsNullOrWhiteSpace)))
            {
                continue; // blank trailing rows
            }

            onRow();
            loadRow++;
            Reject? reject = null;
            for (var i = 0; i < columns.Count && reject is null; i++)
            {
                if (!FieldParser.TryParse(fields[i], columns[i].Column, out values[i], out var error))
                {
                    reject = new Reject($"file:{table.Name}", file, parser.RawRow, columns[i].Column.Name, $"'{Shorten(fields[i])}' is {error}", Shorten(parser.RawRecord, 4000));
                }
            }

            if (reject is not null)
            {
                rejects.Add(reject);
                continue;
            }

            values[columns.Count] = boxedRunId;
            values[columns.Count + 1] = loadRow;
            yield return values;
        }
    }

    private static string Shorten(string? text, int length = 200) => text is null ? "" : text.Length <= length ? text.TrimEnd('\r', '\n') : text[..length];

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
}
