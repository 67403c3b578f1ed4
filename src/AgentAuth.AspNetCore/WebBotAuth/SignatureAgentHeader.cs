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
        string? uri;
        if (covered.Key is { } member)
        {
            if (!TryFindMember(value.AsSpan(), member.AsSpan(), out uri, out var memberError))
            {
                error = memberError;
                return false;
            }
        }
        else if (!TryReadWholeString(value.AsSpan().Trim(" \t"), out uri))
        {
            error = "Signature-Agent is not a quoted string; a dictionary (label=\"https://...\") must be covered with key=\"<label>\".";
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

    /// <summary>The member <paramref name="key"/> of a dictionary, whose value must be a string without parameters.</summary>
    private static bool TryFindMember(ReadOnlySpan<char> value, ReadOnlySpan<char> key, out string? uri, [NotNullWhen(false)] out string? error)
    {
        uri = null;
        error = null;
        var found = false;
        var rest = value;
        while (true)
        {
            if (!TrySplitMember(ref rest, out var member))
            {
                error = "Signature-Agent is not a valid dictionary.";
                return false;
            }
            member = member.Trim(" \t");
            var equals = member.IndexOf('=');
            var name = equals < 0 ? member : member[..equals];
            if (!IsKey(name))
            {
                error = "Signature-Agent is not a valid dictionary.";
                return false;
            }
            if (name.SequenceEqual(key))
            {
                if (found)
                {
                    // RFC 8941 lets the last duplicate win; refusing keeps one reading of the field for everyone.
                    error = "Signature-Agent names the covered member more than once.";
                    return false;
                }
                if (equals < 0 || !TryReadWholeString(member[(equals + 1)..], out uri))
                {
                    error = "The covered Signature-Agent member is not a quoted string without parameters.";
                    return false;
                }
                found = true;
            }
            if (rest.IsEmpty)
            {
                break;
            }
        }
        if (!found)
        {
            error = "Signature-Agent has no member named by the covered key.";
            return false;
        }
        return true;
    }

    /// <summary>Cuts the next top-level member (a comma outside strings and inner lists ends it).</summary>
    private static bool TrySplitMember(ref ReadOnlySpan<char> rest, out ReadOnlySpan<char> member)
    {
        var depth = 0;
        var inString = false;
        for (var i = 0; i < rest.Length; i++)
        {
            var c = rest[i];
            if (inString)
            {
                if (c == '\\')
                {
                    i++;
                }
                else if (c == '"')
                {
                    inString = false;
                }
                continue;
            }
            switch (c)
            {
                case '"':
                    inString = true;
                    break;
                case '(':
                    depth++;
                    break;
                case ')':
                    depth--;
                    break;
                case ',' when depth == 0:
                    member = rest[..i];
                    rest = rest[(i + 1)..];
                    // A trailing comma leaves an empty member, which is invalid (RFC 8941 §4.2.2).
                    return rest.Trim(" \t").Length != 0;
            }
        }
        member = rest;
        rest = [];
        return !inString && depth == 0 && member.Trim(" \t").Length != 0;
    }

    private static bool IsKey(ReadOnlySpan<char> name)
    {
        if (name.IsEmpty || !(name[0] is (>= 'a' and <= 'z') or '*'))
        {
            return false;
        }
        foreach (var c in name)
        {
            if (!(c is (>= 'a' and <= 'z') or (>= '0' and <= '9') or '_' or '-' or '.' or '*'))
            {
                return false;
            }
        }
        return true;
    }

    /// <summary>An RFC 8941 String (§4.2.5) that is the whole of <paramref name="text"/>: no parameters, nothing after it.</summary>
    private static bool TryReadWholeString(ReadOnlySpan<char> text, out string? value)
    {
        value = null;
        if (text.Length < 2 || text[0] != '"' || text[^1] != '"')
        {
            return false;
        }
        var inner = text[1..^1];
        Span<char> buffer = inner.Length <= 512 ? stackalloc char[inner.Length] : new char[inner.Length];
        var written = 0;
        for (var i = 0; i < inner.Length; i++)
        {
            var c = inner[i];
            if (c == '\\')
            {
                if (++i == inner.Length || inner[i] is not ('"' or '\\'))
                {
                    return false;
                }
                c = inner[i];
            }
            else if (c == '"' || c < 0x20 || c > 0x7E)
            {
                return false;
            }
            buffer[written++] = c;
        }
        value = buffer[..written].ToString();
        return true;
    }
}
