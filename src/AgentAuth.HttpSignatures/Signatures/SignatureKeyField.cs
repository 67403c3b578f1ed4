using System.Diagnostics.CodeAnalysis;
using AgentAuth.HttpSignatures.Keys;
using AgentAuth.HttpSignatures.StructuredFields;

namespace AgentAuth.HttpSignatures;

/// <summary>
/// The <c>Signature-Key</c> request field (draft-hardt-httpbis-signature-key-08 §3): an RFC 8941 dictionary keyed by
/// signature label whose member is a scheme token with string parameters, for example
/// <c>sig=hwk;kty="OKP";crv="Ed25519";x="...";alg="Ed25519"</c>. Reading allocates nothing; the member's values are
/// spans of the field.
/// </summary>
public static class SignatureKeyField
{
    /// <summary>The field name.</summary>
    public const string Name = "Signature-Key";

    /// <summary>
    /// Finds the member for <paramref name="label"/> (the label of the signature being verified, §3 step 3). The whole field
    /// must parse as a dictionary; a repeated label keeps its last value (RFC 8941 §4.2.2). The member must be a token (the
    /// scheme) whose parameters are strings, byte sequences or booleans (§3). Never throws.
    /// </summary>
    /// <param name="field">The field value (several field lines joined with <c>", "</c>).</param>
    /// <param name="label">The signature label.</param>
    /// <param name="member">The member when found.</param>
    /// <param name="error">Why the field or member is unusable; <see langword="null"/> when the label simply has no member.</param>
    /// <returns>Whether <paramref name="member"/> was found.</returns>
    public static bool TryGetMember(ReadOnlySpan<char> field, ReadOnlySpan<char> label, out SignatureKeyMember member, out string? error)
    {
        member = default;
        error = null;
        var reader = new StructuredFieldReader(field);
        reader.SkipSpaces();
        if (reader.IsAtEnd)
        {
            error = "Signature-Key is empty";
            return false;
        }
        var found = false;
        int schemeStart = 0, schemeLength = 0, parametersStart = 0, parametersEnd = 0;
        string? memberError = null;
        while (true)
        {
            if (!reader.TryReadDictionaryKey(out var key, out var hasValue))
            {
                error = "Signature-Key is not a structured-field dictionary: " + reader.Error;
                return false;
            }
            if (key.SequenceEqual(label))
            {
                // Last one wins (RFC 8941 §4.2.2): a repeated label replaces what was read before.
                found = true;
                memberError = null;
                if (!hasValue || reader.IsInnerListNext)
                {
                    memberError = "the Signature-Key member is not a scheme token";
                    if (hasValue && !reader.TrySkipMember() || !hasValue && !reader.TrySkipParameters())
                    {
                        error = "Signature-Key is not a structured-field dictionary: " + reader.Error;
                        return false;
                    }
                }
                else
                {
                    if (!reader.TryReadBareItem(out var scheme))
                    {
                        error = "Signature-Key is not a structured-field dictionary: " + reader.Error;
                        return false;
                    }
                    if (!scheme.IsToken)
                    {
                        memberError = "the Signature-Key member is not a scheme token";
                    }
                    schemeStart = reader.Position - scheme.Raw.Length;
                    schemeLength = scheme.Raw.Length;
                    parametersStart = reader.Position;
                    while (true)
                    {
                        if (!reader.TryReadParameter(out _, out var value, out var end))
                        {
                            error = "Signature-Key is not a structured-field dictionary: " + reader.Error;
                            return false;
                        }
                        if (end)
                        {
                            break;
                        }
                        if (value.Kind is not (SfItemKind.String or SfItemKind.ByteSequence or SfItemKind.Boolean))
                        {
                            memberError ??= "a Signature-Key parameter is neither a string, a byte sequence nor a boolean";
                        }
                    }
                    parametersEnd = reader.Position;
                }
            }
            else if (hasValue ? !reader.TrySkipMember() : !reader.TrySkipParameters())
            {
                error = "Signature-Key is not a structured-field dictionary: " + reader.Error;
                return false;
            }
            if (!reader.TryReadMemberSeparator(out var last))
            {
                error = "Signature-Key is not a structured-field dictionary: " + reader.Error;
                return false;
            }
            if (last)
            {
                break;
            }
        }
        if (!found)
        {
            return false;
        }
        if (memberError is not null)
        {
            error = memberError;
            return false;
        }
        member = new SignatureKeyMember(field.Slice(schemeStart, schemeLength), field[parametersStart..parametersEnd]);
        return true;
    }
}

/// <summary>One <c>Signature-Key</c> member: its scheme token and parameters, as spans of the field.</summary>
public readonly ref struct SignatureKeyMember
{
    internal SignatureKeyMember(ReadOnlySpan<char> scheme, ReadOnlySpan<char> parameters)
    {
        Scheme = scheme;
        Parameters = parameters;
    }

    /// <summary>The scheme token (<c>hwk</c>, <c>jwt</c>, <c>jwks_uri</c>, ...), compared case-sensitively.</summary>
    public ReadOnlySpan<char> Scheme { get; }

    /// <summary>
    /// The parameters exactly as sent (from the first <c>;</c>). For an inline key this text determines the key, so it
    /// is a cache key for the key it creates.
    /// </summary>
    public ReadOnlySpan<char> Parameters { get; }

    /// <summary>
    /// The raw content of a string parameter (between the quotes, still escaped); the last one when repeated
    /// (RFC 8941 §4.2.3.2). False when absent or not a string.
    /// </summary>
    /// <param name="name">The parameter name.</param>
    /// <param name="raw">The raw content.</param>
    /// <returns>Whether the parameter is present as a string.</returns>
    public bool TryGetRawString(ReadOnlySpan<char> name, out ReadOnlySpan<char> raw)
    {
        raw = default;
        var found = false;
        var reader = new StructuredFieldReader(Parameters);
        while (reader.TryReadParameter(out var key, out var value, out var end) && !end)
        {
            if (key.SequenceEqual(name))
            {
                found = value.IsString;
                raw = found ? value.Raw : default;
            }
        }
        return found;
    }

    /// <summary>Whether a parameter of this name is present, whatever its type.</summary>
    /// <param name="name">The parameter name.</param>
    /// <returns>Whether it is present.</returns>
    public bool HasParameter(ReadOnlySpan<char> name)
    {
        var reader = new StructuredFieldReader(Parameters);
        while (reader.TryReadParameter(out var key, out _, out var end) && !end)
        {
            if (key.SequenceEqual(name))
            {
                return true;
            }
        }
        return false;
    }

    /// <summary>The unescaped value of a string parameter (allocates), or <see langword="null"/> when absent or not a string.</summary>
    /// <param name="name">The parameter name.</param>
    /// <returns>The value.</returns>
    public string? GetString(ReadOnlySpan<char> name) =>
        TryGetRawString(name, out var raw) && SfDecoding.TryUnescapeString(raw, out var value) ? value : null;

    /// <summary>
    /// The inline public key of the <c>hwk</c> scheme (§3.4): the parameters are JWK members. <c>kty</c> and a fully
    /// specified <c>alg</c> are required (§3.3: <c>EdDSA</c> is refused), <c>kid</c> and private or symmetric members are
    /// refused, and the members must form a valid key whose <c>kty</c>/<c>crv</c> agree with <c>alg</c>.
    /// </summary>
    /// <param name="jwk">The public key.</param>
    /// <param name="error">Why there is none.</param>
    /// <returns>Whether <paramref name="jwk"/> was created.</returns>
    public bool TryCreateInlineJwk([NotNullWhen(true)] out Jwk? jwk, [NotNullWhen(false)] out string? error)
    {
        jwk = null;
        if (HasParameter("kid"))
        {
            error = "an hwk key must not carry kid";
            return false;
        }
        foreach (var secret in SecretMembers)
        {
            if (HasParameter(secret))
            {
                error = "an hwk key must be a public key (no '" + secret + "')";
                return false;
            }
        }
        var kty = GetString("kty");
        var alg = GetString("alg");
        if (kty is null || alg is null)
        {
            error = "an hwk key needs kty and alg";
            return false;
        }
        if (alg == "EdDSA")
        {
            error = "alg 'EdDSA' is not fully specified; use 'Ed25519'";
            return false;
        }
        return Jwk.TryCreatePublic(kty, GetString("crv"), GetString("x"), GetString("y"), GetString("n"), GetString("e"), alg, out jwk, out error);
    }

    private static readonly string[] SecretMembers = ["d", "p", "q", "dp", "dq", "qi", "k"];
}
