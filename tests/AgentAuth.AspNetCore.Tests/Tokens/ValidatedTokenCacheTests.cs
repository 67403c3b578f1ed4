using AgentAuth.HttpSignatures.Cryptography;
using Microsoft.Extensions.Time.Testing;
using Microsoft.IdentityModel.JsonWebTokens;

namespace AgentAuth.AspNetCore.Tests.Tokens;

public sealed class ValidatedTokenCacheTests
{
    private readonly FakeTimeProvider _time = new(TestTokens.Now);
    private static readonly JsonWebToken s_jwt = new(TestTokens.Mint(SignatureKey.GenerateEd25519("k"), "EdDSA"));
    private static readonly TokenIssuerOptions s_issuer = new() { Issuer = TestTokens.Issuer };

    private TokenValidationOutcome Success(TimeSpan lifetime) =>
        TokenValidationOutcome.Success(s_jwt, s_issuer, null, _time.GetUtcNow() + lifetime);

    [Fact]
    public void A_token_is_found_by_its_exact_text_also_as_a_slice_of_the_header()
    {
        var cache = new ValidatedTokenCache(10, _time);
        var outcome = Success(TimeSpan.FromMinutes(1));
        cache.Add("a.b.c", outcome);

        Assert.True(cache.TryGet("Bearer a.b.c".AsSpan(7), out var hit));
        Assert.Same(outcome, hit);
        Assert.False(cache.TryGet("a.b.d", out _));
        Assert.False(cache.TryGet("a.b.", out _));
        Assert.False(cache.TryGet("a.b.c.", out _));
        Assert.False(cache.TryGet("A.b.c", out _));
        Assert.False(cache.TryGet(string.Empty, out _));
    }

    [Fact]
    public void Comparer_equality_is_exact_ordinal_text_and_hashes_agree_for_string_and_span()
    {
        var comparer = new TokenKeyComparer();
        var token = new string('x', 10_000) + "y";
        var slice = ("Bearer " + token).AsSpan(7);

        Assert.True(comparer.Equals(slice, token));
        Assert.Equal(comparer.GetHashCode(token), comparer.GetHashCode(slice));
        Assert.False(comparer.Equals(slice[..^1], token));
        Assert.False(comparer.Equals("a.b.c".AsSpan(), "a.b.C"));
        Assert.False(comparer.Equals("é", "e\u0301"));
        Assert.Equal("a.b.c", comparer.Create("a.b.c".AsSpan()));
    }

    [Fact]
    public void Entry_is_served_until_exp_and_not_at_exp()
    {
        var cache = new ValidatedTokenCache(10, _time);
        var outcome = Success(TimeSpan.FromSeconds(30));
        cache.Add("t1", outcome);

        _time.Advance(TimeSpan.FromSeconds(29));
        Assert.True(cache.TryGet("t1", out var hit));
        Assert.Same(outcome, hit);

        _time.Advance(TimeSpan.FromSeconds(1));
        Assert.False(cache.TryGet("t1", out _));
        Assert.Equal(0, cache.Count);
    }

    [Fact]
    public void Entry_lifetime_is_capped_even_for_long_lived_tokens()
    {
        var cache = new ValidatedTokenCache(10, _time);
        cache.Add("t1", Success(TimeSpan.FromHours(8)));

        _time.Advance(ValidatedTokenCache.MaxEntryLifetime);

        Assert.False(cache.TryGet("t1", out _));
    }

    [Fact]
    public void Failures_and_already_expired_outcomes_are_not_stored()
    {
        var cache = new ValidatedTokenCache(10, _time);
        cache.Add("bad", TokenValidationOutcome.Invalid("nope"));
        cache.Add("old", Success(TimeSpan.FromSeconds(-1)));

        Assert.Equal(0, cache.Count);
    }

    [Fact]
    public void Size_stays_bounded()
    {
        var cache = new ValidatedTokenCache(100, _time);
        for (var i = 0; i < 1000; i++)
        {
            cache.Add("token-" + i, Success(TimeSpan.FromMinutes(1)));
        }

        Assert.InRange(cache.Count, 1, 100);
        Assert.True(cache.TryGet("token-999", out _));
    }

    [Fact]
    public void Expired_entries_are_swept_first_when_full()
    {
        var cache = new ValidatedTokenCache(10, _time);
        for (var i = 0; i < 9; i++)
        {
            cache.Add("short-" + i, Success(TimeSpan.FromSeconds(5)));
        }
        cache.Add("long", Success(TimeSpan.FromMinutes(1)));
        _time.Advance(TimeSpan.FromSeconds(10));

        cache.Add("new", Success(TimeSpan.FromMinutes(1)));

        Assert.Equal(2, cache.Count);
        Assert.True(cache.TryGet("long", out _));
        Assert.True(cache.TryGet("new", out _));
    }
}
