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
/// Validates the DPoP proof of a resource request (RFC 9449 §4.3, §7.1), one named step per check, in this order:
/// one header and its size, compact JWS (<see cref="ValidateProof"/>), required claims, header (<c>typ</c>,
/// <c>alg</c>, <c>jwk</c>), key binding (when the token's <c>cnf.jkt</c> is known: a hash of the JWK, compared before
/// any key import or signature work, so a proof with a key of the client's choosing costs nothing unless it is the
/// token's key), key import (RSA: 2048-4096 bits, exponent 65537), signature, <c>htm</c>, <c>htu</c>, nonce,
/// <c>iat</c>, <c>ath</c>, and the <c>jti</c> replay check last (<see cref="ValidateAsync"/>), so a rejected proof
/// never burns its <c>jti</c>.
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

        // RFC 9449 §4.3: exactly one DPoP header.
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

        // RFC 9449 §4.3: a single well-formed compact JWS with JSON object header and payload.
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

    // The steps of RFC 9449 §4.3 in order, except that the key binding (§7.1: the proof key must be the token's
    // cnf.jkt) comes right after the header is read: the RFC 7638 thumbprint is a SHA-256 over the JWK's members, so
    // comparing it costs a hash, while importing the key and verifying can cost a full-size modular exponentiation
    // with a key the client chose. Replay is last (in ValidateAsync), so a rejected proof never burns its jti.
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
        if (!ValidateRequiredClaims(claims, out var required, out var failure)
            || !ValidateHeader(header, options, out var alg, out var jwk, out failure))
        {
            return failure;
        }
        var thumbprint = JwkThumbprint.ComputeSha256(jwk);
        if (!ValidateKeyBinding(request, thumbprint, out failure)
            || !TryImportKey(jwk, alg, out var key, out failure))
        {
            return failure;
        }

        var accepted = false;
        try
        {
            string? freshNonce = null;
            if (!ValidateSignature(key, alg, jws, out failure)
                || !ValidateMethod(request, required.Htm, out failure)
                || !ValidateUri(request, required.Htu, out failure)
                || !ValidateNonce(claims.Nonce, options, now, out freshNonce, out failure)
                || !ValidateIssuedAt(required.IssuedAt, options, now, out var issuedAt, out failure)
                || !ValidateAccessTokenHash(request, required.Ath, out failure))
            {
                return failure;
            }

            if (options.EnableReplayDetection)
            {
                replayKey = CreateReplayKey(thumbprint, required.Htu, required.Jti);
                // The last moment this proof could still pass the iat check, plus the skew for other instances' clocks.
                replayExpiresAt = issuedAt + options.ProofLifetime + options.ClockSkew;
            }
            accepted = true;
            return DPoPProofValidationResult.Success(key, thumbprint, required.Jti, issuedAt, freshNonce);
        }
        finally
        {
            if (!accepted)
            {
                key.Dispose();
            }
        }
    }

    /// <summary>The claims every resource-request proof must carry; <c>ath</c> too, because a token is always presented.</summary>
    private readonly record struct RequiredClaims(string Jti, string Htm, string Htu, long IssuedAt, string Ath);

    // RFC 9449 §4.3: the JWT carries all required claims (§4.2, and ath for a resource request, §7.1).
    private static bool ValidateRequiredClaims(in DPoPProofClaims claims, out RequiredClaims required, out DPoPProofValidationResult failure)
    {
        required = default;
        string? missing = claims.Jti is null ? "jti"
            : claims.Htm is null ? "htm"
            : claims.Htu is null ? "htu"
            : claims.IssuedAt is null ? "iat"
            : claims.Ath is null ? "ath"
            : null;
        if (missing is not null)
        {
            failure = Invalid(string.Concat("DPoP proof is missing '", missing, "'"));
            return false;
        }
        required = new RequiredClaims(claims.Jti!, claims.Htm!, claims.Htu!, claims.IssuedAt!.Value, claims.Ath!);
        failure = default;
        return true;
    }

    // RFC 9449 §4.3: typ is dpop+jwt, alg an allowed asymmetric algorithm (none and HS* never), jwk a public key
    // (read before the signature, since the signature is checked with it).
    private static bool ValidateHeader(in DPoPProofHeader header, AgentAuthDPoPOptions options, out string alg, out Jwk jwk, out DPoPProofValidationResult failure)
    {
        alg = null!;
        jwk = null!;
        // typ is a media type, compared case-insensitively; RFC 7515 §4.1.9 allows the "application/" prefix.
        if (!IsDPoPType(header.Type))
        {
            failure = Invalid("DPoP proof 'typ' is not 'dpop+jwt'");
            return false;
        }
        if (header.Algorithm is not { } algorithm || !DPoPAlgorithms.IsAllowed(algorithm, options.AllowedAlgorithms))
        {
            failure = Invalid("DPoP proof 'alg' is not supported");
            return false;
        }
        if (header.Jwk.ValueKind != JsonValueKind.Object)
        {
            failure = Invalid("DPoP proof is missing 'jwk'");
            return false;
        }
        if (!Jwk.TryParse(header.Jwk, out var parsed, out _))
        {
            failure = Invalid("DPoP proof 'jwk' is not a valid JWK");
            return false;
        }
        if (parsed!.HasPrivateMembers || !parsed.IsPublicOnly)
        {
            failure = Invalid("DPoP proof 'jwk' must be a public key");
            return false;
        }
        alg = algorithm;
        jwk = parsed;
        failure = default;
        return true;
    }

    // RFC 9449 §7.1 / §6.1: the proof key satisfies the token's cnf.jkt (one check for every mode: Confirmation).
    private static bool ValidateKeyBinding(in DPoPProofRequest request, string thumbprint, out DPoPProofValidationResult failure)
    {
        if (request.ExpectedThumbprint is { } expected && !Confirmation.ThumbprintEquals(thumbprint, expected))
        {
            failure = DPoPProofValidationResult.Failure(DPoPErrors.InvalidToken, DPoPErrors.InvalidKeyBindingDescription);
            return false;
        }
        failure = default;
        return true;
    }

    // The key must fit alg and be acceptable (RSA: 2048-4096 bits, exponent 65537).
    private static bool TryImportKey(Jwk jwk, string alg, out SignatureKey key, out DPoPProofValidationResult failure)
    {
        if (!SignatureKey.TryCreate(jwk, alg, out var created, out var keyError))
        {
            key = null!;
            // The reader's reason names no key material (for example "RSA keys must use the public exponent 65537").
            failure = Invalid(string.Concat("DPoP proof 'jwk' does not fit 'alg' or is not an acceptable key: ", keyError));
            return false;
        }
        key = created!;
        if (!key.SupportsJoseAlgorithm(alg))
        {
            key.Dispose();
            key = null!;
            failure = Invalid("DPoP proof 'jwk' does not fit 'alg'");
            return false;
        }
        failure = default;
        return true;
    }

    // RFC 9449 §4.3: the signature verifies with the header's jwk.
    private static bool ValidateSignature(SignatureKey key, string alg, DPoPProofJws jws, out DPoPProofValidationResult failure)
    {
        failure = key.VerifyJose(alg, jws.SigningInput.Span, jws.Signature.Span) ? default : Invalid("DPoP proof signature is invalid");
        return failure.Error is null;
    }

    // RFC 9449 §4.3: htm is the request method (methods are case-sensitive).
    private static bool ValidateMethod(in DPoPProofRequest request, string htm, out DPoPProofValidationResult failure)
    {
        failure = string.Equals(htm, request.Method, StringComparison.Ordinal) ? default : Invalid("DPoP proof 'htm' does not match the request method");
        return failure.Error is null;
    }

    // RFC 9449 §4.3: htu is the request URI at the public origin, without query and fragment.
    private static bool ValidateUri(in DPoPProofRequest request, string htu, out DPoPProofValidationResult failure)
    {
        failure = DPoPHtu.Matches(htu, request.PublicOrigin, request.RawTarget) ? default : Invalid("DPoP proof 'htu' does not match the request URI");
        return failure.Error is null;
    }

    // RFC 9449 §4.3 / §8: when the server requires a nonce, the proof carries a current one; an old one is rotated.
    private bool ValidateNonce(string? nonce, AgentAuthDPoPOptions options, DateTimeOffset now, out string? freshNonce, out DPoPProofValidationResult failure)
    {
        freshNonce = null;
        failure = default;
        if (!options.RequireNonce)
        {
            return true;
        }
        if (_nonces.Validate(nonce, now, options, out var nonceIssuedAt) != DPoPNonceStatus.Valid)
        {
            failure = DPoPProofValidationResult.Failure(DPoPErrors.UseDPoPNonce, DPoPErrors.NonceRequiredDescription, _nonces.CreateNonce(now));
            return false;
        }
        if (DPoPNonceService.ShouldRotate(nonceIssuedAt, now, options))
        {
            freshNonce = _nonces.CreateNonce(now);
        }
        return true;
    }

    // RFC 9449 §4.3 / §11.1: iat within [now - ProofLifetime, now + ClockSkew].
    private static bool ValidateIssuedAt(long iat, AgentAuthDPoPOptions options, DateTimeOffset now, out DateTimeOffset issuedAt, out DPoPProofValidationResult failure)
    {
        issuedAt = DateTimeOffset.FromUnixTimeSeconds(iat);
        failure = issuedAt > now + options.ClockSkew ? Invalid("DPoP proof 'iat' is in the future")
            : issuedAt < now - options.ProofLifetime ? Invalid("DPoP proof has expired")
            : default;
        return failure.Error is null;
    }

    // RFC 9449 §4.3 / §7.1: ath is the hash of this access token.
    private static bool ValidateAccessTokenHash(in DPoPProofRequest request, string ath, out DPoPProofValidationResult failure)
    {
        failure = DPoPAccessTokenHash.Matches(request.AccessToken, ath) ? default : Invalid("DPoP proof 'ath' does not match the access token");
        return failure.Error is null;
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
