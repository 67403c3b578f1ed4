using System.Net;
using System.Net.Http.Headers;
using System.Security.Claims;
using System.Security.Cryptography;
using AgentAuth.Demo;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.IdentityModel.JsonWebTokens;
using Microsoft.IdentityModel.Tokens;

namespace AgentAuth.AspNetCore.Tests.Samples;

/// <summary>
/// docs/getting-started.md's "next to JwtBearer" snippet is samples/Demo/JwtBearerSideBySide.cs, and that host, with
/// Microsoft.AspNetCore.Authentication.JwtBearer 10.0.15 registered beside AgentAuth, authenticates real requests of both
/// kinds over Kestrel, each through the scheme its headers select.
/// </summary>
public sealed partial class DocumentationTests
{
    private const string BearerIssuer = "https://login.example";
    private const string BearerAudience = "https://api.example";

    [Fact]
    public void Getting_started_jwtbearer_snippet_is_the_compiled_sample_code()
    {
        var code = Region(SampleFiles.Read("samples/Demo/JwtBearerSideBySide.cs"), "jwtbearer-side-by-side");
        var doc = SampleFiles.Read("docs/getting-started.md").ReplaceLineEndings("\n");

        Assert.Contains("```csharp\n" + code + "\n```", doc);
    }

    [Fact]
    public async Task JwtBearer_and_AgentAuth_side_by_side_each_authenticate_their_own_requests()
    {
        using var ecdsa = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var p = ecdsa.ExportParameters(includePrivateParameters: true);
        static string B64(byte[]? data) => System.Buffers.Text.Base64Url.EncodeToString(data);
        var privateJwk = $"{{\"kty\":\"EC\",\"crv\":\"P-256\",\"x\":\"{B64(p.Q.X)}\",\"y\":\"{B64(p.Q.Y)}\",\"d\":\"{B64(p.D)}\",\"kid\":\"agent-1\"}}";
        var publicJwks = $"{{\"keys\":[{{\"kty\":\"EC\",\"crv\":\"P-256\",\"x\":\"{B64(p.Q.X)}\",\"y\":\"{B64(p.Q.Y)}\",\"kid\":\"agent-1\"}}]}}";
        var bearerKey = RandomNumberGenerator.GetBytes(32);

        await using var app = JwtBearerSideBySide.Build(
        [
            "--urls", "http://127.0.0.1:0",
            "--contentRoot", AppContext.BaseDirectory,
            "--Logging:LogLevel:Default", "Warning",
            "--Authentication:Schemes:AgentAuth:AgentKeys:JsonWebKeySet", publicJwks,
            // Outside Development error descriptions are off by default; this test reads AgentAuth's reason.
            "--Authentication:Schemes:AgentAuth:IncludeErrorDetails", "true",
            // JwtBearer's own configuration binding: issuer, audience and a symmetric signing key for that issuer.
            "--Authentication:Schemes:Bearer:ValidIssuer", BearerIssuer,
            "--Authentication:Schemes:Bearer:ValidAudiences:0", BearerAudience,
            "--Authentication:Schemes:Bearer:SigningKeys:0:Issuer", BearerIssuer,
            "--Authentication:Schemes:Bearer:SigningKeys:0:Value", Convert.ToBase64String(bearerKey),
        ]);
        await app.StartAsync();
        var url = new Uri(app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First());
        using var client = new HttpClient { BaseAddress = url };

        // A plain bearer token: JwtBearer authenticates it.
        using (var request = new HttpRequestMessage(HttpMethod.Get, "/whoami"))
        {
            request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", MintBearerToken(bearerKey, "human-1"));
            using var response = await client.SendAsync(request);
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
            Assert.Equal("AuthenticationTypes.Federation human-1", await response.Content.ReadAsStringAsync());
        }

        // An RFC 9421-signed agent request: AgentAuth authenticates it.
        using (var response = await QuickStart.CallApiAsync(url, privateJwk, token: null))
        {
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
            Assert.Equal("AgentAuth agent-1", await response.Content.ReadAsStringAsync());
        }

        // A bearer token JwtBearer cannot validate: JwtBearer refuses it with its own challenge.
        using (var request = new HttpRequestMessage(HttpMethod.Get, "/whoami"))
        {
            request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", MintBearerToken(RandomNumberGenerator.GetBytes(32), "human-1"));
            using var response = await client.SendAsync(request);
            Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
            Assert.Contains("invalid_token", response.Headers.WwwAuthenticate.ToString(), StringComparison.Ordinal);
        }

        // The same valid bearer token with a Signature header is not JwtBearer's: AgentAuth judges it (and the unbound,
        // untrusted token with a bogus signature is refused), so a signed request never falls back to plain bearer.
        using (var request = new HttpRequestMessage(HttpMethod.Get, "/whoami"))
        {
            request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", MintBearerToken(bearerKey, "human-1"));
            request.Headers.TryAddWithoutValidation("Signature-Input", "sig1=(\"@method\");created=1;keyid=\"agent-1\"");
            request.Headers.TryAddWithoutValidation("Signature", "sig1=:AAAA:");
            using var response = await client.SendAsync(request);
            Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
            var challenge = response.Headers.WwwAuthenticate.ToString();
            Assert.Contains("the token issuer is not trusted", challenge, StringComparison.Ordinal); // AgentAuth's reason
            Assert.Contains(response.Headers.WwwAuthenticate, h => h.Scheme == "Signature");
        }

        // No credentials: AgentAuth's challenge (the default), telling an agent what to send.
        using (var response = await client.GetAsync(new Uri("/whoami", UriKind.Relative)))
        {
            Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
            Assert.Contains(response.Headers.WwwAuthenticate, h => h.Scheme == "Signature");
        }
        await app.StopAsync();
    }

    private static string MintBearerToken(byte[] key, string subject) =>
        new JsonWebTokenHandler().CreateToken(new SecurityTokenDescriptor
        {
            Issuer = BearerIssuer,
            Audience = BearerAudience,
            Subject = new ClaimsIdentity([new Claim("sub", subject)]),
            Expires = DateTime.UtcNow.AddMinutes(5),
            SigningCredentials = new SigningCredentials(new SymmetricSecurityKey(key), SecurityAlgorithms.HmacSha256),
        });
}
