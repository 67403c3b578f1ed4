using System.Diagnostics.CodeAnalysis;
using AgentAuth.HttpSignatures;

namespace AgentAuth.AspNetCore;

/// <summary>
/// Reads the operator origin a Web Bot Auth request names in <c>Signature-Agent</c>, in the form its signature covers:
/// the whole field as an RFC 8941 String (<c>Signature-Agent: "https://bot.example"</c>, covered as
/// <c>"signature-agent"</c>), or one member of an RFC 8941 Dictionary (<c>Signature-Agent: sig1="https://bot.example"</c>,
/// covered as <c>"signature-agent";key="sig1"</c>, draft-meunier-web-bot-auth-architecture-05 §4.2). The value read is
/// exactly the one the signature base contains, so the directory fetched is the one the signer named. Strict: any other
/// shape (a token, parameters, a duplicated member, an origin with a path) is refused, and nothing here throws.
/// </summary>
internal static class SignatureAgentHeader
{
    public const string FieldName = "signature-agent";

    /// <summary>The longest field value read; an origin is short.</summary>
    private const int MaxLength = 4096;

    /// <summary>
    /// Finds the <c>signature-agent</c> component the signature covers; <see langword="false"/> when it covers none.
    /// A component with parameters other than <c>key</c> (<c>sf</c>, <c>bs</c>, <c>req</c>, <c>tr</c>) is not a form the draft defines.
    /// </summary>
    public static bool TryFindCovered(ReadOnlySpan<SignatureComponent> components, out SignatureComponent covered)
    {
        foreach (var component in components)
        {
            if (!component.IsDerived && string.Equals(component.Name, FieldName, StringComparison.Ordinal))
            {
                covered = component;
                return true;
            }
        }
        covered = default;
        return false;
    }

    /// <summary>Reads the origin from the field <paramref name="value"/> (its lines joined) in the covered form.</summary>
    public static bool TryGetOrigin(string value, SignatureComponent covered, [NotNullWhen(true)] out string? origin, [NotNullWhen(false)] out string? error)
    {
        origin = null;
        if (value.Length > MaxLength)
        {
            error = "Signature-Agent is too long.";
            return false;
        }
        if (covered.IsStructuredField || covered.IsByteSequence || covered.IsFromRelatedRequest || covered.IsFromTrailers)
        {
            error = "Signature-Agent must be covered as \"signature-agent\" or \"signature-agent\";key=\"<label>\".";
            return false;
        }
        // The core's structured-field reader (SignatureAgentField) reads the form the signature covers.
        string? uri;
        if (covered.Key is { } member
            ? !SignatureAgentField.TryGetMember(value.AsSpan(), member.AsSpan(), out uri, out var readError)
            : !SignatureAgentField.TryGetString(value.AsSpan(), out uri, out readError))
        {
            error = readError;
            return false;
        }
        if (!KeyDiscovery.TryParseOrigin(uri, out origin))
        {
            error = "Signature-Agent does not name an https origin (https://host[:port], no path, query or fragment).";
            return false;
        }
        error = null;
        return true;
    }
}
