using MailKit.Net.Smtp;
using MailKit.Security;
using MimeKit;

namespace Warehouse.Schedule;

/// <summary>Mails the weekly workbook to finance over SMTP (MailKit), when Warehouse:Schedule:Smtp is configured.</summary>
public static class ReportMailer
{
    public static async Task SendAsync(SmtpOptions smtp, string workbook, string label, CancellationToken cancellationToken)
    {
        var message = Addressed(smtp);
        message.Subject = $"SKU profit workbook {label}";
        var body = new BodyBuilder { TextBody = $"The SKU profit workbook for {label} is attached.\n\nwarehouse serve" };
        await body.Attachments.AddAsync(workbook, cancellationToken);
        message.Body = body.ToMessageBody();
        await SendAsync(smtp, message, cancellationToken);
    }

    /// <summary>A message from Smtp:From to every address of Smtp:To (comma-separated).</summary>
    public static MimeMessage Addressed(SmtpOptions smtp)
    {
        var message = new MimeMessage();
        message.From.Add(MailboxAddress.Parse(smtp.From));
        foreach (var address in (smtp.To ?? "").Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
        {
            message.To.Add(MailboxAddress.Parse(address));
        }

        return message;
    }

    /// <summary>Sends one message through the configured SMTP server (STARTTLS when offered, login when a user is set).</summary>
    public static async Task SendAsync(SmtpOptions smtp, MimeMessage message, CancellationToken cancellationToken)
    {
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
