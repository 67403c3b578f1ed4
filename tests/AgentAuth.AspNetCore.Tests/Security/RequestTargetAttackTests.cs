using System.Net;
using AgentAuth.AspNetCore.Tests.DPoP;
using AgentAuth.AspNetCore.Tests.Handler;
using AgentAuth.AspNetCore.Tests.Tokens;
using AgentAuth.Client;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Time.Testing;

namespace AgentAuth.AspNetCore.Tests.Security;

/// <summary>
/// Issue 14 F1 / F1b, through Kestrel over raw TCP: a request line in absolute form (RFC 9112 §3.2.2, meant for proxies) is refused
/// with 400 <c>invalid_request</c> by every mode that binds a credential to the request URI, so the signature base, the DPoP
/// <c>htu</c> and routing can never see different URIs. Origin-form requests keep working.
/// </summary>
public sealed class RequestTargetAttackTests : IAsyncLifetime
{
    private const string ServiceA = "https://a.example";
    private const string ServiceB = "https://b.example";

    private readonly FakeTimeProvider _time = new(TestTokens.Now);
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

    /// <summary>Service A: Kestrel with <c>PublicOrigin</c> set, plus two routes that tell apart one and two path segments.</summary>
    private async Task<HandlerHost> ServiceAAsync()
    {
        _host = await HandlerHost.StartAsync(
            o =>
            {
                o.AgentKeys.JsonWebKeySet = _agent.Jwks;
                o.PublicOrigin = ServiceA;
                o.IncludeErrorDetails = true;
            },
            beforeAuthentication: app =>
            {
                app.MapGet("/files/{name}", (string name) => Results.Text("one:" + name)).RequireAuthorization();
                app.MapGet("/files/{dir}/{name}", (string dir, string name) => Results.Text("two:" + dir + "/" + name)).RequireAuthorization();
            },
            kestrel: true,
            time: _time);
        return _host;
    }

    /// <summary>The signature headers <see cref="AgentAuthSigningHandler"/> sends for a GET of <paramref name="url"/> with its defaults (<c>@method @target-uri</c>, nonce).</summary>
    private async Task<List<KeyValuePair<string, string>>> ClientSignatureAsync(string url)
    {
        var capture = new CaptureHandler();
        using var signer = new AgentAuthSigningHandler(new AgentAuthSigningOptions { Key = _agent.Key, TimeProvider = _time }, capture);
        using var client = new HttpClient(signer, disposeHandler: false);
        using var response = await client.GetAsync(new Uri(url));
        var request = capture.Request!;
        Assert.Contains("(\"@method\" \"@target-uri\")", request.Headers.GetValues("Signature-Input").Single(), StringComparison.Ordinal);
        return
        [
            new("Signature-Input", request.Headers.GetValues("Signature-Input").Single()),
            new("Signature", request.Headers.GetValues("Signature").Single()),
        ];
    }

    private static List<KeyValuePair<string, string>> With(string host, List<KeyValuePair<string, string>> headers)
    {
        var all = new List<KeyValuePair<string, string>> { new("Host", host) };
        all.AddRange(headers);
        return all;
    }

    private static void AssertAbsoluteFormRefused(RawHttp.Response response)
    {
        Assert.True(response.StatusCode == StatusCodes.Status400BadRequest, response.StatusCode + " " + string.Join(" | ", response.Header("WWW-Authenticate")) + " " + response.Body);
        var challenges = string.Join(" | ", response.Header("WWW-Authenticate"));
        Assert.Contains("error=\"invalid_request\"", challenges, StringComparison.Ordinal);
        Assert.Contains("origin form", challenges, StringComparison.Ordinal);
    }

    [Fact]
    public async Task F1_absolute_form_request_signed_for_another_service_is_refused()
    {
        var host = await ServiceAAsync();
        // An agent signed this for service B, as AgentAuth.Client does by default; an attacker replays it to service A.
        var signature = await ClientSignatureAsync(ServiceB + "/protected");

        var response = await RawHttp.SendAsync(host.BaseAddress, "GET", ServiceB + "/protected", With("b.example", signature));

        AssertAbsoluteFormRefused(response);
    }

    [Fact]
    public async Task F1_absolute_form_naming_the_public_origin_is_refused_too()
    {
        var host = await ServiceAAsync();
        var signature = await ClientSignatureAsync(ServiceA + "/protected");

        var response = await RawHttp.SendAsync(host.BaseAddress, "GET", ServiceA + "/protected", With("a.example", signature));

        AssertAbsoluteFormRefused(response);
    }

    [Fact]
    public async Task F1_origin_form_request_signed_for_the_public_origin_is_accepted()
    {
        var host = await ServiceAAsync();
        var signature = await ClientSignatureAsync(ServiceA + "/protected");

        var response = await RawHttp.SendAsync(host.BaseAddress, "GET", "/protected", With("127.0.0.1", signature));

        Assert.Equal(StatusCodes.Status200OK, response.StatusCode);
        Assert.Contains("\"sub\"", response.Body, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("/files/a%2Fb")]
    [InlineData("/files/..%2Fprotected")]
    public async Task F1b_absolute_form_cannot_route_a_signed_path_to_another_endpoint(string path)
    {
        var host = await ServiceAAsync();
        // Origin form: the signed raw path reaches the one-segment route.
        var origin = await RawHttp.SendAsync(host.BaseAddress, "GET", path, With("127.0.0.1", await ClientSignatureAsync(ServiceA + path)));
        Assert.Equal(StatusCodes.Status200OK, origin.StatusCode);
        Assert.StartsWith("one:", origin.Body, StringComparison.Ordinal);

        // Absolute form (the same signed target, withheld and re-sent by a man in the middle): Kestrel routes on the decoded path
        // (%2F becomes '/'), while @path / @target-uri stay raw, so the one signature would reach the two-segment route.
        var absolute = await RawHttp.SendAsync(host.BaseAddress, "GET", ServiceA + path, With("a.example", await ClientSignatureAsync(ServiceA + path)));
        AssertAbsoluteFormRefused(absolute);
    }

    [Fact]
    public async Task F1_absolute_form_DPoP_request_is_refused_and_origin_form_accepted()
    {
        await using var setup = new TokenSetup();
        using var proofKey = HttpSignatures.Cryptography.SignatureKey.GenerateEcdsaP256();
        _host = await HandlerHost.StartAsync(o =>
        {
            o.Audiences.Add(TestTokens.Audience);
            o.Issuers.Add(new TokenIssuerOptions { Issuer = TestTokens.Issuer, JsonWebKeySet = setup.IssuerJwks });
            o.PublicOrigin = ServiceA;
            o.IncludeErrorDetails = true;
        }, kestrel: true, time: setup.Time);
        var token = setup.Token(TokenSetup.Jkt(proofKey.Thumbprint));
        List<KeyValuePair<string, string>> Credentials(string host) =>
        [
            new("Host", host),
            new("Authorization", "DPoP " + token),
            new("DPoP", new TestProofBuilder(proofKey, "ES256", "GET", ServiceA + "/protected", token, setup.Time.GetUtcNow()).Build()),
        ];

        var absolute = await RawHttp.SendAsync(_host.BaseAddress, "GET", ServiceA + "/protected", Credentials("a.example"));
        AssertAbsoluteFormRefused(absolute);

        var origin = await RawHttp.SendAsync(_host.BaseAddress, "GET", "/protected", Credentials("127.0.0.1"));
        Assert.Equal(StatusCodes.Status200OK, origin.StatusCode);
    }

    private sealed class CaptureHandler : HttpMessageHandler
    {
        public HttpRequestMessage? Request { get; private set; }

        protected override Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
        {
            Request = request;
            return Task.FromResult(new HttpResponseMessage(HttpStatusCode.OK));
        }
    }
}
