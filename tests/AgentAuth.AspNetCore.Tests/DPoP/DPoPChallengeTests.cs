using AgentAuth.AspNetCore;
using Microsoft.AspNetCore.Http;

namespace AgentAuth.AspNetCore.Tests.DPoP;

public sealed class DPoPChallengeTests
{
    [Fact]
    public void Plain_challenge_lists_the_algorithms()
    {
        Assert.Equal("DPoP algs=\"ES256 PS256\"", DPoPChallenge.Format(["ES256", "PS256"]));
    }

    [Fact]
    public void Error_challenge_matches_rfc9449_section_7_1()
    {
        Assert.Equal(
            "DPoP error=\"invalid_token\", error_description=\"Invalid DPoP key binding\", algs=\"ES256\"",
            DPoPChallenge.Format(["ES256"], DPoPErrors.InvalidToken, DPoPErrors.InvalidKeyBindingDescription));
    }

    [Fact]
    public void Insufficient_scope_carries_the_scope()
    {
        Assert.Equal(
            "DPoP error=\"insufficient_scope\", scope=\"read:orders:* write:orders:*\", algs=\"EdDSA\"",
            DPoPChallenge.Format(["EdDSA"], "insufficient_scope", scope: "read:orders:* write:orders:*"));
    }

    [Fact]
    public void Quoted_strings_are_escaped_and_header_breaking_characters_replaced()
    {
        Assert.Equal(
            "DPoP error=\"x\", error_description=\"a \\\"q\\\" b\\\\c??d?\"",
            DPoPChallenge.Format([], "x", "a \"q\" b\\c\r\nd\u00e9"));
    }

    [Fact]
    public void Apply_appends_the_challenge_and_sets_the_nonce()
    {
        var context = new DefaultHttpContext();
        context.Response.Headers.WWWAuthenticate = "Bearer";

        DPoPChallenge.Apply(context.Response, DPoPChallenge.Format(["ES256"], DPoPErrors.UseDPoPNonce, DPoPErrors.NonceRequiredDescription), "abc");

        var challenges = context.Response.Headers.WWWAuthenticate;
        Assert.Equal(2, challenges.Count);
        Assert.Equal("Bearer", challenges[0]);
        Assert.Equal("DPoP error=\"use_dpop_nonce\", error_description=\"Resource server requires nonce in DPoP proof\", algs=\"ES256\"", challenges[1]);
        Assert.Equal("abc", context.Response.Headers["DPoP-Nonce"].ToString());
    }

    [Fact]
    public void No_nonce_no_header()
    {
        var context = new DefaultHttpContext();
        DPoPChallenge.Apply(context.Response, "DPoP", nonce: null);
        Assert.False(context.Response.Headers.ContainsKey(DPoPChallenge.NonceHeaderName));
    }
}
