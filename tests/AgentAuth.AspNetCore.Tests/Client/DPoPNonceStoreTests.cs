using System.Net;
using AgentAuth.Client;
using Microsoft.Extensions.Logging.Abstractions;

namespace AgentAuth.AspNetCore.Tests.Client;

/// <summary>Issue 23 C2: the bounds of the per-origin DPoP nonce store, without a network.</summary>
public sealed class DPoPNonceStoreTests
{
    private static HttpResponseMessage Response(HttpStatusCode status, params string[] nonces)
    {
        var response = new HttpResponseMessage(status);
        foreach (var nonce in nonces)
        {
            response.Headers.TryAddWithoutValidation("DPoP-Nonce", nonce);
        }
        return response;
    }

    [Theory]
    [InlineData("!", true)]
    [InlineData("~", true)]
    [InlineData("abc-_.~!#$%&'()*+,/:;<=>?@[]^`{|}", true)]
    [InlineData("", false)]
    [InlineData(" ", false)]
    [InlineData("a\"b", false)]
    [InlineData("a\\b", false)]
    [InlineData("a\u007Fb", false)]
    [InlineData("a\tb", false)]
    [InlineData("nonc\u00E9", false)]
    public void Nonces_are_RFC_9449_NQCHARs(string nonce, bool expected)
    {
        Assert.Equal(expected, DPoPNonceStore.IsNonce(nonce));
    }

    [Fact]
    public void Nonces_are_bounded_in_length()
    {
        Assert.True(DPoPNonceStore.IsNonce(new string('n', DPoPNonceStore.MaxNonceLength)));
        Assert.False(DPoPNonceStore.IsNonce(new string('n', DPoPNonceStore.MaxNonceLength + 1)));
    }

    [Fact]
    public void Two_DPoP_Nonce_values_are_not_a_nonce()
    {
        var store = new DPoPNonceStore(NullLogger.Instance);
        var origin = RequestOrigin.Of(new Uri("https://api.example/"));
        using var response = Response(HttpStatusCode.OK, "one", "two");

        Assert.Null(store.Observe(origin, response, sent: null));
        Assert.Null(store.Get(origin));
    }

    [Fact]
    public void The_store_keeps_at_most_MaxOrigins_origins_and_each_origin_its_own_nonce()
    {
        var store = new DPoPNonceStore(NullLogger.Instance);
        for (var i = 0; i < DPoPNonceStore.MaxOrigins + 20; i++)
        {
            using var response = Response(HttpStatusCode.OK, "nonce-" + i);
            store.Observe(RequestOrigin.Of(new Uri("https://api" + i + ".example/")), response, sent: null);
        }

        var kept = 0;
        for (var i = 0; i < DPoPNonceStore.MaxOrigins + 20; i++)
        {
            var nonce = store.Get(RequestOrigin.Of(new Uri("https://api" + i + ".example/")));
            if (nonce is not null)
            {
                Assert.Equal("nonce-" + i, nonce);
                kept++;
            }
        }
        Assert.InRange(kept, 1, DPoPNonceStore.MaxOrigins);
        Assert.Equal("nonce-" + (DPoPNonceStore.MaxOrigins + 19), store.Get(RequestOrigin.Of(new Uri("https://api" + (DPoPNonceStore.MaxOrigins + 19) + ".example/"))));
    }

    [Fact]
    public void A_refusal_drops_only_the_nonce_that_was_sent()
    {
        var store = new DPoPNonceStore(NullLogger.Instance);
        var origin = RequestOrigin.Of(new Uri("https://api.example/"));
        using (var first = Response(HttpStatusCode.OK, "current"))
        {
            store.Observe(origin, first, sent: null);
        }

        // A refusal of a proof that carried an older nonce (a concurrent request) leaves the current one alone.
        using (var stale = Response(HttpStatusCode.Unauthorized))
        {
            store.Observe(origin, stale, sent: "older");
        }
        Assert.Equal("current", store.Get(origin));

        using (var refused = Response(HttpStatusCode.Unauthorized))
        {
            store.Observe(origin, refused, sent: "current");
        }
        Assert.Null(store.Get(origin));
    }
}
