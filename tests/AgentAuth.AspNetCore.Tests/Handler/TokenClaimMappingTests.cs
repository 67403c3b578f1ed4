using System.Security.Claims;
using System.Text;
using System.Text.Json;
using Microsoft.IdentityModel.JsonWebTokens;

namespace AgentAuth.AspNetCore.Tests.Handler;

/// <summary>
/// The claim mapping reads a token's payload in one forward pass of a <see cref="Utf8JsonReader"/> (issue 22: no second
/// <see cref="JsonDocument"/> of a payload IdentityModel already parsed). These tests pin that it gives exactly the
/// principal the <see cref="JsonDocument"/> mapping gave (kept here as the reference), for payloads with every JSON shape,
/// escapes in names and values, duplicate scopes, nested actors, and the same refusals with the same reasons.
/// </summary>
public sealed class TokenClaimMappingTests
{
    private const string Issuer = "https://issuer.example";
    private static readonly string[] ScopeClaims = ["scope", "scp"];

    public static TheoryData<string> Payloads() => new()
    {
        // Every value kind, numbers as written (1.50, 1e3, beyond Int64), nested arrays flattened, objects as raw JSON
        // (inner whitespace kept), escaped names and values, a scheme-asserted name dropped, cnf and a foreign scope dropped.
        """
        {"iss":"https://issuer.example","sub":"agent-1","aud":["api","other"],"exp":1700000000,"n":1.50,"e":1e3,
         "big":12345678901234567890,"neg":-5,"t":true,"f":false,"nul":null,"obj":{ "a" : [1, {"b":"c"}] },
         "arr":[["x","y"],[1,2.0],{"k":"v"},null,[]],"scope":"read  write read \u0061dmin ","client_id":"c\u00e9",
         "cnf":{"jkt":"abc"},"keyid":"spoof","auth_method":"spoof","emoji":"\ud83d\ude00","\u0073ub2":"escaped name",
         "act":{"sub":"actor-1","obj":{"z": 1},"act":{"sub":"actor-0","client_id":"cc","exp":5}}}
        """,
        // Scopes as an array under the second scope claim, with a duplicate; both scope claims present.
        """{"iss":"https://issuer.example","scp":["a","b","a"],"scope":"b c","sub":"s","jti":"id-1"}""",
        // An escaped iss that differs from the issuer string, a sub that is not a string, an empty object and array.
        """{"iss":"https:\/\/other.example","sub":"s","jti":"\u0069d","n":42,"o":{},"a":[],"s":""}""",
        // A long scope string (past the stack buffer) and many claims (past the scratch list's size).
        "{\"scope\":\"" + string.Join(' ', Enumerable.Range(0, 300).Select(i => "scope:" + i)) + "\","
            + string.Join(',', Enumerable.Range(0, 80).Select(i => $"\"c{i}\":{i}")) + "}",
        // Refused the same way: scope array with a space, scope not a string, act not an object, act nested 11 deep,
        // a nested act that is not an object, a scope array with a number.
        """{"scope":["a b"]}""",
        """{"scp":7}""",
        """{"act":"someone"}""",
        "{\"act\":" + string.Concat(Enumerable.Repeat("{\"sub\":\"a\",\"act\":", 10)) + "{\"sub\":\"z\"}" + new string('}', 10) + "}",
        """{"act":{"sub":"a","act":[1]}}""",
        """{"scope":["a",1]}""",
        """{"scope":null}""",
    };

    [Theory]
    [MemberData(nameof(Payloads))]
    public void Token_payload_maps_to_the_same_claims_as_the_document_mapping(string payload)
    {
        var jwt = new JsonWebToken(UnsignedToken(payload));
        var mapped = AgentPrincipalFactory.TryCreateTokenClaims(jwt, ScopeClaims, out var claims, out var error);

        using var document = JsonDocument.Parse(payload);
        var expected = ReferenceMapping.TryCreate(document.RootElement, jwt.Issuer ?? string.Empty, jwt.Subject, ignoredMember: null, ScopeClaims, out var expectedClaims, out var expectedError);

        Assert.Equal(expected, mapped);
        Assert.Equal(expectedError, error);
        if (expected)
        {
            AssertSame(expectedClaims!, claims!);
        }
    }

    [Theory]
    [MemberData(nameof(Payloads))]
    public void Introspection_answer_maps_to_the_same_claims_as_the_document_mapping(string payload)
    {
        // An RFC 7662 answer: the same members plus "active", which is not a claim.
        var answer = "{\"active\":true," + payload.TrimStart()[1..];
        using var document = JsonDocument.Parse(answer);
        var mapped = AgentPrincipalFactory.TryCreateClaims(document.RootElement, Issuer, "subject", "active", ScopeClaims, out var claims, out var error);
        var expected = ReferenceMapping.TryCreate(document.RootElement, Issuer, "subject", "active", ScopeClaims, out var expectedClaims, out var expectedError);

        Assert.Equal(expected, mapped);
        Assert.Equal(expectedError, error);
        if (expected)
        {
            AssertSame(expectedClaims!, claims!);
            Assert.DoesNotContain(claims!.Claims, c => c.Type == "active");
        }
    }

    [Fact]
    public void A_payload_that_is_not_an_object_is_refused()
    {
        using var document = JsonDocument.Parse("[1,2]");
        Assert.False(AgentPrincipalFactory.TryCreateClaims(document.RootElement, Issuer, null, null, ScopeClaims, out _, out var error));
        Assert.Equal("The token payload is not a JSON object.", error);
    }

    private static void AssertSame(TokenClaimSet expected, TokenClaimSet actual)
    {
        Assert.Equal(Describe(expected.Claims), Describe(actual.Claims));
        Assert.Equal(expected.Subject, actual.Subject);
        Assert.Equal(expected.Issuer, actual.Issuer);
        var (e, a) = (expected.Actor, actual.Actor);
        while (e is not null || a is not null)
        {
            Assert.NotNull(e);
            Assert.NotNull(a);
            Assert.Equal(Describe(e.Claims), Describe(a.Claims));
            (e, a) = (e.Next, a.Next);
        }
    }

    private static List<string> Describe(IEnumerable<Claim> claims) =>
        claims.Select(c => $"{c.Type}|{c.Value}|{c.ValueType}|{c.Issuer}|{c.OriginalIssuer}|{c.Subject is null}").ToList();

    private static string UnsignedToken(string payload) =>
        Encode("""{"alg":"ES256","typ":"at+jwt"}""") + "." + Encode(payload) + ".c2ln";

    private static string Encode(string json) => System.Buffers.Text.Base64Url.EncodeToString(Encoding.UTF8.GetBytes(json));

    /// <summary>The mapping as it was before issue 22 (a <see cref="JsonDocument"/> walk), the reference for the tests above.</summary>
    private static class ReferenceMapping
    {
        public static bool TryCreate(JsonElement root, string issuer, string? subject, string? ignoredMember, IList<string> scopeClaims, out TokenClaimSet? claimSet, out string? error)
        {
            claimSet = null;
            if (root.ValueKind != JsonValueKind.Object)
            {
                error = "The token payload is not a JSON object.";
                return false;
            }
            var claims = new List<Claim>();
            var scopes = new HashSet<string>(StringComparer.Ordinal);
            TokenClaimSet.ActorNode? actor = null;
            string? actorJson = null;
            foreach (var property in root.EnumerateObject())
            {
                if (ignoredMember is not null && property.NameEquals(ignoredMember))
                {
                    continue;
                }
                if (scopeClaims.Contains(property.Name))
                {
                    if (!TryAddScopes(property.Value, scopes, claims, issuer))
                    {
                        error = "The token's scope claim must be a space-separated string or an array of strings.";
                        return false;
                    }
                    continue;
                }
                switch (property.Name)
                {
                    case "scope":
                    case "cnf":
                        break;
                    case "act":
                        if (!TryCreateActor(property.Value, issuer, 1, out actor))
                        {
                            error = "The token's act claim must be a JSON object naming the actor, nested at most 10 deep.";
                            return false;
                        }
                        actorJson = property.Value.GetRawText();
                        break;
                    default:
                        if (!AgentAuthClaimTypes.IsSchemeAsserted(property.Name))
                        {
                            AddClaim(claims, property.Name, property.Value, issuer);
                        }
                        break;
                }
            }
            if (actorJson is not null)
            {
                claims.Add(new Claim(AgentAuthClaimTypes.ActorChain, actorJson, "JSON", issuer, issuer));
            }
            claimSet = new TokenClaimSet(claims.ToArray(), subject, issuer, actor);
            error = null;
            return true;
        }

        private static bool TryCreateActor(JsonElement act, string issuer, int depth, out TokenClaimSet.ActorNode? node)
        {
            node = null;
            if (act.ValueKind != JsonValueKind.Object || depth > AgentPrincipalFactory.MaxActorDepth)
            {
                return false;
            }
            var claims = new List<Claim>();
            TokenClaimSet.ActorNode? next = null;
            foreach (var property in act.EnumerateObject())
            {
                if (property.NameEquals("act"))
                {
                    if (!TryCreateActor(property.Value, issuer, depth + 1, out next))
                    {
                        return false;
                    }
                    continue;
                }
                AddClaim(claims, property.Name, property.Value, issuer);
            }
            node = new TokenClaimSet.ActorNode(claims.ToArray(), next);
            return true;
        }

        private static bool TryAddScopes(JsonElement value, HashSet<string> seen, List<Claim> claims, string issuer)
        {
            if (value.ValueKind == JsonValueKind.String)
            {
                foreach (var part in value.GetString()!.Split(' ', StringSplitOptions.RemoveEmptyEntries))
                {
                    if (seen.Add(part))
                    {
                        claims.Add(new Claim("scope", part, ClaimValueTypes.String, issuer, issuer));
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
                    var scope = item.GetString()!;
                    if (scope.Length == 0 || scope.Contains(' ', StringComparison.Ordinal))
                    {
                        return false;
                    }
                    if (seen.Add(scope))
                    {
                        claims.Add(new Claim("scope", scope, ClaimValueTypes.String, issuer, issuer));
                    }
                }
                return true;
            }
            return false;
        }

        private static void AddClaim(List<Claim> claims, string type, JsonElement value, string issuer)
        {
            switch (value.ValueKind)
            {
                case JsonValueKind.String:
                    claims.Add(new Claim(type, value.GetString()!, ClaimValueTypes.String, issuer, issuer));
                    break;
                case JsonValueKind.Number:
                    claims.Add(new Claim(type, value.GetRawText(), value.TryGetInt64(out _) ? ClaimValueTypes.Integer64 : ClaimValueTypes.Double, issuer, issuer));
                    break;
                case JsonValueKind.True:
                case JsonValueKind.False:
                    claims.Add(new Claim(type, value.ValueKind == JsonValueKind.True ? "true" : "false", ClaimValueTypes.Boolean, issuer, issuer));
                    break;
                case JsonValueKind.Array:
                    foreach (var item in value.EnumerateArray())
                    {
                        AddClaim(claims, type, item, issuer);
                    }
                    break;
                case JsonValueKind.Object:
                    claims.Add(new Claim(type, value.GetRawText(), "JSON", issuer, issuer));
                    break;
            }
        }
    }
}
