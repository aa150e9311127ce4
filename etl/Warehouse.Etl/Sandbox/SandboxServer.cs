using System.Collections.Concurrent;
using System.Globalization;
using System.Net;
using System.Net.Sockets;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using Serilog;
using Warehouse.Extract;

namespace Warehouse.Sandbox;

/// <summary>
/// A local TikTok on 127.0.0.1: the Shop Open API (signed requests, <c>x-tts-access-token</c>,
/// <c>shop_cipher</c>), its auth host under <c>/api/v2</c>, and the Marketing API (<c>Access-Token</c>),
/// all answered from the sample generator's rows. Every request is verified as TikTok verifies it;
/// a wrong sign or token gets TikTok's error envelope. Faults are injected on request.
/// Built on HttpListener: no web framework in the CLI for a loopback test server.
/// </summary>
public sealed class SandboxServer : IAsyncDisposable
{
    private static readonly TimeSpan TimestampTolerance = TimeSpan.FromMinutes(5);

    private readonly SandboxOptions options;
    private readonly HttpListener listener = new();
    private readonly CancellationTokenSource stopping = new();
    private readonly ShopApiEndpoints shopApi;
    private readonly MarketingApiEndpoints marketingApi;
    private readonly SandboxFaults faults;
    private readonly ConcurrentDictionary<string, bool> shopTokens = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, bool> refreshTokens = new(StringComparer.Ordinal);
    private Task? serving;
    private long requests;
    private long refreshes;

    public SandboxServer(SandboxOptions options)
        : this(options, SandboxData.Generate(options.Sample))
    {
    }

    /// <summary>Serves data already read (<see cref="SandboxData.FromFolder"/>); <paramref name="options"/>.Sample must be what wrote it.</summary>
    public SandboxServer(SandboxOptions options, SandboxData data)
    {
        this.options = options;
        shopApi = new ShopApiEndpoints(data);
        marketingApi = new MarketingApiEndpoints(data);
        faults = new SandboxFaults(options, options.Sample.Seed);
        shopTokens[SandboxCredentials.AccessToken] = true;
        refreshTokens[SandboxCredentials.RefreshToken] = true;
    }

    public string Url { get; private set; } = "";

    public long Requests => Interlocked.Read(ref requests);

    public long FaultsInjected => faults.Injected;

    public long TokenRefreshes => Interlocked.Read(ref refreshes);

    /// <summary>Starts listening; with port 0 it takes a free loopback port.</summary>
    public SandboxServer Start()
    {
        var port = options.Port == 0 ? FreePort() : options.Port;
        Url = $"http://127.0.0.1:{port}";
        listener.Prefixes.Add(Url + "/");
        listener.Start();
        serving = Task.Run(ServeAsync);
        return this;
    }

    public async ValueTask DisposeAsync()
    {
        await stopping.CancelAsync();
        listener.Close();
        if (serving is not null)
        {
            await serving.ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
        }

        stopping.Dispose();
    }

    /// <summary>Runs until cancelled (the CLI's Ctrl+C).</summary>
    public async Task WaitAsync(CancellationToken cancellationToken)
    {
        await Task.Delay(Timeout.Infinite, cancellationToken).ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
    }

    private static int FreePort()
    {
        using var probe = new TcpListener(IPAddress.Loopback, 0);
        probe.Start();
        return ((IPEndPoint)probe.LocalEndpoint).Port;
    }

    private async Task ServeAsync()
    {
        while (!stopping.IsCancellationRequested)
        {
            HttpListenerContext context;
            try
            {
                context = await listener.GetContextAsync();
            }
            catch (Exception) when (stopping.IsCancellationRequested)
            {
                return;
            }
            catch (HttpListenerException)
            {
                return;
            }

            _ = Task.Run(() => AnswerAsync(context));
        }
    }

    private async Task AnswerAsync(HttpListenerContext context)
    {
        Interlocked.Increment(ref requests);
        try
        {
            var response = await RespondAsync(context.Request);
            context.Response.StatusCode = response.Status;
            context.Response.ContentType = "application/json";
            if (response.RetryAfterSeconds is { } after)
            {
                context.Response.Headers["Retry-After"] = after.ToString(CultureInfo.InvariantCulture);
            }

            var bytes = Encoding.UTF8.GetBytes(response.Body);
            context.Response.ContentLength64 = bytes.Length;
            await context.Response.OutputStream.WriteAsync(bytes, stopping.Token);
            context.Response.Close();
        }
        catch (Exception error) when (error is HttpListenerException or ObjectDisposedException or OperationCanceledException or IOException)
        {
            context.Response.Abort(); // the client went away (a timed-out attempt) or the sandbox stops
        }
        catch (Exception error)
        {
            Log.Error(error, "sandbox: {Path} failed", context.Request.Url?.AbsolutePath);
            context.Response.Abort();
        }
    }

    private async Task<SandboxResponse> RespondAsync(HttpListenerRequest request)
    {
        var path = request.Url!.AbsolutePath;
        using var buffer = new MemoryStream();
        await request.InputStream.CopyToAsync(buffer, stopping.Token);
        var body = buffer.ToArray();

        if (path.StartsWith("/api/v2/token/", StringComparison.Ordinal))
        {
            return Token(path, request);
        }

        var isShop = !path.StartsWith("/open_api/", StringComparison.Ordinal);
        var denied = isShop ? VerifyShopRequest(request, path, body) : VerifyMarketingRequest(request);
        if (denied is not null)
        {
            return denied;
        }

        switch (faults.Pick(path, isShop))
        {
            case "rate-limit":
                return isShop
                    ? SandboxResponse.Error(36009004, "Too many requests", 429) with { RetryAfterSeconds = options.RetryAfterSeconds }
                    : SandboxResponse.Error(40100, "Requests made too frequently, please try again later");
            case "5xx":
                return new SandboxResponse(503, "<html><body>503 Service Temporarily Unavailable</body></html>");
            case "maintenance":
                return isShop ? new SandboxResponse(502, "Bad Gateway") : SandboxResponse.Error(60001, "The system is under maintenance");
            case "token-expired":
                return SandboxResponse.Error(ShopApiClient.AccessTokenExpiredCode, "access token is expired, please refresh it");
            case "timeout":
                await Task.Delay(options.Hold, stopping.Token);
                break;
            case "malformed":
                var good = Answer(isShop, request, path, body);
                return good.Body.Length % 2 == 0
                    ? good with { Body = good.Body[..(good.Body.Length / 2)] }               // cut off mid-way
                    : good with { Body = """{"code":0,"message":"Success","request_id":"X"}""" }; // no data
        }

        return Answer(isShop, request, path, body);
    }

    private SandboxResponse Answer(bool isShop, HttpListenerRequest request, string path, byte[] body)
    {
        if (!isShop)
        {
            return marketingApi.Handle(path, request.QueryString);
        }

        JsonElement json = default;
        if (body.Length > 0)
        {
            try
            {
                using var document = JsonDocument.Parse(body);
                json = document.RootElement.Clone();
            }
            catch (JsonException)
            {
                return SandboxResponse.Error(36009002, "the request body is not valid JSON", 400);
            }
        }

        return shopApi.Handle(request.HttpMethod, path, request.QueryString, json);
    }

    /// <summary>TikTok Shop checks: app_key, a fresh timestamp, the signature over path, parameters and body, and the access token.</summary>
    private SandboxResponse? VerifyShopRequest(HttpListenerRequest request, string path, byte[] body)
    {
        var query = request.QueryString;
        if (query["app_key"] != SandboxCredentials.AppKey)
        {
            return SandboxResponse.Error(106002, "app_key is invalid", 401);
        }

        if (!long.TryParse(query["timestamp"], CultureInfo.InvariantCulture, out var timestamp)
            || Math.Abs(DateTimeOffset.UtcNow.ToUnixTimeSeconds() - timestamp) > TimestampTolerance.TotalSeconds)
        {
            return SandboxResponse.Error(106003, "timestamp is missing or more than 5 minutes off", 401);
        }

        var parameters = query.AllKeys.Where(k => k is not null).Select(k => KeyValuePair.Create(k!, query[k] ?? ""));
        var expected = ShopApiSignature.Sign(SandboxCredentials.AppSecret, path, parameters, request.HttpMethod == "GET" ? [] : body);
        if (!ShopApiSignature.Matches(expected, query["sign"]))
        {
            return SandboxResponse.Error(ShopApiClient.InvalidSignatureCode, "Invalid credentials: the sign is invalid", 401);
        }

        var token = request.Headers["x-tts-access-token"];
        if (token is null || !shopTokens.ContainsKey(token))
        {
            return SandboxResponse.Error(ShopApiClient.InvalidAccessTokenCode, "access token is invalid", 401);
        }

        return null;
    }

    private static SandboxResponse? VerifyMarketingRequest(HttpListenerRequest request) =>
        request.Headers["Access-Token"] == SandboxCredentials.AdsAccessToken
            ? null
            : SandboxResponse.Error(MarketingApiClient.InvalidAccessTokenCode, "The access token is invalid or has been revoked.");

    /// <summary>GET /api/v2/token/refresh (and /get): not signed; app_key, app_secret and the refresh token checked.</summary>
    private SandboxResponse Token(string path, HttpListenerRequest request)
    {
        var query = request.QueryString;
        if (query["app_key"] != SandboxCredentials.AppKey || query["app_secret"] != SandboxCredentials.AppSecret)
        {
            return SandboxResponse.Error(36004004, "app_key or app_secret is invalid");
        }

        var valid = path switch
        {
            "/api/v2/token/refresh" => query["grant_type"] == "refresh_token" && query["refresh_token"] is { } refresh && refreshTokens.ContainsKey(refresh),
            "/api/v2/token/get" => query["grant_type"] == "authorized_code" && query["auth_code"] is { Length: > 0 },
            _ => false,
        };
        if (!valid)
        {
            return SandboxResponse.Error(36004001, "the refresh token or auth code is invalid or expired");
        }

        var number = Interlocked.Increment(ref refreshes);
        var access = $"{SandboxCredentials.AccessToken}-{number}";
        shopTokens[access] = true;
        return SandboxResponse.Ok(new JsonObject
        {
            ["access_token"] = access,
            ["access_token_expire_in"] = DateTimeOffset.UtcNow.AddDays(7).ToUnixTimeSeconds(),
            ["refresh_token"] = SandboxCredentials.RefreshToken,
            ["refresh_token_expire_in"] = DateTimeOffset.UtcNow.AddDays(365).ToUnixTimeSeconds(),
            ["open_id"] = "sandbox-open-id",
            ["seller_name"] = "Sandbox seller",
            ["seller_base_region"] = "US",
        });
    }
}
