using AgentAuth.HttpSignatures;
using AgentAuth.HttpSignatures.Cryptography;

namespace AgentAuth.AspNetCore;

/// <summary>
/// The one answer to "which <c>Signature-Key</c> schemes and algorithms does this resource accept"
/// (draft-hardt-httpbis-signature-key-08 §4.1, §4.2), computed from <see cref="AAuthOptions"/> only: the enabled
/// <c>Allow*</c> schemes in this server's order of preference, and <see cref="AAuthOptions.Algorithms"/> (JOSE names).
/// The 401 advertisement (<see cref="AAuthResource"/>), the metadata's <c>accept_signature_algs</c>, the
/// <c>unsupported_scheme</c> / <c>unsupported_algorithm</c> refusals (<see cref="SignatureKeyAuthenticator"/>) and the
/// verifier's algorithm allow list all read it. Nothing is accepted (and nothing advertised) when no scheme is enabled.
/// </summary>
internal sealed class AAuthAcceptance
{
    public const string Hwk = "hwk";
    public const string JktJwt = "jkt-jwt";
    public const string JwksUri = "jwks_uri";
    public const string Jwks = "jwks";
    public const string Jwt = "jwt";

    /// <summary>Fully specified JOSE algorithms whose operation is an RFC 9421 algorithm (RFC 9421 §3.3.7), so the core verifier checks them.</summary>
    public static readonly IReadOnlyDictionary<string, string> SupportedAlgorithms = new Dictionary<string, string>(StringComparer.Ordinal)
    {
        [JoseAlgorithms.Ed25519] = HttpSignatureAlgorithms.Ed25519,
        [JoseAlgorithms.ES256] = HttpSignatureAlgorithms.EcdsaP256Sha256,
        [JoseAlgorithms.ES384] = HttpSignatureAlgorithms.EcdsaP384Sha384,
        [JoseAlgorithms.PS512] = HttpSignatureAlgorithms.RsaPssSha512,
        [JoseAlgorithms.RS256] = HttpSignatureAlgorithms.RsaV15Sha256,
    };

    /// <summary>What <see cref="AAuthOptions.Algorithms"/> means when left empty.</summary>
    public static readonly string[] DefaultAlgorithms = [JoseAlgorithms.Ed25519, JoseAlgorithms.ES256];

    private readonly HashSet<string> _algorithmSet;

    private AAuthAcceptance(string[] schemes, string[] algorithms)
    {
        Schemes = schemes;
        Algorithms = algorithms;
        _algorithmSet = new HashSet<string>(algorithms, StringComparer.Ordinal);
        // Both headers are RFC 8941 Lists of Tokens.
        AcceptSignatureScheme = schemes.Length == 0 ? null : string.Join(", ", schemes);
        AcceptSignatureAlg = algorithms.Length == 0 ? null : string.Join(", ", algorithms);
    }

    /// <summary>Reads validated options once.</summary>
    public static AAuthAcceptance Create(AAuthOptions options)
    {
        // Identified schemes first (a token, then an origin's keys), pseudonymous ones last (§4.1: order of preference).
        var schemes = new List<string>(5);
        AddIf(schemes, options.AllowJwt, Jwt);
        AddIf(schemes, options.AllowJwksUri, JwksUri);
        AddIf(schemes, options.AllowJwks, Jwks);
        AddIf(schemes, options.AllowJktJwt, JktJwt);
        AddIf(schemes, options.AllowHwk, Hwk);
        var algorithms = new List<string>(SupportedAlgorithms.Count);
        if (schemes.Count > 0)
        {
            foreach (var algorithm in options.Algorithms.Count > 0 ? options.Algorithms : DefaultAlgorithms)
            {
                if (SupportedAlgorithms.ContainsKey(algorithm) && !algorithms.Contains(algorithm))
                {
                    algorithms.Add(algorithm);
                }
            }
        }
        return new AAuthAcceptance([.. schemes], [.. algorithms]);
    }

    /// <summary>The enabled schemes, most preferred first; empty when AAuth verification is off.</summary>
    public IReadOnlyList<string> Schemes { get; }

    /// <summary>The accepted fully specified JOSE algorithms; empty when AAuth verification is off.</summary>
    public IReadOnlyList<string> Algorithms { get; }

    /// <summary><c>Accept-Signature-Scheme</c> (§4.1), or <see langword="null"/> when no scheme is enabled.</summary>
    public string? AcceptSignatureScheme { get; }

    /// <summary><c>Accept-Signature-Alg</c> (§4.2, JOSE names), or <see langword="null"/> when no scheme is enabled.</summary>
    public string? AcceptSignatureAlg { get; }

    /// <summary>Whether a conveyed key's JOSE <c>alg</c> is accepted.</summary>
    public bool AcceptsAlgorithm(string algorithm) => _algorithmSet.Contains(algorithm);

    /// <summary>The RFC 9421 names of the accepted algorithms: the core verifier's allow list for <c>Signature-Key</c> requests.</summary>
    public IEnumerable<string> Rfc9421Algorithms()
    {
        foreach (var algorithm in Algorithms)
        {
            yield return SupportedAlgorithms[algorithm];
        }
    }

    private static void AddIf(List<string> schemes, bool enabled, string scheme)
    {
        if (enabled)
        {
            schemes.Add(scheme);
        }
    }
}
