using System.Diagnostics.CodeAnalysis;
using System.Globalization;
using System.Text;

namespace AgentAuth.AspNetCore;

/// <summary>
/// The LumoAuth quick-start <c>Agent-Auth</c> request header, read strictly: an RFC 9651 dictionary with exactly one member,
/// a byte sequence (standard base64) whose parameters are <c>keyid</c> (<c>{agent identifier}#{kid}</c>), <c>created</c>
/// (integer), <c>covered</c> (space-separated component names) and, optionally, <c>label</c> (equal to the member name) and
/// <c>alg</c>. Unknown or repeated parameters, a second member, and anything else are refused. Never throws.
/// <example><c>sig1=:…:; label="sig1"; alg="ed25519"; keyid="https://my-agent.example.com#key-1"; created=1765000000; covered="@method @target-uri"</c></example>
/// </summary>
internal sealed class AgentAuthSignatureHeader
{
    /// <summary>The longest header accepted, in characters.</summary>
    public const int MaxLength = 8192;

    private AgentAuthSignatureHeader(string label, string signature, byte[] signatureBytes, string? algorithm, string keyId, string agentId, string kid, long created, string[] covered)
    {
        Label = label;
        Signature = signature;
        SignatureBytes = signatureBytes;
        Algorithm = algorithm;
        KeyId = keyId;
        AgentId = agentId;
        Kid = kid;
        Created = created;
        Covered = covered;
    }

    /// <summary>The member name (the signature label).</summary>
    public string Label { get; }

    /// <summary>The signature as sent (standard base64).</summary>
    public string Signature { get; }

    /// <summary>The decoded signature.</summary>
    public byte[] SignatureBytes { get; }

    public string? Algorithm { get; }

    /// <summary>The <c>keyid</c> as sent.</summary>
    public string KeyId { get; }

    /// <summary>The agent identifier: <see cref="KeyId"/> before its <c>#</c>.</summary>
    public string AgentId { get; }

    /// <summary>The key's <c>kid</c>: <see cref="KeyId"/> after its <c>#</c>.</summary>
    public string Kid { get; }

    public long Created { get; }

    /// <summary>The covered component names, in order.</summary>
    public string[] Covered { get; }

    public static bool TryParse(ReadOnlySpan<char> value, int maxComponents, [NotNullWhen(true)] out AgentAuthSignatureHeader? header, [NotNullWhen(false)] out string? error)
    {
        header = null;
        if (value.Length > MaxLength)
        {
            error = "Agent-Auth is too long.";
            return false;
        }
        var reader = new Reader(value.Trim(' '));
        if (!reader.TryReadKey(out var label))
        {
            error = "Agent-Auth must start with a signature label.";
            return false;
        }
        if (!reader.TryRead('=') || !reader.TryReadByteSequence(out var signature))
        {
            error = "The Agent-Auth signature must be a byte sequence (:base64:).";
            return false;
        }
        string? labelParameter = null, algorithm = null, keyId = null, covered = null;
        long? created = null;
        while (reader.TryRead(';'))
        {
            reader.SkipSpaces();
            if (!reader.TryReadKey(out var name) || !reader.TryRead('='))
            {
                error = "An Agent-Auth parameter is malformed.";
                return false;
            }
            var ok = name switch
            {
                "label" => labelParameter is null && reader.TryReadString(out labelParameter),
                "alg" => algorithm is null && reader.TryReadString(out algorithm),
                "keyid" => keyId is null && reader.TryReadString(out keyId),
                "covered" => covered is null && reader.TryReadString(out covered),
                "created" => created is null && reader.TryReadInteger(out created),
                _ => false,
            };
            if (!ok)
            {
                error = "Agent-Auth has an unknown, repeated or malformed parameter ('" + (name.Length <= 16 ? name : name[..16]) + "').";
                return false;
            }
        }
        if (!reader.IsAtEnd)
        {
            error = "Agent-Auth must carry exactly one signature and nothing after its parameters.";
            return false;
        }
        if (keyId is null || created is null || covered is null)
        {
            error = "Agent-Auth needs keyid, created and covered.";
            return false;
        }
        if (labelParameter is not null && labelParameter != label)
        {
            error = "The Agent-Auth label parameter differs from the signature's label.";
            return false;
        }
        if (!TrySplitKeyId(keyId, out var agentId, out var kid))
        {
            error = "The Agent-Auth keyid must be the agent identifier (an https URL), '#' and the key's kid.";
            return false;
        }
        if (!TrySplitCovered(covered, maxComponents, out var components))
        {
            error = "The Agent-Auth covered list must be distinct lowercase component names separated by single spaces.";
            return false;
        }
        if (!TryDecode(signature, out var bytes))
        {
            error = "The Agent-Auth signature is not base64.";
            return false;
        }
        header = new AgentAuthSignatureHeader(label, signature, bytes, algorithm, keyId, agentId, kid, created.Value, components);
        error = null;
        return true;
    }

    /// <summary>The equivalent RFC 9421 <c>Signature-Input</c> member, which the core verifier reads (every value was checked above).</summary>
    public string ToSignatureInput()
    {
        var builder = new StringBuilder(64 + KeyId.Length);
        builder.Append(Label).Append("=(");
        for (var i = 0; i < Covered.Length; i++)
        {
            builder.Append(i == 0 ? "\"" : " \"").Append(Covered[i]).Append('"');
        }
        builder.Append(");created=").Append(Created.ToString(CultureInfo.InvariantCulture)).Append(";keyid=");
        AppendString(builder, KeyId);
        if (Algorithm is not null)
        {
            builder.Append(";alg=");
            AppendString(builder, Algorithm);
        }
        return builder.ToString();
    }

    /// <summary>The equivalent RFC 9421 <c>Signature</c> member.</summary>
    public string ToSignature() => string.Concat(Label, "=:", Signature, ":");

    private static void AppendString(StringBuilder builder, string value)
    {
        builder.Append('"');
        foreach (var c in value)
        {
            if (c is '"' or '\\')
            {
                builder.Append('\\');
            }
            builder.Append(c);
        }
        builder.Append('"');
    }

    private static bool TrySplitKeyId(string keyId, out string agentId, out string kid)
    {
        var hash = keyId.IndexOf('#', StringComparison.Ordinal);
        agentId = hash < 0 ? string.Empty : keyId[..hash];
        kid = hash < 0 ? string.Empty : keyId[(hash + 1)..];
        return hash > 0 && kid.Length > 0 && kid.IndexOf('#', StringComparison.Ordinal) < 0 && LumoAuthOptionsValidation.IsAgentIdentifier(agentId);
    }

    private static bool TrySplitCovered(string covered, int maxComponents, [NotNullWhen(true)] out string[]? components)
    {
        components = null;
        if (covered.Length == 0)
        {
            return false;
        }
        var parts = covered.Split(' ');
        if (parts.Length > maxComponents)
        {
            return false;
        }
        for (var i = 0; i < parts.Length; i++)
        {
            // The signature fields themselves cannot be signed (and are rebuilt from this header for the verifier).
            if (!IsComponentName(parts[i]) || Array.IndexOf(parts, parts[i], 0, i) >= 0 || parts[i] is "signature" or "signature-input" or "agent-auth")
            {
                return false;
            }
        }
        components = parts;
        return true;
    }

    /// <summary>A derived component (<c>@</c> and lowercase letters or hyphens) or a lowercase field name; no parameters.</summary>
    private static bool IsComponentName(string name)
    {
        if (name.Length == 0 || name == "@")
        {
            return false;
        }
        var derived = name[0] == '@';
        foreach (var c in derived ? name.AsSpan(1) : name)
        {
            var ok = c is (>= 'a' and <= 'z') or '-' || (!derived && c is (>= '0' and <= '9') or '_' or '.');
            if (!ok)
            {
                return false;
            }
        }
        return true;
    }

    private static bool TryDecode(string base64, [NotNullWhen(true)] out byte[]? bytes)
    {
        bytes = null;
        var padded = (base64.Length % 4) switch
        {
            0 => base64,
            2 => base64 + "==",
            3 => base64 + "=",
            _ => null,
        };
        if (padded is null || padded.Length == 0)
        {
            return false;
        }
        var buffer = new byte[padded.Length / 4 * 3];
        if (!Convert.TryFromBase64String(padded, buffer, out var written))
        {
            return false;
        }
        bytes = buffer.AsSpan(0, written).ToArray();
        return true;
    }

    /// <summary>A forward-only reader over the header (RFC 9651 §4.2 rules for the few item types the header uses).</summary>
    private ref struct Reader
    {
        private readonly ReadOnlySpan<char> _text;
        private int _position;

        public Reader(ReadOnlySpan<char> text)
        {
            _text = text;
            _position = 0;
        }

        public readonly bool IsAtEnd => _position == _text.Length;

        public bool TryRead(char c)
        {
            if (_position < _text.Length && _text[_position] == c)
            {
                _position++;
                return true;
            }
            return false;
        }

        public void SkipSpaces()
        {
            while (_position < _text.Length && _text[_position] == ' ')
            {
                _position++;
            }
        }

        /// <summary>RFC 9651 §4.2.3.3 key: lcalpha or '*', then lcalpha, digits, '_', '-', '.', '*'.</summary>
        public bool TryReadKey([NotNullWhen(true)] out string? key)
        {
            key = null;
            var start = _position;
            if (_position >= _text.Length || _text[_position] is not ((>= 'a' and <= 'z') or '*'))
            {
                return false;
            }
            _position++;
            while (_position < _text.Length && _text[_position] is (>= 'a' and <= 'z') or (>= '0' and <= '9') or '_' or '-' or '.' or '*')
            {
                _position++;
            }
            if (_position - start > 64)
            {
                return false;
            }
            key = _text[start.._position].ToString();
            return true;
        }

        /// <summary>RFC 9651 §4.2.7 byte sequence, standard base64 alphabet only.</summary>
        public bool TryReadByteSequence([NotNullWhen(true)] out string? base64)
        {
            base64 = null;
            if (!TryRead(':'))
            {
                return false;
            }
            var start = _position;
            while (_position < _text.Length && _text[_position] is (>= 'A' and <= 'Z') or (>= 'a' and <= 'z') or (>= '0' and <= '9') or '+' or '/' or '=')
            {
                _position++;
            }
            var end = _position;
            if (!TryRead(':'))
            {
                return false;
            }
            base64 = _text[start..end].TrimEnd('=').ToString();
            // '=' only as trailing padding.
            return _text[start..end].TrimEnd('=').IndexOf('=') < 0 && base64.Length > 0;
        }

        /// <summary>RFC 9651 §4.2.5 string: printable ASCII, escapes only for '"' and '\'.</summary>
        public bool TryReadString([NotNullWhen(true)] out string? value)
        {
            value = null;
            if (!TryRead('"'))
            {
                return false;
            }
            var builder = new StringBuilder();
            while (_position < _text.Length)
            {
                var c = _text[_position++];
                if (c == '\\')
                {
                    if (_position >= _text.Length || _text[_position] is not ('"' or '\\'))
                    {
                        return false;
                    }
                    builder.Append(_text[_position++]);
                }
                else if (c == '"')
                {
                    value = builder.ToString();
                    return true;
                }
                else if (c is < ' ' or > '~')
                {
                    return false;
                }
                else
                {
                    builder.Append(c);
                }
            }
            return false;
        }

        /// <summary>RFC 9651 §4.2.4 integer, at most 15 digits; created must not be negative.</summary>
        public bool TryReadInteger([NotNullWhen(true)] out long? value)
        {
            value = null;
            var start = _position;
            while (_position < _text.Length && _text[_position] is >= '0' and <= '9')
            {
                _position++;
            }
            var digits = _position - start;
            if (digits is 0 or > 15 || !long.TryParse(_text[start.._position], NumberStyles.None, CultureInfo.InvariantCulture, out var parsed))
            {
                return false;
            }
            value = parsed;
            return true;
        }
    }
}
