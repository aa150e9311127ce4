using System.Data.Common;
using Warehouse.Database;
using Warehouse.Stage;

namespace Warehouse.Extract;

/// <summary>
/// Reads one source for one shop or advertiser page by page. Every page is written to staging and
/// the cursor saved in one transaction, so a run that dies resumes after the last committed page;
/// the last page moves the watermark to the window's end and clears the cursor.
/// </summary>
public sealed class ResumableRead(WarehouseDatabase database, IReadOnlyDictionary<string, StagingTable> tables, long runId)
{
    private readonly StagingWriter writer = new(database.Engine);

    /// <summary>Called after each committed page (the tests stop a run here to prove resume).</summary>
    public Action<string, ExtractCursor?>? PageCommitted { get; init; }

    /// <summary>Called after each committed page with its source, scope and rows (progress bars and log lines).</summary>
    public Action<PageWritten>? PageWritten { get; init; }

    public long RunId => runId;

    public StagingBatch NewBatch(string request) => new(tables, request);

    public async Task<SourceResult> RunAsync(
        string source, string scope, TimeSpan lookback, ExtractOptions options, Func<ExtractCursor, Task<ExtractPage>> fetch, CancellationToken cancellationToken)
    {
        await using var connection = await database.OpenAsync(cancellationToken);
        var watermark = await Watermark.ReadAsync(connection, source, scope);
        var cursor = options.WindowFor(watermark, lookback, DateTimeOffset.UtcNow);
        long pages = 0, read = 0, written = 0;
        while (true)
        {
            cancellationToken.ThrowIfCancellationRequested();
            var page = await fetch(cursor);
            long pageWritten;
            await using (var transaction = await connection.BeginTransactionAsync(cancellationToken))
            {
                pageWritten = await page.Rows.WriteAsync(connection, transaction, writer, runId, cancellationToken);
                written += pageWritten;
                var mark = page.Next is null ? cursor.To : watermark.HighWaterMark ?? cursor.From;
                await Watermark.SaveAsync(connection, transaction, source, scope, mark, page.Next?.ToJson(), runId);
                await transaction.CommitAsync(cancellationToken);
            }

            pages++;
            read += page.Rows.Count;
            PageCommitted?.Invoke(source, page.Next);
            PageWritten?.Invoke(new PageWritten(source, scope, page.Rows.Count, pageWritten));
            if (page.Next is null)
            {
                return new SourceResult(source, scope, pages, read, written, 0, null);
            }

            cursor = page.Next;
        }
    }

    /// <summary>Keeps a page that stayed malformed after the retries: the request and the reason, in etl.reject.</summary>
    public async Task RejectAsync(string source, MalformedPageException error)
    {
        await using var connection = await database.OpenAsync();
        await StagingLoader.SaveRejectsAsync(connection, runId, [new Reject($"api:{source}", Truncate(error.Request, 1000), null, null, Truncate(error.Reason, 1000), error.RawText is null ? null : Truncate(error.RawText, 4000))]);
    }

    private static string Truncate(string text, int length) => text.Length <= length ? text : text[..length];
}

/// <summary>One committed page: which source and shop/advertiser, rows read and rows written.</summary>
public sealed record PageWritten(string Source, string Scope, long RowsRead, long RowsWritten);
