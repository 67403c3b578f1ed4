using System.Net;
using AgentAuth.HttpSignatures;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.HttpOverrides;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Time.Testing;

namespace AgentAuth.AspNetCore.Tests.Handler;

/// <summary>
/// Behind a reverse proxy: the agent signs the public URL (<c>https://api.example.com</c>) while the app sees
/// <c>http://localhost</c>. <c>@authority</c> and <c>@scheme</c> come from <see cref="AgentAuthOptions.PublicOrigin"/> or from a
/// trusted proxy's forwarded headers, never from headers a client can spoof.
/// </summary>
public sealed class ProxyTests : IAsyncLifetime
{
    private const string ProxyAddress = "10.0.0.5";
    private static readonly SignatureComponent[] Components =
        [SignatureComponent.Method, SignatureComponent.Scheme, SignatureComponent.Authority, SignatureComponent.Path];

    private readonly FakeTimeProvider _time = new(Tokens.TestTokens.Now);
    private TestAgent _agent = null!;
    private HandlerHost? _host;

    public Task InitializeAsync()
    {
        _agent = TestAgent.Ed25519(_time);
        return Task.CompletedTask;
    }

    public async Task DisposeAsync()
    {
        if (_host is not null)
        {
            await _host.DisposeAsync();
        }
        _agent.Dispose();
    }

    private async Task<HandlerHost> Host(string? publicOrigin = null, bool forwardedHeaders = false, bool trustProxy = false)
    {
        _host = await HandlerHost.StartAsync(
            o =>
            {
                o.AgentKeys.JsonWebKeySet = _agent.Jwks;
                o.PublicOrigin = publicOrigin;
            },
            services: s => s.Configure<ForwardedHeadersOptions>(f =>
            {
                f.ForwardedHeaders = ForwardedHeaders.XForwardedHost | ForwardedHeaders.XForwardedProto;
                if (trustProxy)
                {
                    f.KnownProxies.Add(IPAddress.Parse(ProxyAddress));
                }
            }),
            beforeAuthentication: app =>
            {
                // Every request arrives from the proxy's address (the test server has no connection of its own).
                app.Use((context, next) =>
                {
                    context.Connection.RemoteIpAddress = IPAddress.Parse(ProxyAddress);
                    return next(context);
                });
                if (forwardedHeaders)
                {
                    app.UseForwardedHeaders();
                }
            },
            time: _time);
        return _host;
    }

    /// <summary>Signs for <paramref name="signedUrl"/>, then sends to the test server's own URL.</summary>
    private HttpRequestMessage SignedFor(string signedUrl, string? forwardedHost = null, string? forwardedProto = null)
    {
        var request = _agent.Sign(TestAgent.Request(HttpMethod.Get, signedUrl), Components);
        request.RequestUri = new Uri(HandlerHost.Origin + "/protected");
        if (forwardedHost is not null)
        {
            request.Headers.TryAddWithoutValidation("X-Forwarded-Host", forwardedHost);
        }
        if (forwardedProto is not null)
        {
            request.Headers.TryAddWithoutValidation("X-Forwarded-Proto", forwardedProto);
        }
        return request;
    }

    [Fact]
    public async Task PublicOrigin_supplies_authority_and_scheme()
    {
        var host = await Host(publicOrigin: "https://api.example.com");

        await ResponseAssert.SucceededAsync(await host.SendAsync(SignedFor("https://api.example.com/protected")));
        ResponseAssert.Challenge(await host.SendAsync(SignedFor("http://localhost/protected")), HttpStatusCode.Unauthorized, ["Signature"], "error=invalid_signature");
    }

    [Fact]
    public async Task Without_PublicOrigin_the_public_url_does_not_verify()
    {
        var host = await Host();

        ResponseAssert.Challenge(await host.SendAsync(SignedFor("https://api.example.com/protected")), HttpStatusCode.Unauthorized, ["Signature"], "error=invalid_signature");
    }

    [Fact]
    public async Task Forwarded_headers_from_a_trusted_proxy_are_used()
    {
        var host = await Host(forwardedHeaders: true, trustProxy: true);

        await ResponseAssert.SucceededAsync(await host.SendAsync(SignedFor("https://api.example.com/protected", "api.example.com", "https")));
    }

    [Fact]
    public async Task Spoofed_forwarded_host_from_an_untrusted_peer_changes_nothing()
    {
        var host = await Host(forwardedHeaders: true, trustProxy: false);

        var spoofedPublic = await host.SendAsync(SignedFor("https://api.example.com/protected", "api.example.com", "https"));
        var realHost = await host.SendAsync(SignedFor("http://localhost/protected", "evil.example", "https"));

        ResponseAssert.Challenge(spoofedPublic, HttpStatusCode.Unauthorized, ["Signature"], "error=invalid_signature");
        await ResponseAssert.SucceededAsync(realHost);
    }

    [Fact]
    public async Task Forwarded_headers_are_never_read_without_the_middleware()
    {
        var host = await Host();

        var spoofedPublic = await host.SendAsync(SignedFor("https://api.example.com/protected", "api.example.com", "https"));
        var realHost = await host.SendAsync(SignedFor("http://localhost/protected", "evil.example", "https"));

        ResponseAssert.Challenge(spoofedPublic, HttpStatusCode.Unauthorized, ["Signature"], "error=invalid_signature");
        await ResponseAssert.SucceededAsync(realHost);
    }
}
