using System.Net;
using AgentAuth.AspNetCore.Tests.Handler;
using AgentAuth.AspNetCore.Tests.Tokens;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.FileProviders;
using Microsoft.Extensions.Hosting;
using static AgentAuth.AspNetCore.Tests.Handler.ResponseAssert;

namespace AgentAuth.AspNetCore.Tests.Security;

/// <summary>
/// Issue 14: <c>error_description</c> lets an unauthenticated client tell an untrusted issuer from an unknown key from a bad
/// signature, so <c>IncludeErrorDetails</c> defaults to on in Development only; the error code is always sent, and an explicit
/// setting wins in every environment.
/// </summary>
public sealed class ErrorDetailsDefaultTests : IAsyncDisposable
{
    private const string Description = "error_description=\"Bearer tokens are not accepted here: sign the request (RFC 9421) or use a DPoP-bound token.\"";

    private readonly TokenSetup _setup = new();
    private HandlerHost? _host;

    public async ValueTask DisposeAsync()
    {
        if (_host is not null)
        {
            await _host.DisposeAsync();
        }
        await _setup.DisposeAsync();
    }

    /// <summary>The first challenge of a refused bearer token, from a host in <paramref name="environment"/>.</summary>
    private async Task<string> BearerChallengeAsync(string environment, bool? includeErrorDetails)
    {
        // HandlerHost directly: TokenSetup turns descriptions on for the token-mode tests that read them.
        _host = await HandlerHost.StartAsync(
            o =>
            {
                o.Audiences.Add(TestTokens.Audience);
                o.Issuers.Add(new TokenIssuerOptions { Issuer = TestTokens.Issuer, JsonWebKeySet = _setup.IssuerJwks });
                if (includeErrorDetails is { } value)
                {
                    o.IncludeErrorDetails = value;
                }
            },
            services: s => s.AddSingleton<IHostEnvironment>(new Environment(environment)),
            time: _setup.Time);
        var host = _host;
        var request = new HttpRequestMessage(HttpMethod.Get, TokenSetup.Protected);
        request.Headers.TryAddWithoutValidation("Authorization", "Bearer " + _setup.Token(cnf: null));

        var response = await host.SendAsync(request);

        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
        return Header(response, "WWW-Authenticate")[0];
    }

    [Fact]
    public async Task Outside_Development_the_challenge_carries_the_error_code_without_description()
    {
        Assert.Equal("Bearer error=\"invalid_token\"", await BearerChallengeAsync(Environments.Production, includeErrorDetails: null));
    }

    [Fact]
    public async Task In_Development_the_challenge_carries_the_description()
    {
        Assert.Equal("Bearer error=\"invalid_token\", " + Description, await BearerChallengeAsync(Environments.Development, includeErrorDetails: null));
    }

    [Fact]
    public async Task An_explicit_setting_wins_in_either_environment()
    {
        Assert.Equal("Bearer error=\"invalid_token\", " + Description, await BearerChallengeAsync(Environments.Production, includeErrorDetails: true));
        await _host!.DisposeAsync();
        _host = null;
        Assert.Equal("Bearer error=\"invalid_token\"", await BearerChallengeAsync(Environments.Development, includeErrorDetails: false));
    }

    [Fact]
    public void Unset_until_post_configuration_picks_the_default()
    {
        Assert.Null(new AgentAuthOptions().IncludeErrorDetails);
    }

    private sealed class Environment(string name) : IHostEnvironment
    {
        public string EnvironmentName { get; set; } = name;

        public string ApplicationName { get; set; } = "AgentAuth.Tests";

        public string ContentRootPath { get; set; } = AppContext.BaseDirectory;

        public IFileProvider ContentRootFileProvider { get; set; } = new NullFileProvider();
    }
}
