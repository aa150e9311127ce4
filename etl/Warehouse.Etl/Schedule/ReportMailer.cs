using MailKit.Net.Smtp;
using MailKit.Security;
using MimeKit;

namespace Warehouse.Schedule;

/// <summary>Mails the weekly workbook to finance over SMTP (MailKit), when Warehouse:Schedule:Smtp is configured.</summary>
public static class ReportMailer
{
    public static async Task SendAsync(SmtpOptions smtp, string workbook, string label, CancellationToken cancellationToken)
    {
        var message = new MimeMessage();
        message.From.Add(MailboxAddress.Parse(smtp.From));
        foreach (var address in (smtp.To ?? "").Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
        {
            message.To.Add(MailboxAddress.Parse(address));
        }

        message.Subject = $"SKU profit workbook {label}";
        var body = new BodyBuilder { TextBody = $"The SKU profit workbook for {label} is attached.\n\nwarehouse serve" };
        await body.Attachments.AddAsync(workbook, cancellationToken);
        message.Body = body.ToMessageBody();

        using var client = new SmtpClient();
        await client.ConnectAsync(smtp.Host!, smtp.Port, smtp.UseStartTls ? SecureSocketOptions.StartTlsWhenAvailable : SecureSocketOptions.None, cancellationToken);
        if (!string.IsNullOrEmpty(smtp.User))
        {
            await client.AuthenticateAsync(smtp.User, smtp.Password ?? "", cancellationToken);
        }

        await client.SendAsync(message, cancellationToken);
        await client.DisconnectAsync(quit: true, cancellationToken);
    }
}
