using System.Buffers;
using System.Buffers.Text;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using AgentAuth.HttpSignatures.Cryptography;

namespace AgentAuth.Client;

/// <summary>Writes RFC 9449 DPoP proofs: a JWS with <c>typ: dpop+jwt</c>, the public <c>jwk</c>, and <c>jti</c>, <c>htm</c>, <c>htu</c>, <c>iat</c>, <c>ath</c>, <c>nonce</c>.</summary>
internal sealed class DPoPProofWriter
{
    private readonly SignatureKey _key;
    private readonly string _algorithm;
    private readonly byte[] _encodedHeader;

    public DPoPProofWriter(SignatureKey key, string? algorithm)
    {
        _key = key;
        var jwk = key.ToPublicJwk();
        _algorithm = algorithm ?? key.JoseAlgorithm ?? DefaultAlgorithm(key);
        if (!key.SupportsJoseAlgorithm(_algorithm))
        {
            throw new InvalidOperationException("AgentAuthSigningOptions.DPoPAlgorithm '" + _algorithm + "' does not fit the " + key.Algorithm + " key.");
        }

        // The header is the same for every proof: encode it once.
        var header = new ArrayBufferWriter<byte>(512);
        using (var writer = new Utf8JsonWriter(header))
        {
            writer.WriteStartObject();
            writer.WriteString("typ", "dpop+jwt");
            writer.WriteString("alg", _algorithm);
            // Only the key members: an 'alg' member would restrict the key and could contradict the proof's own alg.
            writer.WritePropertyName("jwk");
            writer.WriteStartObject();
            writer.WriteString("kty", jwk.KeyType);
            WriteIfSet(writer, "crv", jwk.Curve);
            WriteIfSet(writer, "x", jwk.X);
            WriteIfSet(writer, "y", jwk.Y);
            WriteIfSet(writer, "n", jwk.N);
            WriteIfSet(writer, "e", jwk.E);
            writer.WriteEndObject();
            writer.WriteEndObject();
        }
        _encodedHeader = Base64UrlBytes(header.WrittenSpan);
    }

    /// <summary>The JWS algorithm of the proofs.</summary>
    public string Algorithm => _algorithm;

    public string Create(string method, string htu, string? accessToken, string? nonce, DateTimeOffset now)
    {
        var payload = new ArrayBufferWriter<byte>(256);
        using (var writer = new Utf8JsonWriter(payload))
        {
            Span<byte> random = stackalloc byte[16];
            RandomNumberGenerator.Fill(random);
            writer.WriteStartObject();
            writer.WriteString("jti", Base64Url.EncodeToString(random));
            writer.WriteString("htm", method);
            // htu is the target URI without query and fragment (RFC 9449 §4.2); the caller builds it.
            writer.WriteString("htu", htu);
            writer.WriteNumber("iat", now.ToUnixTimeSeconds());
            if (accessToken is not null)
            {
                Span<byte> hash = stackalloc byte[SHA256.HashSizeInBytes];
                SHA256.HashData(Encoding.ASCII.GetBytes(accessToken), hash);
                writer.WriteString("ath", Base64Url.EncodeToString(hash));
            }
            if (nonce is not null)
            {
                writer.WriteString("nonce", nonce);
            }
            writer.WriteEndObject();
        }

        var encodedPayload = Base64UrlBytes(payload.WrittenSpan);
        var signingInput = new byte[_encodedHeader.Length + 1 + encodedPayload.Length];
        _encodedHeader.CopyTo(signingInput, 0);
        signingInput[_encodedHeader.Length] = (byte)'.';
        encodedPayload.CopyTo(signingInput, _encodedHeader.Length + 1);

        Span<byte> signature = stackalloc byte[1024];
        if (!_key.TrySignJose(_algorithm, signingInput, signature, out var written))
        {
            throw new InvalidOperationException("The key failed to sign the DPoP proof.");
        }
        return string.Concat(Encoding.ASCII.GetString(signingInput), ".", Base64Url.EncodeToString(signature[..written]));
    }

    private static void WriteIfSet(Utf8JsonWriter writer, string name, string? value)
    {
        if (value is not null)
        {
            writer.WriteString(name, value);
        }
    }

    private static byte[] Base64UrlBytes(ReadOnlySpan<byte> data)
    {
        var encoded = new byte[Base64Url.GetEncodedLength(data.Length)];
        Base64Url.EncodeToUtf8(data, encoded);
        return encoded;
    }

    private static string DefaultAlgorithm(SignatureKey key) => key.Algorithm switch
    {
        HttpSignatureAlgorithms.Ed25519 => JoseAlgorithms.EdDsa,
        HttpSignatureAlgorithms.EcdsaP256Sha256 => JoseAlgorithms.ES256,
        HttpSignatureAlgorithms.EcdsaP384Sha384 => JoseAlgorithms.ES384,
        HttpSignatureAlgorithms.RsaPssSha512 => JoseAlgorithms.PS256,
        HttpSignatureAlgorithms.RsaV15Sha256 => JoseAlgorithms.RS256,
        _ => throw new InvalidOperationException("A " + key.Algorithm + " key cannot sign DPoP proofs; use an asymmetric key."),
    };
}
