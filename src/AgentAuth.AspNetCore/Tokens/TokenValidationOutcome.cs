using Microsoft.IdentityModel.JsonWebTokens;

namespace AgentAuth.AspNetCore;

/// <summary>The result of validating a token: the token with its issuer entry and <c>cnf</c>, or a short reason.</summary>
internal sealed class TokenValidationOutcome
{
    private TokenValidationOutcome(
        TokenFailureKind failure, string? description, JsonWebToken? token, TokenIssuerOptions? issuer, ConfirmationClaim? confirmation, DateTimeOffset expires)
    {
        Failure = failure;
        FailureDescription = description;
        Token = token;
        Issuer = issuer;
        Confirmation = confirmation;
        Expires = expires;
    }

    public bool Succeeded => Failure == TokenFailureKind.None;

    public TokenFailureKind Failure { get; }

    /// <summary>A short reason for the client (<c>error_description</c>); never contains the token.</summary>
    public string? FailureDescription { get; }

    /// <summary>The validated token (claims are read from it).</summary>
    public JsonWebToken? Token { get; }

    /// <summary>The configured issuer entry the token matched.</summary>
    public TokenIssuerOptions? Issuer { get; }

    /// <summary>The parsed <c>cnf</c> claim, when the token is key-bound.</summary>
    public ConfirmationClaim? Confirmation { get; }

    /// <summary>
    /// The token's claims mapped for the principal, computed on first successful use and kept with this (cached) outcome,
    /// so a token-cache hit does not map the payload again.
    /// </summary>
    public TokenClaimSet? Claims { get; set; }

    /// <summary>The token's <c>exp</c>.</summary>
    public DateTimeOffset Expires { get; }

    /// <summary>
    /// For an AAuth agent token whose issuer was discovered: the Signature-Key error the drafts name for this failure
    /// (<c>unknown_key</c>, <c>issuer_missing</c>, <c>issuer_mismatch</c>), else <see langword="null"/> (<c>invalid_jwt</c>).
    /// </summary>
    public string? SignatureKeyError { get; private init; }

    /// <summary>A refusal the AAuth drafts give its own Signature-Key error code.</summary>
    public static TokenValidationOutcome Invalid(string description, string signatureKeyError) =>
        new(TokenFailureKind.Invalid, description, null, null, null, default) { SignatureKeyError = signatureKeyError };

    public static TokenValidationOutcome Success(JsonWebToken token, TokenIssuerOptions issuer, ConfirmationClaim? confirmation, DateTimeOffset expires) =>
        new(TokenFailureKind.None, null, token, issuer, confirmation, expires);

    public static TokenValidationOutcome Invalid(string description) =>
        new(TokenFailureKind.Invalid, description, null, null, null, default);

    public static TokenValidationOutcome Unavailable(string description) =>
        new(TokenFailureKind.KeysUnavailable, description, null, null, null, default);
}
