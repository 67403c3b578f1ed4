using System.Text.Json;
using AgentAuth.HttpSignatures.StructuredFields;

namespace AgentAuth.HttpSignatures.Tests.StructuredFields;

/// <summary>
/// The HTTP WG structured-field suite (<c>../shared/conformance/sf-tests</c>) run through the <c>sf</c> and <c>key</c>
/// component paths, which build signature base lines, and not only through the object model
/// (<see cref="SfConformanceTests"/>): every record's field lines are the lines of one covered field. A value that must
/// fail to parse must be refused; any other must come out exactly as the record's canonical serialization.
/// </summary>
/// <remarks>
/// A covered field is a field value (RFC 9110 §5.5: no leading or trailing whitespace; RFC 9421 §2.1 strips it), so a
/// record whose raw line starts or ends with HTAB, CR or LF tests what HTTP never hands over: for those the <c>sf</c>
/// path must give exactly what the object model gives for the stripped lines.
/// </remarks>
public sealed class SfComponentConformanceTests
{
    public static TheoryData<string, int, string> ParseCases => SfConformanceTests.ParseCases;

    [Theory]
    [MemberData(nameof(ParseCases))]
    public void Sf_component_value_is_the_canonical_serialization(string file, int index, string name)
    {
        var test = SfConformanceTests.Record(file, index);
        Assert.Equal(name, test.GetProperty("name").GetString());
        var headerType = test.GetProperty("header_type").GetString()!;
        var lines = Lines(test.GetProperty("raw"));
        var mustFail = test.TryGetProperty("must_fail", out var mf) && mf.GetBoolean();
        var canFail = test.TryGetProperty("can_fail", out var cf) && cf.GetBoolean();

        var ok = SfComponentPath.TrySf(headerType, lines, out var value, out var error);
        if (!IsFieldValue(lines))
        {
            var stripped = SfComponentPath.ObjectModel(headerType, string.Join(", ", lines.Select(Strip)), out _);
            Assert.True(ok == stripped is not null, $"sf path {(ok ? "gave '" + value + "'" : "refused (" + error + ")")}, object model of the stripped value: {stripped}");
            Assert.Equal(stripped, value);
            return;
        }
        if (mustFail)
        {
            Assert.False(ok, $"'{string.Join(", ", lines)}' must be refused as {headerType} but gave '{value}'");
            Assert.Equal(ComponentError.InvalidStructuredField, error);
            return;
        }
        if (!ok && canFail)
        {
            Assert.Equal(ComponentError.InvalidStructuredField, error);
            return;
        }
        Assert.True(ok, $"'{string.Join(", ", lines)}' should canonicalize as {headerType}: {error}");
        var canonical = test.TryGetProperty("canonical", out var c) ? string.Join(", ", Lines(c)) : string.Join(", ", lines);
        Assert.Equal(canonical, value);
    }

    /// <summary>Each key of every dictionary record through <c>;key</c>: the member's value as the object model serializes it.</summary>
    [Theory]
    [MemberData(nameof(ParseCases))]
    public void Key_component_value_is_the_members_canonical_serialization(string file, int index, string name)
    {
        var test = SfConformanceTests.Record(file, index);
        Assert.Equal(name, test.GetProperty("name").GetString());
        if (test.GetProperty("header_type").GetString() != "dictionary")
        {
            return;
        }
        var lines = Lines(test.GetProperty("raw"));
        var mustFail = test.TryGetProperty("must_fail", out var mf) && mf.GetBoolean();
        if (!IsFieldValue(lines))
        {
            if (!StructuredFieldParser.TryParseDictionary(string.Join(", ", lines.Select(Strip)), out var parsed, out _))
            {
                Assert.False(SfComponentPath.TryKey("a", lines, out _, out _));
                return;
            }
            foreach (var (key, member) in parsed)
            {
                Assert.True(SfComponentPath.TryKey(key, lines, out var value, out var error), $"key=\"{key}\": {error}");
                Assert.Equal(SfComponentPath.Member(member), value);
            }
            return;
        }
        if (mustFail)
        {
            Assert.False(SfComponentPath.TryKey("a", lines, out var value, out var error), $"key=\"a\" of '{string.Join(", ", lines)}' gave '{value}'");
            Assert.Equal(ComponentError.InvalidStructuredField, error);
            return;
        }
        var expected = SfJson.ToDictionary(test.GetProperty("expected"));
        foreach (var (key, member) in expected)
        {
            Assert.True(SfComponentPath.TryKey(key, lines, out var value, out var error), $"key=\"{key}\": {error}");
            Assert.Equal(SfComponentPath.Member(member), value);
        }
        Assert.False(SfComponentPath.TryKey("absent-key", lines, out _, out var missing));
        Assert.Equal(ComponentError.DictionaryMemberMissing, missing);
    }

    private static readonly char[] s_whitespace = [' ', '\t', '\r', '\n'];

    private static string Strip(string line) => line.Trim(s_whitespace);

    // What HTTP can deliver as a field value: nothing that an HTTP parser strips from either end (SP is also discarded by RFC 9651 §4.2).
    private static bool IsFieldValue(string[] lines) => lines.All(l => l.Trim(' ').Length == 0 || Strip(l) == l.Trim(' '));

    private static string[] Lines(JsonElement array) => array.EnumerateArray().Select(e => e.GetString()!).ToArray();
}
