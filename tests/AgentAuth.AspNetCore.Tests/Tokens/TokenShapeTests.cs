using AgentAuth.HttpSignatures.Cryptography;
using Microsoft.Extensions.Time.Testing;

namespace AgentAuth.AspNetCore.Tests.Tokens;

/// <summary>
/// The compact-JWS shape check before IdentityModel sees a token (RFC 7515 §7.1: three base64url segments joined by
/// dots). Issue 22 made it two vectorized scans instead of a per-character loop; these pin what it accepts, what it
/// refuses and with which reason, the same as the loop did.
/// </summary>
public sealed class TokenShapeTests
{
    private const string NotCompactJws = "the token is not a compact JWS";

    private readonly FakeTimeProvider _time = new(TestTokens.Now);
    private readonly SignatureKey _ed = SignatureKey.GenerateEd25519("ed-1");

    private AgentTokenValidator Validator() =>
        TestTokens.Validator(TestTokens.Options(TestTokens.Jwks(TestTokens.PublicJwk(_ed, null))), _time);

    [Fact]
    public async Task A_signed_token_passes_the_shape_check()
    {
        var outcome = await Validator().ValidateAsync(TestTokens.Mint(_ed, "EdDSA"), default);

        Assert.True(outcome.Succeeded, outcome.FailureDescription);
    }

    [Theory]
    [InlineData('+')] // base64, not base64url
    [InlineData('/')]
    [InlineData('=')] // padding
    [InlineData(' ')]
    [InlineData('\t')]
    [InlineData('\0')]
    [InlineData('é')]
    [InlineData('\u0660')] // a non-ASCII digit (char.IsDigit, not base64url)
    [InlineData('Ａ')] // a full-width letter
    public async Task A_character_outside_base64url_is_refused_as_not_a_compact_JWS(char odd)
    {
        var token = TestTokens.Mint(_ed, "EdDSA");
        foreach (var at in new[] { 0, token.IndexOf('.', StringComparison.Ordinal) + 1, token.Length - 1 })
        {
            var outcome = await Validator().ValidateAsync(token.Insert(at, odd.ToString()), default);

            Assert.Equal(TokenFailureKind.Invalid, outcome.Failure);
            Assert.Equal(NotCompactJws, outcome.FailureDescription);
        }
    }

    [Theory]
    [InlineData("abc", NotCompactJws)]
    [InlineData("abc.def", NotCompactJws)]
    [InlineData("a.b.c.d", NotCompactJws)]
    [InlineData("a.b.c.d.e", "encrypted tokens (JWE) are not accepted")]
    [InlineData("a.b.c.d.e.f", NotCompactJws)]
    // Three segments of the right alphabet that are no JWT: IdentityModel's parse refuses them, without an exception.
    [InlineData("..", "the token is not a well-formed JWT")]
    [InlineData("a.b.c", "the token is not a well-formed JWT")]
    // An odd character wins over the dot count, as it did.
    [InlineData("a.b.c.d.e+", NotCompactJws)]
    public async Task The_dot_count_decides_the_reason(string token, string reason)
    {
        var outcome = await Validator().ValidateAsync(token, default);

        Assert.Equal(TokenFailureKind.Invalid, outcome.Failure);
        Assert.Equal(reason, outcome.FailureDescription);
    }
}
