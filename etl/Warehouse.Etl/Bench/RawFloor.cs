using System.Data.Common;
using System.Diagnostics;
using System.Globalization;
using CsvHelper;
using CsvHelper.Configuration;
using Dapper;
using Microsoft.Data.SqlClient;
using Npgsql;
using Warehouse.Database;

namespace Warehouse.Bench;

/// <summary>
/// The engine's own bulk load of the same CSV files, with no parsing, typing or upserting of ours:
/// PostgreSQL parses the bytes itself (COPY ... FROM STDIN (FORMAT csv), the file streamed
/// unchanged, which is what psql's \copy does); SQL Server gets a bare SqlBulkCopy of CsvHelper's
/// CsvDataReader (strings, converted by SqlBulkCopy). Each file goes into an empty copy of its
/// stg table in schema bench_floor (same columns, same primary key on PostgreSQL), which is
/// dropped afterwards.
/// </summary>
public static class RawFloor
{
    public const string Schema = "bench_floor";

    public sealed record FileTiming(string Table, long Rows, long Bytes, double Seconds);

    public static async Task<IReadOnlyList<FileTiming>> LoadAsync(WarehouseDatabase database, IReadOnlyList<string> files, CancellationToken cancellationToken = default)
    {
        await using var connection = await database.OpenAsync(cancellationToken);
        await CreateTablesAsync(connection, database.Engine, files);
        var timings = new List<FileTiming>();
        foreach (var file in files)
        {
            var table = Path.GetFileNameWithoutExtension(file);
            var clock = Stopwatch.StartNew();
            if (database.Engine == Engine.Postgres)
            {
                await CopyPostgresAsync((NpgsqlConnection)connection, table, file, cancellationToken);
            }
            else
            {
                await BulkCopySqlServerAsync((SqlConnection)connection, table, file, cancellationToken);
            }

            var seconds = clock.Elapsed.TotalSeconds;
            var rows = await connection.ExecuteScalarAsync<long>(
                database.Engine == Engine.Postgres ? $"SELECT COUNT(*) FROM {Schema}.{table}" : $"SELECT COUNT_BIG(*) FROM {Schema}.[{table}]", commandTimeout: 0);
            timings.Add(new FileTiming(table, rows, new FileInfo(file).Length, seconds));
        }

        return timings;
    }

    public static async Task DropAsync(WarehouseDatabase database)
    {
        await using var connection = await database.OpenAsync();
        if (database.Engine == Engine.Postgres)
        {
            await connection.ExecuteAsync($"DROP SCHEMA IF EXISTS {Schema} CASCADE", commandTimeout: 0);
            return;
        }

        var tables = await connection.QueryAsync<string>("SELECT name FROM sys.tables WHERE schema_id = SCHEMA_ID(@Schema)", new { Schema });
        foreach (var table in tables)
        {
            await connection.ExecuteAsync($"DROP TABLE {Schema}.[{table}]", commandTimeout: 0);
        }

        await connection.ExecuteAsync($"IF SCHEMA_ID('{Schema}') IS NOT NULL EXEC('DROP SCHEMA {Schema}')");
    }

    private static async Task CreateTablesAsync(DbConnection connection, Engine engine, IReadOnlyList<string> files)
    {
        if (engine == Engine.Postgres)
        {
            await connection.ExecuteAsync($"DROP SCHEMA IF EXISTS {Schema} CASCADE; CREATE SCHEMA {Schema}");
            foreach (var table in files.Select(Path.GetFileNameWithoutExtension))
            {
                // The load fills etl_run_id itself; the floor has no run, so it defaults.
                await connection.ExecuteAsync(
                    $"CREATE TABLE {Schema}.{table} (LIKE stg.{table} INCLUDING ALL); ALTER TABLE {Schema}.{table} ALTER COLUMN etl_run_id SET DEFAULT 0;");
            }

            return;
        }

        await connection.ExecuteAsync($"IF SCHEMA_ID('{Schema}') IS NULL EXEC('CREATE SCHEMA {Schema}')");
        foreach (var table in files.Select(Path.GetFileNameWithoutExtension))
        {
            await connection.ExecuteAsync(
                $"SELECT TOP 0 * INTO {Schema}.[{table}] FROM stg.[{table}]; ALTER TABLE {Schema}.[{table}] ADD DEFAULT 0 FOR etl_run_id;");
        }
    }

    private static async Task CopyPostgresAsync(NpgsqlConnection connection, string table, string file, CancellationToken cancellationToken)
    {
        var header = ReadHeader(file);
        var command = $"COPY {Schema}.{table} ({string.Join(", ", header)}) FROM STDIN (FORMAT csv, HEADER true)";
        using (var reader = new StreamReader(file, detectEncodingFromByteOrderMarks: true))
        await using (var writer = await connection.BeginTextImportAsync(command, cancellationToken))
        {
            var buffer = new char[1 << 16];
            int read;
            while ((read = await reader.ReadAsync(buffer, cancellationToken)) > 0)
            {
                await writer.WriteAsync(buffer.AsMemory(0, read), cancellationToken);
            }
        }
    }

    private static async Task BulkCopySqlServerAsync(SqlConnection connection, string table, string file, CancellationToken cancellationToken)
    {
        using var reader = new StreamReader(file, detectEncodingFromByteOrderMarks: true);
        using var csv = new CsvReader(reader, new CsvConfiguration(CultureInfo.InvariantCulture));
        csv.Context.TypeConverterOptionsCache.GetOptions<string>().NullValues.Add(""); // empty = null, as the file contract says
        using var data = new CsvDataReader(csv);
        using var bulk = new SqlBulkCopy(connection, SqlBulkCopyOptions.TableLock, null)
        {
            DestinationTableName = $"{Schema}.[{table}]",
            BulkCopyTimeout = 0,
            EnableStreaming = true,
        };
        for (var i = 0; i < data.FieldCount; i++)
        {
            var name = data.GetName(i);
            bulk.ColumnMappings.Add(name, name);
        }

        await bulk.WriteToServerAsync(data, cancellationToken);
    }

    private static string[] ReadHeader(string file)
    {
        using var reader = new StreamReader(file, detectEncodingFromByteOrderMarks: true);
        var line = reader.ReadLine() ?? throw new WarehouseException($"{file}: empty file");
        return line.Split(',').Select(name => name.Trim().Trim('"')).ToArray();
    }
}
