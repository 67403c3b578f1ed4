using System.Text;

namespace AgentAuth.AspNetCore;

/// <summary>
/// The parts of 401 responses that depend only on the options, formatted once per scheme configuration:
/// one <c>WWW-Authenticate</c> challenge per enabled mode and the <c>Accept-Signature</c> request.
/// </summary>
internal sealed class ChallengeTemplates
{
    /// <summary>The challenge name used for RFC 9421 signed requests (after draft-cavage's <c>Signature</c> scheme; RFC 9421 defines none).</summary>
    public const string SignatureScheme = "Signature";
    public const string BearerScheme = "Bearer";
    public const string DPoPScheme = "DPoP";

    public ChallengeTemplates(bool signatures, bool bearer, string? dpopAlgorithms, string? realm, string acceptSignature, string acceptSignatureAlgorithms)
    {
        SignatureEnabled = signatures;
        BearerEnabled = bearer;
        DPoPAlgorithms = dpopAlgorithms;
        Realm = realm;
        AcceptSignature = acceptSignature;
        AcceptSignatureAlgorithms = acceptSignatureAlgorithms;
    }

    public bool SignatureEnabled { get; }

    public bool BearerEnabled { get; }

    /// <summary>Space-separated JWS algorithms accepted in DPoP proofs, or <see langword="null"/> when DPoP is off.</summary>
    public string? DPoPAlgorithms { get; }

    public string? Realm { get; }

    /// <summary>The <c>Accept-Signature</c> value (RFC 9421 §5.1) describing what a signature must cover.</summary>
    public string AcceptSignature { get; }

    /// <summary>The accepted RFC 9421 algorithms, comma-separated, for <c>Accept-Signature-Alg</c>.</summary>
    public string AcceptSignatureAlgorithms { get; }

    /// <summary>
    /// The AAuth resource side (<c>Accept-Signature-Scheme</c>, <c>Accept-Signature-Alg</c>, <c>AAuth-Requirement</c> and resource
    /// tokens), or <see langword="null"/> when <see cref="AAuthResourceOptions.Enabled"/> is off.
    /// </summary>
    public AAuthResource? AAuthResource { get; init; }

    /// <summary>
    /// The <c>Signature-Key</c> schemes and algorithms this scheme verifies, advertised on its 401s when it is not an AAuth
    /// resource (a resource advertises through <see cref="AAuthResource"/>, which can turn it off), or <see langword="null"/>
    /// when no scheme is enabled.
    /// </summary>
    public AAuthAcceptance? SignatureKeyAcceptance { get; init; }

    /// <summary>Builds <c>Accept-Signature: label=("c1" "c2" ...);created[;nonce][;tag="..."]</c>.</summary>
    public static string FormatAcceptSignature(string label, IEnumerable<string> components, bool created, bool nonce, string? tag)
    {
        var builder = new StringBuilder(96);
        builder.Append(label).Append("=(");
        var first = true;
        foreach (var component in components)
        {
            if (!first)
            {
                builder.Append(' ');
            }
            first = false;
            builder.Append('"').Append(component).Append('"');
        }
        builder.Append(')');
        if (created)
        {
            builder.Append(";created");
        }
        if (nonce)
        {
            builder.Append(";nonce");
        }
        if (tag is not null)
        {
            builder.Append(";tag=\"").Append(tag).Append('"');
        }
        return builder.ToString();
    }
}
