using System.Net;
using System.Net.Sockets;
using System.Text;
using Warehouse.Schedule;

namespace Warehouse.Tests.Schedule;

/// <summary>The weekly workbook reaches finance: MailKit talks SMTP to a real listener on loopback.</summary>
public sealed class ReportMailerTests
{
    [Fact]
    public async Task The_workbook_is_mailed_to_every_finance_address_as_an_attachment()
    {
        var workbook = Path.Combine(Path.GetTempPath(), "warehouse-tests", $"mail-{Guid.NewGuid():N}", "sku-profit-all-2026-W47.xlsx");
        Directory.CreateDirectory(Path.GetDirectoryName(workbook)!);
        await File.WriteAllBytesAsync(workbook, Encoding.UTF8.GetBytes("workbook bytes"), TestContext.Current.CancellationToken);
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        var server = ReceiveOneMessageAsync(listener, TestContext.Current.CancellationToken);

        await ReportMailer.SendAsync(
            new SmtpOptions { Host = "127.0.0.1", Port = ((IPEndPoint)listener.LocalEndpoint).Port, UseStartTls = false, To = "cfo@example.com, ap@example.com" },
            workbook, "2026-W47", TestContext.Current.CancellationToken);

        var (recipients, data) = await server;
        Assert.Equal(["<cfo@example.com>", "<ap@example.com>"], recipients);
        Assert.Contains("Subject: SKU profit workbook 2026-W47", data, StringComparison.Ordinal);
        Assert.Contains("sku-profit-all-2026-W47.xlsx", data, StringComparison.Ordinal);
        Assert.Contains(Convert.ToBase64String(Encoding.UTF8.GetBytes("workbook bytes")), data, StringComparison.Ordinal);
    }

    /// <summary>The least of an SMTP server: greet, accept one message, remember its recipients and data.</summary>
    internal static async Task<(List<string> Recipients, string Data)> ReceiveOneMessageAsync(TcpListener listener, CancellationToken cancellationToken)
    {
        using var client = await listener.AcceptTcpClientAsync(cancellationToken);
        await using var stream = client.GetStream();
        using var reader = new StreamReader(stream, Encoding.ASCII);
        await using var writer = new StreamWriter(stream, Encoding.ASCII) { NewLine = "\r\n", AutoFlush = true };
        var recipients = new List<string>();
        var data = new StringBuilder();
        await writer.WriteLineAsync("220 localhost test SMTP");
        while (await reader.ReadLineAsync(cancellationToken) is { } line)
        {
            var verb = line.Split(' ', ':')[0].ToUpperInvariant();
            switch (verb)
            {
                case "EHLO" or "HELO":
                    await writer.WriteLineAsync("250 localhost");
                    break;
                case "RCPT":
                    recipients.Add(line[(line.IndexOf(':', StringComparison.Ordinal) + 1)..].Trim());
                    await writer.WriteLineAsync("250 OK");
                    break;
                case "DATA":
                    await writer.WriteLineAsync("354 end with <CRLF>.<CRLF>");
                    while (await reader.ReadLineAsync(cancellationToken) is { } body && body != ".")
                    {
                        data.AppendLine(body);
                    }

                    await writer.WriteLineAsync("250 OK queued");
                    break;
                case "QUIT":
                    await writer.WriteLineAsync("221 bye");
                    return (recipients, data.ToString());
                default:
                    await writer.WriteLineAsync("250 OK");
                    break;
            }
        }

        return (recipients, data.ToString());
    }
}
