using AgentAuth.HttpSignatures.Cryptography;
using AgentAuth.HttpSignatures.Keys;

namespace AgentAuth.AspNetCore;

/// <summary>A loaded key of the resource: the key, the <c>kid</c> it is published under and the fully-specified JWS algorithm it signs with.</summary>
internal sealed class AAuthResourceKey(SignatureKey key, string keyId, string algorithm) : IDisposable
{
    /// <summary>
    /// The fully-specified JWS algorithms a resource key may use. <c>EdDSA</c> is absent (polymorphic, deprecated by RFC 9864
    /// and forbidden by the AAuth draft), and so is every symmetric algorithm: the resource's keys are published.
    /// </summary>
    internal static readonly string[] FullySpecifiedAlgorithms =
    [
        JoseAlgorithms.Ed25519, JoseAlgorithms.ES256, JoseAlgorithms.ES384, JoseAlgorithms.PS256, JoseAlgorithms.PS384,
        JoseAlgorithms.PS512, JoseAlgorithms.RS256, JoseAlgorithms.RS384, JoseAlgorithms.RS512,
    ];

    public SignatureKey Key { get; } = key;

    public string KeyId { get; } = keyId;

    /// <summary>The JWS <c>alg</c> of resource tokens signed with this key, and the JWK <c>alg</c> published for it.</summary>
    public string Algorithm { get; } = algorithm;

    public Jwk PublicJwk => Key.ToPublicJwk();

    /// <summary>
    /// Loads the key <paramref name="options"/> describes; <see langword="null"/> with a reason (never containing key material)
    /// when it is missing, unreadable, of the wrong kind, or cannot sign while <paramref name="requirePrivate"/>.
    /// </summary>
    public static AAuthResourceKey? TryLoad(AAuthResourceKeyOptions options, bool requirePrivate, out string? error)
    {
        if (options.Algorithm is { } requested && Array.IndexOf(FullySpecifiedAlgorithms, requested) < 0)
        {
            error = "Algorithm '" + requested + "' is not a fully-specified asymmetric JWS algorithm (" + string.Join(", ", FullySpecifiedAlgorithms) + ").";
            return null;
        }
        if (!TryReadMaterial(options, out var text, out var isJwk, out error))
        {
            return null;
        }
        SignatureKey? key;
        if (isJwk)
        {
            if (!Jwk.TryParse(text!, out var jwk, out error))
            {
                error = "is not a valid JWK: " + error;
                return null;
            }
            if (!SignatureKey.TryCreate(jwk!, options.Algorithm, out key, out error))
            {
                error = "cannot be used: " + error;
                return null;
            }
        }
        else if (!SignatureKey.TryImportPem(text!, options.Algorithm, null, out key, out error))
        {
            error = "cannot be used: " + error;
            return null;
        }
        var algorithm = options.Algorithm ?? key!.JoseAlgorithm ?? key.ToPublicJwk().Algorithm;
        if (algorithm is null || Array.IndexOf(FullySpecifiedAlgorithms, algorithm) < 0)
        {
            key!.Dispose();
            error = "has the algorithm '" + algorithm + "', which is not fully specified; set Algorithm (for example Ed25519).";
            return null;
        }
        if (requirePrivate && !key!.CanSign)
        {
            key.Dispose();
            error = "has no private part, so it cannot sign resource tokens.";
            return null;
        }
        error = null;
        return new AAuthResourceKey(key!, options.KeyId ?? key!.KeyId ?? key.Thumbprint, algorithm);
    }

    /// <summary>Whether any of <see cref="AAuthResourceKeyOptions.Jwk"/>, <see cref="AAuthResourceKeyOptions.Pem"/> and <see cref="AAuthResourceKeyOptions.File"/> is set.</summary>
    public static int SourceCount(AAuthResourceKeyOptions options) =>
        (string.IsNullOrWhiteSpace(options.Jwk) ? 0 : 1) + (string.IsNullOrWhiteSpace(options.Pem) ? 0 : 1) + (string.IsNullOrWhiteSpace(options.File) ? 0 : 1);

    private static bool TryReadMaterial(AAuthResourceKeyOptions options, out string? text, out bool isJwk, out string? error)
    {
        text = null;
        isJwk = false;
        if (SourceCount(options) != 1)
        {
            error = "must set exactly one of Jwk, Pem and File.";
            return false;
        }
        if (!string.IsNullOrWhiteSpace(options.Jwk))
        {
            text = options.Jwk;
            isJwk = true;
        }
        else if (!string.IsNullOrWhiteSpace(options.Pem))
        {
            text = options.Pem;
        }
        else
        {
            try
            {
                text = System.IO.File.ReadAllText(options.File!);
            }
            catch (Exception ex) when (ex is IOException or UnauthorizedAccessException or ArgumentException or NotSupportedException)
            {
                error = "File '" + options.File + "' cannot be read: " + ex.Message;
                return false;
            }
            isJwk = text.AsSpan().TrimStart().StartsWith("{", StringComparison.Ordinal);
        }
        error = null;
        return true;
    }

    public void Dispose() => Key.Dispose();
}
