using AgentAuth.HttpSignatures.Cryptography;

namespace AgentAuth.HttpSignatures.Tests.Signatures;

/// <summary>Resolves keys by keyid from a fixed table; records what it was asked.</summary>
internal sealed class TestKeyResolver : ISignatureKeyResolver
{
    private readonly Dictionary<string, SignatureKey> _keys = new(StringComparer.Ordinal);

    public TestKeyResolver(params (string KeyId, SignatureKey Key)[] keys)
    {
        foreach (var (id, key) in keys)
        {
            _keys[id] = key;
        }
    }

    public SignatureKeyResolution? Forced { get; set; }

    public int Calls { get; private set; }

    public ValueTask<SignatureKeyResolution> ResolveAsync(string? keyId, SignatureParametersView parameters, CancellationToken cancellationToken)
    {
        Calls++;
        if (Forced is { } forced)
        {
            return ValueTask.FromResult(forced);
        }
        return ValueTask.FromResult(keyId is not null && _keys.TryGetValue(keyId, out var key)
            ? SignatureKeyResolution.Resolved(key)
            : SignatureKeyResolution.Unknown("no key with this keyid"));
    }
}
