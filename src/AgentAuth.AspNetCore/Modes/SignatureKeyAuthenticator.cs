using System.Collections.Concurrent;
using System.Text;
using System.Text.Json;
using AgentAuth.HttpSignatures;
using AgentAuth.HttpSignatures.Cryptography;
using AgentAuth.HttpSignatures.Keys;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Primitives;
using Microsoft.IdentityModel.JsonWebTokens;

namespace AgentAuth.AspNetCore;

/// <summary>
/// An AAuth request: RFC 9421 signature whose key travels in <c>Signature-Key</c> (draft-hardt-httpbis-signature-key-08).
/// The steps, in order:
/// <list type="number">
/// <item><see cref="VerifySignatureAsync"/>: the core verifier selects the signature, requires <c>signature-key</c> (and
/// <c>@method</c> <c>@authority</c> <c>@path</c>) to be covered, checks the time window, then asks
/// <see cref="SignatureKeyResolver"/> for the key: the member of the selected label, dispatched on its scheme with that
/// scheme's trust policy (<see cref="ResolveHwk"/>, <see cref="ResolveJktJwt"/>, <see cref="ResolveJwtAsync"/>); unknown or
/// disabled schemes are <c>unsupported_scheme</c>.</item>
/// <item><see cref="SignedRequestAuthenticator.TryGetAcceptedUntil"/>: how long the signature stays acceptable.</item>
/// <item><see cref="CheckConfirmation"/>: for the <c>jwt</c> scheme, the signing key must be the token's <c>cnf.jwk</c> (<see cref="Confirmation"/>).</item>
/// <item>The application's <c>SignatureValidated</c> event.</item>
/// <item><see cref="SignedRequestAuthenticator.CheckContentDigestAsync"/>: a covered <c>Content-Digest</c> must match the body.</item>
/// <item><see cref="RecordNonceAsync"/>: a nonce, when present, is single use (replay last).</item>
/// </list>
/// </summary>
internal sealed class SignatureKeyAuthenticator
{
    public const string Hwk = AAuthAcceptance.Hwk;
    public const string JktJwt = AAuthAcceptance.JktJwt;
    public const string JwksUri = AAuthAcceptance.JwksUri;
    public const string Jwks = AAuthAcceptance.Jwks;
    public const string Jwt = AAuthAcceptance.Jwt;

    /// <summary>The RFC 9638 / draft §3.5 JWK thumbprint URI of a SHA-256 thumbprint.</summary>
    public const string ThumbprintUrnPrefix = "urn:jkt:sha-256:";

    private const string JktS256Type = "jkt-s256+jwt";
    private const string AgentTokenType = "aa-agent+jwt";
    private static readonly string[] DefaultTokenTypes = [AgentTokenType, "aa-auth+jwt"];

    private static readonly AAuthIdentity AuthTokenIdentity = new(Jwt, null, false, null);

    private readonly AgentAuthRuntime _runtime;
    private readonly AAuthOptions _options;
    private readonly HttpMessageSignatureVerifier[] _verifiers;
    private readonly AAuthAcceptance _acceptance;
    private readonly HashSet<string> _tokenTypes;
    private readonly ConveyedKeyCache _inlineKeys;
    private readonly ConveyedKeyCache _delegatedKeys;
    private readonly TimeSpan _clockSkew;
    private readonly int _maxFieldLength;
    private readonly ILogger _logger;
    private readonly KeyDiscovery? _discovery;
    private readonly AAuthIssuerDiscovery? _issuerDiscovery;
    private readonly ConcurrentDictionary<string, JwksUriTarget> _jwksUriTargets = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, JwksUriTarget>.AlternateLookup<ReadOnlySpan<char>> _jwksUriLookup;
    private readonly ConcurrentDictionary<string, AAuthMetadataKeySource> _metadataSources = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, JwksUriTarget> _jwksTargets = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, JwksUriTarget>.AlternateLookup<ReadOnlySpan<char>> _jwksLookup;

    /// <param name="runtime">The scheme's runtime (token validator, replay cache).</param>
    /// <param name="options">The scheme options.</param>
    /// <param name="createVerifier">Builds the verifier for (hasBody, hasContentType); it requires <c>signature-key</c>.</param>
    /// <param name="logger">The AAuth logger.</param>
    /// <param name="discovery">The shared key discovery for <c>jwks_uri</c> (the AAuth policy), or <see langword="null"/> when that scheme is off.</param>
    public SignatureKeyAuthenticator(AgentAuthRuntime runtime, AgentAuthOptions options, Func<bool, bool, HttpMessageSignatureVerifier> createVerifier, ILogger logger, KeyDiscovery? discovery)
    {
        _discovery = discovery;
        _jwksUriLookup = _jwksUriTargets.GetAlternateLookup<ReadOnlySpan<char>>();
        _jwksLookup = _jwksTargets.GetAlternateLookup<ReadOnlySpan<char>>();
        _runtime = runtime;
        _options = options.AAuth;
        _verifiers = [createVerifier(false, false), createVerifier(true, false), createVerifier(false, true), createVerifier(true, true)];
        _acceptance = AAuthAcceptance.Create(_options);
        _issuerDiscovery = _options.DiscoverAgentTokenIssuers && discovery is not null
            ? new AAuthIssuerDiscovery(discovery, _acceptance, _options.Discovery.MaxCachedKeySets)
            : null;
        _tokenTypes = new HashSet<string>(_options.TokenTypes.Count > 0 ? _options.TokenTypes : DefaultTokenTypes, StringComparer.Ordinal);
        _inlineKeys = new ConveyedKeyCache(Hwk, _options.InlineKeyCacheSize, logger);
        _delegatedKeys = new ConveyedKeyCache(JktJwt, _options.InlineKeyCacheSize, logger);
        _clockSkew = options.ClockSkew;
        // A JWT scheme carries a whole token: the field may be as long as a token plus its framing.
        _maxFieldLength = Math.Max(options.Signatures.Limits.MaxHeaderLength, options.MaxTokenLength + 1024);
        _logger = logger;
    }

    /// <summary>The enabled schemes as a structured-field list of tokens, in this server's order of preference (§4.1).</summary>
    public string? AcceptSignatureScheme => _acceptance.AcceptSignatureScheme;

    /// <summary>The accepted fully specified JOSE algorithms (§4.2).</summary>
    public string? AcceptSignatureAlg => _acceptance.AcceptSignatureAlg;

    public async ValueTask<AuthenticationOutcome> AuthenticateAsync(AuthenticationRequest request, StringValues field)
    {
        var text = field.Count == 1 ? field[0]! : string.Join(", ", field.ToArray());
        if (text.Length > _maxFieldLength)
        {
            return Refuse(AgentAuthErrors.InvalidKey, "Signature-Key is longer than the server accepts.");
        }

        var resolver = new SignatureKeyResolver(this, text, request.TimeProvider);
        var verification = await VerifySignatureAsync(request, resolver);
        if (resolver.Failure is { } schemeFailure)
        {
            return schemeFailure;
        }
        if (!verification.Succeeded)
        {
            var failure = AgentAuthFailures.FromSignature(verification);
            // §4.2: what would have worked, in the JOSE names a Signature-Key agent configures (not the RFC 9421 names).
            return failure.Error == AgentAuthErrors.UnsupportedAlgorithm ? failure with { AcceptSignatureAlg = AcceptSignatureAlg } : failure;
        }

        if (!SignedRequestAuthenticator.TryGetAcceptedUntil(request, verification, out var acceptedUntil, out var lifetimeProblem))
        {
            return Refuse(AgentAuthErrors.InvalidSignature, lifetimeProblem);
        }

        var key = verification.Key!;
        if (CheckConfirmation(resolver.Token, key.Thumbprint) is { } unbound)
        {
            return unbound;
        }

        if (request.OnSignatureValidated is { } onSignatureValidated && await onSignatureValidated(verification) is { } eventResult)
        {
            return AuthenticationOutcome.Handled(eventResult);
        }

        // The token is inside the covered Signature-Key, so a body that does not match is the signature's failure (invalid_signature).
        if (await SignedRequestAuthenticator.CheckContentDigestAsync(request, verification, bound: false) is { } digestFailure)
        {
            return digestFailure;
        }

        if (!await RecordNonceAsync(request, verification, key.Thumbprint, acceptedUntil))
        {
            return Refuse(AgentAuthErrors.InvalidSignature, "The signature nonce was already used.");
        }

        return AuthenticationOutcome.Success(resolver.Token, key.Thumbprint, resolver.KeyId, verification.Label, resolver.Identity!);
    }

    private ValueTask<SignatureVerificationResult> VerifySignatureAsync(AuthenticationRequest request, SignatureKeyResolver resolver)
    {
        var hasBody = SignedRequestAuthenticator.HasBody(request.Context);
        var verifier = _verifiers[(hasBody ? 1 : 0) | (request.Context.Request.Headers.ContentType.Count > 0 ? 2 : 0)];
        return verifier.VerifyAsync(request.Message, _runtime.SignatureSelection, resolver, request.Aborted);
    }

    /// <summary>For the <c>jwt</c> scheme, the one proof-of-possession check: the key that signed is the token's <c>cnf.jwk</c>.</summary>
    private static AgentAuthFailure? CheckConfirmation(TokenValidationOutcome? token, string keyThumbprint) =>
        token?.Confirmation is { } confirmation && !Confirmation.IsSatisfiedBy(confirmation, keyThumbprint)
            ? Refuse(AgentAuthErrors.InvalidSignature, "The request was not signed with the token's cnf key.")
            : null;

    /// <summary>RFC 9421 §7.2.2: a nonce, when the agent sends one, is accepted once while the signature is acceptable.</summary>
    private async ValueTask<bool> RecordNonceAsync(AuthenticationRequest request, SignatureVerificationResult verification, string keyThumbprint, DateTimeOffset acceptedUntil)
    {
        if (!verification.TryGetNonce(out var nonce))
        {
            return true;
        }
        return await _runtime.ReplayCache.TryAddAsync(ReplayKeys.SignatureNonce(keyThumbprint, nonce), acceptedUntil, keyThumbprint, request.Aborted);
    }

    /// <summary><c>hwk</c> (§3.4): the inline public key, pseudonymous; cached by its parameter text.</summary>
    private SignatureKeyResolution ResolveHwk(SignatureKeyResolver state, SignatureKeyMember member)
    {
        if (!_inlineKeys.TryGet(member.Parameters, out var entry))
        {
            if (!member.TryCreateInlineJwk(out var jwk, out var error))
            {
                return state.Fail(Refuse(AgentAuthErrors.InvalidKey, "The hwk key is not usable: " + error + "."));
            }
            if (CheckAlgorithm(jwk, "hwk key") is { } algorithmFailure)
            {
                return state.Fail(algorithmFailure);
            }
            if (!SignatureKey.TryCreate(jwk, jwk.Algorithm, out var key, out error))
            {
                return state.Fail(Refuse(AgentAuthErrors.InvalidKey, "The hwk key is not usable: " + error + "."));
            }
            entry = new ConveyedKey(key!, new AAuthIdentity(Hwk, ThumbprintUrnPrefix + key!.Thumbprint, true, null), DateTimeOffset.MaxValue);
            _inlineKeys.Add(member.Parameters, entry);
        }
        state.Identity = entry!.Identity;
        return SignatureKeyResolution.Resolved(entry.Key);
    }

    /// <summary>
    /// <c>jkt-jwt</c> (§3.5): a self-issued JWT in which a stable key (its header <c>jwk</c>, named by <c>iss</c> as a
    /// thumbprint URN) delegates to the ephemeral key in <c>cnf.jwk</c> until <c>exp</c>. Pseudonymous: the principal is
    /// the stable key's URN. Cached by the parameter text until <c>exp</c>.
    /// </summary>
    private SignatureKeyResolution ResolveJktJwt(SignatureKeyResolver state, SignatureKeyMember member)
    {
        var now = state.Now;
        if (_delegatedKeys.TryGet(member.Parameters, out var entry))
        {
            if (entry!.NotAfter + _clockSkew >= now)
            {
                state.Identity = entry.Identity;
                return SignatureKeyResolution.Resolved(entry.Key);
            }
            _delegatedKeys.Remove(member.Parameters);
        }
        var jwt = member.GetString("jwt");
        if (jwt is null)
        {
            return state.Fail(Refuse(AgentAuthErrors.InvalidKey, "The jkt-jwt member has no jwt parameter."));
        }
        if (!TryReadJktJwt(jwt, now, out entry, out var failure))
        {
            return state.Fail(failure!);
        }
        _delegatedKeys.Add(member.Parameters, entry!);
        state.Identity = entry!.Identity;
        return SignatureKeyResolution.Resolved(entry.Key);
    }

    private bool TryReadJktJwt(string jwt, DateTimeOffset now, out ConveyedKey? entry, out AgentAuthFailure? failure)
    {
        entry = null;
        var firstDot = jwt.IndexOf('.');
        var secondDot = firstDot < 0 ? -1 : jwt.IndexOf('.', firstDot + 1);
        if (secondDot < 0 || jwt.IndexOf('.', secondDot + 1) >= 0
            || !TryDecodeJson(jwt.AsSpan(0, firstDot), out var header) || !TryDecodeJson(jwt.AsSpan(firstDot + 1, secondDot - firstDot - 1), out var payload))
        {
            failure = Refuse(AgentAuthErrors.InvalidJwt, "The jkt-jwt is not a compact JWS with JSON header and payload.");
            return false;
        }
        using (header)
        using (payload)
        {
            var h = header!.RootElement;
            var p = payload!.RootElement;
            // Steps 2-3: only the SHA-256 thumbprint type (MUST-implement).
            if (GetString(h, "typ") != JktS256Type)
            {
                failure = Refuse(AgentAuthErrors.InvalidJwt, "The jkt-jwt typ must be jkt-s256+jwt.");
                return false;
            }
            var alg = GetString(h, "alg");
            if (!h.TryGetProperty("jwk", out var jwkElement) || !Jwk.TryParse(jwkElement, out var stableJwk, out _) || !stableJwk!.IsPublicOnly)
            {
                failure = Refuse(AgentAuthErrors.InvalidKey, "The jkt-jwt header jwk is not a public key.");
                return false;
            }
            if (alg is null || stableJwk.Algorithm != alg)
            {
                failure = Refuse(AgentAuthErrors.InvalidKey, "The jkt-jwt header jwk must carry the alg the JWT is signed with (§3.3).");
                return false;
            }
            if (CheckAlgorithm(stableJwk, "jkt-jwt stable key") is { } stableAlgorithm)
            {
                failure = stableAlgorithm;
                return false;
            }
            if (!SignatureKey.TryCreate(stableJwk, alg, out var stableKey, out _))
            {
                failure = Refuse(AgentAuthErrors.InvalidKey, "The jkt-jwt header jwk is not a usable key.");
                return false;
            }
            string iss;
            using (stableKey)
            {
                // Steps 5-7: iss is the thumbprint URN of the header key, compared as a string.
                iss = ThumbprintUrnPrefix + stableKey!.Thumbprint;
                if (GetString(p, "iss") != iss)
                {
                    failure = Refuse(AgentAuthErrors.InvalidJwt, "The jkt-jwt iss is not the thumbprint URN of its header jwk.");
                    return false;
                }
                // Step 8: the stable key signed header.payload.
                var signingInput = Encoding.ASCII.GetBytes(jwt, 0, secondDot);
                if (!Base64UrlStrict.TryGetDecodedLength(jwt.AsSpan(secondDot + 1), out var signatureLength))
                {
                    failure = Refuse(AgentAuthErrors.InvalidJwt, "The jkt-jwt signature is not base64url.");
                    return false;
                }
                var signature = new byte[signatureLength];
                if (!Base64UrlStrict.TryDecode(jwt.AsSpan(secondDot + 1), signature, out _) || !stableKey.VerifyJose(alg, signingInput, signature))
                {
                    failure = Refuse(AgentAuthErrors.InvalidJwt, "The jkt-jwt signature does not verify with its header jwk.");
                    return false;
                }
            }
            // Step 9: exp and iat are required; the window allows the scheme's clock skew.
            if (!TryGetSeconds(p, "exp", out var exp) || !TryGetSeconds(p, "iat", out var iat))
            {
                failure = Refuse(AgentAuthErrors.InvalidJwt, "The jkt-jwt needs numeric exp and iat.");
                return false;
            }
            var expires = DateTimeOffset.FromUnixTimeSeconds(exp);
            if (expires + _clockSkew < now)
            {
                failure = Refuse(AgentAuthErrors.ExpiredJwt, "The jkt-jwt has expired.");
                return false;
            }
            if (DateTimeOffset.FromUnixTimeSeconds(iat) - _clockSkew > now)
            {
                failure = Refuse(AgentAuthErrors.InvalidJwt, "The jkt-jwt iat lies in the future.");
                return false;
            }
            // Step 10: the delegated key, itself subject to Algorithm Determination.
            if (!p.TryGetProperty("cnf", out var cnf) || cnf.ValueKind != JsonValueKind.Object || !cnf.TryGetProperty("jwk", out var cnfJwkElement)
                || !Jwk.TryParse(cnfJwkElement, out var cnfJwk, out _) || !cnfJwk!.IsPublicOnly)
            {
                failure = Refuse(AgentAuthErrors.InvalidJwt, "The jkt-jwt has no public cnf.jwk.");
                return false;
            }
            if (CheckAlgorithm(cnfJwk, "jkt-jwt cnf.jwk") is { } delegatedAlgorithm)
            {
                failure = delegatedAlgorithm;
                return false;
            }
            if (!SignatureKey.TryCreate(cnfJwk, cnfJwk.Algorithm, out var delegated, out _))
            {
                failure = Refuse(AgentAuthErrors.InvalidKey, "The jkt-jwt cnf.jwk is not a usable key.");
                return false;
            }
            entry = new ConveyedKey(delegated!, new AAuthIdentity(JktJwt, iss, true, null), expires);
            failure = null;
            return true;
        }
    }

    /// <summary>
    /// <c>jwt</c> (§3.8): an agent or auth token from a configured issuer (or, for an agent token, an issuer discovered from
    /// <c>iss</c> + <c>dwk</c> on an allowed origin when <see cref="AAuthOptions.DiscoverAgentTokenIssuers"/> is on), validated by
    /// <see cref="AgentTokenValidator.ValidateSignatureKeyTokenAsync"/> (cached), of an accepted <c>typ</c>, whose
    /// <c>cnf.jwk</c> carries an accepted fully specified <c>alg</c>; that key verifies the request.
    /// </summary>
    private async ValueTask<SignatureKeyResolution> ResolveJwtAsync(SignatureKeyResolver state, ReadOnlyMemory<char> token, CancellationToken cancellationToken)
    {
        // Agent tokens by the AAuth profile (aud only when present; issuer configured or discovered), other tokens as always.
        var validation = await _runtime.Tokens.ValidateSignatureKeyTokenAsync(token, _issuerDiscovery, cancellationToken).ConfigureAwait(false);
        if (!validation.Succeeded)
        {
            var reason = validation.FailureDescription ?? "the token is invalid";
            if (validation.Failure == TokenFailureKind.KeysUnavailable)
            {
                // The issuer's keys could not be fetched: not the agent's fault, and retrying shortly may succeed.
                return state.Fail(new AgentAuthFailure(StatusCodes.Status503ServiceUnavailable, AgentAuthChallengeKind.Signature,
                    AgentAuthErrors.TemporarilyUnavailable, "The token issuer's keys are unavailable; retry shortly.") { RetryAfter = TimeSpan.FromSeconds(1) });
            }
            var error = validation.SignatureKeyError ?? (HasExpired(token, state.Now) ? AgentAuthErrors.ExpiredJwt : AgentAuthErrors.InvalidJwt);
            AAuthLog.TokenRefused(_logger, error, reason);
            return state.Fail(Refuse(error, "The Signature-Key token was refused: " + reason + "."));
        }
        var typ = validation.Token!.Typ;
        if (typ is null || !_tokenTypes.Contains(typ))
        {
            return state.Fail(Refuse(AgentAuthErrors.InvalidJwt, "The Signature-Key token's typ is not one this server accepts (aa-agent+jwt, aa-auth+jwt)."));
        }
        if (validation.Confirmation?.Jwk is not { } cnfJwk || Confirmation.BoundKey(validation.Confirmation) is not { } boundKey)
        {
            return state.Fail(Refuse(AgentAuthErrors.InvalidJwt, "The Signature-Key token must carry cnf.jwk, the key that signs the request."));
        }
        if (CheckAlgorithm(cnfJwk, "token's cnf.jwk") is { } algorithmFailure)
        {
            return state.Fail(algorithmFailure);
        }
        state.Token = validation;
        state.Identity = typ == AgentTokenType && validation.Token.Subject is { Length: > 0 } agent
            ? new AAuthIdentity(Jwt, null, false, agent)
            : AuthTokenIdentity;
        state.KeyId = boundKey.KeyId;
        return SignatureKeyResolution.Resolved(boundKey);
    }

    /// <summary>
    /// <c>jwks_uri</c> (§3.6): the key <c>kid</c> of the signer <c>id</c>, an HTTPS origin the discovery policy allows, from
    /// the JWKS its <c>/.well-known/{dwk}</c> metadata names (cached with rotation, single-flight, last-known-good by the
    /// shared <see cref="KeyDiscovery"/>). Identified: the principal's subject is the origin. The member's parameters are
    /// read once per distinct text and kept, so a returning agent's lookup allocates nothing here.
    /// </summary>
    private ValueTask<SignatureKeyResolution> ResolveJwksUri(SignatureKeyResolver state, SignatureKeyMember member, CancellationToken cancellationToken)
    {
        if (!_jwksUriLookup.TryGetValue(member.Parameters, out var target))
        {
            if (!TryCreateJwksUriTarget(member, out target, out var failure))
            {
                return new(state.Fail(failure!));
            }
            if (_jwksUriTargets.Count >= _options.InlineKeyCacheSize)
            {
                AAuthLog.KeyCacheFull(_logger, JwksUri, _options.InlineKeyCacheSize);
                _jwksUriTargets.Clear();
            }
            _jwksUriTargets[member.Parameters.ToString()] = target!;
        }
        var lookup = _discovery!.FindAsync(target!.CacheKey, target.CreateSource, target.KeyId, matchThumbprints: false, cancellationToken);
        return lookup.IsCompletedSuccessfully ? new(FromJwksLookup(state, target, lookup.Result)) : FromPendingJwksLookupAsync(state, target, lookup);
    }

    /// <summary>
    /// <c>jwks</c> (draft-hardt-httpbis-signature-key-08 §3.7): the key <c>kid</c> of the JWKS fetched directly from the
    /// member's <c>url</c>, an HTTPS URL on an origin the discovery policy allows (checked before any fetch); no metadata
    /// document. Identified: the principal's subject is the URL's origin (the unit the fetch policy trusts) and
    /// <c>aauth_agent</c> is the URL as presented (the draft's identity, byte-compared). Cached like <c>jwks_uri</c>.
    /// </summary>
    private ValueTask<SignatureKeyResolution> ResolveJwks(SignatureKeyResolver state, SignatureKeyMember member, CancellationToken cancellationToken)
    {
        if (!_jwksLookup.TryGetValue(member.Parameters, out var target))
        {
            if (!TryCreateJwksTarget(member, out target, out var failure))
            {
                return new(state.Fail(failure!));
            }
            if (_jwksTargets.Count >= _options.InlineKeyCacheSize)
            {
                AAuthLog.KeyCacheFull(_logger, Jwks, _options.InlineKeyCacheSize);
                _jwksTargets.Clear();
            }
            _jwksTargets[member.Parameters.ToString()] = target!;
        }
        var lookup = _discovery!.FindAsync(target!.CacheKey, target.CreateSource, target.KeyId, matchThumbprints: false, cancellationToken);
        return lookup.IsCompletedSuccessfully ? new(FromJwksLookup(state, target, lookup.Result)) : FromPendingJwksLookupAsync(state, target, lookup);
    }

    private bool TryCreateJwksTarget(SignatureKeyMember member, out JwksUriTarget? target, out AgentAuthFailure? failure)
    {
        target = null;
        var url = member.GetString("url");
        var kid = member.GetString("kid");
        if (url is null || kid is null || kid.Length is 0 or > 256 || url.Length is 0 or > 2048)
        {
            AAuthLog.JwksMemberRefused(_logger, "it needs url and kid");
            failure = Refuse(AgentAuthErrors.InvalidKey, "A jwks member needs url and kid.");
            return false;
        }
        // An absolute HTTPS URL without user information or fragment; its origin is what the policy allows.
        if (!Uri.TryCreate(url, UriKind.Absolute, out var uri) || uri.Scheme != Uri.UriSchemeHttps || uri.UserInfo.Length != 0
            || uri.Fragment.Length != 0 || url.AsSpan().ContainsAny(" \t\r\n\\")
            || !KeyDiscovery.TryParseOrigin(uri.GetLeftPart(UriPartial.Authority), out var origin))
        {
            AAuthLog.JwksMemberRefused(_logger, "its url is not a plain HTTPS URL");
            failure = Refuse(AgentAuthErrors.InvalidKey, "The jwks url is not an HTTPS URL.");
            return false;
        }
        if (!_discovery!.IsAllowed(origin))
        {
            AAuthLog.OriginNotAllowed(_logger, origin);
            failure = Refuse(AgentAuthErrors.InvalidKey, "The signer's origin is not one this server trusts.");
            return false;
        }
        target = new JwksUriTarget(this, "jwks " + uri.AbsoluteUri, uri, null, kid, new AAuthIdentity(Jwks, origin, false, url));
        failure = null;
        return true;
    }

    private async ValueTask<SignatureKeyResolution> FromPendingJwksLookupAsync(SignatureKeyResolver state, JwksUriTarget target, ValueTask<KeySetLookup<SignatureKey>> lookup) =>
        FromJwksLookup(state, target, await lookup.ConfigureAwait(false));

    private SignatureKeyResolution FromJwksLookup(SignatureKeyResolver state, JwksUriTarget target, KeySetLookup<SignatureKey> lookup)
    {
        switch (lookup.Status)
        {
            case KeyLookupStatus.Found:
                var key = lookup.Key!;
                // §3.3: the JWKS is the only channel of a discovered key's algorithm.
                if (key.JoseAlgorithm is null)
                {
                    return state.Fail(Refuse(AgentAuthErrors.InvalidKey, "The signer's key has no alg in its JWKS; a fully specified alg is required."));
                }
                if (!_acceptance.AcceptsAlgorithm(key.JoseAlgorithm))
                {
                    return state.Fail(Refuse(AgentAuthErrors.UnsupportedAlgorithm, "The signer's key alg is not accepted.") with { AcceptSignatureAlg = AcceptSignatureAlg });
                }
                state.Identity = target.Identity;
                state.KeyId = target.KeyId;
                return SignatureKeyResolution.Resolved(key);
            case KeyLookupStatus.Unavailable:
                if (_metadataSources.TryGetValue(target.CacheKey, out var source) && source.LastIssuerError is { } issuerError)
                {
                    return state.Fail(Refuse(issuerError, issuerError == AgentAuthErrors.IssuerMissing
                        ? "The signer's metadata document has no issuer."
                        : "The signer's metadata document's issuer is not its id."));
                }
                // The outage was logged where it was detected (the key source's fetch); not the agent's fault.
                return state.Fail(new AgentAuthFailure(StatusCodes.Status503ServiceUnavailable, AgentAuthChallengeKind.Signature,
                    AgentAuthErrors.TemporarilyUnavailable, "The signer's keys could not be fetched; retry shortly.") { RetryAfter = TimeSpan.FromSeconds(1) });
            default:
                return state.Fail(Refuse(AgentAuthErrors.UnknownKey, "The signer's JWKS has no key with this kid."));
        }
    }

    private bool TryCreateJwksUriTarget(SignatureKeyMember member, out JwksUriTarget? target, out AgentAuthFailure? failure)
    {
        target = null;
        var id = member.GetString("id");
        var dwk = member.GetString("dwk");
        var kid = member.GetString("kid");
        if (id is null || dwk is null || kid is null || kid.Length is 0 or > 256)
        {
            failure = Refuse(AgentAuthErrors.InvalidKey, "A jwks_uri member needs id, dwk and kid.");
            return false;
        }
        // dwk names one document under /.well-known/ (RFC 8615): one path segment, nothing that walks out of it.
        if (dwk.Length is 0 or > 128 || dwk is "." or ".." || dwk.AsSpan().ContainsAnyExcept(DwkCharacters))
        {
            failure = Refuse(AgentAuthErrors.InvalidKey, "The jwks_uri dwk is not a well-known document name.");
            return false;
        }
        if (!KeyDiscovery.TryParseOrigin(id, out var origin))
        {
            failure = Refuse(AgentAuthErrors.InvalidKey, "The jwks_uri id is not an HTTPS origin.");
            return false;
        }
        if (!_discovery!.IsAllowed(origin))
        {
            AAuthLog.OriginNotAllowed(_logger, origin);
            failure = Refuse(AgentAuthErrors.InvalidKey, "The signer's origin is not one this server trusts.");
            return false;
        }
        var metadataAddress = new Uri(origin + "/.well-known/" + dwk);
        // id is part of the cache key: the metadata's issuer is compared with id as presented.
        target = new JwksUriTarget(this, id + " " + metadataAddress.AbsoluteUri, metadataAddress, id, kid, new AAuthIdentity(JwksUri, origin, false, origin));
        failure = null;
        return true;
    }

    private static readonly System.Buffers.SearchValues<char> DwkCharacters =
        System.Buffers.SearchValues.Create("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789-._~");

    /// <summary>
    /// A <c>jwks_uri</c> or <c>jwks</c> member as read once: where its keys come from (the metadata document for
    /// <c>jwks_uri</c>, <c>id</c> set; the JWKS itself for <c>jwks</c>, <c>id</c> null), which one, and
    /// the identity it gives.
    /// </summary>
    private sealed class JwksUriTarget
    {
        private readonly SignatureKeyAuthenticator _owner;
        private readonly Uri _metadataAddress;
        private readonly string? _id;

        public JwksUriTarget(SignatureKeyAuthenticator owner, string cacheKey, Uri metadataAddress, string? id, string keyId, AAuthIdentity identity)
        {
            _owner = owner;
            CacheKey = cacheKey;
            _metadataAddress = metadataAddress;
            _id = id;
            KeyId = keyId;
            Identity = identity;
            CreateSource = Create;
        }

        public string CacheKey { get; }

        public string KeyId { get; }

        public AAuthIdentity Identity { get; }

        /// <summary>Made once, so a lookup passes the same delegate and allocates no closure.</summary>
        public Func<BackchannelDocumentReader, RemoteKeySource> CreateSource { get; }

        private RemoteKeySource Create(BackchannelDocumentReader reader)
        {
            if (_id is null)
            {
                // jwks: the URL is the key set; HTTPS only, through the discovery reader (no redirects, bounded).
                return new JwksUriKeySource(_metadataAddress, requireHttps: true, reader);
            }
            var discovery = _owner._discovery!;
            var source = new AAuthMetadataKeySource(_metadataAddress, _id, reader, discovery.IsAllowed);
            var sources = _owner._metadataSources;
            if (sources.Count >= _owner._options.Discovery.MaxCachedKeySets * 2)
            {
                sources.Clear();
            }
            sources[CacheKey] = source;
            return source;
        }
    }

    /// <summary>§3.3: every conveyed key carries a fully specified <c>alg</c> that this server accepts.</summary>
    private AgentAuthFailure? CheckAlgorithm(Jwk jwk, string what)
    {
        if (jwk.Algorithm is null)
        {
            return Refuse(AgentAuthErrors.InvalidKey, "The " + what + " has no alg; a fully specified alg is required.");
        }
        if (!_acceptance.AcceptsAlgorithm(jwk.Algorithm))
        {
            return Refuse(AgentAuthErrors.UnsupportedAlgorithm, "The " + what + "'s alg is not accepted.") with { AcceptSignatureAlg = AcceptSignatureAlg };
        }
        return null;
    }

    private bool HasExpired(ReadOnlyMemory<char> token, DateTimeOffset now)
    {
        try
        {
            var jwt = new JsonWebToken(token.ToString());
            return jwt.ValidTo != DateTime.MinValue && new DateTimeOffset(jwt.ValidTo, TimeSpan.Zero) + _clockSkew < now;
        }
        catch (ArgumentException)
        {
            return false;
        }
    }

    private static AgentAuthFailure Refuse(string error, string description) => AgentAuthFailures.Signature(error, description);

    private static bool TryDecodeJson(ReadOnlySpan<char> part, out JsonDocument? document)
    {
        document = null;
        if (!Base64UrlStrict.TryGetDecodedLength(part, out var length) || length > 8192)
        {
            return false;
        }
        var bytes = new byte[length];
        if (!Base64UrlStrict.TryDecode(part, bytes, out _))
        {
            return false;
        }
        try
        {
            document = JsonDocument.Parse(bytes, new JsonDocumentOptions { MaxDepth = 16 });
            if (document.RootElement.ValueKind == JsonValueKind.Object)
            {
                return true;
            }
            document.Dispose();
            document = null;
            return false;
        }
        catch (JsonException)
        {
            return false;
        }
    }

    private static string? GetString(JsonElement element, string name) =>
        element.TryGetProperty(name, out var value) && value.ValueKind == JsonValueKind.String ? value.GetString() : null;

    private static bool TryGetSeconds(JsonElement element, string name, out long seconds)
    {
        seconds = 0;
        return element.TryGetProperty(name, out var value) && value.ValueKind == JsonValueKind.Number && value.TryGetInt64(out seconds)
            && seconds is > 0 and < 253402300800;
    }

    /// <summary>
    /// The per-request key resolver the core verifier calls once it has selected a signature and checked its coverage:
    /// finds the <c>Signature-Key</c> member of that signature's label and dispatches on its scheme. A scheme failure is kept
    /// in <see cref="Failure"/> with the draft's error code, which the authenticator returns instead of the verifier's.
    /// </summary>
    private sealed class SignatureKeyResolver : ISignatureKeyResolver
    {
        private readonly SignatureKeyAuthenticator _owner;
        private readonly string _field;
        private readonly TimeProvider _time;

        public SignatureKeyResolver(SignatureKeyAuthenticator owner, string field, TimeProvider time)
        {
            _owner = owner;
            _field = field;
            _time = time;
        }

        public AgentAuthFailure? Failure { get; private set; }

        public AAuthIdentity? Identity { get; set; }

        public TokenValidationOutcome? Token { get; set; }

        public string? KeyId { get; set; }

        public DateTimeOffset Now => _time.GetUtcNow();

        public SignatureKeyResolution Fail(AgentAuthFailure failure)
        {
            Failure = failure;
            return SignatureKeyResolution.Invalid(failure.Description);
        }

        public ValueTask<SignatureKeyResolution> ResolveAsync(string? keyId, SignatureParametersView parameters, CancellationToken cancellationToken)
        {
            // §3 step 3: the member of the label being verified; keyid, if any, is not used (§4.3: the key comes from Signature-Key).
            if (!SignatureKeyField.TryGetMember(_field, parameters.LabelSpan, out var member, out var error))
            {
                return new(Fail(Refuse(AgentAuthErrors.InvalidKey, error is null
                    ? "Signature-Key has no member for the signature's label."
                    : error + ".")));
            }
            var options = _owner._options;
            var scheme = member.Scheme;
            if (scheme.SequenceEqual(Hwk) && options.AllowHwk)
            {
                return new(_owner.ResolveHwk(this, member));
            }
            if (scheme.SequenceEqual(JktJwt) && options.AllowJktJwt)
            {
                return new(_owner.ResolveJktJwt(this, member));
            }
            if (scheme.SequenceEqual(JwksUri) && options.AllowJwksUri)
            {
                return _owner.ResolveJwksUri(this, member, cancellationToken);
            }
            if (scheme.SequenceEqual(Jwks) && options.AllowJwks)
            {
                return _owner.ResolveJwks(this, member, cancellationToken);
            }
            if (scheme.SequenceEqual(Jwt) && options.AllowJwt)
            {
                // The token is a slice of the header: a validated-token cache hit copies nothing. A JWT has no escapes.
                if (!member.TryGetRawString("jwt", out var raw) || raw.IsEmpty || raw.Contains('\\') || !_field.AsSpan().Overlaps(raw, out var offset))
                {
                    return new(Fail(Refuse(AgentAuthErrors.InvalidKey, "The jwt member has no jwt parameter.")));
                }
                return _owner.ResolveJwtAsync(this, _field.AsMemory(offset, raw.Length), cancellationToken);
            }
            // §3: an unknown or unimplemented scheme takes one defined path, with what would have worked (§4.4).
            AAuthLog.SchemeNotEnabled(_owner._logger, scheme.Length > 32 ? "(long)" : scheme.ToString());
            return new(Fail(Refuse(AgentAuthErrors.UnsupportedScheme, "The Signature-Key scheme is not accepted here.")
                with { AcceptSignatureScheme = _owner.AcceptSignatureScheme }));
        }
    }
}
