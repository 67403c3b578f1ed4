using System.Security.Claims;
using System.Text.Json;
using System.Text.Json.Nodes;
using AgentAuth.AspNetCore.Tests.Tokens;
using AgentAuth.HttpSignatures.Cryptography;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.DataProtection;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace AgentAuth.AspNetCore.Tests.Client;

/// <summary>
/// A real Kestrel server on 127.0.0.1 (port chosen by the OS) running the AgentAuth scheme, with an issuer key whose
/// tokens it trusts: <c>/whoami</c> (any agent), <c>/echo</c> (POST, returns the body), <c>/data/{id}</c> (<c>read:data:{id}</c>).
/// </summary>
internal sealed class LoopbackAgentApi : IAsyncDisposable
{
    public const string Issuer = "https://issuer.test";
    public const string Audience = "https://api.test";

    private readonly WebApplication _app;

    private LoopbackAgentApi(WebApplication app, SignatureKey issuerKey, Uri baseAddress)
    {
        _app = app;
        IssuerKey = issuerKey;
        BaseAddress = baseAddress;
    }

    public Uri BaseAddress { get; }

    public SignatureKey IssuerKey { get; }

    /// <param name="agentKeys">Public keys trusted for signature-only requests (and cnf.jkt tokens), or none.</param>
    /// <param name="configure">Further options.</param>
    /// <param name="map">Further endpoints.</param>
    public static async Task<LoopbackAgentApi> StartAsync(IEnumerable<SignatureKey>? agentKeys = null, Action<AgentAuthOptions>? configure = null, Action<WebApplication>? map = null)
    {
        var issuerKey = SignatureKey.GenerateEd25519("issuer-1");
        var builder = WebApplication.CreateBuilder(new WebApplicationOptions { ContentRootPath = AppContext.BaseDirectory });
        builder.Configuration.Sources.Clear();
        builder.Configuration.AddInMemoryCollection();
        builder.WebHost.UseUrls("http://127.0.0.1:0");
        builder.Logging.ClearProviders();
        builder.Services.AddSingleton<IDataProtectionProvider>(new EphemeralDataProtectionProvider());
        var agentJwks = agentKeys is null ? null : Jwks(agentKeys);
        builder.Services.AddAuthentication(AgentAuthDefaults.AuthenticationScheme).AddAgentAuth(options =>
        {
            options.AgentKeys.JsonWebKeySet = agentJwks;
            options.Issuers.Add(new TokenIssuerOptions { Issuer = Issuer, JsonWebKeySet = Jwks([issuerKey]) });
            options.Audiences.Add(Audience);
            configure?.Invoke(options);
        });
        builder.Services.AddAuthorization();

        var app = builder.Build();
        app.UseAgentAuth();
        app.MapGet("/whoami", (ClaimsPrincipal user) => Results.Json(new Dictionary<string, string?>
        {
            ["sub"] = user.FindFirst(AgentAuthClaimTypes.Subject)?.Value,
            ["mode"] = user.FindFirst(AgentAuthClaimTypes.AuthenticationMode)?.Value,
            ["jkt"] = user.FindFirst(AgentAuthClaimTypes.KeyThumbprint)?.Value,
            ["keyid"] = user.FindFirst(AgentAuthClaimTypes.KeyId)?.Value,
        })).RequireAuthorization();
        app.MapPost("/echo", async (HttpRequest request) =>
        {
            using var reader = new StreamReader(request.Body);
            return Results.Text(await reader.ReadToEndAsync(), "text/plain");
        }).RequireAuthorization();
        app.MapGet("/data/{id}", (string id) => Results.Text(id)).RequireScope("read:data:{id}");
        map?.Invoke(app);
        await app.StartAsync();
        var address = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First();
        return new LoopbackAgentApi(app, issuerKey, new Uri(address));
    }

    /// <summary>A token from the trusted issuer, bound by <paramref name="cnf"/> (a <c>jkt</c> or <c>jwk</c> object) when given.</summary>
    public string Token(JsonObject? cnf, string scope = "read:data:*", string subject = "agent-7")
    {
        var now = DateTimeOffset.UtcNow.ToUnixTimeSeconds();
        var claims = new JsonObject
        {
            ["iss"] = Issuer,
            ["sub"] = subject,
            ["aud"] = Audience,
            ["iat"] = now,
            ["nbf"] = now,
            ["exp"] = now + 300,
            ["jti"] = Guid.NewGuid().ToString("N"),
            ["scope"] = scope,
        };
        if (cnf is not null)
        {
            claims["cnf"] = cnf;
        }
        var alg = IssuerKey.ToPublicJwk().Algorithm!;
        return TestTokens.Mint(IssuerKey, alg, claims, TestTokens.Header(alg, IssuerKey.KeyId, "at+jwt"));
    }

    public static JsonObject Jkt(SignatureKey key) => new() { ["jkt"] = key.Thumbprint };

    public static JsonObject CnfJwk(SignatureKey key) => new() { ["jwk"] = JsonNode.Parse(key.ExportPublicJwkJson()) };

    public static string Jwks(IEnumerable<SignatureKey> keys) =>
        "{\"keys\":[" + string.Join(",", keys.Select(k => k.ExportPublicJwkJson())) + "]}";

    public static async Task<Dictionary<string, string?>> ReadWhoAmIAsync(HttpResponseMessage response)
    {
        Assert.True(response.IsSuccessStatusCode, $"{(int)response.StatusCode} {string.Join(" | ", response.Headers.WwwAuthenticate)} {string.Join(",", response.Headers.TryGetValues("Signature-Error", out var e) ? e : [])}");
        return JsonSerializer.Deserialize<Dictionary<string, string?>>(await response.Content.ReadAsStringAsync())!;
    }

    public async ValueTask DisposeAsync()
    {
        await _app.StopAsync();
        await _app.DisposeAsync();
        IssuerKey.Dispose();
    }
}
