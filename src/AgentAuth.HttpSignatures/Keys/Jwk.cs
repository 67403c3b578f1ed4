using System.Buffers;
using System.Text;
using System.Text.Json;
using AgentAuth.HttpSignatures.Cryptography;

namespace AgentAuth.HttpSignatures.Keys;

/// <summary>
/// An immutable, validated JSON Web Key (RFC 7517) for signatures: <c>kty</c> RSA, EC (P-256, P-384),
/// OKP (Ed25519) or oct. Parsing refuses unknown key types and curves, ECDH-only curves (X25519, X448),
/// members of another key type, non-strict base64url, wrong coordinate lengths and an <c>alg</c> that does not
/// fit the key. Turn it into a usable key with <see cref="SignatureKey.TryCreate(Jwk, out SignatureKey?, out string?)"/>.
/// </summary>
public sealed class Jwk
{
    internal const string KeyTypeRsa = "RSA";
    internal const string KeyTypeEc = "EC";
    internal const string KeyTypeOkp = "OKP";
    internal const string KeyTypeOct = "oct";
    internal const string CurveP256 = "P-256";
    internal const string CurveP384 = "P-384";
    internal const string CurveEd25519 = "Ed25519";

    private static readonly JsonReaderOptions s_readerOptions = new()
    {
        MaxDepth = 16,
        CommentHandling = JsonCommentHandling.Disallow,
        AllowTrailingCommas = false,
    };

    private static readonly string[] s_knownMembers =
        ["kty", "crv", "x", "y", "n", "e", "k", "d", "p", "q", "dp", "dq", "qi", "kid", "alg", "use", "key_ops", "oth"];

    internal Jwk(string keyType)
    {
        KeyType = keyType;
    }

    /// <summary>The <c>kty</c> member: <c>RSA</c>, <c>EC</c>, <c>OKP</c> or <c>oct</c>.</summary>
    public string KeyType { get; }

    /// <summary>The <c>crv</c> member (EC and OKP).</summary>
    public string? Curve { get; internal init; }

    /// <summary>The <c>x</c> member: EC x-coordinate or OKP public key (base64url).</summary>
    public string? X { get; internal init; }

    /// <summary>The <c>y</c> member: EC y-coordinate (base64url).</summary>
    public string? Y { get; internal init; }

    /// <summary>The <c>n</c> member: RSA modulus (base64url).</summary>
    public string? N { get; internal init; }

    /// <summary>The <c>e</c> member: RSA public exponent (base64url).</summary>
    public string? E { get; internal init; }

    /// <summary>The <c>k</c> member: symmetric key value (base64url). Secret.</summary>
    public string? K { get; internal init; }

    /// <summary>The <c>d</c> member: EC/OKP private key or RSA private exponent (base64url). Secret.</summary>
    public string? D { get; internal init; }

    /// <summary>The <c>p</c> member: RSA first prime factor. Secret.</summary>
    public string? P { get; internal init; }

    /// <summary>The <c>q</c> member: RSA second prime factor. Secret.</summary>
    public string? Q { get; internal init; }

    /// <summary>The <c>dp</c> member: RSA first factor CRT exponent. Secret.</summary>
    public string? DP { get; internal init; }

    /// <summary>The <c>dq</c> member: RSA second factor CRT exponent. Secret.</summary>
    public string? DQ { get; internal init; }

    /// <summary>The <c>qi</c> member: RSA first CRT coefficient. Secret.</summary>
    public string? QI { get; internal init; }

    /// <summary>The <c>kid</c> member.</summary>
    public string? KeyId { get; internal init; }

    /// <summary>The <c>alg</c> member (a JWS algorithm name, see <see cref="JoseAlgorithms"/>).</summary>
    public string? Algorithm { get; internal init; }

    /// <summary>The <c>use</c> member (<c>sig</c> or <c>enc</c>).</summary>
    public string? Use { get; internal init; }

    /// <summary>The <c>key_ops</c> member.</summary>
    public IReadOnlyList<string>? KeyOperations { get; internal init; }

    /// <summary>True when the JWK carries private or secret material: <c>d</c>, RSA CRT members, or an <c>oct</c> <c>k</c>.</summary>
    public bool HasPrivateMembers =>
        D is not null || P is not null || Q is not null || DP is not null || DQ is not null || QI is not null || K is not null;

    /// <summary>True for an asymmetric key with no private members: safe to publish or to accept as <c>cnf.jwk</c>.</summary>
    public bool IsPublicOnly => !HasPrivateMembers && KeyType != KeyTypeOct;

    /// <summary>Parses one JWK from UTF-8 JSON. Never throws for bad input.</summary>
    /// <param name="utf8Json">The JSON object.</param>
    /// <param name="jwk">The key when parsing succeeded.</param>
    /// <param name="error">A short reason when parsing failed.</param>
    /// <returns><see langword="true"/> when <paramref name="jwk"/> is set.</returns>
    public static bool TryParse(ReadOnlySpan<byte> utf8Json, out Jwk? jwk, out string? error)
    {
        jwk = null;
        if (!TryParseDocument(utf8Json, out var document, out error))
        {
            return false;
        }
        using (document)
        {
            return TryParse(document!.RootElement, out jwk, out error);
        }
    }

    /// <summary>Parses one JWK from a JSON string. Never throws for bad input.</summary>
    /// <param name="json">The JSON object.</param>
    /// <param name="jwk">The key when parsing succeeded.</param>
    /// <param name="error">A short reason when parsing failed.</param>
    /// <returns><see langword="true"/> when <paramref name="jwk"/> is set.</returns>
    public static bool TryParse(string json, out Jwk? jwk, out string? error)
    {
        ArgumentNullException.ThrowIfNull(json);
        var max = Encoding.UTF8.GetMaxByteCount(json.Length);
        var buffer = ArrayPool<byte>.Shared.Rent(max);
        try
        {
            var length = Encoding.UTF8.GetBytes(json, buffer);
            return TryParse(buffer.AsSpan(0, length), out jwk, out error);
        }
        finally
        {
            // A private JWK may have passed through the buffer.
            Array.Clear(buffer);
            ArrayPool<byte>.Shared.Return(buffer);
        }
    }

    /// <summary>Parses one JWK from an already parsed JSON element (for example a JOSE header <c>jwk</c> or <c>cnf.jwk</c>).</summary>
    /// <param name="element">The JSON object.</param>
    /// <param name="jwk">The key when parsing succeeded.</param>
    /// <param name="error">A short reason when parsing failed.</param>
    /// <returns><see langword="true"/> when <paramref name="jwk"/> is set.</returns>
    public static bool TryParse(JsonElement element, out Jwk? jwk, out string? error)
    {
        jwk = null;
        if (element.ValueKind != JsonValueKind.Object)
        {
            error = "a JWK must be a JSON object";
            return false;
        }

        string? kty = null, crv = null, x = null, y = null, n = null, e = null, k = null, d = null;
        string? p = null, q = null, dp = null, dq = null, qi = null, kid = null, alg = null, use = null;
        List<string>? keyOps = null;
        // Duplicate members are refused for the members that matter (RFC 7515 §5.2 lets a parser reject them):
        // two parsers must never read two different keys from one document. Bit i = member i of s_knownMembers.
        var seen = 0;
        foreach (var property in element.EnumerateObject())
        {
            var index = Array.IndexOf(s_knownMembers, property.Name);
            if (index >= 0)
            {
                if ((seen & (1 << index)) != 0)
                {
                    error = "duplicate member '" + property.Name + "'";
                    return false;
                }
                seen |= 1 << index;
            }
            var value = property.Value;
            switch (property.Name)
            {
                case "kty": if (!ReadString(value, "kty", ref kty, out error)) { return false; } break;
                case "crv": if (!ReadString(value, "crv", ref crv, out error)) { return false; } break;
                case "x": if (!ReadString(value, "x", ref x, out error)) { return false; } break;
                case "y": if (!ReadString(value, "y", ref y, out error)) { return false; } break;
                case "n": if (!ReadString(value, "n", ref n, out error)) { return false; } break;
                case "e": if (!ReadString(value, "e", ref e, out error)) { return false; } break;
                case "k": if (!ReadString(value, "k", ref k, out error)) { return false; } break;
                case "d": if (!ReadString(value, "d", ref d, out error)) { return false; } break;
                case "p": if (!ReadString(value, "p", ref p, out error)) { return false; } break;
                case "q": if (!ReadString(value, "q", ref q, out error)) { return false; } break;
                case "dp": if (!ReadString(value, "dp", ref dp, out error)) { return false; } break;
                case "dq": if (!ReadString(value, "dq", ref dq, out error)) { return false; } break;
                case "qi": if (!ReadString(value, "qi", ref qi, out error)) { return false; } break;
                case "kid": if (!ReadString(value, "kid", ref kid, out error)) { return false; } break;
                case "alg": if (!ReadString(value, "alg", ref alg, out error)) { return false; } break;
                case "use": if (!ReadString(value, "use", ref use, out error)) { return false; } break;
                case "oth":
                    error = "multi-prime RSA keys ('oth') are not supported";
                    return false;
                case "key_ops":
                    if (!ReadKeyOperations(value, out keyOps, out error))
                    {
                        return false;
                    }
                    break;
                default:
                    // Other registered or private members (x5c, x5t, ext, nbf, ...) do not affect signatures.
                    break;
            }
        }

        if (kty is null)
        {
            error = "missing 'kty'";
            return false;
        }

        var candidate = new Jwk(kty)
        {
            Curve = crv, X = x, Y = y, N = n, E = e, K = k, D = d, P = p, Q = q, DP = dp, DQ = dq, QI = qi,
            KeyId = kid, Algorithm = alg, Use = use, KeyOperations = keyOps,
        };
        error = candidate.Validate();
        if (error is not null)
        {
            return false;
        }
        jwk = candidate;
        return true;
    }

    /// <summary>Serializes the JWK (every member it holds, private ones included) as compact JSON.</summary>
    /// <returns>The JSON text.</returns>
    public string ToJson()
    {
        var buffer = new ArrayBufferWriter<byte>(256);
        using (var writer = new Utf8JsonWriter(buffer))
        {
            WriteTo(writer);
        }
        return Encoding.UTF8.GetString(buffer.WrittenSpan);
    }

    /// <summary>Writes the JWK as a JSON object.</summary>
    /// <param name="writer">The destination writer.</param>
    public void WriteTo(Utf8JsonWriter writer)
    {
        ArgumentNullException.ThrowIfNull(writer);
        writer.WriteStartObject();
        writer.WriteString("kty", KeyType);
        WriteOptional(writer, "kid", KeyId);
        WriteOptional(writer, "use", Use);
        if (KeyOperations is not null)
        {
            writer.WriteStartArray("key_ops");
            foreach (var op in KeyOperations)
            {
                writer.WriteStringValue(op);
            }
            writer.WriteEndArray();
        }
        WriteOptional(writer, "alg", Algorithm);
        WriteOptional(writer, "crv", Curve);
        WriteOptional(writer, "x", X);
        WriteOptional(writer, "y", Y);
        WriteOptional(writer, "n", N);
        WriteOptional(writer, "e", E);
        WriteOptional(writer, "k", K);
        WriteOptional(writer, "d", D);
        WriteOptional(writer, "p", P);
        WriteOptional(writer, "q", Q);
        WriteOptional(writer, "dp", DP);
        WriteOptional(writer, "dq", DQ);
        WriteOptional(writer, "qi", QI);
        writer.WriteEndObject();
    }

    /// <summary>
    /// A public asymmetric JWK from members read elsewhere (the <c>hwk</c> parameters of <c>Signature-Key</c>), with the
    /// same checks as parsing: known key type and curve, strict base64url of the right lengths, <c>alg</c> fitting the key.
    /// </summary>
    internal static bool TryCreatePublic(string kty, string? crv, string? x, string? y, string? n, string? e, string alg,
        [System.Diagnostics.CodeAnalysis.NotNullWhen(true)] out Jwk? jwk, [System.Diagnostics.CodeAnalysis.NotNullWhen(false)] out string? error)
    {
        jwk = null;
        if (kty == KeyTypeOct)
        {
            error = "symmetric keys are not accepted";
            return false;
        }
        var candidate = new Jwk(kty) { Curve = crv, X = x, Y = y, N = n, E = e, Algorithm = alg };
        error = candidate.Validate();
        if (error is not null)
        {
            return false;
        }
        jwk = candidate;
        return true;
    }

    internal static bool TryParseDocument(ReadOnlySpan<byte> utf8Json, out JsonDocument? document, out string? error)
    {
        document = null;
        // JsonDocument checks UTF-8 only when a string is read (GetString throws), so refuse invalid UTF-8 up front.
        if (!System.Text.Unicode.Utf8.IsValid(utf8Json))
        {
            error = "the JSON is not valid UTF-8";
            return false;
        }
        try
        {
            var reader = new Utf8JsonReader(utf8Json, s_readerOptions);
            if (!JsonDocument.TryParseValue(ref reader, out document))
            {
                error = "incomplete JSON";
                return false;
            }
            var rest = utf8Json[(int)reader.BytesConsumed..];
            if (rest.TrimStart(" \t\r\n"u8).Length != 0)
            {
                document.Dispose();
                document = null;
                error = "trailing data after the JSON value";
                return false;
            }
            error = null;
            return true;
        }
        catch (JsonException)
        {
            document?.Dispose();
            document = null;
            error = "malformed JSON";
            return false;
        }
    }

    /// <summary>The JOSE algorithms this key type and curve allow.</summary>
    internal static bool AlgorithmFits(string keyType, string? curve, string alg) => keyType switch
    {
        KeyTypeOkp => alg is JoseAlgorithms.EdDsa or JoseAlgorithms.Ed25519,
        KeyTypeEc => (curve == CurveP256 && alg == JoseAlgorithms.ES256) || (curve == CurveP384 && alg == JoseAlgorithms.ES384),
        KeyTypeRsa => JoseAlgorithms.IsRsaPss(alg) || JoseAlgorithms.IsRsaPkcs1(alg),
        KeyTypeOct => alg == JoseAlgorithms.HS256,
        _ => false,
    };

    internal static int CoordinateLength(string? curve) => curve switch
    {
        CurveP256 => 32,
        CurveP384 => 48,
        CurveEd25519 => 32,
        _ => 0,
    };

    // RFC 7517 §4 and RFC 7518 §6: the members a key type requires, none of another type's, each in strict base64url of
    // the right length; then an 'alg' that fits the key (RFC 7517 §4.4).
    private string? Validate()
    {
        var error = KeyType switch
        {
            KeyTypeOkp => ValidateOkp(),
            KeyTypeEc => ValidateEc(),
            KeyTypeRsa => ValidateRsa(),
            KeyTypeOct => ValidateOct(),
            _ => "unsupported key type '" + KeyType + "'",
        };
        if (error is null && Algorithm is not null && !AlgorithmFits(KeyType, Curve, Algorithm))
        {
            return "alg '" + Algorithm + "' does not fit a " + KeyType + (Curve is null ? string.Empty : " " + Curve) + " key";
        }
        return error;
    }

    /// <summary>An Ed25519 key (RFC 8037 §2): 32-byte <c>x</c> and optional <c>d</c>; X25519/X448 are for key agreement.</summary>
    private string? ValidateOkp()
    {
        if (Curve is null)
        {
            return "OKP key without 'crv'";
        }
        if (Curve is "X25519" or "X448")
        {
            return "crv '" + Curve + "' is for key agreement, not signatures";
        }
        if (Curve != CurveEd25519)
        {
            return "unsupported OKP curve '" + Curve + "'";
        }
        if (Forbidden(Y, N, E, K, P, Q, DP, DQ, QI) is { } okpExtra)
        {
            return okpExtra;
        }
        if (!HasLength(X, 32) || (D is not null && !HasLength(D, 32)))
        {
            return "Ed25519 'x' (and 'd') must be 32 bytes of strict base64url";
        }
        return null;
    }

    /// <summary>A P-256 or P-384 key (RFC 7518 §6.2): <c>x</c>, <c>y</c> (and <c>d</c>) of the curve's coordinate length.</summary>
    private string? ValidateEc()
    {
        if (Curve is null)
        {
            return "EC key without 'crv'";
        }
        var size = Curve is CurveP256 or CurveP384 ? CoordinateLength(Curve) : 0;
        if (size == 0)
        {
            return "unsupported EC curve '" + Curve + "'";
        }
        if (Forbidden(N, E, K, P, Q, DP, DQ, QI) is { } ecExtra)
        {
            return ecExtra;
        }
        if (!HasLength(X, size) || !HasLength(Y, size) || (D is not null && !HasLength(D, size)))
        {
            return Curve == CurveP256
                ? "P-256 'x', 'y' (and 'd') must be 32 bytes of strict base64url"
                : "P-384 'x', 'y' (and 'd') must be 48 bytes of strict base64url";
        }
        return null;
    }

    /// <summary>An RSA key (RFC 7518 §6.3): <c>n</c> and <c>e</c> in minimal form; CRT members only with <c>d</c>.</summary>
    private string? ValidateRsa()
    {
        if (Curve is not null || X is not null || Y is not null || K is not null)
        {
            return "RSA key with members of another key type";
        }
        if (!IsValue(N) || !IsValue(E))
        {
            return "RSA key needs 'n' and 'e' in strict base64url";
        }
        // RFC 7518 §2 (Base64urlUInt) and §6.3.1: "the minimum number of octets". A redundant leading zero is refused
        // rather than stripped: it would give the same key a second RFC 7638 thumbprint (and identity).
        if (Base64UrlStrict.HasLeadingZeroByte(N) || Base64UrlStrict.HasLeadingZeroByte(E))
        {
            return "RSA 'n' and 'e' must not have a leading zero octet (RFC 7518 §2, §6.3.1)";
        }
        if ((D is not null && !IsValue(D)) || (P is not null && !IsValue(P)) || (Q is not null && !IsValue(Q))
            || (DP is not null && !IsValue(DP)) || (DQ is not null && !IsValue(DQ)) || (QI is not null && !IsValue(QI)))
        {
            return "RSA private members must be strict base64url";
        }
        if (D is null && (P is not null || Q is not null || DP is not null || DQ is not null || QI is not null))
        {
            return "RSA CRT members without 'd'";
        }
        return null;
    }

    /// <summary>A symmetric key (RFC 7518 §6.4): <c>k</c> only.</summary>
    private string? ValidateOct()
    {
        if (Curve is not null || X is not null || Y is not null || N is not null || E is not null || D is not null)
        {
            return "oct key with members of another key type";
        }
        if (!IsValue(K))
        {
            return "oct key needs 'k' in strict base64url";
        }
        return null;
    }

    private static string? Forbidden(params string?[] members)
    {
        foreach (var member in members)
        {
            if (member is not null)
            {
                return "key with members of another key type";
            }
        }
        return null;
    }

    private static bool IsValue(string? value) => value is not null && Base64UrlStrict.TryGetDecodedLength(value, out _);

    private static bool HasLength(string? value, int length) =>
        value is not null && Base64UrlStrict.TryGetDecodedLength(value, out var actual) && actual == length;

    private static bool ReadString(JsonElement value, string name, ref string? target, out string? error)
    {
        if (value.ValueKind != JsonValueKind.String)
        {
            error = "'" + name + "' must be a string";
            return false;
        }
        target = value.GetString();
        error = null;
        return true;
    }

    private static bool ReadKeyOperations(JsonElement value, out List<string>? operations, out string? error)
    {
        operations = null;
        if (value.ValueKind != JsonValueKind.Array)
        {
            error = "'key_ops' must be an array of strings";
            return false;
        }
        var list = new List<string>(value.GetArrayLength());
        foreach (var item in value.EnumerateArray())
        {
            if (item.ValueKind != JsonValueKind.String)
            {
                error = "'key_ops' must be an array of strings";
                return false;
            }
            var op = item.GetString()!;
            if (list.Contains(op))
            {
                error = "'key_ops' has a duplicate value";
                return false;
            }
            list.Add(op);
        }
        operations = list;
        error = null;
        return true;
    }

    private static void WriteOptional(Utf8JsonWriter writer, string name, string? value)
    {
        if (value is not null)
        {
            writer.WriteString(name, value);
        }
    }
}
