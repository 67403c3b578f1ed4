using System.Diagnostics.CodeAnalysis;
using AgentAuth.HttpSignatures.StructuredFields;

namespace AgentAuth.HttpSignatures;

/// <summary>
/// The <c>Signature-Agent</c> request field (draft-meunier-web-bot-auth-architecture-05 §4.2), read with the core's one
/// RFC 9651 reader: either the whole field is a String (<c>"https://bot.example"</c>), or it is a Dictionary keyed by
/// signature label whose member for the covered key is a String (<c>sig1="https://bot.example"</c>). Strict: a String
/// with parameters, another item type, or a covered key named twice is refused. Never throws; reading allocates nothing
/// but the returned value.
/// </summary>
public static class SignatureAgentField
{
    /// <summary>The field name.</summary>
    public const string Name = "Signature-Agent";

    /// <summary>
    /// Reads the whole field as one String item without parameters (RFC 9651 §4.2.3, §4.2.5). Optional whitespace around
    /// the field value (RFC 9110 §5.5) is ignored.
    /// </summary>
    /// <param name="field">The field value (several field lines joined with <c>", "</c>).</param>
    /// <param name="value">The unescaped string.</param>
    /// <param name="error">Why the field is not such a String.</param>
    /// <returns>Whether <paramref name="value"/> was read.</returns>
    public static bool TryGetString(ReadOnlySpan<char> field, [NotNullWhen(true)] out string? value, [NotNullWhen(false)] out string? error)
    {
        value = null;
        var reader = new StructuredFieldReader(field.Trim(" \t"));
        if (!reader.TryReadBareItem(out var item) || !item.IsString
            || !reader.TryReadParameter(out _, out _, out var noParameters) || !noParameters
            || !reader.TryReadEndOfField()
            || !SfDecoding.TryUnescapeString(item.Raw, out value))
        {
            value = null;
            error = "Signature-Agent is not a quoted string; a dictionary (label=\"https://...\") must be covered with key=\"<label>\".";
            return false;
        }
        error = null;
        return true;
    }

    /// <summary>
    /// Reads the member <paramref name="label"/> of the field as a Dictionary (RFC 9651 §4.2.2): the whole field must parse,
    /// the member must be a String without parameters, and it must appear once (RFC 9651 lets the last duplicate win;
    /// refusing keeps one reading of the field for every party). Other members may be any valid member.
    /// </summary>
    /// <param name="field">The field value (several field lines joined with <c>", "</c>).</param>
    /// <param name="label">The dictionary key the signature covers (<c>"signature-agent";key="…"</c>).</param>
    /// <param name="value">The member's unescaped string.</param>
    /// <param name="error">Why there is no such member.</param>
    /// <returns>Whether <paramref name="value"/> was read.</returns>
    public static bool TryGetMember(ReadOnlySpan<char> field, ReadOnlySpan<char> label, [NotNullWhen(true)] out string? value, [NotNullWhen(false)] out string? error)
    {
        value = null;
        var reader = new StructuredFieldReader(field.Trim(" \t"));
        var found = false;
        ReadOnlySpan<char> raw = default;
        string? memberError = null;
        if (reader.IsAtEnd)
        {
            error = "Signature-Agent is not a valid dictionary.";
            return false;
        }
        while (true)
        {
            if (!reader.TryReadDictionaryKey(out var key, out var hasValue))
            {
                error = "Signature-Agent is not a valid dictionary.";
                return false;
            }
            if (key.SequenceEqual(label))
            {
                if (found)
                {
                    error = "Signature-Agent names the covered member more than once.";
                    return false;
                }
                found = true;
                if (!hasValue || reader.IsInnerListNext)
                {
                    memberError = "The covered Signature-Agent member is not a quoted string without parameters.";
                    if (hasValue ? !reader.TrySkipMember() : !reader.TrySkipParameters())
                    {
                        error = "Signature-Agent is not a valid dictionary.";
                        return false;
                    }
                }
                else
                {
                    if (!reader.TryReadBareItem(out var item) || !reader.TryReadParameter(out _, out _, out var noParameters))
                    {
                        error = "Signature-Agent is not a valid dictionary.";
                        return false;
                    }
                    if (!item.IsString || !noParameters)
                    {
                        memberError = "The covered Signature-Agent member is not a quoted string without parameters.";
                        if (!reader.TrySkipParameters())
                        {
                            error = "Signature-Agent is not a valid dictionary.";
                            return false;
                        }
                    }
                    raw = item.Raw;
                }
            }
            else if (hasValue ? !reader.TrySkipMember() : !reader.TrySkipParameters())
            {
                error = "Signature-Agent is not a valid dictionary.";
                return false;
            }
            if (!reader.TryReadMemberSeparator(out var last))
            {
                error = "Signature-Agent is not a valid dictionary.";
                return false;
            }
            if (last)
            {
                break;
            }
        }
        if (!found)
        {
            error = "Signature-Agent has no member named by the covered key.";
            return false;
        }
        if (memberError is not null || !SfDecoding.TryUnescapeString(raw, out value))
        {
            value = null;
            error = memberError ?? "The covered Signature-Agent member is not a quoted string without parameters.";
            return false;
        }
        error = null;
        return true;
    }
}
