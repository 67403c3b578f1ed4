using AgentAuth.HttpSignatures.Cryptography;

namespace AgentAuth.AspNetCore;

/// <summary>The JWS algorithms accepted for tokens. <c>none</c> and HMAC are never accepted.</summary>
internal static class TokenAlgorithms
{
    /// <summary>The default allow-list when <see cref="TokenIssuerOptions.ValidAlgorithms"/> is empty.</summary>
    public static readonly string[] Defaults =
    [
        JoseAlgorithms.EdDsa, JoseAlgorithms.Ed25519, JoseAlgorithms.ES256, JoseAlgorithms.ES384, JoseAlgorithms.PS256, JoseAlgorithms.RS256,
    ];

    private static readonly HashSet<string> s_asymmetric = new(StringComparer.Ordinal)
    {
        JoseAlgorithms.EdDsa, JoseAlgorithms.Ed25519, JoseAlgorithms.ES256, JoseAlgorithms.ES384,
        JoseAlgorithms.PS256, JoseAlgorithms.PS384, JoseAlgorithms.PS512,
        JoseAlgorithms.RS256, JoseAlgorithms.RS384, JoseAlgorithms.RS512,
    };

    /// <summary>Every algorithm a token may be configured to use (case-sensitive, as in JWA).</summary>
    public static bool IsAsymmetric(string? algorithm) => algorithm is not null && s_asymmetric.Contains(algorithm);

    /// <summary>Every name that may appear in configuration.</summary>
    public static IEnumerable<string> Known => s_asymmetric;
}
