using System.Net;
using System.Text.Json.Nodes;
using AgentAuth.AspNetCore.Tests.Handler;
using AgentAuth.AspNetCore.Tests.Tokens;
using AgentAuth.Client;
using AgentAuth.HttpSignatures.Cryptography;
using Microsoft.Extensions.Time.Testing;
using static AgentAuth.AspNetCore.Tests.Introspection.IntrospectionTestHost;

namespace AgentAuth.AspNetCore.Tests.Introspection;

/// <summary>
/// An opaque token whose introspection answer carries <c>cnf.jwk</c>, sent with an RFC 9421 signature by the signing client
/// over Kestrel: accepted when the request is signed with that key, refused when signed with another (issue 19: token
/// binding still applies to introspected tokens, through the one <c>Confirmation</c> check).
/// </summary>
public sealed class IntrospectedSignedRequestTests
{
    private static JsonObject BoundClaims(SignatureKey key)
    {
        var now = DateTimeOffset.UtcNow.ToUnixTimeSeconds();
        return new JsonObject
        {
            ["iss"] = Issuer,
            ["sub"] = "agent-7",
            ["aud"] = TestTokens.Audience,
            ["exp"] = now + 3600,
            ["scope"] = "read:data",
            ["cnf"] = new JsonObject { ["jwk"] = JsonNode.Parse(key.ExportPublicJwkJson()) },
        };
    }

    [Fact]
    public async Task Signed_request_with_the_bound_key_is_accepted_and_with_another_key_refused()
    {
        using var agentKey = SignatureKey.GenerateEd25519();
        using var otherKey = SignatureKey.GenerateEd25519();
        await using var server = await TestIntrospectionServer.StartAsync();
        var host = await HandlerHost.StartAsync(o =>
        {
            o.IncludeErrorDetails = true;
            o.Audiences.Add(TestTokens.Audience);
            var issuer = new TokenIssuerOptions { Issuer = Issuer, RequireHttpsMetadata = false };
            issuer.Introspection.Endpoint = server.IntrospectionEndpoint;
            issuer.Introspection.OpaqueTokens = true;
            o.Issuers.Add(issuer);
        }, kestrel: true, time: new FakeTimeProvider(DateTimeOffset.UtcNow));
        await using (host)
        {
            var token = NewOpaqueToken();
            server.Issue(token, BoundClaims(agentKey));

            using var bound = new HttpClient(new AgentAuthSigningHandler(new AgentAuthSigningOptions { Key = agentKey, AccessToken = token }, new SocketsHttpHandler())) { BaseAddress = host.BaseAddress };
            using var ok = await bound.GetAsync(new Uri("/protected", UriKind.Relative));
            var principal = await PrincipalAsync(ok);
            Assert.Equal(["httpsig+jwt"], ClaimValues(principal, "auth_method"));
            Assert.Equal([agentKey.Thumbprint], ClaimValues(principal, "cnf_jkt"));

            using var thief = new HttpClient(new AgentAuthSigningHandler(new AgentAuthSigningOptions { Key = otherKey, AccessToken = token }, new SocketsHttpHandler())) { BaseAddress = host.BaseAddress };
            using var refused = await thief.GetAsync(new Uri("/protected", UriKind.Relative));
            Assert.Equal(HttpStatusCode.Unauthorized, refused.StatusCode);
            Assert.Contains("invalid_token", refused.Headers.WwwAuthenticate.ToString(), StringComparison.Ordinal);
        }
    }
}
