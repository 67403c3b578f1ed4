using Microsoft.AspNetCore.Authentication;

namespace AgentAuth.AspNetCore;

/// <summary>
/// What an authenticator concluded: success with the facts the principal is built from (the validated token, the key
/// that proved possession, the signature label), a failure in the terms the client receives, or the result an
/// application event chose.
/// </summary>
internal readonly struct AuthenticationOutcome
{
    private AuthenticationOutcome(AgentAuthFailure? failure, AuthenticateResult? eventResult, TokenValidationOutcome? token, string? keyThumbprint, string? keyId, string? label, string? signatureAgent = null)
    {
        SignatureAgent = signatureAgent;
        Failure = failure;
        EventResult = eventResult;
        Token = token;
        KeyThumbprint = keyThumbprint;
        KeyId = keyId;
        Label = label;
    }

    /// <summary>Why the request failed, or <see langword="null"/>.</summary>
    public AgentAuthFailure? Failure { get; }

    /// <summary>The result an application event set, which the handler returns as is.</summary>
    public AuthenticateResult? EventResult { get; }

    /// <summary>The validated token, when the mode carries one.</summary>
    public TokenValidationOutcome? Token { get; }

    /// <summary>The RFC 7638 thumbprint of the key that proved possession (signature or DPoP proof).</summary>
    public string? KeyThumbprint { get; }

    /// <summary>The identifier the signing key is known by in its key set (never the <c>keyid</c> text a client sent).</summary>
    public string? KeyId { get; }

    /// <summary>The label of the verified signature.</summary>
    public string? Label { get; }

    /// <summary>The Web Bot Auth operator: the origin whose key directory held the key.</summary>
    public string? SignatureAgent { get; }

    public static AuthenticationOutcome Success(TokenValidationOutcome? token, string? keyThumbprint, string? keyId, string? label, string? signatureAgent = null) =>
        new(null, null, token, keyThumbprint, keyId, label, signatureAgent);

    /// <summary>For an AAuth request: the scheme and the identity its trust policy established.</summary>
    public AAuthIdentity? AAuth { get; private init; }

    public static AuthenticationOutcome Success(TokenValidationOutcome? token, string keyThumbprint, string? keyId, string? label, AAuthIdentity aauth) =>
        new(null, null, token, keyThumbprint, keyId, label) { AAuth = aauth };

    public static AuthenticationOutcome Fail(AgentAuthFailure failure) => new(failure, null, null, null, null, null);

    public static AuthenticationOutcome Handled(AuthenticateResult result) => new(null, result, null, null, null, null);

    public static implicit operator AuthenticationOutcome(AgentAuthFailure failure) => Fail(failure);
}

/// <summary>
/// What an AAuth <c>Signature-Key</c> scheme established: the scheme, the subject (a thumbprint URN for a pseudonymous
/// key, the origin for a discovered key; <see langword="null"/> when a token supplies <c>sub</c>), and the agent identity.
/// </summary>
internal sealed record AAuthIdentity(string Scheme, string? Subject, bool Pseudonymous, string? Agent);
