using AgentAuth.HttpSignatures;

namespace AgentAuth.HttpSignatures.Tests.Signatures;

/// <summary>
/// Bare component names (<c>@method</c>, <c>content-type</c>) take a short path in <see cref="SignatureComponent.TryParse"/>
/// that skips the <c>Signature-Input</c> parser; it must accept and reject exactly what the full parser does with the
/// quoted form, and give equal components.
/// </summary>
public sealed class PlainComponentNameTests
{
    [Theory]
    [InlineData("@method")]
    [InlineData("@target-uri")]
    [InlineData("@authority")]
    [InlineData("@scheme")]
    [InlineData("@request-target")]
    [InlineData("@path")]
    [InlineData("@query")]
    [InlineData("@status")]
    [InlineData("content-type")]
    [InlineData("content-digest")]
    [InlineData("x-custom-field.v2")]
    [InlineData("x!#$%&'*+-.^_`|~9")]
    [InlineData("  @path\t")]
    public void A_plain_name_gives_the_component_the_full_parser_gives(string name)
    {
        Assert.True(SignatureComponent.TryParse(name, out var plain, out var error), error);
        Assert.Null(error);
        Assert.True(SignatureComponent.TryParse("\"" + name.Trim() + "\"", out var quoted, out error), error);
        Assert.Equal(quoted, plain);
        Assert.Equal(quoted.Name, plain.Name);
        Assert.Equal(quoted.IsDerived, plain.IsDerived);
        Assert.Equal(quoted.ToString(), plain.ToString());
        Assert.Equal(quoted.GetHashCode(), plain.GetHashCode());
        Assert.False(plain.IsStructuredField || plain.IsByteSequence || plain.IsFromRelatedRequest || plain.IsFromTrailers);
        Assert.Null(plain.Key);
        Assert.Null(plain.QueryParameterName);
    }

    [Fact]
    public void Plain_derived_names_equal_the_factories()
    {
        Assert.True(SignatureComponent.TryParse("@method", out var method, out _));
        Assert.Equal(SignatureComponent.Method, method);
        Assert.True(SignatureComponent.TryParse("@status", out var status, out _));
        Assert.Equal(SignatureComponent.Status, status);
        Assert.True(SignatureComponent.TryParse("authorization", out var field, out _));
        Assert.Equal(SignatureComponent.Field("authorization"), field);
    }

    [Theory]
    [InlineData("@query-param")]
    [InlineData("@signature-params")]
    [InlineData("@nope")]
    [InlineData("@")]
    [InlineData("@Method")]
    [InlineData("Content-Type")]
    [InlineData("content type")]
    [InlineData("content\"type")]
    [InlineData("content\\type")]
    [InlineData("caf\u00e9")]
    [InlineData("   ")]
    public void Names_the_full_parser_rejects_are_still_rejected_with_its_reason(string name)
    {
        Assert.False(SignatureComponent.TryParse(name, out var component, out var error));
        Assert.False(string.IsNullOrEmpty(error));
        Assert.Equal(default, component);
    }
}
