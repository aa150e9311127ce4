using System.Data.Common;
using System.Globalization;
using System.Text;
using CsvHelper;
using CsvHelper.Configuration;
using Dapper;
using Warehouse.Control;
using Warehouse.Database;

namespace Warehouse.Stage;

/// <summary>
/// Loads a folder of CSV files (one per staging table, named after it) into stg: each file is
/// parsed as a stream, bulk-copied into a temporary table (binary COPY on PostgreSQL, SqlBulkCopy
/// on SQL Server) and upserted by the table's primary key in one transaction; into an empty table
/// the file is copied straight into the staging table instead (see <see cref="LoadFileAsync"/>).
/// Rows whose content is unchanged are left alone, so loading the same folder twice leaves staging
/// as after one load.
/// Bad rows go to etl.reject; a file with more bad rows than the threshold loads nothing, and reading stops as soon
/// as its rejects pass the threshold after <see cref="RowsBeforeStopping"/> rows (or pass <see cref="MaxRejects"/>),
/// so a file of junk costs a thousand rows, not all of them. Every file of a folder is tried; the bad ones are
/// named at the end. A file is decoded as <see cref="TextEncoding"/> says (a declared <paramref name="encoding"/>
/// only for a file that is not UTF-8).
/// </summary>
public sealed class StagingLoader(WarehouseDatabase database, decimal maxRejectRate = 0.01m, string? encoding = null)
{
    /// <summary>Rows read before the reject rate may stop a file early.</summary>
    public const int RowsBeforeStopping = 1_000;

    /// <summary>Rejects after which a file stops whatever its size: they are kept as the samples in etl.reject.</summary>
    public const int MaxRejects = 10_000;

    private readonly StagingWriter writer = new(database.Engine);

    /// <summary>One file's outcome: <paramref name="RowsDuplicate"/> rows repeated a key of a later row of the file (the later won); <paramref name="Error"/> says why a file loaded nothing.</summary>
    public sealed record FileResult(string File, string Table, long RowsRead, long RowsWritten, long RowsRejected, long RowsDuplicate = 0, string? Error = null);

    /// <summary>
    /// Loads every CSV file of the folder, each in its own transaction; a bad file (unknown name, header, encoding, too
    /// many rejects) is reported and the others still load; then throws one <see cref="WarehouseException"/> naming
    /// each bad file (<paramref name="progress"/> has every file's outcome). With a <paramref name="runLog"/> each file is a step of the run in etl.run_step.
    /// </summary>
    public async Task<IReadOnlyList<FileResult>> LoadFolderAsync(
        string folder, long runId, IProgress<FileResult>? progress = null, CancellationToken cancellationToken = default, RunLog? runLog = null)
    {
        if (!Directory.Exists(folder))
        {
            throw new WarehouseException($"folder not found: {folder}");
        }

        await using var connection = await database.OpenAsync(cancellationToken);
        var tables = await StagingTable.ReadAllAsync(connection);
        var files = Directory.GetFiles(folder, "*.csv").Order(StringComparer.Ordinal).ToList();
        var results = new List<FileResult>();
        foreach (var file in files)
        {
            cancellationToken.ThrowIfCancellationRequested();
            var table = Path.GetFileNameWithoutExtension(file);
            FileResult result;
            try
            {
                async Task<FileResult> Load() => tables.TryGetValue(table, out var stagingTable)
                    ? await LoadFileAsync(connection, stagingTable, file, runId, cancellationToken)
                    : throw new WarehouseException($"{file}: no staging table is named '{table}' (known: {string.Join(", ", tables.Keys.Order())})");
                if (runLog is null)
                {
                    result = await Load();
                }
                else
                {
                    FileResult? loaded = null;
                    await runLog.StepAsync(connection, runId, "load " + Path.GetFileName(file), async () => // the folder is in the run's arguments; step_name holds 100 characters
                    {
                        loaded = await Load();
                        return new StepResult(loaded.RowsRead, loaded.RowsWritten, loaded.RowsRejected) { RowsDuplicate = loaded.RowsDuplicate };
                    });
                    result = loaded!;
                }
            }
            catch (WarehouseException error)
            {
                Serilog.Log.Warning("{File} not loaded: {Error}", file, error.Message);
                result = new FileResult(file, table, 0, 0, 0, Error: error.Message);
            }

            results.Add(result);
            progress?.Report(result);
        }

        var failed = results.Where(r => r.Error is not null).ToList();
        if (failed.Count > 0)
        {
            throw new WarehouseException(
                $"{string.Join("; ", failed.Select(f => f.Error))} [{failed.Count} of {files.Count} file(s) in {folder} not loaded, the others loaded]");
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
        var fileEncoding = TextEncoding.Detect(file, encoding);
        try
        {
            if (await LoadOnceAsync(connection, table, file, fileEncoding, runId, allowDirect: true, cancellationToken) is { } result)
            {
                return result;
            }

            Serilog.Log.Information("stg.{Table}: {File} repeats a key, loading it through the upsert", table.Name, file);
            return await LoadOnceAsync(connection, table, file, fileEncoding, runId, allowDirect: false, cancellationToken)
                ?? throw new InvalidOperationException("the upsert path does not copy into the staging table");
        }
        catch (DecoderFallbackException error)
        {
            throw new WarehouseException($"{file}: cannot be decoded as {fileEncoding.WebName} ({error.Message}); nothing loaded from this file");
        }
    }

    /// <summary>What reading a file found so far.</summary>
    private sealed class Tally
    {
        public long RowsRead { get; set; }

        public List<Reject> Rejects { get; } = [];

        public bool Stopped { get; set; }
    }

    /// <summary>One attempt; null when the straight copy met a repeated key and was rolled back.</summary>
    private async Task<FileResult?> LoadOnceAsync(DbConnection connection, StagingTable table, string file, Encoding fileEncoding, long runId, bool allowDirect, CancellationToken cancellationToken)
    {
        var tally = new Tally();
        long rowsWritten = 0;
        long duplicates = 0;
        string? badField = null;
        await using var transaction = await connection.BeginTransactionAsync(cancellationToken);
        using (var reader = new StreamReader(file, fileEncoding, detectEncodingFromByteOrderMarks: false, bufferSize: 1 << 16))
        using (var csv = new CsvReader(reader, new CsvConfiguration(CultureInfo.InvariantCulture) { BadDataFound = bad => badField ??= bad.Field, TrimOptions = TrimOptions.None, BufferSize = 1 << 16 }))
        {
            if (!await csv.ReadAsync() || !csv.ReadHeader() || csv.HeaderRecord is null)
            {
                throw new WarehouseException($"{file}: line 1: the file is empty, expected a header row");
            }

            var fileColumns = MapHeader(table, csv.HeaderRecord, file);
            var direct = allowDirect && await writer.IsEmptyAsync(connection, transaction, table, cancellationToken);
            var rows = ParseRows(csv, table, fileColumns, csv.HeaderRecord.Length, file, runId, tally, () => badField, () => badField = null);
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

            var rejects = tally.Rejects;
            var rejectRate = tally.RowsRead == 0 ? 0 : (decimal)rejects.Count / tally.RowsRead;
            if (tally.Stopped || rejectRate > maxRejectRate)
            {
                await transaction.RollbackAsync(cancellationToken);
                await SaveRejectsAsync(connection, runId, rejects);
                var first = rejects[0];
                var stopped = tally.Stopped ? $"stopped reading after {tally.RowsRead:N0} rows: " : "";
                throw new WarehouseException(
                    $"{file}: {stopped}{rejects.Count:N0} of {tally.RowsRead:N0} rows read rejected ({rejectRate:P1} > {maxRejectRate:P1}{(rejects.Count > MaxRejects ? $", or more than {MaxRejects:N0}" : "")}), nothing loaded from this file; first: line {first.RowNumber}, field {first.FieldName}: {first.Reason}");
            }

            if (temp is not null)
            {
                (rowsWritten, duplicates) = await writer.UpsertCountingAsync(connection, transaction, table, temp, fileColumns.Select(c => c.Column.Name).ToList(), runId, cancellationToken);
                if (duplicates > 0)
                {
                    Serilog.Log.Warning("{File}: {Duplicates} rows repeated the key of a later row of the file and were replaced by it (the last row wins)", file, duplicates);
                }
            }
        }

        await transaction.CommitAsync(cancellationToken);
        await SaveRejectsAsync(connection, runId, tally.Rejects);
        return new FileResult(file, table.Name, tally.RowsRead, rowsWritten, tally.Rejects.Count, duplicates);
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
    /// array is reused for every row: the copy writes a row before it asks for the next. A row is a reject when a
    /// field does not parse, when it has fewer fields than the header (a line cut short) or more non-blank ones, or
    /// when a quoted field is not closed (an unterminated quote at the end of the file). Reading stops (and
    /// <see cref="Tally.Stopped"/> is set) once the rejects pass the threshold.
    /// </summary>
    private IEnumerable<object?[]> ParseRows(
        CsvReader csv, StagingTable table, List<FileColumn> columns, int headerLength, string file, long runId, Tally tally, Func<string?> badData, Action clearBadData)
    {
        var parser = csv.Parser;
        var values = new object?[columns.Count + 2];
        var fields = new string?[columns.Count];
        object boxedRunId = runId;
        long loadRow = 0;
        clearBadData();
        while (parser.Read())
        {
            var count = parser.Count;
            var blank = true;
            StagingColumn? quoteColumn = null;
            for (var i = 0; i < fields.Length; i++)
            {
                var text = columns[i].Index < count ? parser[columns[i].Index] : null;
                fields[i] = text;
                blank = blank && string.IsNullOrWhiteSpace(text);
                if (quoteColumn is null && badData() is not null)
                {
                    quoteColumn = columns[i].Column;
                }
            }

            var extra = false;
            for (var i = headerLength; i < count; i++)
            {
                extra = extra || !string.IsNullOrWhiteSpace(parser[i]);
            }

            if (blank && !extra && badData() is null)
            {
                continue; // blank rows
            }

            tally.RowsRead++;
            loadRow++;
            Reject? reject = null;
            if (badData() is { } bad)
            {
                var column = quoteColumn?.Name ?? columns.LastOrDefault(c => c.Index < count)?.Column.Name;
                var openQuote = bad.StartsWith('"') && bad.Count(c => c == '"') % 2 == 1;
                reject = openQuote
                    ? Rejected(column, $"'{Shorten(bad)}' opens a quote that is never closed (the file ends inside it, or a quote is missing)", openQuote: true)
                    : Rejected(column, $"'{Shorten(bad)}' has a stray quote (quote a field that contains one, and double the quotes inside)");
                clearBadData();
            }
            else if (count < headerLength)
            {
                var missing = columns.Where(c => c.Index >= count).MinBy(c => c.Index)?.Column.Name;
                reject = Rejected(missing, $"the row has {count} of the header's {headerLength} fields (a line cut short?); '{missing}' and the columns after it are missing");
            }
            else if (extra)
            {
                reject = Rejected(null, $"the row has {count} fields, the header {headerLength} (an unquoted comma?)");
            }

            for (var i = 0; i < columns.Count && reject is null; i++)
            {
                if (!FieldParser.TryParse(fields[i], columns[i].Column, out values[i], out var error))
                {
                    reject = Rejected(columns[i].Column.Name, $"'{Shorten(fields[i])}' is {error}");
                }
            }

            if (reject is not null)
            {
                tally.Rejects.Add(reject);
                if (tally.Rejects.Count > MaxRejects || tally.RowsRead >= RowsBeforeStopping && tally.Rejects.Count > maxRejectRate * tally.RowsRead)
                {
                    tally.Stopped = true;
                    yield break;
                }

                continue;
            }

            values[columns.Count] = boxedRunId;
            values[columns.Count + 1] = loadRow;
            yield return values;
        }

        // The line the record starts on: a quoted field may span lines, and a quote left open takes the rest of the
        // file, its last line break included.
        Reject Rejected(string? column, string reason, bool openQuote = false) =>
            new($"file:{table.Name}", file, parser.RawRow - (openQuote ? parser.RawRecord : parser.RawRecord.TrimEnd('\r', '\n')).Count(c => c == '\n'), column, reason, Shorten(parser.RawRecord, 4000));
    }

    private static string Shorten(string? text, int length = 200) => text is null ? "" : (text.Length <= length ? text.TrimEnd('\r', '\n') : text[..length]).Replace('\0', ' ');

    /// <summary>
    /// Writes the rejects to etl.reject, 200 rows a statement (a file's rejects are at most <see cref="MaxRejects"/>;
    /// one statement a row cost seconds per thousand). NUL characters, which PostgreSQL text cannot hold, become spaces.
    /// </summary>
    public static async Task SaveRejectsAsync(DbConnection connection, long runId, IReadOnlyCollection<Reject> rejects)
    {
        var at = DateTimeOffset.UtcNow;
        foreach (var chunk in rejects.Chunk(200))
        {
            var parameters = new DynamicParameters(new { runId, at });
            var rows = new List<string>(chunk.Length);
            for (var i = 0; i < chunk.Length; i++)
            {
                var r = chunk[i];
                parameters.Add($"s{i}", r.Source);
                parameters.Add($"f{i}", r.FileOrPage);
                parameters.Add($"n{i}", r.RowNumber);
                parameters.Add($"c{i}", r.FieldName);
                parameters.Add($"r{i}", r.Reason.Replace('\0', ' '));
                parameters.Add($"t{i}", r.RawText?.Replace('\0', ' '));
                rows.Add($"(@runId, @s{i}, @f{i}, @n{i}, @c{i}, @r{i}, @t{i}, @at)");
            }

            await connection.ExecuteAsync(
                "INSERT INTO etl.reject (etl_run_id, source_name, file_or_page, row_number, field_name, reason, raw_text, rejected_at) VALUES "
                + string.Join(", ", rows), parameters);
        }
    }
}
