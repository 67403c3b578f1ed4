using System.Buffers.Text;
using System.Security.Cryptography;
using AgentAuth.HttpSignatures;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Primitives;

namespace AgentAuth.AspNetCore;

/// <summary>
/// A LumoAuth quick-start request (LumoAuth profile only): <c>Authorization: Bearer</c> with the tenant's key-bound token and
/// an <c>Agent-Auth</c> header whose signature base is the covered lines alone, so <c>created</c>, <c>keyid</c> and
/// <c>alg</c> are not signed. The steps, in order, with what compensates for that:
/// <list type="number">
/// <item><see cref="ParseHeader"/>: one strict <c>Agent-Auth</c> value; <c>keyid</c> is <c>{agent}#{kid}</c>.</item>
/// <item><see cref="ValidateTenantTokenAsync"/>: the token is required, from the tenant issuer, and bound (<c>cnf</c>).</item>
/// <item><see cref="CheckAgentClaim"/>: a token naming its agent (<c>agent</c>) names the keyid's agent.</item>
/// <item><see cref="VerifySignatureAsync"/>: the core verifier over the covered lines, which must include <c>@method</c>
/// and <c>@target-uri</c> (and <c>content-type</c>, <c>content-digest</c> with a body); <c>created</c> within the window;
/// Ed25519 only; the key is the agent's (by <c>kid</c>) or the token's <c>cnf.jwk</c>.</item>
/// <item><see cref="CheckConfirmation"/>: the signing key satisfies the token's <c>cnf</c> (<see cref="Confirmation"/>).</item>
/// <item>The application's <c>SignatureValidated</c> event.</item>
/// <item>Content-Digest against the body (RFC 9530), as for every signed request.</item>
/// <item><see cref="RecordSignatureValueAsync"/>: the signature value is accepted once for the token's lifetime (an
/// unsigned <c>created</c> can be moved, but Ed25519 signatures are deterministic and, with S &lt; L enforced, not
/// malleable, so a replay is the same value); last, so a refused request does not burn it.</item>
/// </list>
/// </summary>
internal sealed class LumoAuthAuthenticator
{
    private readonly AgentAuthRuntime _runtime;
    private readonly LumoAuthProfile _profile;
    private readonly ILogger _logger;

    public LumoAuthAuthenticator(AgentAuthRuntime runtime, LumoAuthProfile profile, ILogger logger)
    {
        _runtime = runtime;
        _profile = profile;
        _logger = logger;
    }

    public async ValueTask<AuthenticationOutcome> AuthenticateAsync(AuthenticationRequest request, StringValues agentAuth, ReadOnlyMemory<char>? token)
    {
        if (!ParseHeader(request, agentAuth, out var header, out var headerFailure))
        {
            return headerFailure;
        }

        var (validation, tokenFailure) = await ValidateTenantTokenAsync(request, token);
        if (tokenFailure is not null)
        {
            return tokenFailure;
        }

        if (CheckAgentClaim(validation!, header) is { } agentFailure)
        {
            return agentFailure;
        }

        var resolver = new LumoAuthKeyResolver(_profile, header, validation!.Confirmation);
        var verification = await VerifySignatureAsync(request, header, resolver);
        if (!verification.Succeeded)
        {
            return SignedRequestAuthenticator.SignatureFailed(verification, bound: true);
        }

        var key = verification.Key!;
        if (CheckConfirmation(validation, key.Thumbprint) is { } unbound)
        {
            return unbound;
        }

        if (request.OnSignatureValidated is { } onSignatureValidated && await onSignatureValidated(verification) is { } eventResult)
        {
            return AuthenticationOutcome.Handled(eventResult);
        }

        if (await SignedRequestAuthenticator.CheckContentDigestAsync(request, verification, bound: true) is { } digestFailure)
        {
            return digestFailure;
        }

        if (!await RecordSignatureValueAsync(request, header, key.Thumbprint, validation.Expires))
        {
            _logger.SignatureReplayed(key.Thumbprint, header.AgentId);
            return AgentAuthFailures.Signature(AgentAuthErrors.InvalidSignature, "This Agent-Auth signature was already used.");
        }

        return AuthenticationOutcome.Success(validation, key.Thumbprint, resolver.ResolvedKeyId, verification.Label);
    }

    /// <summary>Exactly one <c>Agent-Auth</c> field line, read strictly (<see cref="AgentAuthSignatureHeader"/>).</summary>
    private static bool ParseHeader(AuthenticationRequest request, StringValues agentAuth, out AgentAuthSignatureHeader header, out AgentAuthFailure failure)
    {
        header = null!;
        failure = null!;
        string? error;
        if (agentAuth.Count != 1)
        {
            error = "The request carries more than one Agent-Auth header.";
        }
        else if (AgentAuthSignatureHeader.TryParse(agentAuth[0], request.Options.Signatures.Limits.MaxComponents, out var parsed, out error))
        {
            header = parsed;
            return true;
        }
        failure = AgentAuthFailures.Signature(AgentAuthErrors.InvalidSignature, error);
        return false;
    }

    /// <summary>
    /// The token is what binds the unsigned parameters to a key and an agent: it is required, must come from the tenant
    /// issuer (validated like every token: signature, issuer, audience, lifetime) and must be key-bound (<c>cnf</c>).
    /// </summary>
    private async ValueTask<(TokenValidationOutcome? Validation, AgentAuthFailure? Failure)> ValidateTenantTokenAsync(AuthenticationRequest request, ReadOnlyMemory<char>? token)
    {
        if (token is not { } tokenText)
        {
            return (null, AgentAuthFailures.Token("An Agent-Auth signature needs the agent's LumoAuth token in 'Authorization: Bearer'."));
        }
        var validation = await _runtime.Tokens.ValidateAsync(tokenText, request.Aborted);
        if (!validation.Succeeded)
        {
            return (validation, AgentAuthFailures.FromToken(validation, AgentAuthChallengeKind.Bearer));
        }
        if (!_profile.IsTenantToken(validation))
        {
            return (validation, AgentAuthFailures.Token("An Agent-Auth signature is accepted only with a token of the LumoAuth tenant."));
        }
        if (validation.Confirmation is null)
        {
            return (validation, AgentAuthFailures.Token("A token sent with an Agent-Auth signature must be bound to the signing key (cnf)."));
        }
        return (validation, null);
    }

    /// <summary>A LumoAuth auth token names its agent (<c>agent</c>); when it does, that is the agent the keyid names.</summary>
    private static AgentAuthFailure? CheckAgentClaim(TokenValidationOutcome validation, AgentAuthSignatureHeader header)
    {
        if (validation.Token is { } jwt && jwt.TryGetPayloadValue<object>("agent", out var agent)
            && (agent is not string agentId || !string.Equals(agentId, header.AgentId, StringComparison.Ordinal)))
        {
            return AgentAuthFailures.Token("The token's agent is not the agent the Agent-Auth keyid names.");
        }
        return null;
    }

    private ValueTask<SignatureVerificationResult> VerifySignatureAsync(AuthenticationRequest request, AgentAuthSignatureHeader header, LumoAuthKeyResolver resolver)
    {
        var context = request.Context;
        var verifier = _profile.AgentAuthVerifierFor(SignedRequestAuthenticator.HasBody(context), context.Request.Headers.ContentType.Count > 0);
        return verifier.VerifyAsync(new AgentAuthHeaderMessage(request.Message, header), SignatureSelection.ByLabel(header.Label), resolver, request.Aborted);
    }

    private static AgentAuthFailure? CheckConfirmation(TokenValidationOutcome validation, string keyThumbprint) =>
        !Confirmation.IsSatisfiedBy(validation.Confirmation!, keyThumbprint)
            ? AgentAuthFailures.Token("The token is bound to a different key than the one that signed the request.")
            : null;

    /// <summary>
    /// Records the SHA-256 of the decoded signature (not its text: padding and pad bits give one signature several
    /// encodings) per signing key until the token expires; false when it was seen.
    /// </summary>
    private ValueTask<bool> RecordSignatureValueAsync(AuthenticationRequest request, AgentAuthSignatureHeader header, string keyThumbprint, DateTimeOffset tokenExpires) =>
        _runtime.ReplayCache.TryAddAsync(ReplayKey(header, keyThumbprint), tokenExpires + request.Options.ClockSkew, keyThumbprint, request.Aborted);

    /// <summary><c>lumo-sig:{thumbprint}:{base64url SHA-256 of the signature}</c>, apart from signature nonces and DPoP <c>jti</c>s.</summary>
    private static string ReplayKey(AgentAuthSignatureHeader header, string keyThumbprint)
    {
        Span<byte> digest = stackalloc byte[32];
        SHA256.HashData(header.SignatureBytes, digest);
        return string.Concat("lumo-sig:", keyThumbprint, ":", Base64Url.EncodeToString(digest));
    }
}
