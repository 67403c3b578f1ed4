using AgentAuth.HttpSignatures;

namespace AgentAuth.HttpSignatures.Tests.Signatures;

/// <summary>The configuration form (unquoted) and the serialized form are read by the one parser into equal components.</summary>
public sealed class ComponentShorthandTests
{
    [Theory]
    [InlineData("@method", "\"@method\"")]
    [InlineData("content-digest;sf", "\"content-digest\";sf")]
    [InlineData(" example-dict ; key=a ", "\"example-dict\";key=\"a\"")]
    [InlineData("@query-param;name=id", "\"@query-param\";name=\"id\"")]
    [InlineData("@query-param;name=\"id\"", "\"@query-param\";name=\"id\"")]
    [InlineData("expires;tr;bs", "\"expires\";tr;bs")]
    public void Unquoted_identifiers_parse_like_serialized_ones(string shorthand, string serialized)
    {
        Assert.True(SignatureComponent.TryParse(shorthand, out var fromShorthand, out var error), error);
        Assert.True(SignatureComponent.TryParse(serialized, out var fromSerialized, out error), error);
        Assert.Equal(fromSerialized, fromShorthand);
        Assert.Equal(serialized, fromShorthand.ToString());
    }

    [Theory]
    [InlineData("Content-Type")]
    [InlineData("@query-param")]
    [InlineData("example-dict;key=a\"b")]
    [InlineData(";sf")]
    [InlineData("content-digest;unknown")]
    public void Invalid_unquoted_identifiers_do_not_parse(string shorthand) =>
        Assert.False(SignatureComponent.TryParse(shorthand, out _, out _));
}
