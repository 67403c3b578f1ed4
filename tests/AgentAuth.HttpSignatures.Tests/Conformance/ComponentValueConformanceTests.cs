using System.Text.Json;
using AgentAuth.HttpSignatures;
using AgentAuth.HttpSignatures.Tests.Signatures;

namespace AgentAuth.HttpSignatures.Tests.Conformance;

/// <summary>Every single-component case of component-values.json (RFC 9421 §2) produces the exact base line.</summary>
public sealed class ComponentValueConformanceTests
{
    public static IEnumerable<object[]> Cases() =>
        ConformanceData.Available
            ? ConformanceData.ComponentCases.Select((c, i) => new object[] { i, c.GetProperty("id").GetString()! })
            : [new object[] { -1, "missing" }];

    [Theory]
    [MemberData(nameof(Cases))]
    public void Component_value_matches_the_rfc(int index, string id)
    {
        ConformancePrerequisite.EnsureAvailable();
        var c = ConformanceData.ComponentCases[index];
        Assert.Equal(id, c.GetProperty("id").GetString());
        var text = c.GetProperty("message").GetString()!;
        if (c.TryGetProperty("message_is_fragment", out var fragment) && fragment.GetBoolean())
        {
            text = "GET / HTTP/1.1\n" + text;
        }
        var scheme = c.String("scheme") ?? "https";
        Assert.True(RawHttpMessage.TryParse(text, scheme, null, out var message));

        var identifier = c.GetProperty("component_identifier").GetString()!;
        var line = FirstLine(BaseTestHelper.Build(message!, "sig=(" + identifier + ")", types: BaseTestHelper.TypesWithExampleDict));
        Assert.Equal(c.GetProperty("expected_base_line").GetString(), line);
        Assert.Equal(identifier + ": " + c.GetProperty("expected_value").GetString(), line);
    }

    [Fact]
    public void Signature_params_example_of_section_2_3_serializes_canonically()
    {
        ConformancePrerequisite.EnsureAvailable();
        var value = ConformanceData.ComponentExtras.GetProperty("signature_params_example_2_3").GetProperty("value").GetString()!;
        Assert.True(BaseTestHelper.TryParseInput("sig1=" + value, "sig1", out var view, out _, out var reason), reason);
        Assert.Equal(value, view.ToString());
        Assert.Equal("test-key-rsa-pss", view.KeyId);
        Assert.Equal("rsa-pss-sha512", view.Algorithm);
        Assert.Equal(1618884475, view.Created);
        Assert.Equal(1618884775, view.Expires);
        Assert.Equal(4, view.ComponentCount);
    }

    [Fact]
    public void Signature_input_example_of_section_4_1_parses()
    {
        ConformancePrerequisite.EnsureAvailable();
        var header = ConformanceData.ComponentExtras.GetProperty("signature_input_field_4_1").GetProperty("value").GetString()!;
        var value = header["Signature-Input: ".Length..];
        Assert.True(BaseTestHelper.TryParseInput(value, "sig1", out var view, out _, out var reason), reason);
        Assert.Equal(["\"@method\"", "\"@target-uri\"", "\"@authority\"", "\"content-digest\"", "\"cache-control\""],
            view.GetComponents().Select(x => x.ToString()));
        Assert.Equal(value["sig1=".Length..], view.ToString());
    }

    [Fact]
    public void Accept_signature_example_of_section_5_1_parses_as_signature_input_syntax()
    {
        ConformancePrerequisite.EnsureAvailable();
        // Accept-Signature uses the Signature-Input syntax; "created" without a value is boolean true there.
        var header = ConformanceData.ComponentExtras.GetProperty("accept_signature_5_1").GetProperty("value").GetString()!;
        var value = header["Accept-Signature: ".Length..];
        Assert.False(BaseTestHelper.TryParseInput(value, "sig1", out _, out _, out var reason));
        Assert.Contains("created", reason, StringComparison.Ordinal);
        var types = StructuredFieldTypes.Default;
        Assert.True(types.TryGet("accept-signature", out var t) && t == StructuredFieldType.Dictionary);
    }

    [Fact]
    public void Signature_field_example_of_section_4_2_is_a_dictionary_of_byte_sequences()
    {
        ConformancePrerequisite.EnsureAvailable();
        var header = ConformanceData.ComponentExtras.GetProperty("signature_field_4_2").GetProperty("value").GetString()!;
        var value = header["Signature: ".Length..];
        Assert.True(SignatureValueParser.TryFind(value, "sig1", SignatureInputLimits.Default, out var raw, out var reason), reason);
        Assert.Equal(256, AgentAuth.HttpSignatures.StructuredFields.SfDecoding.GetDecodedByteSequenceLength(value.AsSpan(raw.Start, raw.Length)));
    }

    private static string FirstLine(string signatureBase) => signatureBase[..signatureBase.IndexOf('\n')];
}
