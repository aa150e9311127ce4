using Microsoft.Extensions.Http.Resilience;
using MimeKit;
using Polly;
using Serilog;
using Warehouse.Logging;
using Warehouse.Schedule;

namespace Warehouse.Alerts;

/// <summary>
/// Sends the digest by e-mail (the workbook's SMTP settings, MailKit) and to an incoming webhook
/// (Slack or Teams format) through Microsoft.Extensions.Http.Resilience's retry (5xx, 408, 429 and
/// network errors, exponential backoff). The webhook URL is a secret: it is masked in every log line.
/// </summary>
public static class AlertSender
{
    public static async Task MailAsync(SmtpOptions smtp, AlertDigest digest, CancellationToken cancellationToken)
    {
        var message = ReportMailer.Addressed(smtp);
        message.Subject = digest.Title;
        message.Body = new TextPart("plain") { Text = digest.Text() };
        await ReportMailer.SendAsync(smtp, message, cancellationToken);
    }

    public static async Task PostAsync(AlertOptions options, AlertDigest digest, CancellationToken cancellationToken)
    {
        var url = options.WebhookUrl ?? throw new InvalidOperationException("no webhook URL configured");
        SecretValues.Add(url);
        var pipeline = new ResiliencePipelineBuilder<HttpResponseMessage>()
            .AddRetry(new HttpRetryStrategyOptions
            {
                MaxRetryAttempts = options.WebhookRetries,
                BackoffType = DelayBackoffType.Exponential,
                UseJitter = true,
                Delay = TimeSpan.FromMilliseconds(options.WebhookRetryDelayMilliseconds),
                OnRetry = args =>
                {
                    Log.Warning("webhook {Url}: attempt {Attempt} failed ({Reason}); retrying in {Delay}",
                        MaskedUrl(url), args.AttemptNumber + 1, args.Outcome.Result?.StatusCode.ToString() ?? args.Outcome.Exception?.Message, args.RetryDelay);
                    return ValueTask.CompletedTask;
                },
            })
            .Build();
        using var http = new HttpClient(new ResilienceHandler(pipeline) { InnerHandler = new SocketsHttpHandler() }) { Timeout = TimeSpan.FromSeconds(100) };
        // Serialized once with a Content-Length, so every retry sends the same bytes.
        using var content = new StringContent(WebhookPayload.For(options.WebhookFormat, digest).ToJsonString(), System.Text.Encoding.UTF8, "application/json");
        using var response = await http.PostAsync(url, content, cancellationToken);
        if (!response.IsSuccessStatusCode)
        {
            throw new HttpRequestException($"webhook {MaskedUrl(url)} answered {(int)response.StatusCode} {response.ReasonPhrase} after {options.WebhookRetries + 1} attempts");
        }
    }

    /// <summary>Scheme and host only: the path of an incoming-webhook URL is its secret.</summary>
    public static string MaskedUrl(string url) =>
        Uri.TryCreate(url, UriKind.Absolute, out var uri) ? $"{uri.Scheme}://{uri.Authority}/***" : "***";
}
