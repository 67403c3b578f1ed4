namespace AgentAuth.AspNetCore.Tests.Handler;

/// <summary>
/// The Authorization header split into scheme and token68 (RFC 9110 §11.4): which values are ours, which are malformed (400),
/// and which belong to another handler.
/// </summary>
public sealed class AuthorizationCredentialTests
{
    private static readonly string[] Schemes = ["Bearer", "Agent"];

    [Theory]
    [InlineData("Bearer abc", "abc")]
    [InlineData("bearer abc", "abc")]
    [InlineData("Bearer eyJ.eyJ.sig-_~+/", "eyJ.eyJ.sig-_~+/")]
    [InlineData("Bearer abc==", "abc==")]
    [InlineData("Bearer   abc  ", "abc")]
    [InlineData("Agent x", "x")]
    public void A_token68_is_sliced_out_of_the_header(string header, string token)
    {
        Assert.True(AuthorizationCredential.TryParse(header, Schemes, out var credential));
        Assert.Equal(CredentialKind.Token, credential.Kind);
        Assert.Equal(token, credential.Token.ToString());
    }

    [Fact]
    public void DPoP_is_its_own_kind()
    {
        Assert.True(AuthorizationCredential.TryParse("DPoP abc", Schemes, out var credential));
        Assert.Equal(CredentialKind.DPoP, credential.Kind);
        Assert.Equal("abc", credential.Token.ToString());
    }

    [Theory]
    [InlineData("Bearer")]
    [InlineData("Bearer ")]
    [InlineData("Bearer =abc")]
    [InlineData("Bearer ==")]
    [InlineData("Bearer ab=c")]
    [InlineData("Bearer abc=d")]
    [InlineData("Bearer a b")]
    [InlineData("Bearer ab\tc")]
    [InlineData("Bearer abcé")]
    [InlineData("Bearer abc\"")]
    [InlineData("Bearer abc,def")]
    [InlineData("DPoP a;b")]
    public void A_malformed_token68_in_our_scheme_is_refused(string header)
    {
        Assert.False(AuthorizationCredential.TryParse(header, Schemes, out _));
    }

    [Fact]
    public void A_long_token_with_one_bad_character_near_the_end_is_refused()
    {
        // The check is vectorized; the bad character sits past the first vector blocks.
        var token = new string('a', 1000) + "!" + new string('b', 20);
        Assert.False(AuthorizationCredential.TryParse("Bearer " + token, Schemes, out _));
        Assert.True(AuthorizationCredential.TryParse("Bearer " + new string('a', 1021) + "==", Schemes, out var ok));
        Assert.Equal(1023, ok.Token.Length);
    }

    [Theory]
    [InlineData("Basic dXNlcjpwYXNz")]
    [InlineData("Negotiate abc")]
    [InlineData("")]
    [InlineData(null)]
    public void Another_scheme_or_nothing_is_left_to_other_handlers(string? header)
    {
        Assert.True(AuthorizationCredential.TryParse(header, Schemes, out var credential));
        Assert.Equal(CredentialKind.None, credential.Kind);
    }
}
