using System.Buffers;
using System.Buffers.Text;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using AgentAuth.HttpSignatures;
using AgentAuth.HttpSignatures.Cryptography;

namespace AgentAuth.AspNetCore;

/// <summary>
/// Signs the <c>private_key_jwt</c> client assertion (RFC 7523 §2.2, §3): <c>iss</c> = <c>sub</c> = client id, <c>aud</c>
/// the endpoint (or the configured audience), a fresh <c>jti</c>, <c>iat</c>/<c>nbf</c>/<c>exp</c> from the scheme's clock,
/// 60 s life. The key is the project's own <see cref="SignatureKey"/> (Ed25519 on NSec, ECDSA and RSA on the BCL), so every
/// algorithm is signed by the same primitives the scheme verifies with.
/// </summary>
internal sealed class ClientAssertionSigner
{
    private static readonly TimeSpan Lifetime = TimeSpan.FromSeconds(60);
    private readonly SignatureKey _key;
    private readonly string _algorithm;
    private readonly byte[] _encodedHeader;
    private readonly string _clientId;
    private readonly string _audience;
    private readonly TimeProvider _timeProvider;

    private ClientAssertionSigner(SignatureKey key, string algorithm, string? keyId, string clientId, string audience, TimeProvider timeProvider)
    {
        _key = key;
        _algorithm = algorithm;
        _clientId = clientId;
        _audience = audience;
        _timeProvider = timeProvider;
        var header = new ArrayBufferWriter<byte>(96);
        using (var writer = new Utf8JsonWriter(header))
        {
            writer.WriteStartObject();
            writer.WriteString("alg", algorithm);
            writer.WriteString("typ", "JWT");
            if (!string.IsNullOrEmpty(keyId))
            {
                writer.WriteString("kid", keyId);
            }
            writer.WriteEndObject();
        }
        _encodedHeader = Encoding.ASCII.GetBytes(Base64Url.EncodeToString(header.WrittenSpan));
    }

    /// <summary>The JWS algorithm the assertions are signed with.</summary>
    public string Algorithm => _algorithm;

    /// <summary>Loads the PEM private key (see <see cref="TryLoadKey"/>); <see langword="null"/> with a reason when it is not usable.</summary>
    public static ClientAssertionSigner? TryCreate(TokenIntrospectionOptions options, string audience, TimeProvider timeProvider, out string? error)
    {
        if (!TryLoadKey(options.ClientAssertionPrivateKeyPem, options.ClientAssertionAlgorithm, out var key, out var alg, out error))
        {
            return null;
        }
        return new ClientAssertionSigner(key!, alg, options.ClientAssertionKeyId, options.ClientId!, options.ClientAssertionAudience ?? audience, timeProvider);
    }

    /// <summary>
    /// Loads a PEM private key and the JWS algorithm it signs with. Without <paramref name="requested"/>, the key decides:
    /// Ed25519 → <c>Ed25519</c> (RFC 9864 §2, fully specified), P-256 → <c>ES256</c>, P-384 → <c>ES384</c>, RSA (2048-4096
    /// bits) → <c>RS256</c>, an <c>id-RSASSA-PSS</c> key → <c>PS256</c>. <paramref name="requested"/> may only name another
    /// JWS name of the same key (<c>EdDSA</c> for an Ed25519 key, the RFC 8037 polymorphic name RFC 9864 deprecates, for
    /// authorization servers that know no other).
    /// </summary>
    public static bool TryLoadKey(string? pem, string? requested, out SignatureKey? key, out string alg, out string? error)
    {
        key = null;
        alg = string.Empty;
        if (string.IsNullOrWhiteSpace(pem))
        {
            error = "no PEM private key is configured";
            return false;
        }
        if (requested is not null && !IsSigningAlgorithm(requested))
        {
            error = $"'{requested}' is not one of Ed25519, EdDSA, ES256, ES384, RS256, PS256";
            return false;
        }
        if (!SignatureKey.TryImportPem(pem, requested, null, out key, out error))
        {
            // An rsaEncryption key names no algorithm of its own: RS256 (RFC 7518 §3.1), unless one was requested.
            if (requested is not null || !SignatureKey.TryImportPem(pem, JoseAlgorithms.RS256, null, out key, out _))
            {
                error = "not a usable PEM key: " + error;
                return false;
            }
        }
        if (!key!.CanSign)
        {
            key.Dispose();
            key = null;
            error = "it holds no private key";
            return false;
        }
        alg = requested ?? key.Algorithm switch
        {
            HttpSignatureAlgorithms.Ed25519 => JoseAlgorithms.Ed25519,
            HttpSignatureAlgorithms.EcdsaP256Sha256 => JoseAlgorithms.ES256,
            HttpSignatureAlgorithms.EcdsaP384Sha384 => JoseAlgorithms.ES384,
            HttpSignatureAlgorithms.RsaPssSha512 => JoseAlgorithms.PS256,
            HttpSignatureAlgorithms.RsaV15Sha256 => JoseAlgorithms.RS256,
            _ => string.Empty,
        };
        if (alg.Length == 0 || !key.SupportsJoseAlgorithm(alg))
        {
            key.Dispose();
            key = null;
            error = requested is null ? "the key type cannot sign a client assertion" : $"'{requested}' does not fit the key";
            alg = string.Empty;
            return false;
        }
        error = null;
        return true;
    }

    private static bool IsSigningAlgorithm(string alg) =>
        alg is JoseAlgorithms.Ed25519 or JoseAlgorithms.EdDsa or JoseAlgorithms.ES256 or JoseAlgorithms.ES384 or JoseAlgorithms.RS256 or JoseAlgorithms.PS256;

    public string CreateAssertion()
    {
        var now = _timeProvider.GetUtcNow().ToUnixTimeSeconds();
        Span<byte> random = stackalloc byte[16];
        RandomNumberGenerator.Fill(random);
        var payload = new ArrayBufferWriter<byte>(256);
        using (var writer = new Utf8JsonWriter(payload))
        {
            writer.WriteStartObject();
            writer.WriteString("iss", _clientId);
            writer.WriteString("sub", _clientId);
            writer.WriteString("aud", _audience);
            writer.WriteString("jti", Base64Url.EncodeToString(random));
            writer.WriteNumber("iat", now);
            writer.WriteNumber("nbf", now);
            writer.WriteNumber("exp", now + (long)Lifetime.TotalSeconds);
            writer.WriteEndObject();
        }
        var payloadLength = Base64Url.GetEncodedLength(payload.WrittenCount);
        var inputLength = _encodedHeader.Length + 1 + payloadLength;
        var signatureSize = _key.SignatureSize;
        var buffer = ArrayPool<byte>.Shared.Rent(inputLength + 1 + Base64Url.GetEncodedLength(signatureSize) + signatureSize);
        try
        {
            _encodedHeader.CopyTo(buffer, 0);
            buffer[_encodedHeader.Length] = (byte)'.';
            Base64Url.EncodeToUtf8(payload.WrittenSpan, buffer.AsSpan(_encodedHeader.Length + 1, payloadLength));
            var signature = buffer.AsSpan(buffer.Length - signatureSize, signatureSize);
            if (!_key.TrySignJose(_algorithm, buffer.AsSpan(0, inputLength), signature, out var written))
            {
                throw new CryptographicException("The client assertion could not be signed.");
            }
            buffer[inputLength] = (byte)'.';
            Base64Url.EncodeToUtf8(signature[..written], buffer.AsSpan(inputLength + 1, Base64Url.GetEncodedLength(written)));
            return Encoding.ASCII.GetString(buffer, 0, inputLength + 1 + Base64Url.GetEncodedLength(written));
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(buffer, clearArray: false);
        }
    }
}
