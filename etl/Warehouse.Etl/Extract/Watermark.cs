using System.Data.Common;
using Dapper;

namespace Warehouse.Extract;

/// <summary>
/// etl.watermark, one row per source and shop/advertiser: <c>high_water_mark</c> is how far the last
/// finished run read; <c>cursor_state</c> is where an unfinished run stopped (its window and the
/// token of the next page after the last committed one). Plain UPDATE-then-INSERT, no MERGE, so
/// the same SQL runs on PostgreSQL and SQL Server; always inside the page's transaction.
/// </summary>
public sealed record Watermark(string Source, string Scope, DateTimeOffset? HighWaterMark, string? Cursor)
{
    public static async Task<Watermark> ReadAsync(DbConnection connection, string source, string scope)
    {
        var row = await connection.QuerySingleOrDefaultAsync<(object HighWaterMark, string? Cursor)?>(
            "SELECT high_water_mark, cursor_state FROM etl.watermark WHERE source_name = @source AND scope_id = @scope",
            new { source, scope });
        DateTimeOffset? mark = row?.HighWaterMark switch
        {
            DateTimeOffset offset => offset.ToUniversalTime(),
            DateTime time => new DateTimeOffset(DateTime.SpecifyKind(time, DateTimeKind.Utc)),
            _ => null,
        };
        return new Watermark(source, scope, mark, row?.Cursor);
    }

    /// <summary>Records progress: the mark and, for an unfinished window, where to go on (null when done).</summary>
    public static async Task SaveAsync(DbConnection connection, DbTransaction transaction, string source, string scope, DateTimeOffset highWaterMark, string? cursor, long runId)
    {
        var values = new { source, scope, mark = highWaterMark.ToUniversalTime(), cursor, now = DateTimeOffset.UtcNow, runId };
        var updated = await connection.ExecuteAsync(
            """
            UPDATE etl.watermark
            SET high_water_mark = @mark, cursor_state = @cursor, updated_at = @now, etl_run_id = @runId
            WHERE source_name = @source AND scope_id = @scope
            """, values, transaction);
        if (updated == 0)
        {
            await connection.ExecuteAsync(
                """
                INSERT INTO etl.watermark (source_name, scope_id, high_water_mark, cursor_state, updated_at, etl_run_id)
                VALUES (@source, @scope, @mark, @cursor, @now, @runId)
                """, values, transaction);
        }
    }
}
