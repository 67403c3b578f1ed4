using System.Text.Json.Nodes;
using AgentAuth.AspNetCore.Tests.Handler;
using AgentAuth.AspNetCore.Tests.Tokens;
using AgentAuth.HttpSignatures.Cryptography;
using Microsoft.Extensions.DependencyInjection;
using static AgentAuth.AspNetCore.Tests.AAuth.AAuthTestAgent;
using static AgentAuth.AspNetCore.Tests.Handler.ResponseAssert;

namespace AgentAuth.AspNetCore.Tests.AAuth;

/// <summary>
/// A token carried in <c>Signature-Key: sig=jwt</c> is looked up in the revocation store like a token in
/// <c>Authorization</c>, on the first request and on every validated-token cache hit (the agent-token cache included).
/// </summary>
public sealed class AAuthAgentTokenRevocationTests
{
    private static readonly SignatureKey s_issuerKey = SignatureKey.GenerateEd25519("issuer-key-1");

    private static void Configure(AgentAuthOptions o)
    {
        o.IncludeErrorDetails = true;
        o.Audiences.Add(TestTokens.Audience);
        o.Issuers.Add(new TokenIssuerOptions { Issuer = TestTokens.Issuer, JsonWebKeySet = TestTokens.Jwks(TestTokens.PublicJwk(s_issuerKey, "Ed25519")) });
        o.AAuth.AllowJwt = true;
    }

    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public async Task An_agent_token_revoked_by_jti_is_refused_in_Signature_Key_even_from_the_token_cache(bool acceptedFirst)
    {
        var revocations = new MemoryRevocationStoreProbe();
        await using var host = await HandlerHost.StartAsync(Configure, services: s => s.AddSingleton<IRevocationStore>(revocations), kestrel: true);
        var jti = Guid.NewGuid().ToString("N");
        var token = AAuthAgentTokenTests.MintAgentToken(s_issuerKey, TestTokens.Issuer, Ed25519A.Key, claims: c => c["jti"] = jti);
        var signatureKey = new JsonObject { ["type"] = "jwt", ["jwt"] = token };
        if (acceptedFirst)
        {
            // Validated and cached first: the revocation must still be seen on the cache hit.
            await SucceededAsync(await host.SendAsync(await SignAsync(host.Url("/protected"), Ed25519A.PrivateJwk, signatureKey)));
        }

        await revocations.RevokeAsync(RevocationKeys.ForJti(TestTokens.Issuer, jti), TestTokens.Now.AddHours(1));
        var response = await host.SendAsync(await SignAsync(host.Url("/protected"), Ed25519A.PrivateJwk, signatureKey));

        Assert.Equal(System.Net.HttpStatusCode.Unauthorized, response.StatusCode);
        Assert.True(revocations.Lookups > 0);
    }

    /// <summary>The revocation contract's simplest store, counting lookups.</summary>
    private sealed class MemoryRevocationStoreProbe : IRevocationStore
    {
        private readonly System.Collections.Concurrent.ConcurrentDictionary<string, DateTimeOffset> _revoked = new(StringComparer.Ordinal);
        private int _lookups;

        public int Lookups => Volatile.Read(ref _lookups);

        public ValueTask<bool> IsRevokedAsync(string key, CancellationToken cancellationToken = default)
        {
            Interlocked.Increment(ref _lookups);
            return new(_revoked.ContainsKey(key));
        }

        public ValueTask RevokeAsync(string key, DateTimeOffset expiresAt, CancellationToken cancellationToken = default)
        {
            _revoked[key] = expiresAt;
            return ValueTask.CompletedTask;
        }
    }
}
