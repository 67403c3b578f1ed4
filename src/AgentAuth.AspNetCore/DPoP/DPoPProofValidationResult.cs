using AgentAuth.HttpSignatures.Cryptography;

namespace AgentAuth.AspNetCore;

/// <summary>
/// The outcome of <see cref="DPoPProofValidator.ValidateAsync"/>: the proof key and claims on success, or a
/// <c>WWW-Authenticate: DPoP</c> error code with a short description. <see cref="Nonce"/>, when set, goes into the
/// <c>DPoP-Nonce</c> response header either way.
/// </summary>
internal readonly struct DPoPProofValidationResult
{
    /// <summary>Whether the proof was accepted.</summary>
    public bool Succeeded => Error is null;

    /// <summary>One of the <see cref="DPoPErrors"/> codes, or <see langword="null"/> on success.</summary>
    public string? Error { get; private init; }

    /// <summary>A short, non-sensitive reason for the challenge's <c>error_description</c>.</summary>
    public string? ErrorDescription { get; private init; }

    /// <summary>The proof key from the header <c>jwk</c> (public only). The caller owns and disposes it.</summary>
    public SignatureKey? Key { get; private init; }

    /// <summary>The RFC 7638 SHA-256 thumbprint of <see cref="Key"/>, the value a token's <c>cnf.jkt</c> must equal.</summary>
    public string? Thumbprint { get; private init; }

    /// <summary>The proof's <c>jti</c>.</summary>
    public string? Jti { get; private init; }

    /// <summary>The proof's <c>iat</c>.</summary>
    public DateTimeOffset IssuedAt { get; private init; }

    /// <summary>A fresh server nonce for <c>DPoP-Nonce</c> (with <see cref="DPoPErrors.UseDPoPNonce"/>, or on success when rotating), else <see langword="null"/>.</summary>
    public string? Nonce { get; private init; }

    /// <summary>An accepted proof.</summary>
    public static DPoPProofValidationResult Success(SignatureKey key, string thumbprint, string jti, DateTimeOffset issuedAt, string? nonce) =>
        new() { Key = key, Thumbprint = thumbprint, Jti = jti, IssuedAt = issuedAt, Nonce = nonce };

    /// <summary>A rejected proof.</summary>
    public static DPoPProofValidationResult Failure(string error, string description, string? nonce = null) =>
        new() { Error = error, ErrorDescription = description, Nonce = nonce };
}
