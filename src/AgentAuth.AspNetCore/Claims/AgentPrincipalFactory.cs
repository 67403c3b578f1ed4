using System.Buffers;
using System.Buffers.Text;
using System.Runtime.InteropServices;
using System.Security.Claims;
using System.Text;
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
        // Read as a slice of the token's text: JsonWebToken.EncodedPayload would allocate the payload as a new string.
        var encoded = EncodedPayload(token);
        var buffer = ArrayPool<byte>.Shared.Rent(Base64Url.GetMaxDecodedLength(encoded.Length));
        try
        {
            if (!Base64Url.TryDecodeFromChars(encoded, buffer, out var length))
            {
                claimSet = null;
                error = "The token payload is not base64url.";
                return false;
            }
            return TryCreateClaims(buffer.AsSpan(0, length), token.Issuer ?? string.Empty, token.Subject, token.Id, ignoredMember: null, scopeClaims, out claimSet, out error, subject);
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(buffer);
        }
    }

    /// <summary>
    /// The second segment of a compact JWS (RFC 7515 §7.1) as a slice of the token's text; IdentityModel's own
    /// <see cref="JsonWebToken.EncodedPayload"/> (a new string) only for a token without two dots, which the validator never passes.
    /// </summary>
    private static ReadOnlySpan<char> EncodedPayload(JsonWebToken token)
    {
        var text = token.EncodedToken.AsSpan();
        var first = text.IndexOf('.');
        if (first >= 0)
        {
            var length = text[(first + 1)..].IndexOf('.');
            if (length >= 0)
            {
                return text.Slice(first + 1, length);
            }
        }
        return token.EncodedPayload;
    }

    /// <summary>
    /// Maps a claims object the way a JWT payload is mapped, so an introspected token (RFC 7662 §2.2 answer, or a broker's
    /// claims object) yields the same principal as a local JWT. <paramref name="ignoredMember"/> (the answer's
    /// <c>active</c>/<c>valid</c> member) is not a claim; scopes are read from <paramref name="scopeClaims"/> as for a JWT.
    /// </summary>
    public static bool TryCreateClaims(JsonElement root, string issuer, string? subject, string? ignoredMember, IList<string> scopeClaims, out TokenClaimSet? claimSet, out string? error, ClaimsIdentity? claimSubject = null)
    {
        if (root.ValueKind != JsonValueKind.Object)
        {
            claimSet = null;
            error = NotAnObject;
            return false;
        }
        // The element's own UTF-8 text, read by the same single-pass mapping as a token's payload.
        return TryCreateClaims(JsonMarshal.GetRawUtf8Value(root), issuer, subject, id: null, ignoredMember, scopeClaims, out claimSet, out error, claimSubject);
    }

    private const string NotAnObject = "The token payload is not a JSON object.";

    /// <summary>
    /// Maps a UTF-8 JSON object in one forward pass of a <see cref="Utf8JsonReader"/> (no <see cref="JsonDocument"/>: the
    /// payload was already parsed once, by IdentityModel, for the validation). The reader reads one span, so its values
    /// are never a <see cref="Utf8JsonReader.ValueSequence"/>.
    /// </summary>
    private static bool TryCreateClaims(ReadOnlySpan<byte> json, string issuer, string? subject, string? id, string? ignoredMember, IList<string> scopeClaims, out TokenClaimSet? claimSet, out string? error, ClaimsIdentity? claimSubject)
    {
        // The working list and scope set are per-thread scratch (the mapping is synchronous): taken here, so a nested call
        // would make its own, and given back empty, unless a large token grew them.
        var claims = t_claims ?? new List<Claim>(16);
        var scopes = t_scopes ?? new HashSet<string>(StringComparer.Ordinal);
        t_claims = null;
        t_scopes = null;
        try
        {
            var reader = new Utf8JsonReader(json);
            return TryCreateClaims(ref reader, json, issuer, subject, id, ignoredMember, scopeClaims, claims, scopes, claimSubject, out claimSet, out error);
        }
        catch (Exception ex) when (ex is JsonException or InvalidOperationException)
        {
            // Not reached for a token IdentityModel parsed, nor for an answer JsonDocument parsed; never a 500 if it were.
            claimSet = null;
            error = "The token payload is not well-formed JSON.";
            return false;
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

    private static bool TryCreateClaims(ref Utf8JsonReader reader, ReadOnlySpan<byte> json, string issuer, string? subject, string? id, string? ignoredMember, IList<string> scopeClaims,
        List<Claim> claims, HashSet<string> scopes, ClaimsIdentity? claimSubject, out TokenClaimSet? claimSet, out string? error)
    {
        claimSet = null;
        TokenClaimSet.ActorNode? actor = null;
        string? actorJson = null;

        if (!reader.Read() || reader.TokenType != JsonTokenType.StartObject)
        {
            error = NotAnObject;
            return false;
        }

        while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
        {
            var name = ReadName(ref reader);
            reader.Read();
            if (ignoredMember is not null && string.Equals(name, ignoredMember, StringComparison.Ordinal))
            {
                reader.Skip();
                continue;
            }
            if (IsScopeClaim(name, scopeClaims))
            {
                if (!TryAddScopes(ref reader, scopes, claims, issuer, claimSubject))
                {
                    error = "The token's scope claim must be a space-separated string or an array of strings.";
                    return false;
                }
                continue;
            }
            switch (name)
            {
                case AgentAuthClaimTypes.Scope:
                case CnfClaim:
                    // scope: not a configured scope claim, kept under its own name it would read as granted scopes.
                    // cnf: represented by the proven key's thumbprint (cnf_jkt), added per request.
                    reader.Skip();
                    break;
                case ActClaim:
                    var start = (int)reader.TokenStartIndex;
                    if (!TryReadActor(ref reader, json, issuer, depth: 1, out actor))
                    {
                        error = "The token's act claim must be a JSON object naming the actor, nested at most 10 deep.";
                        return false;
                    }
                    actorJson = Encoding.UTF8.GetString(json[start..(int)reader.BytesConsumed]);
                    break;
                default:
                    // cnf_jkt, keyid, sig_label, auth_method and act_chain state what this request proved; a token
                    // claim of that name would be found first (it is added before them), so it is dropped.
                    if (AgentAuthClaimTypes.IsSchemeAsserted(name))
                    {
                        reader.Skip();
                    }
                    else
                    {
                        AddClaim(ref reader, json, claims, name, issuer, claimSubject, KnownValue(name, issuer, subject, id));
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

    /// <summary>
    /// For <c>iss</c>, <c>sub</c> and <c>jti</c>, the string the token already holds (IdentityModel read it), so an equal
    /// claim value is not transcoded and allocated again.
    /// </summary>
    private static string? KnownValue(string name, string issuer, string? subject, string? id) =>
        ReferenceEquals(name, IssuerName) ? issuer : ReferenceEquals(name, SubjectName) ? subject : ReferenceEquals(name, IdName) ? id : null;

    private const string IssuerName = "iss";
    private const string SubjectName = "sub";
    private const string IdName = "jti";

    /// <summary>
    /// A property name as a string: the registered JWT claim names (RFC 7519 §4.1) and the common OAuth ones as shared
    /// literals instead of a new string per token.
    /// </summary>
    private static string ReadName(ref Utf8JsonReader reader)
    {
        if (!reader.ValueIsEscaped)
        {
            var name = reader.ValueSpan;
            var known = name.Length switch
            {
                3 => (name[0] | (name[1] << 8) | (name[2] << 16)) switch
                {
                    'i' | ('s' << 8) | ('s' << 16) => IssuerName,
                    's' | ('u' << 8) | ('b' << 16) => SubjectName,
                    'a' | ('u' << 8) | ('d' << 16) => "aud",
                    'e' | ('x' << 8) | ('p' << 16) => "exp",
                    'n' | ('b' << 8) | ('f' << 16) => "nbf",
                    'i' | ('a' << 8) | ('t' << 16) => "iat",
                    'j' | ('t' << 8) | ('i' << 16) => IdName,
                    'a' | ('c' << 8) | ('t' << 16) => ActClaim,
                    'c' | ('n' << 8) | ('f' << 16) => CnfClaim,
                    'a' | ('z' << 8) | ('p' << 16) => "azp",
                    's' | ('c' << 8) | ('p' << 16) => "scp",
                    _ => null,
                },
                5 when name.SequenceEqual("scope"u8) => AgentAuthClaimTypes.Scope,
                9 when name.SequenceEqual("client_id"u8) => "client_id",
                _ => null,
            };
            if (known is not null)
            {
                return known;
            }
        }
        return reader.GetString()!;
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

    /// <summary>One level of an RFC 8693 <c>act</c> object, the reader on its start; on success the reader is on its end.</summary>
    private static bool TryReadActor(ref Utf8JsonReader reader, ReadOnlySpan<byte> json, string issuer, int depth, out TokenClaimSet.ActorNode? node)
    {
        node = null;
        if (reader.TokenType != JsonTokenType.StartObject || depth > MaxActorDepth)
        {
            return false;
        }

        var claims = new List<Claim>(4);
        TokenClaimSet.ActorNode? next = null;
        while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
        {
            var name = ReadName(ref reader);
            reader.Read();
            if (ReferenceEquals(name, ActClaim))
            {
                if (!TryReadActor(ref reader, json, issuer, depth + 1, out next))
                {
                    return false;
                }
                continue;
            }
            // RFC 8693 §4.1: exp, nbf, aud and the like mean nothing inside act; identity claims (sub, iss, client_id...) are kept.
            AddClaim(ref reader, json, claims, name, issuer, subject: null, knownValue: null);
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

    private static bool TryAddScopes(ref Utf8JsonReader reader, HashSet<string> seen, List<Claim> claims, string issuer, ClaimsIdentity? subject)
    {
        if (reader.TokenType == JsonTokenType.String)
        {
            // RFC 6749 §3.3: space-delimited. Unescaped into a scratch buffer and split there, so only the scopes become strings.
            // UTF-8 (escaped or not) never has fewer bytes than the UTF-16 characters it decodes to.
            var maxLength = reader.ValueSpan.Length;
            char[]? rented = null;
            var buffer = maxLength <= 256 ? stackalloc char[256] : (rented = ArrayPool<char>.Shared.Rent(maxLength));
            try
            {
                var value = buffer[..reader.CopyString(buffer)];
                var lookup = seen.GetAlternateLookup<ReadOnlySpan<char>>();
                foreach (var range in value.Split(' '))
                {
                    var part = value[range];
                    if (part.Length > 0 && !lookup.Contains(part))
                    {
                        var scope = part.ToString();
                        seen.Add(scope);
                        claims.Add(new Claim(AgentAuthClaimTypes.Scope, scope, ClaimValueTypes.String, issuer, issuer, subject));
                    }
                }
            }
            finally
            {
                if (rented is not null)
                {
                    ArrayPool<char>.Shared.Return(rented);
                }
            }
            return true;
        }

        if (reader.TokenType == JsonTokenType.StartArray)
        {
            while (reader.Read() && reader.TokenType != JsonTokenType.EndArray)
            {
                if (reader.TokenType != JsonTokenType.String)
                {
                    return false;
                }
                // Array entries are whole scopes; a space inside one would smuggle two.
                var scope = reader.GetString()!;
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

    /// <summary>
    /// Adds the claims of one value, the reader on it (a container's start); afterwards the reader is on its last token.
    /// <paramref name="json"/> is the whole text the reader reads (an object claim keeps its raw JSON).
    /// </summary>
    private static void AddClaim(ref Utf8JsonReader reader, ReadOnlySpan<byte> json, List<Claim> claims, string type, string issuer, ClaimsIdentity? subject, string? knownValue)
    {
        switch (reader.TokenType)
        {
            case JsonTokenType.String:
                var value = knownValue is not null && reader.ValueTextEquals(knownValue) ? knownValue : reader.GetString()!;
                claims.Add(new Claim(type, value, ClaimValueTypes.String, issuer, issuer, subject));
                break;
            case JsonTokenType.Number:
                // The number's text as written (a number token has no escapes), typed as JsonElement.TryGetInt64 would.
                claims.Add(new Claim(type, Encoding.UTF8.GetString(reader.ValueSpan), reader.TryGetInt64(out _) ? ClaimValueTypes.Integer64 : ClaimValueTypes.Double, issuer, issuer, subject));
                break;
            case JsonTokenType.True:
            case JsonTokenType.False:
                claims.Add(new Claim(type, reader.TokenType == JsonTokenType.True ? "true" : "false", ClaimValueTypes.Boolean, issuer, issuer, subject));
                break;
            case JsonTokenType.StartArray:
                while (reader.Read() && reader.TokenType != JsonTokenType.EndArray)
                {
                    AddClaim(ref reader, json, claims, type, issuer, subject, knownValue: null);
                }
                break;
            case JsonTokenType.StartObject:
                claims.Add(new Claim(type, RawObject(ref reader, json), "JSON", issuer, issuer, subject));
                break;
            default:
                // null and undefined carry nothing worth a claim.
                break;
        }
    }

    /// <summary>An object's JSON text exactly as written (what <see cref="JsonElement.GetRawText"/> returns), the reader on its start.</summary>
    private static string RawObject(ref Utf8JsonReader reader, ReadOnlySpan<byte> json)
    {
        var start = (int)reader.TokenStartIndex;
        reader.Skip();
        return Encoding.UTF8.GetString(json[start..(int)reader.BytesConsumed]);
    }
}
