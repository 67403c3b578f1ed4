using AgentAuth.HttpSignatures;
using Microsoft.AspNetCore.Http;

namespace AgentAuth.AspNetCore;

/// <summary>The failures the modes share, built one way: status, challenge family, error code, description.</summary>
internal static class AgentAuthFailures
{
    public static AgentAuthFailure InvalidRequest(string description) =>
        new(StatusCodes.Status400BadRequest, AgentAuthChallengeKind.Bearer, AgentAuthErrors.InvalidRequest, description);

    public static AgentAuthFailure Token(string description) =>
        new(StatusCodes.Status401Unauthorized, AgentAuthChallengeKind.Bearer, AgentAuthErrors.InvalidToken, description);

    public static AgentAuthFailure DPoP(string error, string description) =>
        new(StatusCodes.Status401Unauthorized, AgentAuthChallengeKind.DPoP, error, description);

    public static AgentAuthFailure Signature(string error, string description) =>
        new(StatusCodes.Status401Unauthorized, AgentAuthChallengeKind.Signature, error, description);

    public static AgentAuthFailure BodyTooLarge() =>
        new(StatusCodes.Status413PayloadTooLarge, AgentAuthChallengeKind.Signature, AgentAuthErrors.BodyTooLarge, "The body is larger than the server checks digests for.");

    /// <summary>The <c>Retry-After</c> of a 503 when a token's introspection or revocation check could not be made.</summary>
    public static readonly TimeSpan IntrospectionRetryAfter = TimeSpan.FromSeconds(5);

    /// <summary>
    /// A token that did not validate: <c>invalid_token</c> in the mode's challenge. An issuer key outage is not logged
    /// again here: the key source logged it once where it was detected (<c>JwksFetchFailed</c>).
    /// </summary>
    public static AgentAuthFailure FromToken(TokenValidationOutcome validation, AgentAuthChallengeKind kind)
    {
        if (validation.Failure == TokenFailureKind.IntrospectionUnavailable)
        {
            // Fail closed (RFC 7662 §4): the token was neither accepted nor judged; the client may retry shortly.
            return new AgentAuthFailure(StatusCodes.Status503ServiceUnavailable, kind, AgentAuthErrors.TemporarilyUnavailable,
                validation.FailureDescription ?? "The token could not be checked; retry shortly.") { RetryAfter = IntrospectionRetryAfter };
        }
        return new AgentAuthFailure(StatusCodes.Status401Unauthorized, kind, AgentAuthErrors.InvalidToken,
            validation.FailureDescription ?? "The token is invalid.");
    }

    /// <summary>A signature that did not verify: the verifier's error code, with the required components for <c>invalid_input</c>.</summary>
    public static AgentAuthFailure FromSignature(in SignatureVerificationResult verification)
    {
        var error = verification.ErrorCode ?? AgentAuthErrors.InvalidSignature;
        return new AgentAuthFailure(StatusCodes.Status401Unauthorized, AgentAuthChallengeKind.Signature, error, verification.Reason ?? error)
        {
            RequiredInput = verification.Error == SignatureError.InvalidInput ? FormatInnerList(verification.RequiredComponents) : null,
        };
    }

    private static string FormatInnerList(IReadOnlyList<SignatureComponent> components)
    {
        var builder = new System.Text.StringBuilder(64).Append('(');
        for (var i = 0; i < components.Count; i++)
        {
            if (i > 0)
            {
                builder.Append(' ');
            }
            builder.Append(components[i].ToString());
        }
        return builder.Append(')').ToString();
    }
}
