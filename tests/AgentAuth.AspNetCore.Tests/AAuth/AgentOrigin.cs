using System.Net;
using System.Net.Security;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace AgentAuth.AspNetCore.Tests.AAuth;

/// <summary>
/// An AAuth agent's HTTPS origin on loopback (Kestrel, self-signed certificate): serves
/// <c>/.well-known/aauth-agent.json</c> (issuer, jwks_uri) and <c>/jwks.json</c>. <see cref="Backchannel"/> trusts exactly
/// its certificate, for <c>AgentAuthOptions.BackchannelHttpHandler</c>.
/// </summary>
internal sealed class AgentOrigin : IAsyncDisposable
{
    private readonly WebApplication _app;
    private readonly X509Certificate2 _certificate;
    private int _requests;

    private AgentOrigin(WebApplication app, X509Certificate2 certificate, string origin)
    {
        _app = app;
        _certificate = certificate;
        Origin = origin;
    }

    /// <summary><c>https://127.0.0.1:port</c>, the signer's <c>id</c>.</summary>
    public string Origin { get; }

    /// <summary>What the metadata document says its issuer is (default: <see cref="Origin"/>; null omits it).</summary>
    public string? Issuer { get; set; }

    public bool IssuerSet { get; set; }

    /// <summary>The JWKS served at <c>/jwks.json</c>.</summary>
    public JsonObject Jwks { get; set; } = new() { ["keys"] = new JsonArray() };

    public int Requests => Volatile.Read(ref _requests);

    public HttpMessageHandler Backchannel => new SocketsHttpHandler
    {
        AllowAutoRedirect = false,
        SslOptions = new SslClientAuthenticationOptions
        {
            RemoteCertificateValidationCallback = (_, certificate, _, _) =>
                certificate is not null && certificate.GetCertHashString() == _certificate.GetCertHashString(),
        },
    };

    public static async Task<AgentOrigin> StartAsync()
    {
        using var rsa = RSA.Create(2048);
        var request = new CertificateRequest("CN=127.0.0.1", rsa, HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1);
        var san = new SubjectAlternativeNameBuilder();
        san.AddIpAddress(IPAddress.Loopback);
        request.CertificateExtensions.Add(san.Build());
        using var ephemeral = request.CreateSelfSigned(DateTimeOffset.UtcNow.AddDays(-1), DateTimeOffset.UtcNow.AddDays(1));
        var certificate = X509CertificateLoader.LoadPkcs12(ephemeral.Export(X509ContentType.Pfx), null);

        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.WebHost.UseKestrel(k => k.Listen(IPAddress.Loopback, 0, listen => listen.UseHttps(certificate)));
        var app = builder.Build();
        AgentOrigin? self = null;
        app.MapGet("/.well-known/aauth-agent.json", () =>
        {
            Interlocked.Increment(ref self!._requests);
            var document = new JsonObject { ["jwks_uri"] = self.Origin + "/jwks.json" };
            var issuer = self.IssuerSet ? self.Issuer : self.Origin;
            if (issuer is not null)
            {
                document["issuer"] = issuer;
            }
            return Results.Text(document.ToJsonString(), "application/json");
        });
        app.MapGet("/jwks.json", () =>
        {
            Interlocked.Increment(ref self!._requests);
            return Results.Text(self.Jwks.ToJsonString(), "application/json");
        });
        await app.StartAsync();
        var address = new Uri(app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First());
        self = new AgentOrigin(app, certificate, "https://127.0.0.1:" + address.Port);
        return self;
    }

    public async ValueTask DisposeAsync()
    {
        await _app.DisposeAsync();
        _certificate.Dispose();
    }
}
