namespace AgentAuth.AspNetCore;

/// <summary>
/// A plain bearer token (RFC 6750), when <see cref="AgentAuthOptions.AllowBearerTokens"/> allows it: the mode must be on,
/// the token valid, and the token not key-bound (a bound token without its proof is refused, never downgraded).
/// </summary>
internal sealed class BearerAuthenticator
{
    private readonly AgentTokenValidator _tokens;

    public BearerAuthenticator(AgentTokenValidator tokens) => _tokens = tokens;

    public async ValueTask<AuthenticationOutcome> AuthenticateAsync(AuthenticationRequest request, ReadOnlyMemory<char> token)
    {
        if (!request.Options.AllowBearerTokens)
        {
            return AgentAuthFailures.Token("Bearer tokens are not accepted here: sign the request (RFC 9421) or use a DPoP-bound token.");
        }
        var validation = await _tokens.ValidateAsync(token, request.Aborted);
        if (!validation.Succeeded)
        {
            return AgentAuthFailures.FromToken(validation, AgentAuthChallengeKind.Bearer);
        }
        if (RequireUnbound(validation) is { } unbound)
        {
            return unbound;
        }
        return AuthenticationOutcome.Success(validation, keyThumbprint: null, keyId: null, label: null);
    }

    /// <summary>RFC 9449 §7.2 / RFC 7800: a key-bound token must come with its proof of possession.</summary>
    private static AgentAuthFailure? RequireUnbound(TokenValidationOutcome validation) =>
        validation.Confirmation is null
            ? null
            : AgentAuthFailures.Token("The token is bound to a key (cnf): present it with an HTTP message signature or a DPoP proof.");
}
