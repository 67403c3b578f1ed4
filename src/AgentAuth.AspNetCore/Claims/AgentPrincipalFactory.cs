using System.Buffers;
using System.Buffers.Text;
using System.Security.Claims;
using System.Text.Json;
using Microsoft.IdentityModel.JsonWebTokens;

namespace AgentAuth.AspNetCore;

/// <summary>
/// Builds the principal of an authenticated agent request. Token claims keep their JWT names (no inbound
/// claim-type remapping), except those only the scheme asserts (<see cref="AgentAuthClaimTypes.IsSchemeAsserted"/>),
/// which are dropped; scopes become one claim each; the RFC 8693 <c>act</c> chain becomes nested
/// <see cref="ClaimsIdentity.Actor"/> identities.
/// </summary>
internal static class AgentPrincipalFactory
{
    /// <summary>How deep an <c>act</c> chain may nest before the token is refused.</summary>
    public const int MaxActorDepth = 10;

    private const string ActClaim = "act";
    private const string CnfClaim = "cnf";

    /// <summary>
    /// Maps a validated token's payload once (on a token-cache miss). Fails, with a reason, for an <c>act</c> that is
    /// not a JSON object or nests deeper than <see cref="MaxActorDepth"/>, and for scope values that are not strings.
    /// </summary>
    /// <param name="token">The validated token.</param>
    /// <param name="scopeClaims">The claims scopes are read from (<see cref="AgentAuthOptions.ScopeClaims"/>).</param>
    /// <param name="claimSet">The mapped claims.</param>
    /// <param name="error">Why the token's claims cannot be mapped.</param>
    /// <param name="subject">
    /// The identity the claims are for when the claim set serves this request alone (token cache off): the claims are
    /// created with it as their <see cref="Claim.Subject"/>, so <see cref="ClaimsIdentity.AddClaim"/> keeps them instead of
    /// copying each. <see langword="null"/> for a claim set that is cached and copied by every request.
    /// </param>
    public static bool TryCreateTokenClaims(JsonWebToken token, IList<string> scopeClaims, out TokenClaimSet? claimSet, out string? error, ClaimsIdentity? subject = null)
    {
        // The payload decoded into a pooled buffer: every string the claims keep is copied out before it is returned.
        var encoded = token.EncodedPayload;
        var buffer = ArrayPool<byte>.Shared.Rent(Base64Url.GetMaxDecodedLength(encoded.Length));
        try
        {
            if (!Base64Url.TryDecodeFromChars(encoded, buffer, out var length))
            {
                claimSet = null;
                error = "The token payload is not base64url.";
                return false;
            }
            using var payload = JsonDocument.Parse(buffer.AsMemory(0, length));
            return TryCreateClaims(payload.RootElement, token.Issuer ?? string.Empty, token.Subject, ignoredMember: null, scopeClaims, out claimSet, out error, subject);
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(buffer);
        }
    }

    /// <summary>
    /// Maps a claims object the way a JWT payload is mapped, so an introspected token (RFC 7662 §2.2 answer, or a broker's
    /// claims object) yields the same principal as a local JWT. <paramref name="ignoredMember"/> (the answer's
    /// <c>active</c>/<c>valid</c> member) is not a claim; scopes are read from <paramref name="scopeClaims"/> as for a JWT.
    /// </summary>
    public static bool TryCreateClaims(JsonElement root, string issuer, string? subject, string? ignoredMember, IList<string> scopeClaims, out TokenClaimSet? claimSet, out string? error, ClaimsIdentity? claimSubject = null)
    {
        // The working list and scope set are per-thread scratch (the mapping is synchronous): taken here, so a nested call
        // would make its own, and given back empty, unless a large token grew them.
        var claims = t_claims ?? new List<Claim>(16);
        var scopes = t_scopes ?? new HashSet<string>(StringComparer.Ordinal);
        t_claims = null;
        t_scopes = null;
        try
        {
            return TryCreateClaims(root, issuer, subject, ignoredMember, scopeClaims, claims, scopes, claimSubject, out claimSet, out error);
        }
        finally
        {
            var keep = claims.Count <= MaxScratchClaims && scopes.Count <= MaxScratchClaims;
            claims.Clear();
            scopes.Clear();
            if (keep)
            {
                t_claims = claims;
                t_scopes = scopes;
            }
        }
    }

    private const int MaxScratchClaims = 64;

    [ThreadStatic]
    private static List<Claim>? t_claims;

    [ThreadStatic]
    private static HashSet<string>? t_scopes;

    private static bool TryCreateClaims(JsonElement root, string issuer, string? subject, string? ignoredMember, IList<string> scopeClaims,
        List<Claim> claims, HashSet<string> scopes, ClaimsIdentity? claimSubject, out TokenClaimSet? claimSet, out string? error)
    {
        claimSet = null;
        TokenClaimSet.ActorNode? actor = null;
        string? actorJson = null;

        if (root.ValueKind != JsonValueKind.Object)
        {
            error = "The token payload is not a JSON object.";
            return false;
        }

        foreach (var property in root.EnumerateObject())
        {
            if (ignoredMember is not null && property.NameEquals(ignoredMember))
            {
                continue;
            }
            if (IsScopeClaim(property.Name, scopeClaims))
            {
                if (!TryAddScopes(property.Value, scopes, claims, issuer, claimSubject))
                {
                    error = "The token's scope claim must be a space-separated string or an array of strings.";
                    return false;
                }
                continue;
            }
            switch (property.Name)
            {
                case AgentAuthClaimTypes.Scope:
                    // Not a configured scope claim: kept under its own name it would read as granted scopes.
                    break;
                case ActClaim:
                    if (!TryCreateActor(property.Value, issuer, depth: 1, out actor))
                    {
                        error = "The token's act claim must be a JSON object naming the actor, nested at most 10 deep.";
                        return false;
                    }
                    actorJson = property.Value.GetRawText();
                    break;
                case CnfClaim:
                    // Represented by the proven key's thumbprint (cnf_jkt), added per request.
                    break;
                default:
                    // cnf_jkt, keyid, sig_label, auth_method and act_chain state what this request proved; a token
                    // claim of that name would be found first (it is added before them), so it is dropped.
                    if (!AgentAuthClaimTypes.IsSchemeAsserted(property.Name))
                    {
                        AddClaim(claims, property.Name, property.Value, issuer, claimSubject);
                    }
                    break;
            }
        }

        if (actorJson is not null)
        {
            claims.Add(new Claim(AgentAuthClaimTypes.ActorChain, actorJson, "JSON", issuer, issuer, claimSubject));
        }

        claimSet = new TokenClaimSet(claims.ToArray(), subject, issuer, actor);
        error = null;
        return true;
    }

    /// <summary>Creates the principal for one request.</summary>
    /// <param name="authenticationType">The identity's authentication type: always <c>AgentAuth</c>, whatever the scheme is called, so scope checks recognise it.</param>
    /// <param name="mode">One of <see cref="AgentAuthenticationModes"/>.</param>
    /// <param name="token">The token's mapped claims, when the request carried a token.</param>
    /// <param name="keyThumbprint">RFC 7638 thumbprint of the key that proved possession, if any.</param>
    /// <param name="keyId">The signature's <c>keyid</c>, if any.</param>
    /// <param name="signatureLabel">The verified signature's label, if any.</param>
    /// <param name="aauth">For an AAuth request, its scheme and the identity it established (subject when there is no token, pseudonymous marker, agent).</param>
    /// <param name="signatureAgent">The Web Bot Auth operator origin (then also the subject), if any.</param>
    /// <param name="schemeOptions">The options of the scheme that authenticated the request, kept on the identity for the 403 scope challenge.</param>
    /// <param name="identity">The identity <paramref name="token"/>'s claims were created for, if they were (else a new one).</param>
    public static ClaimsPrincipal CreatePrincipal(string authenticationType, string mode, TokenClaimSet? token, string? keyThumbprint, string? keyId, string? signatureLabel, AAuthIdentity? aauth = null, string? signatureAgent = null, AgentAuthOptions? schemeOptions = null, AgentClaimsIdentity? identity = null)
    {
        identity ??= new AgentClaimsIdentity(authenticationType, schemeOptions);

        if (token is not null)
        {
            // Cached claims belong to no identity, so AddClaim gives this identity its own copies (Claim.Subject is per identity).
            // A for loop: AddClaims would enumerate the array through an allocated IEnumerator.
            var claims = token.Claims;
            for (var i = 0; i < claims.Length; i++)
            {
                identity.AddClaim(claims[i]);
            }
            if (token.Actor is not null)
            {
                identity.Actor = CreateActorIdentity(token.Actor);
            }
        }
        else
        {
            // Signature-only: the agent is its key; for AAuth, what its scheme established; a web bot is its operator (the directory origin).
            var subject = aauth?.Subject ?? signatureAgent ?? keyId ?? keyThumbprint;
            if (subject is not null)
            {
                AddLocal(identity, AgentAuthClaimTypes.Subject, subject);
            }
        }

        if (signatureAgent is not null)
        {
            AddLocal(identity, AgentAuthClaimTypes.SignatureAgent, signatureAgent);
        }
        if (keyThumbprint is not null)
        {
            AddLocal(identity, AgentAuthClaimTypes.KeyThumbprint, keyThumbprint);
        }
        if (keyId is not null)
        {
            AddLocal(identity, AgentAuthClaimTypes.KeyId, keyId);
        }
        if (signatureLabel is not null)
        {
            AddLocal(identity, AgentAuthClaimTypes.SignatureLabel, signatureLabel);
        }
        AddLocal(identity, AgentAuthClaimTypes.AuthenticationMode, mode);
        if (aauth is not null)
        {
            AddLocal(identity, AgentAuthClaimTypes.AAuthScheme, aauth.Scheme);
            if (aauth.Pseudonymous)
            {
                AddLocal(identity, AgentAuthClaimTypes.Pseudonymous, "true");
            }
            if (aauth.Agent is not null)
            {
                AddLocal(identity, AgentAuthClaimTypes.AAuthAgent, aauth.Agent);
            }
        }
        return new ClaimsPrincipal(identity);
    }

    /// <summary>
    /// Adds a claim issued by this server. Created with the identity as its subject so <see cref="ClaimsIdentity.AddClaim"/> keeps it
    /// instead of cloning it (a claim whose subject is another identity, or none, is copied).
    /// </summary>
    private static void AddLocal(ClaimsIdentity identity, string type, string value) =>
        identity.AddClaim(new Claim(type, value, ClaimValueTypes.String, ClaimsIdentity.DefaultIssuer, ClaimsIdentity.DefaultIssuer, identity));

    private static ClaimsIdentity CreateActorIdentity(TokenClaimSet.ActorNode node)
    {
        var identity = new ClaimsIdentity(node.Claims, "act", AgentAuthClaimTypes.Subject, "roles");
        if (node.Next is not null)
        {
            identity.Actor = CreateActorIdentity(node.Next);
        }
        return identity;
    }

    private static bool TryCreateActor(JsonElement act, string issuer, int depth, out TokenClaimSet.ActorNode? node)
    {
        node = null;
        if (act.ValueKind != JsonValueKind.Object || depth > MaxActorDepth)
        {
            return false;
        }

        var claims = new List<Claim>(4);
        TokenClaimSet.ActorNode? next = null;
        foreach (var property in act.EnumerateObject())
        {
            if (property.NameEquals(ActClaim))
            {
                if (!TryCreateActor(property.Value, issuer, depth + 1, out next))
                {
                    return false;
                }
                continue;
            }
            // RFC 8693 §4.1: exp, nbf, aud and the like mean nothing inside act; identity claims (sub, iss, client_id...) are kept.
            AddClaim(claims, property.Name, property.Value, issuer, subject: null);
        }

        node = new TokenClaimSet.ActorNode(claims.ToArray(), next);
        return true;
    }

    private static bool IsScopeClaim(string name, IList<string> scopeClaims)
    {
        for (var i = 0; i < scopeClaims.Count; i++)
        {
            if (string.Equals(name, scopeClaims[i], StringComparison.Ordinal))
            {
                return true;
            }
        }
        return false;
    }

    private static bool TryAddScopes(JsonElement value, HashSet<string> seen, List<Claim> claims, string issuer, ClaimsIdentity? subject)
    {
        if (value.ValueKind == JsonValueKind.String)
        {
            foreach (var part in value.GetString()!.Split(' ', StringSplitOptions.RemoveEmptyEntries))
            {
                if (seen.Add(part))
                {
                    claims.Add(new Claim(AgentAuthClaimTypes.Scope, part, ClaimValueTypes.String, issuer, issuer, subject));
                }
            }
            return true;
        }

        if (value.ValueKind == JsonValueKind.Array)
        {
            foreach (var item in value.EnumerateArray())
            {
                if (item.ValueKind != JsonValueKind.String)
                {
                    return false;
                }
                // Array entries are whole scopes; a space inside one would smuggle two.
                var scope = item.GetString()!;
                if (scope.Length == 0 || scope.Contains(' ', StringComparison.Ordinal))
                {
                    return false;
                }
                if (seen.Add(scope))
                {
                    claims.Add(new Claim(AgentAuthClaimTypes.Scope, scope, ClaimValueTypes.String, issuer, issuer, subject));
                }
            }
            return true;
        }

        return false;
    }

    private static void AddClaim(List<Claim> claims, string type, JsonElement value, string issuer, ClaimsIdentity? subject)
    {
        switch (value.ValueKind)
        {
            case JsonValueKind.String:
                claims.Add(new Claim(type, value.GetString()!, ClaimValueTypes.String, issuer, issuer, subject));
                break;
            case JsonValueKind.Number:
                claims.Add(new Claim(type, value.GetRawText(), value.TryGetInt64(out _) ? ClaimValueTypes.Integer64 : ClaimValueTypes.Double, issuer, issuer, subject));
                break;
            case JsonValueKind.True:
            case JsonValueKind.False:
                claims.Add(new Claim(type, value.ValueKind == JsonValueKind.True ? "true" : "false", ClaimValueTypes.Boolean, issuer, issuer, subject));
                break;
            case JsonValueKind.Array:
                foreach (var item in value.EnumerateArray())
                {
                    AddClaim(claims, type, item, issuer, subject);
                }
                break;
            case JsonValueKind.Object:
                claims.Add(new Claim(type, value.GetRawText(), "JSON", issuer, issuer, subject));
                break;
            default:
                // null and undefined carry nothing worth a claim.
                break;
        }
    }

    private static byte[] Base64UrlDecode(string value) => Microsoft.IdentityModel.Tokens.Base64UrlEncoder.DecodeBytes(value);
}
