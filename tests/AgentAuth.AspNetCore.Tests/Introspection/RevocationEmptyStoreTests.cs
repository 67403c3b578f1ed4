using AgentAuth.AspNetCore.Tests.Tokens;
using Microsoft.Extensions.Options;
using Microsoft.Extensions.Time.Testing;

namespace AgentAuth.AspNetCore.Tests.Introspection;

/// <summary>
/// The validator skips the revocation lookup (and building the key) only while the in-memory store has never held a
/// revocation (issue 22): the flag it reads must turn on with the first stored revocation, before the store answers "revoked",
/// and never turn off again. The end-to-end cases (a token validated and cached while the store was empty, then revoked by
/// jti or by hash, refused on the next request) are in <see cref="RevocationTests"/>.
/// </summary>
public sealed class RevocationEmptyStoreTests
{
    [Fact]
    public async Task Memory_store_holds_nothing_until_a_live_revocation_is_stored_and_never_again_after()
    {
        var time = new FakeTimeProvider(TestTokens.Now);
        var store = new MemoryRevocationStore(Options.Create(new MemoryRevocationStoreOptions()), time);
        Assert.True(store.HoldsNothing);

        // Already expired: nothing is stored, so nothing can be revoked yet.
        await store.RevokeAsync("jti:a:expired", TestTokens.Now.AddSeconds(-1));
        Assert.True(store.HoldsNothing);
        Assert.False(await store.IsRevokedAsync("jti:a:expired"));

        await store.RevokeAsync("jti:a:live", TestTokens.Now.AddSeconds(10));
        Assert.False(store.HoldsNothing);
        Assert.True(await store.IsRevokedAsync("jti:a:live"));

        // Conservative: after the only entry expired the store still counts as having held something (it is asked).
        time.Advance(TimeSpan.FromSeconds(11));
        Assert.False(await store.IsRevokedAsync("jti:a:live"));
        Assert.False(store.HoldsNothing);
    }

    [Fact]
    public void A_deferred_revocation_key_is_the_key_the_store_is_revoked_under()
    {
        var issuer = new TokenIssuerOptions { Issuer = TestTokens.Issuer };
        var expires = TestTokens.Now.AddHours(1);
        var token = new Microsoft.IdentityModel.JsonWebTokens.JsonWebToken("eyJhbGciOiJub25lIn0.eyJqdGkiOiJ4In0.");

        var withJti = TokenValidationOutcome.SuccessWithDeferredKey(token, issuer, null, expires, expires, "the-jti", "raw-token-text");
        Assert.True(withJti.HasRevocationKey);
        Assert.Equal(RevocationKeys.ForJti(TestTokens.Issuer, "the-jti"), withJti.RevocationKey);
        Assert.Same(withJti.RevocationKey, withJti.RevocationKey);

        // No jti (or an empty one): the token is known by its hash.
        var withoutJti = TokenValidationOutcome.SuccessWithDeferredKey(token, issuer, null, expires, expires, "", "raw-token-text");
        Assert.Equal(RevocationKeys.ForToken("raw-token-text"), withoutJti.RevocationKey);
        Assert.Equal(RevocationKeys.ForToken("raw-token-text"), TokenValidationOutcome.SuccessWithDeferredKey(token, issuer, null, expires, expires, null, "raw-token-text").RevocationKey);

        Assert.False(TokenValidationOutcome.Invalid("no").HasRevocationKey);
    }
}
