namespace AgentAuth.HttpSignatures;

/// <summary>
/// For <see cref="HttpSignatureVerifierOptions.AcceptBase64UrlSignature"/> only: rewrites the base64url alphabet
/// (<c>-</c>, <c>_</c>) inside the byte sequences of a <c>Signature</c> header to the standard one (<c>+</c>, <c>/</c>), so
/// the strict RFC 9651 parser and decoder read it. Characters outside <c>:…:</c> (labels, parameter keys, quoted strings)
/// are never touched; a byte sequence that mixes both alphabets is refused rather than guessed at.
/// </summary>
internal static class Base64UrlSignatureValues
{
    /// <summary>
    /// Returns <paramref name="header"/> itself when it has no base64url character in a byte sequence (no allocation),
    /// else the rewritten copy; false when a byte sequence mixes the alphabets.
    /// </summary>
    public static bool TryNormalize(string header, out string normalized)
    {
        normalized = header;
        if (header.AsSpan().IndexOfAny('-', '_') < 0)
        {
            return true;
        }
        char[]? copy = null;
        var inString = false;
        var inBytes = false;
        var sawUrl = false;
        var sawStandard = false;
        for (var i = 0; i < header.Length; i++)
        {
            var c = header[i];
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
            if (inBytes)
            {
                switch (c)
                {
                    case ':':
                        if (sawUrl && sawStandard)
                        {
                            return false;
                        }
                        inBytes = false;
                        break;
                    case '-' or '_':
                        sawUrl = true;
                        copy ??= header.ToCharArray();
                        copy[i] = c == '-' ? '+' : '/';
                        break;
                    case '+' or '/':
                        sawStandard = true;
                        break;
                }
                continue;
            }
            if (c == '"')
            {
                inString = true;
            }
            else if (c == ':')
            {
                inBytes = true;
                sawUrl = false;
                sawStandard = false;
            }
        }
        if (copy is not null)
        {
            normalized = new string(copy);
        }
        return true;
    }
}
