using System.Buffers;
using System.Buffers.Text;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using System.Text.Unicode;
using AgentAuth.HttpSignatures.Cryptography;
using AgentAuth.HttpSignatures.Keys;

namespace AgentAuth.AspNetCore;

/// <summary>
/// Validates the DPoP proof of a resource request (RFC 9449 §4.3, §7.1) in the order of the verifier checklist:
/// one header, size, compact JWS, required claims, <c>typ</c>, <c>alg</c>, <c>jwk</c>, key binding (when the token's
/// <c>cnf.jkt</c> is known: a hash of the JWK, compared before any key import or signature work, so a proof with a key
/// of the client's choosing costs nothing unless it is the token's key), key import (RSA: 2048-4096 bits, exponent
/// 65537), signature, <c>htm</c>, <c>htu</c>, nonce, <c>iat</c>, <c>ath</c>, and the <c>jti</c> replay check last, so a
/// rejected proof never burns its <c>jti</c>.
/// </summary>
internal sealed class DPoPProofValidator
{
    /// <summary>The replay-cache namespace of proof <c>jti</c>s.</summary>
    public const string ReplayKeyPrefix = "dpop:";

    private static readonly JsonDocumentOptions s_jsonOptions = new() { AllowDuplicateProperties = false, MaxDepth = 16 };

    private readonly IReplayCache _replayCache;
    private readonly DPoPNonceService _nonces;
    private readonly TimeProvider _timeProvider;

    public DPoPProofValidator(IReplayCache replayCache, DPoPNonceService nonces, TimeProvider timeProvider)
    {
        ArgumentNullException.ThrowIfNull(replayCache);
        ArgumentNullException.ThrowIfNull(nonces);
        ArgumentNullException.ThrowIfNull(timeProvider);
        _replayCache = replayCache;
        _nonces = nonces;
        _timeProvider = timeProvider;
    }

    /// <summary>
    /// Validates the proof of <paramref name="request"/>. On success the caller owns the returned key. A replay cache
    /// that cannot answer throws <see cref="ReplayCacheUnavailableException"/>, which the caller turns into a 503.
    /// </summary>
    public async ValueTask<DPoPProofValidationResult> ValidateAsync(DPoPProofRequest request, AgentAuthDPoPOptions options, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(options);
        var result = ValidateProof(request, options, _timeProvider.GetUtcNow(), out var replayKey, out var replayExpiresAt);
        if (!result.Succeeded || replayKey is null)
        {
            return result;
        }

        bool firstUse;
        try
        {
            firstUse = await _replayCache.TryAddAsync(replayKey, replayExpiresAt, result.Thumbprint!, cancellationToken).ConfigureAwait(false);
        }
        catch
        {
            result.Key!.Dispose();
            throw;
        }
        if (!firstUse)
        {
            result.Key!.Dispose();
            return DPoPProofValidationResult.Failure(DPoPErrors.InvalidDPoPProof, "DPoP proof has already been used");
        }
        return result;
    }

    private DPoPProofValidationResult ValidateProof(
        in DPoPProofRequest request, AgentAuthDPoPOptions options, DateTimeOffset now, out string? replayKey, out DateTimeOffset replayExpiresAt)
    {
        replayKey = null;
        replayExpiresAt = default;

        // §4.3 check 1: exactly one DPoP header.
        var values = request.ProofHeaderValues;
        if (values.Count == 0 || string.IsNullOrEmpty(values[0]))
        {
            return Invalid(values.Count > 1 ? "Multiple DPoP proofs" : "Missing DPoP proof");
        }
        if (values.Count > 1)
        {
            return Invalid("Multiple DPoP proofs");
        }
        var proof = values[0]!;
        if (proof.Length > options.MaxProofLength)
        {
            return Invalid("DPoP proof is too large");
        }

        // Check 2: a single well-formed compact JWS with JSON object header and payload.
        if (!DPoPProofJws.TryParse(proof, out var jws))
        {
            return Invalid("Malformed DPoP proof");
        }
        using (jws)
        {
            // JsonDocument checks UTF-8 only when a string is read (GetString throws), so refuse invalid UTF-8 up front.
            if (!Utf8.IsValid(jws!.Header.Span) || !Utf8.IsValid(jws.Payload.Span))
            {
                return Invalid("Malformed DPoP proof");
            }
            JsonDocument headerDocument;
            JsonDocument payloadDocument;
            try
            {
                headerDocument = JsonDocument.Parse(jws.Header, s_jsonOptions);
            }
            catch (JsonException)
            {
                return Invalid("Malformed DPoP proof header");
            }
            using (headerDocument)
            {
                try
                {
                    payloadDocument = JsonDocument.Parse(jws.Payload, s_jsonOptions);
                }
                catch (JsonException)
                {
                    return Invalid("Malformed DPoP proof payload");
                }
                using (payloadDocument)
                {
                    return ValidateContent(request, options, now, jws, headerDocument.RootElement, payloadDocument.RootElement, out replayKey, out replayExpiresAt);
                }
            }
        }
    }

    private DPoPProofValidationResult ValidateContent(
        in DPoPProofRequest request,
        AgentAuthDPoPOptions options,
        DateTimeOffset now,
        DPoPProofJws jws,
        JsonElement headerElement,
        JsonElement payloadElement,
        out string? replayKey,
        out DateTimeOffset replayExpiresAt)
    {
        replayKey = null;
        replayExpiresAt = default;
        if (!DPoPProofHeader.TryRead(headerElement, out var header, out var error)
            || !DPoPProofClaims.TryRead(payloadElement, out var claims, out error))
        {
            return Invalid(error!);
        }

        // Check 3: required claims; ath is required because a token is always presented at a resource.
        if (claims.Jti is not { } jti)
        {
            return Invalid("DPoP proof is missing 'jti'");
        }
        if (claims.Htm is not { } htm)
        {
            return Invalid("DPoP proof is missing 'htm'");
        }
        if (claims.Htu is not { } htu)
        {
            return Invalid("DPoP proof is missing 'htu'");
        }
        if (claims.IssuedAt is not { } iat)
        {
            return Invalid("DPoP proof is missing 'iat'");
        }
        if (claims.Ath is not { } ath)
        {
            return Invalid("DPoP proof is missing 'ath'");
        }

        // Check 4: typ (a media type, compared case-insensitively; RFC 7515 §4.1.9 allows the "application/" prefix).
        if (!IsDPoPType(header.Type))
        {
            return Invalid("DPoP proof 'typ' is not 'dpop+jwt'");
        }

        // Check 5: an asymmetric algorithm on the allow-list; none and HS* are never supported.
        var alg = header.Algorithm;
        if (alg is null || !DPoPAlgorithms.IsAllowed(alg, options.AllowedAlgorithms))
        {
            return Invalid("DPoP proof 'alg' is not supported");
        }

        // Check 7 before 6: the key must be a public JWK whose type fits alg, since the signature is checked with it.
        if (header.Jwk.ValueKind != JsonValueKind.Object)
        {
            return Invalid("DPoP proof is missing 'jwk'");
        }
        if (!Jwk.TryParse(header.Jwk, out var jwk, out _))
        {
            return Invalid("DPoP proof 'jwk' is not a valid JWK");
        }
        if (jwk!.HasPrivateMembers || !jwk.IsPublicOnly)
        {
            return Invalid("DPoP proof 'jwk' must be a public key");
        }

        // Check 12b moved first (RFC 9449 §7.1 does not order the checks): the RFC 7638 thumbprint is a SHA-256 over the
        // JWK's members, so comparing it with cnf.jkt costs a hash, while importing the key and verifying can cost a
        // full-size modular exponentiation with a key the client chose.
        var thumbprint = JwkThumbprint.ComputeSha256(jwk);
        if (request.ExpectedThumbprint is { } expected && !Confirmation.ThumbprintEquals(thumbprint, expected))
        {
            return DPoPProofValidationResult.Failure(DPoPErrors.InvalidToken, DPoPErrors.InvalidKeyBindingDescription);
        }
        if (!SignatureKey.TryCreate(jwk, alg, out var key, out var keyError))
        {
            // The reader's reason names no key material (for example "RSA keys must use the public exponent 65537").
            return Invalid(string.Concat("DPoP proof 'jwk' does not fit 'alg' or is not an acceptable key: ", keyError));
        }

        var accepted = false;
        try
        {
            if (!key!.SupportsJoseAlgorithm(alg))
            {
                return Invalid("DPoP proof 'jwk' does not fit 'alg'");
            }

            // Check 6: the signature, under the header key.
            if (!key.VerifyJose(alg, jws.SigningInput.Span, jws.Signature.Span))
            {
                return Invalid("DPoP proof signature is invalid");
            }

            // Check 8: htm (methods are case-sensitive).
            if (!string.Equals(htm, request.Method, StringComparison.Ordinal))
            {
                return Invalid("DPoP proof 'htm' does not match the request method");
            }

            // Check 9: htu against the request URI at the public origin, without query and fragment.
            if (!DPoPHtu.Matches(htu, request.PublicOrigin, request.RawTarget))
            {
                return Invalid("DPoP proof 'htu' does not match the request URI");
            }

            // Check 10: server nonce.
            string? freshNonce = null;
            if (options.RequireNonce)
            {
                var status = _nonces.Validate(claims.Nonce, now, options, out var nonceIssuedAt);
                if (status != DPoPNonceStatus.Valid)
                {
                    return DPoPProofValidationResult.Failure(DPoPErrors.UseDPoPNonce, DPoPErrors.NonceRequiredDescription, _nonces.CreateNonce(now));
                }
                if (DPoPNonceService.ShouldRotate(nonceIssuedAt, now, options))
                {
                    freshNonce = _nonces.CreateNonce(now);
                }
            }

            // Check 11: iat within [now - ProofLifetime, now + ClockSkew].
            var issuedAt = DateTimeOffset.FromUnixTimeSeconds(iat);
            if (issuedAt > now + options.ClockSkew)
            {
                return Invalid("DPoP proof 'iat' is in the future");
            }
            if (issuedAt < now - options.ProofLifetime)
            {
                return Invalid("DPoP proof has expired");
            }

            // Check 12a: ath binds the proof to this access token.
            if (!DPoPAccessTokenHash.Matches(request.AccessToken, ath))
            {
                return Invalid("DPoP proof 'ath' does not match the access token");
            }

            if (options.EnableReplayDetection)
            {
                replayKey = CreateReplayKey(thumbprint, htu, jti);
                // The last moment this proof could still pass the iat check, plus the skew for other instances' clocks.
                replayExpiresAt = issuedAt + options.ProofLifetime + options.ClockSkew;
            }
            accepted = true;
            return DPoPProofValidationResult.Success(key, thumbprint, jti, issuedAt, freshNonce);
        }
        finally
        {
            if (!accepted)
            {
                key!.Dispose();
            }
        }
    }

    /// <summary><c>dpop:{thumbprint}:{base64url(SHA-256(htu LF jti))}</c>: fixed length whatever the client sent.</summary>
    internal static string CreateReplayKey(string thumbprint, string htu, string jti)
    {
        var length = Encoding.UTF8.GetByteCount(htu) + 1 + Encoding.UTF8.GetByteCount(jti);
        var buffer = ArrayPool<byte>.Shared.Rent(length);
        try
        {
            var written = Encoding.UTF8.GetBytes(htu, buffer);
            buffer[written++] = (byte)'\n'; // htu cannot contain LF (it matched a normalized URI), so the split is unambiguous
            written += Encoding.UTF8.GetBytes(jti, buffer.AsSpan(written));
            Span<byte> hash = stackalloc byte[SHA256.HashSizeInBytes];
            SHA256.HashData(buffer.AsSpan(0, written), hash);
            return string.Concat(ReplayKeyPrefix, thumbprint, ":", Base64Url.EncodeToString(hash));
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(buffer);
        }
    }

    private static bool IsDPoPType(string? type)
    {
        const string MediaType = "dpop+jwt";
        if (type is null)
        {
            return false;
        }
        var value = type.AsSpan();
        if (value.StartsWith("application/", StringComparison.OrdinalIgnoreCase))
        {
            value = value["application/".Length..];
        }
        return value.Equals(MediaType, StringComparison.OrdinalIgnoreCase);
    }

    private static DPoPProofValidationResult Invalid(string description) =>
        DPoPProofValidationResult.Failure(DPoPErrors.InvalidDPoPProof, description);
}
