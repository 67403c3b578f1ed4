using AgentAuth.HttpSignatures.Tests.Signatures;

namespace AgentAuth.HttpSignatures.Tests.Conformance;

/// <summary>Every vector of vectors.json rebuilds its signature base byte for byte.</summary>
public sealed class SignatureBaseConformanceTests
{
    public static IEnumerable<object[]> Vectors() => ConformanceData.VectorIds();

    [Theory]
    [MemberData(nameof(Vectors))]
    public void Signature_base_is_byte_exact(string id)
    {
        ConformancePrerequisite.EnsureAvailable();
        var vector = ConformanceData.Vector(id);
        var expected = vector.String("expected_signature_base") ?? vector.String("derived_signature_base");
        Assert.NotNull(expected);
        var message = ConformanceData.Message(vector);
        Assert.True(message.TryGetFieldLines("signature-input", false, out var lines));
        var header = lines.Count == 1 ? lines[0].Trim() : string.Join(", ", Enumerable.Range(0, lines.Count).Select(i => lines[i].Trim()));
        var actual = BaseTestHelper.Build(message, header, vector.String("label"));
        Assert.Equal(expected, actual);
    }
}
