using AgentAuth.HttpSignatures.Cryptography;
using AgentAuth.HttpSignatures.Keys;

namespace AgentAuth.HttpSignatures.Tests.Conformance;

/// <summary>The RFC 9421 Appendix B.1 keys, loaded from their JWK files, on a chosen Ed25519 backend.</summary>
internal static class TestKeys
{
    public static SignatureKey Load(string keyId, string algorithm, bool withPrivate, Ed25519BackendKind? backend = null)
    {
        var file = withPrivate || keyId == "test-shared-secret" ? keyId + ".jwk.json" : keyId + ".pub.jwk.json";
        var json = File.ReadAllText(ConformanceData.KeyPath(file));
        Assert.True(Jwk.TryParse(json, out var jwk, out var error), error);
        var ed = Ed25519Backend.Get(backend ?? Ed25519Backend.Current);
        var key = JwkKeyReader.Create(jwk!, algorithm, ed, out error);
        Assert.True(key is not null, error);
        return key!;
    }

    /// <summary>Ed25519 backends present on this machine (BouncyCastle always; libsodium when it loads).</summary>
    public static IEnumerable<Ed25519BackendKind> Backends()
    {
        yield return Ed25519BackendKind.BouncyCastle;
        yield return Ed25519BackendKind.Libsodium;
    }
}
