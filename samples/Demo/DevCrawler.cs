using System.Net;
using System.Net.Security;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using AgentAuth.HttpSignatures;
using AgentAuth.HttpSignatures.Cryptography;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;

namespace AgentAuth.Demo;

/// <summary>
/// A Web Bot Auth crawler operator on loopback: an Ed25519 key made at startup, its key directory at
/// <c>https://127.0.0.1:port/.well-known/http-message-signatures-directory</c> (self-signed certificate), each response
/// signed by that key (tag <c>http-message-signatures-directory</c>, <c>"@authority";req</c>), and a crawler that signs
/// requests the way Web Bot Auth crawlers do: <c>@authority</c> and <c>signature-agent</c>, tag <c>web-bot-auth</c>,
/// <c>created</c>, <c>expires</c>, <c>nonce</c>, <c>keyid</c> = the key's JWK thumbprint.
/// </summary>
internal sealed class DevCrawler : IAsyncDisposable
{
    private readonly WebApplication _app;
    private readonly X509Certificate2 _certificate;
    private readonly SignatureKey _key;
    private readonly TimeProvider _time;

    private DevCrawler(WebApplication app, X509Certificate2 certificate, SignatureKey key, TimeProvider time, string origin)
    {
        _app = app;
        _certificate = certificate;
        _key = key;
        _time = time;
        Origin = origin;
    }

    /// <summary>The operator's origin, which crawlers send as <c>Signature-Agent</c>.</summary>
    public string Origin { get; }

    /// <summary>The crawler key's RFC 7638 thumbprint (its <c>keyid</c>).</summary>
    public string Thumbprint => _key.Thumbprint;

    public static async Task<DevCrawler> StartAsync(TimeProvider time, CancellationToken cancellationToken)
    {
        var key = SignatureKey.GenerateEd25519();
        var certificate = CreateCertificate();
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.WebHost.UseKestrel(k => k.Listen(IPAddress.Loopback, 0, listen => listen.UseHttps(certificate)));
        var app = builder.Build();
        var directory = "{\"keys\":[" + key.ExportPublicJwkJson() + "]}";
        DevCrawler? crawler = null;
        app.MapGet("/.well-known/http-message-signatures-directory", (HttpContext context) =>
        {
            var (input, signature) = crawler!.SignDirectory();
            context.Response.Headers["Signature-Input"] = input;
            context.Response.Headers["Signature"] = signature;
            return Results.Text(directory, "application/http-message-signatures-directory+json");
        });
        await app.StartAsync(cancellationToken);
        var port = new Uri(app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First()).Port;
        crawler = new DevCrawler(app, certificate, key, time, "https://127.0.0.1:" + port.ToString(System.Globalization.CultureInfo.InvariantCulture));
        return crawler;
    }

    /// <summary>A GET of <paramref name="url"/> signed by the crawler, naming <paramref name="signatureAgent"/> (default: this operator).</summary>
    public HttpRequestMessage SignedGet(Uri url, string? signatureAgent = null)
    {
        var request = new HttpRequestMessage(HttpMethod.Get, url);
        request.Headers.TryAddWithoutValidation("Signature-Agent", "\"" + (signatureAgent ?? Origin) + "\"");
        var now = _time.GetUtcNow();
        var headers = new HttpMessageSigner(_time).Sign(new HttpRequestMessageAdapter(request), "sig1",
            [SignatureComponent.Authority, SignatureComponent.Field("signature-agent")],
            new SignatureParameters
            {
                Created = now,
                Expires = now.AddMinutes(1),
                KeyId = _key.Thumbprint,
                Tag = "web-bot-auth",
                Nonce = Convert.ToBase64String(RandomNumberGenerator.GetBytes(32)),
            },
            _key);
        request.Headers.TryAddWithoutValidation("Signature-Input", headers.SignatureInput);
        request.Headers.TryAddWithoutValidation("Signature", headers.Signature);
        return request;
    }

    /// <summary>A handler that trusts this operator's self-signed certificate only (the resource API's backchannel in the demo).</summary>
    public SocketsHttpHandler TrustingHandler() => new()
    {
        AllowAutoRedirect = false,
        SslOptions = new SslClientAuthenticationOptions
        {
            RemoteCertificateValidationCallback = (_, certificate, _, _) =>
                certificate is not null && certificate.GetCertHashString() == _certificate.GetCertHashString(),
        },
    };

    /// <summary>The directory response's signature, made per response: it binds the directory to this origin for a few minutes.</summary>
    private (string Input, string Signature) SignDirectory()
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, Origin + "/.well-known/http-message-signatures-directory");
        using var response = new HttpResponseMessage(HttpStatusCode.OK) { RequestMessage = request };
        var now = _time.GetUtcNow();
        var headers = new HttpMessageSigner(_time).Sign(new HttpResponseMessageAdapter(response), "binding0",
            [SignatureComponent.Authority.WithRelatedRequest()],
            new SignatureParameters { Created = now, Expires = now.AddMinutes(4), KeyId = _key.Thumbprint, Tag = "http-message-signatures-directory" },
            _key);
        return (headers.SignatureInput, headers.Signature);
    }

    private static X509Certificate2 CreateCertificate()
    {
        using var key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var request = new CertificateRequest("CN=127.0.0.1", key, HashAlgorithmName.SHA256);
        var san = new SubjectAlternativeNameBuilder();
        san.AddIpAddress(IPAddress.Loopback);
        request.CertificateExtensions.Add(san.Build());
        using var certificate = request.CreateSelfSigned(DateTimeOffset.UtcNow.AddDays(-1), DateTimeOffset.UtcNow.AddDays(1));
        return X509CertificateLoader.LoadPkcs12(certificate.Export(X509ContentType.Pfx), null);
    }

    public async ValueTask DisposeAsync()
    {
        await _app.StopAsync();
        await _app.DisposeAsync();
        _certificate.Dispose();
        _key.Dispose();
    }
}
