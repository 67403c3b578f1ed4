using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using AgentAuth.HttpSignatures.Cryptography;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;

namespace AgentAuth.Demo;

/// <summary>
/// A development token issuer on loopback: an Ed25519 signing key generated at startup, its JWKS at
/// <c>/.well-known/jwks.json</c>, and <c>POST /token</c> minting key-bound (<c>cnf.jkt</c>) access tokens for whoever asks.
/// It authenticates nobody: it exists only so the demo runs without any external service.
/// </summary>
internal sealed class DevTokenIssuer : IAsyncDisposable
{
    private readonly WebApplication _app;
    private readonly SignatureKey _key;

    private DevTokenIssuer(WebApplication app, SignatureKey key, string url)
    {
        _app = app;
        _key = key;
        Url = url;
    }

    /// <summary>The issuer identifier (<c>iss</c>) and base URL.</summary>
    public string Url { get; }

    /// <summary>The JWKS URL resource servers fetch keys from.</summary>
    public string JwksUri => Url + "/.well-known/jwks.json";

    public static async Task<DevTokenIssuer> StartAsync(TimeProvider timeProvider, CancellationToken cancellationToken)
    {
        var key = SignatureKey.GenerateEd25519("dev-issuer-" + DateTime.UtcNow.ToString("yyyyMMddHHmmss", System.Globalization.CultureInfo.InvariantCulture));
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.WebHost.UseUrls("http://127.0.0.1:0");
        var app = builder.Build();
        string? issuerUrl = null;

        var jwks = "{\"keys\":[" + key.ExportPublicJwkJson() + "]}";
        app.MapGet("/.well-known/jwks.json", () => Results.Text(jwks, "application/json"));
        app.MapPost("/token", async (HttpRequest request) =>
        {
            var body = await JsonSerializer.DeserializeAsync(request.Body, DemoJsonContext.Default.TokenRequest, request.HttpContext.RequestAborted);
            if (body is null || string.IsNullOrEmpty(body.Subject) || string.IsNullOrEmpty(body.Audience))
            {
                return Results.BadRequest(new { error = "invalid_request" });
            }
            var token = Mint(key, issuerUrl!, body, timeProvider.GetUtcNow());
            return Results.Json(new TokenResponse(token, "Bearer", 300), DemoJsonContext.Default.TokenResponse);
        });

        await app.StartAsync(cancellationToken);
        issuerUrl = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First();
        return new DevTokenIssuer(app, key, issuerUrl);
    }

    private static string Mint(SignatureKey key, string issuer, TokenRequest request, DateTimeOffset now)
    {
        // The JWS alg the published JWK names (RFC 9864's fully-specified Ed25519), so verifiers see one consistent algorithm.
        var alg = key.ToPublicJwk().Algorithm ?? "Ed25519";
        var header = new JsonObject { ["alg"] = alg, ["typ"] = "at+jwt", ["kid"] = key.KeyId };
        var seconds = now.ToUnixTimeSeconds();
        var claims = new JsonObject
        {
            ["iss"] = issuer,
            ["sub"] = request.Subject,
            ["aud"] = request.Audience,
            ["iat"] = seconds,
            ["nbf"] = seconds,
            ["exp"] = seconds + 300,
            ["jti"] = Convert.ToHexString(RandomNumberGenerator.GetBytes(16)),
            ["scope"] = request.Scope ?? string.Empty,
        };
        if (request.PublicJwk is { Length: > 0 } jwk)
        {
            claims["cnf"] = new JsonObject { ["jwk"] = JsonNode.Parse(jwk) };
        }
        else if (request.KeyThumbprint is { Length: > 0 } jkt)
        {
            claims["cnf"] = new JsonObject { ["jkt"] = jkt };
        }
        if (request.Actor is { Length: > 0 } actor)
        {
            claims["act"] = new JsonObject { ["sub"] = actor };
        }

        var signingInput = Encode(header.ToJsonString()) + "." + Encode(claims.ToJsonString());
        Span<byte> signature = stackalloc byte[key.SignatureSize];
        key.TrySignJose(alg, Encoding.ASCII.GetBytes(signingInput), signature, out var written);
        return signingInput + "." + System.Buffers.Text.Base64Url.EncodeToString(signature[..written]);
    }

    private static string Encode(string json) => System.Buffers.Text.Base64Url.EncodeToString(Encoding.UTF8.GetBytes(json));

    public async ValueTask DisposeAsync()
    {
        await _app.StopAsync();
        await _app.DisposeAsync();
        _key.Dispose();
    }
}
