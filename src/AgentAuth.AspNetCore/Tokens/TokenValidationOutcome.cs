using Microsoft.IdentityModel.JsonWebTokens;

namespace AgentAuth.AspNetCore;

/// <summary>The result of validating a token: the token with its issuer entry and <c>cnf</c>, or a short reason.</summary>
internal sealed class TokenValidationOutcome
{
    private TokenValidationOutcome(
        TokenFailureKind failure, string? description, JsonWebToken? token, TokenIssuerOptions? issuer, ConfirmationClaim? confirmation,
        DateTimeOffset expires, DateTimeOffset cacheUntil, string? revocationKey, TokenClaimSet? claims, string? jtiRevocationKey = null)
    {
        Failure = failure;
        FailureDescription = description;
        Token = token;
        Issuer = issuer;
        Confirmation = confirmation;
        Expires = expires;
        CacheUntil = cacheUntil;
        RevocationKey = revocationKey;
        JtiRevocationKey = jtiRevocationKey;
        Claims = claims;
    }

    public bool Succeeded => Failure == TokenFailureKind.None;

    public TokenFailureKind Failure { get; }

    /// <summary>A short reason for the client (<c>error_description</c>); never contains the token.</summary>
    public string? FailureDescription { get; }

    /// <summary>The validated token (claims are read from it); <see langword="null"/> for an opaque token accepted by introspection.</summary>
    public JsonWebToken? Token { get; }

    /// <summary>The configured issuer entry the token matched.</summary>
    public TokenIssuerOptions? Issuer { get; }

    /// <summary>The parsed <c>cnf</c> claim, when the token is key-bound.</summary>
    public ConfirmationClaim? Confirmation { get; }

    /// <summary>
    /// The token's claims mapped for the principal, computed on first successful use and kept with this (cached) outcome,
    /// so a token-cache hit does not map the payload again. Set at creation for an introspected token.
    /// </summary>
    public TokenClaimSet? Claims { get; set; }

    /// <summary>
    /// This outcome reaches one request only (the validator's token cache is off), so its claims may be created for that
    /// request's identity instead of being cached and copied (<see cref="AgentPrincipalFactory.TryCreateTokenClaims"/>).
    /// </summary>
    public bool ServesOneRequest { get; set; }

    /// <summary>The token's <c>exp</c>.</summary>
    public DateTimeOffset Expires { get; }

    /// <summary>
    /// Until when this outcome may be served from the validated-token cache: the token's <c>exp</c>, or earlier when an
    /// introspection answer vouches for it (<see cref="TokenIntrospectionOptions.CacheDuration"/>).
    /// </summary>
    public DateTimeOffset CacheUntil { get; }

    /// <summary>
    /// The token's key in the <see cref="IRevocationStore"/> (<c>jti:{iss}:{jti}</c> or <c>tok:{sha256}</c>), computed once
    /// when the token is validated so a cache hit asks the store without building a string.
    /// </summary>
    public string? RevocationKey { get; }

    /// <summary>
    /// For an AAuth agent token whose issuer was discovered: the Signature-Key error the drafts name for this failure
    /// (<c>unknown_key</c>, <c>issuer_missing</c>, <c>issuer_mismatch</c>), else <see langword="null"/> (<c>invalid_jwt</c>).
    /// </summary>
    public string? SignatureKeyError { get; private init; }

    /// <summary>A refusal the AAuth drafts give its own Signature-Key error code.</summary>
    public static TokenValidationOutcome Invalid(string description, string signatureKeyError) =>
        new(TokenFailureKind.Invalid, description, null, null, null, default, default, null, null) { SignatureKeyError = signatureKeyError };

    /// <summary>
    /// For an introspected token whose answer carries a <c>jti</c>: <c>jti:{iss}:{jti}</c>, the key a JWT of the same issuer
    /// with that <c>jti</c> is revoked under, asked after <see cref="RevocationKey"/> (the token's hash). Built once, like it.
    /// </summary>
    public string? JtiRevocationKey { get; }

    public static TokenValidationOutcome Success(JsonWebToken token, TokenIssuerOptions issuer, ConfirmationClaim? confirmation, DateTimeOffset expires) =>
        new(TokenFailureKind.None, null, token, issuer, confirmation, expires, expires, null, null);

    public static TokenValidationOutcome Success(
        JsonWebToken? token, TokenIssuerOptions issuer, ConfirmationClaim? confirmation, DateTimeOffset expires, DateTimeOffset cacheUntil, string? revocationKey, TokenClaimSet? claims,
        string? jtiRevocationKey = null) =>
        new(TokenFailureKind.None, null, token, issuer, confirmation, expires, cacheUntil < expires ? cacheUntil : expires, revocationKey, claims, jtiRevocationKey);

    public static TokenValidationOutcome Invalid(string description) =>
        new(TokenFailureKind.Invalid, description, null, null, null, default, default, null, null);

    public static TokenValidationOutcome Unavailable(string description) =>
        new(TokenFailureKind.KeysUnavailable, description, null, null, null, default, default, null, null);

    /// <summary>The introspection endpoint could not judge the token (down, slow, garbage): 503, never an accept.</summary>
    public static TokenValidationOutcome IntrospectionUnavailable(string description) =>
        new(TokenFailureKind.IntrospectionUnavailable, description, null, null, null, default, default, null, null);
}
