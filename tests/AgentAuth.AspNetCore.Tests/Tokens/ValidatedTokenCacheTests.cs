using AgentAuth.HttpSignatures.Cryptography;
using AgentAuth.Testing;
using Microsoft.IdentityModel.JsonWebTokens;

namespace AgentAuth.AspNetCore.Tests.Tokens;

public sealed class ValidatedTokenCacheTests
{
    private readonly ManualTimeProvider _time = new(TestTokens.Now);
    private static readonly JsonWebToken s_jwt = new(TestTokens.Mint(SignatureKey.GenerateEd25519("k"), "EdDSA"));
    private static readonly TokenIssuerOptions s_issuer = new() { Issuer = TestTokens.Issuer };

    private TokenValidationOutcome Success(TimeSpan lifetime) =>
        TokenValidationOutcome.Success(s_jwt, s_issuer, null, _time.GetUtcNow() + lifetime);

    [Fact]
    public void Equal_tokens_hash_equal_and_different_tokens_do_not()
    {
        Assert.Equal(Sha256Key.Compute("a.b.c"), Sha256Key.Compute("a.b.c"));
        Assert.NotEqual(Sha256Key.Compute("a.b.c"), Sha256Key.Compute("a.b.d"));
        Assert.Equal(Sha256Key.Compute(new string('x', 10_000)), Sha256Key.Compute(new string('x', 10_000)));
    }

    [Fact]
    public void Entry_is_served_until_exp_and_not_at_exp()
    {
        var cache = new ValidatedTokenCache(10, _time);
        var hash = Sha256Key.Compute("t1");
        var outcome = Success(TimeSpan.FromSeconds(30));
        cache.Add(hash, outcome);

        _time.Advance(TimeSpan.FromSeconds(29));
        Assert.True(cache.TryGet(hash, out var hit));
        Assert.Same(outcome, hit);

        _time.Advance(TimeSpan.FromSeconds(1));
        Assert.False(cache.TryGet(hash, out _));
        Assert.Equal(0, cache.Count);
    }

    [Fact]
    public void Entry_lifetime_is_capped_even_for_long_lived_tokens()
    {
        var cache = new ValidatedTokenCache(10, _time);
        var hash = Sha256Key.Compute("t1");
        cache.Add(hash, Success(TimeSpan.FromHours(8)));

        _time.Advance(ValidatedTokenCache.MaxEntryLifetime);

        Assert.False(cache.TryGet(hash, out _));
    }

    [Fact]
    public void Failures_and_already_expired_outcomes_are_not_stored()
    {
        var cache = new ValidatedTokenCache(10, _time);
        cache.Add(Sha256Key.Compute("bad"), TokenValidationOutcome.Invalid("nope"));
        cache.Add(Sha256Key.Compute("old"), Success(TimeSpan.FromSeconds(-1)));

        Assert.Equal(0, cache.Count);
    }

    [Fact]
    public void Size_stays_bounded()
    {
        var cache = new ValidatedTokenCache(100, _time);
        for (var i = 0; i < 1000; i++)
        {
            cache.Add(Sha256Key.Compute("token-" + i), Success(TimeSpan.FromMinutes(1)));
        }

        Assert.InRange(cache.Count, 1, 100);
        Assert.True(cache.TryGet(Sha256Key.Compute("token-999"), out _));
    }

    [Fact]
    public void Expired_entries_are_swept_first_when_full()
    {
        var cache = new ValidatedTokenCache(10, _time);
        for (var i = 0; i < 9; i++)
        {
            cache.Add(Sha256Key.Compute("short-" + i), Success(TimeSpan.FromSeconds(5)));
        }
        cache.Add(Sha256Key.Compute("long"), Success(TimeSpan.FromMinutes(1)));
        _time.Advance(TimeSpan.FromSeconds(10));

        cache.Add(Sha256Key.Compute("new"), Success(TimeSpan.FromMinutes(1)));

        Assert.Equal(2, cache.Count);
        Assert.True(cache.TryGet(Sha256Key.Compute("long"), out _));
        Assert.True(cache.TryGet(Sha256Key.Compute("new"), out _));
    }
}
