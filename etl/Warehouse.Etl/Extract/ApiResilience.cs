using Polly;
using Polly.Retry;
using Polly.Timeout;
using Serilog;

namespace Warehouse.Extract;

/// <summary>
/// The Polly pipeline every TikTok call runs through: a timeout per attempt inside a retry with
/// exponential backoff and jitter on HTTP 429/5xx, network errors, timeouts, TikTok's rate-limit and
/// maintenance codes, and malformed pages. A Retry-After header, when sent, sets the delay.
/// </summary>
public sealed class ApiResilience
{
    private long retries;

    public ApiResilience(ResilienceSettings settings)
    {
        Pipeline = new ResiliencePipelineBuilder()
            .AddRetry(new RetryStrategyOptions
            {
                ShouldHandle = new PredicateBuilder()
                    .Handle<TransientApiException>()
                    .Handle<MalformedPageException>()
                    .Handle<HttpRequestException>()
                    .Handle<TimeoutRejectedException>(),
                MaxRetryAttempts = settings.MaxRetries,
                BackoffType = DelayBackoffType.Exponential,
                UseJitter = true,
                Delay = settings.Delay,
                MaxDelay = settings.LongestDelay,
                DelayGenerator = args => ValueTask.FromResult(
                    args.Outcome.Exception is TransientApiException { RetryAfter: { } after } ? after : (TimeSpan?)null),
                OnRetry = args =>
                {
                    Interlocked.Increment(ref retries);
                    Log.Debug("retry {Attempt} in {Delay}: {Reason}", args.AttemptNumber + 1, args.RetryDelay, args.Outcome.Exception?.Message);
                    return ValueTask.CompletedTask;
                },
            })
            .AddTimeout(settings.Timeout)
            .Build();
    }

    public ResiliencePipeline Pipeline { get; }

    /// <summary>Retries made so far, for the command's summary.</summary>
    public long Retries => Interlocked.Read(ref retries);
}
