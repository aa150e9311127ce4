using System.Text;
using Warehouse.Extract;

namespace Warehouse.Tests.Extract;

/// <summary>
/// Known vectors, worked out by hand from TikTok's rule (message = secret + path + sorted key+value
/// pairs without sign/access_token/empty values + body + secret; HMAC-SHA256 keyed by the secret, lowercase hex)
/// and hashed with an independent HMAC implementation (Python's hmac module), not with the code under test.
/// </summary>
public sealed class ShopApiSignatureTests
{
    [Fact]
    public void A_GET_signs_the_sorted_parameters_without_sign_and_access_token()
    {
        // message: s3cr3t/authorization/202309/shopsapp_key38abcdtimestamp1700000000s3cr3t
        var query = new Dictionary<string, string> { ["timestamp"] = "1700000000", ["app_key"] = "38abcd", ["sign"] = "old", ["access_token"] = "tok" };

        var sign = ShopApiSignature.Sign("s3cr3t", "/authorization/202309/shops", query, []);

        Assert.Equal("eaddcdbbb45435c51d7fe7a4d4d86bcb7012453d0f82eeab9e5faf32eec07dc9", sign);
    }

    [Fact]
    public void A_POST_signs_the_exact_body_bytes_and_drops_empty_parameters()
    {
        // message: s3cr3t/order/202309/orders/searchapp_key38abcdpage_size100shop_cipherGCP_XYZsort_fieldupdate_timetimestamp1700000000{"update_time_ge":1700000000,"update_time_lt":1700086400}s3cr3t
        var query = new Dictionary<string, string>
        {
            ["shop_cipher"] = "GCP_XYZ", ["page_size"] = "100", ["page_token"] = "", ["sort_field"] = "update_time", ["timestamp"] = "1700000000", ["app_key"] = "38abcd",
        };
        var body = Encoding.UTF8.GetBytes("""{"update_time_ge":1700000000,"update_time_lt":1700086400}""");

        Assert.Equal("c1c7283aac52f2909bc44e41773a66917038f249e1810b253dc75cd1e48853ba", ShopApiSignature.Sign("s3cr3t", "/order/202309/orders/search", query, body));
    }

    [Fact]
    public void The_same_JSON_with_other_whitespace_is_another_signature()
    {
        var query = new Dictionary<string, string> { ["shop_cipher"] = "GCP_XYZ", ["page_size"] = "100", ["sort_field"] = "update_time", ["timestamp"] = "1700000000", ["app_key"] = "38abcd" };
        var body = Encoding.UTF8.GetBytes("""{"update_time_ge": 1700000000, "update_time_lt": 1700086400}""");

        Assert.Equal("fe838e6fb0818fb072f251f6d9150576ac5c9cddb20f2605c4a6a27c2be7894a", ShopApiSignature.Sign("s3cr3t", "/order/202309/orders/search", query, body));
    }
}
