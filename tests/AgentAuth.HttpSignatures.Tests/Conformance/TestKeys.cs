using AgentAuth.HttpSignatures.Cryptography;
using AgentAuth.HttpSignatures.Keys;

namespace AgentAuth.HttpSignatures.Tests.Conformance;

/// <summary>The RFC 9421 Appendix B.1 keys, loaded from their JWK files.</summary>
internal static class TestKeys
{
    public static SignatureKey Load(string keyId, string algorithm, bool withPrivate)
    {
        var file = withPrivate || keyId == "test-shared-secret" ? keyId + ".jwk.json" : keyId + ".pub.jwk.json";
        var json = File.ReadAllText(ConformanceData.KeyPath(file));
        Assert.True(Jwk.TryParse(json, out var jwk, out var error), error);
        var key = JwkKeyReader.Create(jwk!, algorithm, out error);
        Assert.True(key is not null, error);
        return key!;
    }
}
