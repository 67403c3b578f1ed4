using System.Net;
using System.Net.Http.Headers;
using AgentAuth.AspNetCore.Tests.Tokens;
using AgentAuth.HttpSignatures.Cryptography;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using static AgentAuth.AspNetCore.Tests.Handler.ResponseAssert;

namespace AgentAuth.AspNetCore.Tests.Handler;

/// <summary><see cref="AgentApp"/> through <c>WebApplicationFactory</c>: configuration binding, startup validation, controllers and minimal APIs.</summary>
public sealed class AgentAppTests : IAsyncLifetime
{
    private const string Second = "https://second.example";
    private const string Insufficient = "Bearer error=\"insufficient_scope\", error_description=\"The access token does not grant a scope this request requires.\", scope=\"";

    private readonly TokenSetup _setup = new();
    private readonly SignatureKey _secondIssuer = SignatureKey.GenerateEd25519("second-1");
    private AgentAppFactory? _factory;

    public Task InitializeAsync() => Task.CompletedTask;

    public async Task DisposeAsync()
    {
        if (_factory is not null)
        {
            await _factory.DisposeAsync();
        }
        _secondIssuer.Dispose();
        await _setup.DisposeAsync();
    }

    private Dictionary<string, string?> Configuration() => new()
    {
        ["Authentication:Schemes:AgentAuth:AgentKeys:JsonWebKeySet"] = _setup.Agent.Jwks,
        ["Authentication:Schemes:AgentAuth:Audiences:0"] = TestTokens.Audience,
        ["Authentication:Schemes:AgentAuth:Issuers:0:Issuer"] = TestTokens.Issuer,
        ["Authentication:Schemes:AgentAuth:Issuers:0:JsonWebKeySet"] = _setup.IssuerJwks,
        ["Authentication:Schemes:AgentAuth:Issuers:1:Issuer"] = Second,
        ["Authentication:Schemes:AgentAuth:Issuers:1:JsonWebKeySet"] = TestTokens.Jwks(TestTokens.PublicJwk(_secondIssuer, alg: null)),
        ["Authentication:Schemes:AgentAuth:Issuers:1:ValidAlgorithms:0"] = "Ed25519",
        ["Authentication:Schemes:AgentAuth:AllowBearerTokens"] = "true",
        ["Authentication:Schemes:AgentAuth:ClockSkew"] = "00:00:30",
        ["Authentication:Schemes:AgentAuth:Signatures:RequireNonce"] = "true",
        ["Authentication:Schemes:AgentAuth:Signatures:RequiredComponents:0"] = "@method",
        ["Authentication:Schemes:AgentAuth:Signatures:RequiredComponents:1"] = "@target-uri",
    };

    private HttpClient Client(Dictionary<string, string?> configuration)
    {
        _factory = new AgentAppFactory(configuration, _setup.Time);
        return _factory.CreateClient();
    }

    private static HttpRequestMessage Bearer(HttpMethod method, string path, string token)
    {
        var request = new HttpRequestMessage(method, path);
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", token);
        return request;
    }

    [Fact]
    public async Task Options_are_bound_from_the_scheme_configuration_section()
    {
        using var client = Client(Configuration());

        var options = _factory!.Services.GetRequiredService<IOptionsMonitor<AgentAuthOptions>>().Get(AgentAuthDefaults.AuthenticationScheme);

        Assert.Equal([TestTokens.Issuer, Second], options.Issuers.Select(i => i.Issuer));
        Assert.Equal(["Ed25519"], options.Issuers[1].ValidAlgorithms);
        Assert.Equal([TestTokens.Audience], options.Audiences);
        Assert.True(options.AllowBearerTokens);
        Assert.Equal(TimeSpan.FromSeconds(30), options.ClockSkew);
        Assert.True(options.Signatures.RequireNonce);
        Assert.Equal(["@method", "@target-uri"], options.Signatures.RequiredComponents);
        Assert.Equal(["Bearer"], options.BoundTokenSchemes);
        var response = await client.GetAsync("/minimal/whoami");
        Assert.Equal(["sig1=(\"@method\" \"@target-uri\");created;nonce"], Header(response, "Accept-Signature"));
    }

    [Fact]
    public async Task Tokens_of_both_configured_issuers_are_accepted()
    {
        using var client = Client(Configuration());
        var second = TestTokens.Claims();
        second["iss"] = Second;

        var first = await client.SendAsync(Bearer(HttpMethod.Get, "/minimal/whoami", _setup.Token(cnf: null)));
        var other = await client.SendAsync(Bearer(HttpMethod.Get, "/minimal/whoami", TestTokens.Mint(_secondIssuer, "Ed25519", second)));
        var wrongAlg = await client.SendAsync(Bearer(HttpMethod.Get, "/minimal/whoami", TestTokens.Mint(_secondIssuer, "EdDSA", second)));

        Assert.Equal("agent-1 via bearer", await first.Content.ReadAsStringAsync());
        Assert.Equal("agent-1 via bearer", await other.Content.ReadAsStringAsync());
        Assert.Equal(HttpStatusCode.Unauthorized, wrongAlg.StatusCode);
        Assert.Equal("Bearer error=\"invalid_token\", error_description=\"the token algorithm is not accepted\"", Header(wrongAlg, "WWW-Authenticate")[0]);
    }

    [Theory]
    [InlineData("/api/data/7")]
    [InlineData("/minimal/data/7")]
    public async Task Controllers_and_minimal_APIs_enforce_scopes_alike(string path)
    {
        using var client = Client(Configuration());

        var granted = await client.SendAsync(Bearer(HttpMethod.Get, path, _setup.Token(cnf: null, c => c["scope"] = "read:data:7")));
        var wildcard = await client.SendAsync(Bearer(HttpMethod.Get, path, _setup.Token(cnf: null, c => c["scope"] = "read:data:*")));
        var other = await client.SendAsync(Bearer(HttpMethod.Get, path, _setup.Token(cnf: null, c => c["scope"] = "read:data:8")));
        var anonymous = await client.GetAsync(path);

        Assert.Equal(HttpStatusCode.OK, granted.StatusCode);
        Assert.EndsWith(":7", await granted.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.OK, wildcard.StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, other.StatusCode);
        Assert.Equal([Insufficient + "read:data:7\""], Header(other, "WWW-Authenticate"));
        Assert.Equal(["no-store"], Header(other, "Cache-Control"));
        Assert.Empty(Header(other, "Signature-Error"));
        Assert.Empty(Header(other, "Accept-Signature"));
        Assert.Equal(HttpStatusCode.Unauthorized, anonymous.StatusCode);
        // The 401 names the scopes the endpoint requires (RFC 6750 §3; MCP: "the scopes required now"), placeholders resolved.
        Assert.Equal(["Signature", "Bearer scope=\"read:data:7\"", "DPoP scope=\"read:data:7\", algs=\"EdDSA Ed25519 ES256 ES384 PS256 RS256\""],
            Header(anonymous, "WWW-Authenticate"));
    }

    [Fact]
    public async Task Signed_request_reaches_a_controller_that_reads_the_body()
    {
        var configuration = Configuration();
        configuration.Remove("Authentication:Schemes:AgentAuth:Signatures:RequiredComponents:0");
        configuration.Remove("Authentication:Schemes:AgentAuth:Signatures:RequiredComponents:1");
        using var client = Client(configuration);
        var request = _setup.Agent.Sign(TestAgent.Request(HttpMethod.Post, "http://localhost/api/echo", "hello"), parameters: p => p.Nonce = "app-nonce-1");

        var response = await client.SendAsync(request);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("agent-ed:hello", await response.Content.ReadAsStringAsync());
    }

    [Fact]
    public async Task Anonymous_minimal_endpoint_is_unaffected()
    {
        using var client = Client(Configuration());

        var response = await client.GetAsync("/minimal/public");

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("public", await response.Content.ReadAsStringAsync());
    }

    [Theory]
    [InlineData("ClockSkew", "01:00:00", "AgentAuthOptions.ClockSkew must be between 0 and 10 minutes.")]
    [InlineData("PublicOrigin", "https://api.example.com/base", "AgentAuthOptions.PublicOrigin must be an absolute http(s) origin")]
    [InlineData("Signatures:AllowedAlgorithms:0", "HS256", "AgentAuthOptions.Signatures.AllowedAlgorithms contains 'HS256'")]
    public void Startup_fails_with_a_message_naming_the_option(string key, string value, string message)
    {
        var configuration = Configuration();
        configuration["Authentication:Schemes:AgentAuth:" + key] = value;

        var exception = Assert.ThrowsAny<Exception>(() => Client(configuration));

        var validation = Assert.IsType<OptionsValidationException>(Unwrap(exception));
        Assert.Contains(validation.Failures, f => f.Contains(message, StringComparison.Ordinal));
    }

    [Fact]
    public void Startup_fails_when_no_request_could_ever_authenticate()
    {
        var exception = Assert.ThrowsAny<Exception>(() => Client(new Dictionary<string, string?>
        {
            ["Authentication:Schemes:AgentAuth:AllowSignatureOnly"] = "false",
        }));

        var validation = Assert.IsType<OptionsValidationException>(Unwrap(exception));
        Assert.Contains(validation.Failures, f => f.StartsWith("AgentAuthOptions.Issuers is empty and AllowSignatureOnly is false", StringComparison.Ordinal));
    }

    private static Exception Unwrap(Exception exception)
    {
        while (exception is AggregateException { InnerExceptions.Count: 1 } or System.Reflection.TargetInvocationException && exception.InnerException is not null)
        {
            exception = exception.InnerException!;
        }
        return exception;
    }
}
