using System.Collections.Concurrent;
using System.Text.Json;
using AgentAuth.HttpSignatures.StructuredFields;
using AgentAuth.Testing;

namespace AgentAuth.HttpSignatures.Tests.StructuredFields;

/// <summary>
/// Runs every record of the HTTP WG structured-field test suite (<c>../shared/conformance/sf-tests</c>) as its
/// own theory row: parse tests (including <c>*-generated.json</c>, <c>date.json</c>, <c>display-string.json</c>)
/// and the <c>serialisation-tests</c>.
/// </summary>
public sealed class SfConformanceTests
{
    private const string Folder = "sf-tests";
    private static readonly ConcurrentDictionary<string, JsonDocument> s_documents = new();

    public static TheoryData<string, int, string> ParseCases => Cases(ParseFiles());

    public static TheoryData<string, int, string> SerialisationCases => Cases(SerialisationFiles());

    [Theory]
    [MemberData(nameof(ParseCases))]
    public void Parse(string file, int index, string name)
    {
        var test = Record(file, index);
        Assert.Equal(name, test.GetProperty("name").GetString());
        string headerType = test.GetProperty("header_type").GetString()!;
        string raw = string.Join(", ", test.GetProperty("raw").EnumerateArray().Select(e => e.GetString()));
        bool mustFail = test.TryGetProperty("must_fail", out var mf) && mf.GetBoolean();
        bool canFail = test.TryGetProperty("can_fail", out var cf) && cf.GetBoolean();

        bool ok = TryParse(headerType, raw, out string? described, out string? serialized, out string? error);
        if (mustFail)
        {
            Assert.False(ok, $"'{raw}' must fail to parse as {headerType} but parsed as {described}");
            Assert.False(string.IsNullOrEmpty(error));
            return;
        }
        if (!ok && canFail)
        {
            // A SHOULD that this parser does not follow: the rejection must still carry a reason.
            Assert.False(string.IsNullOrEmpty(error));
            return;
        }
        Assert.True(ok, $"'{raw}' should parse as {headerType}: {error}");

        var expected = test.GetProperty("expected");
        Assert.Equal(DescribeExpected(headerType, expected), described);

        string canonical = test.TryGetProperty("canonical", out var c)
            ? string.Join(", ", c.EnumerateArray().Select(e => e.GetString()))
            : raw;
        Assert.Equal(canonical, serialized);
    }

    [Theory]
    [MemberData(nameof(SerialisationCases))]
    public void Serialise(string file, int index, string name)
    {
        var test = Record(file, index);
        Assert.Equal(name, test.GetProperty("name").GetString());
        string headerType = test.GetProperty("header_type").GetString()!;
        bool mustFail = test.TryGetProperty("must_fail", out var mf) && mf.GetBoolean();
        var expected = test.GetProperty("expected");
        string? serialized;
        string? error;

        bool ok = headerType switch
        {
            "item" => StructuredFieldSerializer.TrySerialize(SfJson.ToItem(expected), out serialized, out error),
            "list" => StructuredFieldSerializer.TrySerialize(SfJson.ToList(expected), out serialized, out error),
            "dictionary" => StructuredFieldSerializer.TrySerialize(SfJson.ToDictionary(expected), out serialized, out error),
            _ => throw new InvalidOperationException("unknown header_type " + headerType),
        };
        if (mustFail)
        {
            Assert.False(ok, $"serialising must fail but produced '{serialized}'");
            Assert.False(string.IsNullOrEmpty(error));
            return;
        }
        Assert.True(ok, error);
        string canonical = string.Join(", ", test.GetProperty("canonical").EnumerateArray().Select(e => e.GetString()));
        Assert.Equal(canonical, serialized);
    }

    [Fact]
    public void Every_suite_file_and_record_is_a_theory_row()
    {
        var parseFiles = ParseFiles();
        var serialisationFiles = SerialisationFiles();
        string[] required =
        [
            "binary.json", "boolean.json", "date.json", "dictionary.json", "display-string.json", "examples.json",
            "item.json", "key-generated.json", "large-generated.json", "list.json", "listlist.json",
            "number-generated.json", "number.json", "param-dict.json", "param-list.json", "param-listlist.json",
            "string-generated.json", "string.json", "token-generated.json", "token.json",
        ];
        foreach (string f in required)
        {
            Assert.Contains(Folder + "/" + f, parseFiles);
        }
        Assert.Equal(4, serialisationFiles.Count);

        int parseRecords = parseFiles.Sum(f => Document(f).RootElement.GetArrayLength());
        int serialisationRecords = serialisationFiles.Sum(f => Document(f).RootElement.GetArrayLength());
        Assert.Equal(parseRecords, ParseCases.Count);
        Assert.Equal(serialisationRecords, SerialisationCases.Count);
        // The shared README counts 2135 records in the suite (parse and serialisation together).
        Assert.Equal(2135, parseRecords + serialisationRecords);
    }

    private static bool TryParse(string headerType, string raw, out string? described, out string? serialized, out string? error)
    {
        described = null;
        serialized = null;
        switch (headerType)
        {
            case "item":
                if (!StructuredFieldParser.TryParseItem(raw, out var item, out error))
                {
                    return false;
                }
                described = SfJson.Describe(item);
                return StructuredFieldSerializer.TrySerialize(item, out serialized, out error);
            case "list":
                if (!StructuredFieldParser.TryParseList(raw, out var list, out error))
                {
                    return false;
                }
                described = SfJson.Describe(list);
                return StructuredFieldSerializer.TrySerialize(list, out serialized, out error);
            case "dictionary":
                if (!StructuredFieldParser.TryParseDictionary(raw, out var dictionary, out error))
                {
                    return false;
                }
                described = SfJson.Describe(dictionary);
                return StructuredFieldSerializer.TrySerialize(dictionary, out serialized, out error);
            default:
                throw new InvalidOperationException("unknown header_type " + headerType);
        }
    }

    private static string DescribeExpected(string headerType, JsonElement expected) => headerType switch
    {
        "item" => SfJson.Describe(SfJson.ToItem(expected)),
        "list" => SfJson.Describe(SfJson.ToList(expected)),
        _ => SfJson.Describe(SfJson.ToDictionary(expected)),
    };

    private static List<string> ParseFiles() =>
        Directory.GetFiles(ConformanceFiles.PathOf(Folder), "*.json")
            .Select(p => Folder + "/" + Path.GetFileName(p))
            .Order(StringComparer.Ordinal)
            .ToList();

    private static List<string> SerialisationFiles() =>
        Directory.GetFiles(ConformanceFiles.PathOf(Folder + "/serialisation-tests"), "*.json")
            .Select(p => Folder + "/serialisation-tests/" + Path.GetFileName(p))
            .Order(StringComparer.Ordinal)
            .ToList();

    private static TheoryData<string, int, string> Cases(List<string> files)
    {
        var data = new TheoryData<string, int, string>();
        foreach (string file in files)
        {
            int index = 0;
            foreach (var record in Document(file).RootElement.EnumerateArray())
            {
                data.Add(file, index++, record.GetProperty("name").GetString()!);
            }
        }
        return data;
    }

    private static JsonDocument Document(string file) => s_documents.GetOrAdd(file, f => ConformanceFiles.ReadJson(f));

    internal static JsonElement Record(string file, int index) => Document(file).RootElement[index];
}
