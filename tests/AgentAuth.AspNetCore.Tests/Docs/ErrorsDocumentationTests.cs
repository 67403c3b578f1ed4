using System.Reflection;
using System.Text.RegularExpressions;
using AgentAuth.AspNetCore.Tests.Samples;
using AgentAuth.HttpSignatures;

namespace AgentAuth.AspNetCore.Tests.Docs;

/// <summary>docs/errors.md has a section for every error code the scheme, the RFC 9421 core and the DPoP validator define.</summary>
public sealed partial class ErrorsDocumentationTests
{
    [GeneratedRegex(@"^### `([a-z_]+)`\s*$", RegexOptions.Multiline)]
    private static partial Regex CodeHeading();

    [GeneratedRegex("^[a-z_]+$")]
    private static partial Regex WireCode();

    public static TheoryData<string> DefinedCodes()
    {
        var data = new TheoryData<string>();
        foreach (var code in Codes())
        {
            data.Add(code);
        }
        return data;
    }

    private static SortedSet<string> Codes()
    {
        var codes = new SortedSet<string>(StringComparer.Ordinal);
        AddCodes(typeof(AgentAuthErrors), codes);
        AddCodes(typeof(SignatureErrorCodes), codes);
        AddCodes(typeof(DPoPErrors), codes);
        codes.Add(InsufficientScopeResultHandler.Error);
        return codes;
    }

    [Theory]
    [MemberData(nameof(DefinedCodes))]
    public void Every_defined_error_code_has_a_section_in_errors_md(string code)
    {
        var documented = CodeHeading().Matches(SampleFiles.Read("docs/errors.md")).Select(m => m.Groups[1].Value).ToHashSet(StringComparer.Ordinal);

        Assert.Contains(code, documented);
    }

    [Fact]
    public void Errors_md_documents_no_code_the_code_does_not_define()
    {
        var defined = Codes();
        var documented = CodeHeading().Matches(SampleFiles.Read("docs/errors.md")).Select(m => m.Groups[1].Value).ToList();

        Assert.NotEmpty(documented);
        Assert.All(documented, code => Assert.Contains(code, defined));
        Assert.Equal(documented.Count, documented.Distinct(StringComparer.Ordinal).Count());
    }

    [Fact]
    public void The_code_sets_are_read_from_the_constants()
    {
        // Guards the reflection above: the known codes of each class are found, and descriptions are not taken for codes.
        var codes = Codes();

        Assert.Contains(AgentAuthErrors.BodyTooLarge, codes);
        Assert.Contains(SignatureErrorCodes.ClockSkew, codes);
        Assert.Contains(DPoPErrors.UseDPoPNonce, codes);
        Assert.DoesNotContain(DPoPErrors.NonceRequiredDescription, codes);
    }

    private static void AddCodes(Type type, ISet<string> codes)
    {
        foreach (var field in type.GetFields(BindingFlags.Public | BindingFlags.Static))
        {
            // Wire codes only: DPoPErrors also holds the RFC 9449 error descriptions, which are sentences.
            if (field.IsLiteral && field.FieldType == typeof(string) && field.GetRawConstantValue() is string value && WireCode().IsMatch(value))
            {
                codes.Add(value);
            }
        }
    }
}
