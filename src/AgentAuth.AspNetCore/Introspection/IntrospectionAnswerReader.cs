using System.Text.Json;

namespace AgentAuth.AspNetCore;

/// <summary>
/// Reads an introspection or validation answer without ever throwing: RFC 7662 §2.2 (<c>active</c> plus top-level
/// claims) or a broker shape (<c>valid</c> plus a <c>claims</c> object). An active answer is checked as a JWT would be:
/// <c>exp</c> and <c>nbf</c> against the scheme's clock, <c>iss</c> and <c>aud</c> when present, <c>cnf</c> syntax.
/// </summary>
internal static class IntrospectionAnswerReader
{
    private const int MaxDepth = 32;

    /// <summary>Returns <see langword="null"/> (with a reason) when the answer is not a well-formed answer of the shape.</summary>
    public static IntrospectionResult? TryRead(
        ReadOnlySpan<byte> json, TokenIntrospectionOptions options, string issuer, IReadOnlyCollection<string> audiences, IList<string> scopeClaims, DateTimeOffset now, TimeSpan clockSkew, out string? garbage)
    {
        garbage = null;
        JsonDocument document;
        try
        {
            document = JsonDocument.Parse(json.ToArray(), new JsonDocumentOptions { MaxDepth = MaxDepth });
        }
        catch (JsonException)
        {
            garbage = "the answer is not JSON";
            return null;
        }
        using (document)
        {
            var root = document.RootElement;
            if (root.ValueKind != JsonValueKind.Object)
            {
                garbage = "the answer is not a JSON object";
                return null;
            }
            var rfc7662 = options.Format == TokenIntrospectionFormat.Rfc7662;
            var activeMember = rfc7662 ? "active" : options.Format == TokenIntrospectionFormat.AgentWrit ? "valid" : options.ActiveMember;
            if (!root.TryGetProperty(activeMember, out var active) || (active.ValueKind != JsonValueKind.True && active.ValueKind != JsonValueKind.False))
            {
                garbage = $"the answer has no boolean '{activeMember}'";
                return null;
            }
            if (active.ValueKind == JsonValueKind.False)
            {
                return IntrospectionResult.Inactive(rfc7662 ? "the issuer says the token is not active" : "the broker says the token is not valid");
            }

            JsonElement claims;
            string? ignored;
            var claimsMember = options.Format == TokenIntrospectionFormat.AgentWrit ? "claims" : options.ClaimsMember;
            if (rfc7662 || string.IsNullOrEmpty(claimsMember))
            {
                claims = root;
                ignored = activeMember;
            }
            else if (!root.TryGetProperty(claimsMember, out claims) || claims.ValueKind != JsonValueKind.Object)
            {
                garbage = $"the answer has no '{claimsMember}' object";
                return null;
            }
            else
            {
                ignored = null;
            }
            return ReadActive(claims, ignored, issuer, audiences, scopeClaims, now, clockSkew);
        }
    }

    private static IntrospectionResult ReadActive(JsonElement claims, string? ignored, string issuer, IReadOnlyCollection<string> audiences, IList<string> scopeClaims, DateTimeOffset now, TimeSpan clockSkew)
    {
        var nowSeconds = now.ToUnixTimeSeconds();
        DateTimeOffset? expires = null;
        if (claims.TryGetProperty("exp", out var exp))
        {
            if (!exp.TryGetInt64(out var expSeconds) || expSeconds < 0 || expSeconds > DateTimeOffset.MaxValue.ToUnixTimeSeconds())
            {
                return IntrospectionResult.Inactive("the answer's exp is not a NumericDate");
            }
            // No clock skew in favour of an expired token: the issuer's own answer already judged it.
            if (expSeconds <= nowSeconds)
            {
                return IntrospectionResult.Inactive("the token has expired");
            }
            expires = DateTimeOffset.FromUnixTimeSeconds(expSeconds);
        }
        if (claims.TryGetProperty("nbf", out var nbf) && (!nbf.TryGetInt64(out var nbfSeconds) || nbfSeconds > nowSeconds + (long)clockSkew.TotalSeconds))
        {
            return IntrospectionResult.Inactive("the token is not valid yet");
        }
        if (claims.TryGetProperty("iss", out var iss) && (iss.ValueKind != JsonValueKind.String || !iss.ValueEquals(issuer)))
        {
            return IntrospectionResult.Inactive("the answer names another issuer");
        }
        if (claims.TryGetProperty("aud", out var aud) && !AudienceAccepted(aud, audiences))
        {
            return IntrospectionResult.Inactive("the token audience is not accepted");
        }
        string? subject = null;
        if (claims.TryGetProperty("sub", out var sub))
        {
            if (sub.ValueKind != JsonValueKind.String)
            {
                return IntrospectionResult.Inactive("the answer's sub is not a string");
            }
            subject = sub.GetString();
        }
        string? jti = null;
        if (claims.TryGetProperty("jti", out var jtiElement) && jtiElement.ValueKind == JsonValueKind.String)
        {
            jti = jtiElement.GetString();
        }
        ConfirmationClaim? confirmation = null;
        if (claims.TryGetProperty("cnf", out var cnf) && !ConfirmationClaimReader.TryRead(cnf, out confirmation, out var cnfError))
        {
            return IntrospectionResult.Inactive(cnfError ?? "the answer's cnf is invalid");
        }
        if (!AgentPrincipalFactory.TryCreateClaims(claims, issuer, subject, ignored, scopeClaims, out var claimSet, out var error))
        {
            return IntrospectionResult.Inactive(error ?? "the answer's claims cannot be mapped");
        }
        return IntrospectionResult.Active(claimSet!, confirmation, expires, jti);
    }

    private static bool AudienceAccepted(JsonElement aud, IReadOnlyCollection<string> audiences)
    {
        if (aud.ValueKind == JsonValueKind.String)
        {
            return Contains(audiences, aud);
        }
        if (aud.ValueKind == JsonValueKind.Array)
        {
            foreach (var item in aud.EnumerateArray())
            {
                if (item.ValueKind == JsonValueKind.String && Contains(audiences, item))
                {
                    return true;
                }
            }
        }
        return false;
    }

    private static bool Contains(IReadOnlyCollection<string> audiences, JsonElement value)
    {
        foreach (var audience in audiences)
        {
            if (value.ValueEquals(audience))
            {
                return true;
            }
        }
        return false;
    }
}
