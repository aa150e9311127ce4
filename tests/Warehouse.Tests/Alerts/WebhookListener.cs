using System.Net;
using System.Net.Sockets;
using System.Text;

namespace Warehouse.Tests.Alerts;

/// <summary>
/// An incoming-webhook endpoint on loopback: real HTTP/1.1 over TCP, answering each POST with the next status
/// of a script (the last one repeats), and keeping every request's path and body.
/// </summary>
public sealed class WebhookListener : IAsyncDisposable
{
    private readonly TcpListener listener = new(IPAddress.Loopback, 0);
    private readonly Queue<int> statuses;
    private readonly CancellationTokenSource stop = new();
    private readonly Task serving;

    public WebhookListener(params int[] statuses)
    {
        this.statuses = new Queue<int>(statuses.Length == 0 ? [200] : statuses);
        listener.Start();
        serving = Task.Run(ServeAsync);
    }

    public List<(string Path, string Body, int Status)> Requests { get; } = [];

    /// <summary>Runs after a request was read and before it is answered (to break something between a send and its record).</summary>
    public Func<Task>? BeforeAnswer { get; init; }

    public string Url(string path) => $"http://127.0.0.1:{((IPEndPoint)listener.LocalEndpoint).Port}{path}";

    private async Task ServeAsync()
    {
        while (!stop.IsCancellationRequested)
        {
            TcpClient client;
            try
            {
                client = await listener.AcceptTcpClientAsync(stop.Token);
            }
            catch (OperationCanceledException)
            {
                return;
            }

            using (client)
            {
                await using var stream = client.GetStream();
                while (await ReadRequestAsync(stream) is { } request)
                {
                    int status;
                    lock (statuses)
                    {
                        status = statuses.Count > 1 ? statuses.Dequeue() : statuses.Peek();
                        Requests.Add((request.Path, request.Body, status));
                    }

                    if (BeforeAnswer is { } beforeAnswer)
                    {
                        await beforeAnswer();
                    }

                    var reply = Encoding.ASCII.GetBytes($"HTTP/1.1 {status} {(status == 200 ? "OK" : "Error")}\r\nContent-Length: 2\r\nContent-Type: text/plain\r\n\r\nok");
                    await stream.WriteAsync(reply, stop.Token);
                }
            }
        }
    }

    private async Task<(string Path, string Body)?> ReadRequestAsync(NetworkStream stream)
    {
        var head = new List<byte>();
        var one = new byte[1];
        while (!(head.Count >= 4 && head[^4] == '\r' && head[^3] == '\n' && head[^2] == '\r' && head[^1] == '\n'))
        {
            if (await stream.ReadAsync(one, stop.Token) == 0)
            {
                return null;
            }

            head.Add(one[0]);
        }

        var lines = Encoding.ASCII.GetString([.. head]).Split("\r\n");
        var path = lines[0].Split(' ')[1];
        var length = lines.Where(l => l.StartsWith("Content-Length:", StringComparison.OrdinalIgnoreCase))
            .Select(l => int.Parse(l[15..].Trim(), System.Globalization.CultureInfo.InvariantCulture)).FirstOrDefault();
        var body = new byte[length];
        var read = 0;
        while (read < length)
        {
            read += await stream.ReadAsync(body.AsMemory(read), stop.Token);
        }

        return (path, Encoding.UTF8.GetString(body));
    }

    public async ValueTask DisposeAsync()
    {
        await stop.CancelAsync();
        listener.Stop();
        try
        {
            await serving;
        }
        catch (Exception error) when (error is OperationCanceledException or SocketException or IOException)
        {
        }

        stop.Dispose();
    }
}
