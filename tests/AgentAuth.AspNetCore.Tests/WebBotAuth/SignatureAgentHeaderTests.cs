using AgentAuth.HttpSignatures;

namespace AgentAuth.AspNetCore.Tests.WebBotAuth;

/// <summary>
/// <see cref="SignatureAgentHeader"/> reads exactly the value the signature covers, strictly, and never throws on hostile input.
/// </summary>
public sealed class SignatureAgentHeaderTests
{
    private static readonly SignatureComponent s_field = SignatureComponent.Field("signature-agent");

    [Theory]
    [InlineData("\"https://bot.example\"", "https://bot.example")]
    [InlineData("  \"https://Bot.Example:443/\"\t", "https://bot.example")]
    [InlineData("\"https://bot.example:8443\"", "https://bot.example:8443")]
    public void The_string_form_names_an_origin(string value, string origin)
    {
        Assert.True(SignatureAgentHeader.TryGetOrigin(value, s_field, out var read, out var error), error);
        Assert.Equal(origin, read);
    }

    [Theory]
    [InlineData("sig1=\"https://bot.example\"", "sig1", "https://bot.example")]
    [InlineData("a=(\"x,y\" 1), sig2=\"https://bot.example\";p=1, b=:AAA=:", "sig2", null)]
    [InlineData("a=(\"x,y\" 1), sig2=\"https://bot.example\", b=:AAA=:", "sig2", "https://bot.example")]
    [InlineData("a=\"q\\\"uote,\", sig2=\"https://bot.example\"", "sig2", "https://bot.example")]
    [InlineData("sig1=?1, sig2=\"https://bot.example\"", "sig2", "https://bot.example")]
    public void The_dictionary_form_reads_the_covered_member_only(string value, string member, string? origin)
    {
        var ok = SignatureAgentHeader.TryGetOrigin(value, SignatureComponent.DictionaryMember("signature-agent", member), out var read, out var error);
        Assert.Equal(origin is not null, ok);
        Assert.Equal(origin, read);
        Assert.Equal(origin is null, error is not null);
    }

    [Theory]
    [InlineData("https://bot.example")]                       // a token, not a string
    [InlineData("\"https://bot.example\";p=1")]               // parameters
    [InlineData("\"https://bot.example/path\"")]              // a URL with a path, not an origin
    [InlineData("\"http://bot.example\"")]                    // not HTTPS
    [InlineData("\"https://user@bot.example\"")]              // user information
    [InlineData("\"https://bot.example?x=1\"")]               // query
    [InlineData("\"https://bot.ex\\ample\"")]                 // an escape RFC 8941 does not define
    [InlineData("\"https://bot.exämple\"")]                   // not ASCII
    [InlineData("sig1=\"https://bot.example\"")]              // a dictionary covered as the whole field
    [InlineData("\"https://bot.example\", \"https://b.example\"")] // two field lines joined
    [InlineData("")]
    [InlineData("\"")]
    public void Anything_else_is_refused_with_a_reason(string value)
    {
        Assert.False(SignatureAgentHeader.TryGetOrigin(value, s_field, out var origin, out var error));
        Assert.Null(origin);
        Assert.False(string.IsNullOrEmpty(error));
    }

    [Theory]
    [InlineData("sig1=\"https://a.example\", sig1=\"https://b.example\"")]   // duplicated covered member
    [InlineData("other=\"https://a.example\"")]                             // member absent
    [InlineData("sig1=\"https://a.example\",")]                             // trailing comma
    [InlineData("sig1=\"https://a.example\", , x=1")]                       // empty member
    [InlineData("Sig1=\"https://a.example\"")]                              // keys are lower case
    [InlineData("sig1=(\"https://a.example\")")]                            // an inner list, not a string
    [InlineData("sig1")]                                                    // boolean true, not a string
    [InlineData("x=(\"unterminated, sig1=\"https://a.example\"")]           // unbalanced
    public void A_dictionary_without_exactly_one_string_member_for_the_key_is_refused(string value)
    {
        Assert.False(SignatureAgentHeader.TryGetOrigin(value, SignatureComponent.DictionaryMember("signature-agent", "sig1"), out var origin, out var error));
        Assert.Null(origin);
        Assert.False(string.IsNullOrEmpty(error));
    }

    [Fact]
    public void A_long_value_is_refused_without_being_read()
    {
        var value = "\"https://" + new string('a', 5000) + ".example\"";
        Assert.False(SignatureAgentHeader.TryGetOrigin(value, s_field, out _, out var error));
        Assert.Equal("Signature-Agent is too long.", error);
    }

    [Fact]
    public void Only_the_plain_or_key_forms_of_the_component_are_accepted()
    {
        Assert.False(SignatureAgentHeader.TryGetOrigin("\"https://bot.example\"", s_field.WithStructuredField(), out _, out _));
        Assert.False(SignatureAgentHeader.TryGetOrigin("\"https://bot.example\"", s_field.WithRelatedRequest(), out _, out _));
        Assert.True(SignatureAgentHeader.TryFindCovered([SignatureComponent.Authority, s_field], out var covered));
        Assert.Equal(s_field, covered);
        Assert.False(SignatureAgentHeader.TryFindCovered([SignatureComponent.Authority, SignatureComponent.Field("signature")], out _));
    }
}
