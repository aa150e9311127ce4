namespace Warehouse.Extract;

/// <summary>Marketing API error 40067: the query covers too much; the caller halves its date step.</summary>
public sealed class QueryTooLargeException(string request, string message) : TikTokApiException(request, MarketingApiClient.QueryTooLargeCode, message);
