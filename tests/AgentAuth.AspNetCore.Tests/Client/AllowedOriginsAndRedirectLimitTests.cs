using System.Net;
using AgentAuth.Client;
using AgentAuth.HttpSignatures.Cryptography;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace AgentAuth.AspNetCore.Tests.Client;

/// <summary>
/// Issue 23 C1 and C2 with the options they added: <see cref="AgentAuthSigningOptions.AllowedOrigins"/> (credentials and DPoP
/// nonces per origin) and <see cref="AgentAuthSigningOptions.MaxRedirects"/>. Real Kestrel servers on loopback.
/// </summary>
public sealed class AllowedOriginsAndRedirectLimitTests
{
    [Fact]
    public async Task C2_two_apis_that_require_nonces_each_keep_their_own_and_need_no_second_round_trip()
    {
        using var key = SignatureKey.GenerateEcdsaP256();
        await using var first = await LoopbackAgentApi.StartAsync(configure: options => options.DPoP.RequireNonce = true);
        await using var second = await LoopbackAgentApi.StartAsync(configure: options => options.DPoP.RequireNonce = true);
        var firstToken = first.Token(LoopbackAgentApi.Jkt(key));
        var secondToken = second.Token(LoopbackAgentApi.Jkt(key));
        var inner = new RecordingInnerHandler();
        using var client = new HttpClient(new AgentAuthSigningHandler(new AgentAuthSigningOptions
        {
            Key = key,
            AccessTokenProvider = (request, _) => ValueTask.FromResult<string?>(request.RequestUri!.Port == first.BaseAddress.Port ? firstToken : secondToken),
            UseDPoP = true,
            AllowedOrigins = { first.BaseAddress.ToString(), second.BaseAddress.ToString() },
        }, inner));

        // Each origin answers its first request with use_dpop_nonce: one retry each.
        foreach (var api in new[] { first, second })
        {
            using var response = await client.GetAsync(new Uri(api.BaseAddress, "/whoami"));
            Assert.Equal("dpop", (await LoopbackAgentApi.ReadWhoAmIAsync(response))["mode"]);
        }
        Assert.Equal(4, inner.Sends);

        // From then on each origin gets its own nonce back: one send per request, alternating.
        for (var i = 0; i < 4; i++)
        {
            var api = i % 2 == 0 ? first : second;
            using var response = await client.GetAsync(new Uri(api.BaseAddress, "/whoami"));
            Assert.Equal("dpop", (await LoopbackAgentApi.ReadWhoAmIAsync(response))["mode"]);
        }
        Assert.Equal(8, inner.Sends);
    }

    [Fact]
    public async Task C1_a_redirect_to_another_allowed_origin_still_carries_no_credentials()
    {
        using var key = SignatureKey.GenerateEd25519("agent-key");
        await using var other = await ScriptedOrigin.LandingAsync();
        await using var redirector = await ScriptedOrigin.RedirectingAsync(StatusCodes.Status308PermanentRedirect, () => new Uri(other.BaseAddress, "/landing"));
        using var client = new HttpClient(new AgentAuthSigningHandler(new AgentAuthSigningOptions
        {
            Key = key,
            AccessToken = "token",
            AllowedOrigins = { redirector.BaseAddress.ToString(), other.BaseAddress.ToString() },
        }, new SocketsHttpHandler()));

        using var response = await client.GetAsync(new Uri(redirector.BaseAddress, "/start"));

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.True(redirector.Requests.Single().HasCredentials);
        Assert.False(Assert.Single(other.Requests).HasCredentials);
    }

    [Theory]
    [InlineData(0)]
    [InlineData(3)]
    public async Task C1_redirects_stop_after_MaxRedirects_and_the_redirect_is_returned(int maxRedirects)
    {
        using var key = SignatureKey.GenerateEd25519("agent-key");
        ScriptedOrigin? loop = null;
        loop = await ScriptedOrigin.RedirectingAsync(StatusCodes.Status302Found, () => new Uri(loop!.BaseAddress, "/loop"));
        await using var _ = loop;
        using var client = new HttpClient(new AgentAuthSigningHandler(new AgentAuthSigningOptions { Key = key, MaxRedirects = maxRedirects }, new SocketsHttpHandler()))
        {
            BaseAddress = loop.BaseAddress,
        };

        using var response = await client.GetAsync(new Uri("/loop", UriKind.Relative));

        Assert.Equal(HttpStatusCode.Found, response.StatusCode);
        Assert.Equal(maxRedirects + 1, loop.Requests.Count);
        Assert.All(loop.Requests, r => Assert.True(r.HasCredentials));
    }

    [Fact]
    public async Task C1_C2_factory_client_logs_what_it_withheld_and_ignored_without_secrets()
    {
        using var key = SignatureKey.GenerateEd25519("agent-key");
        const string Token = "secret-token-value";
        await using var other = await ScriptedOrigin.StartAsync((context, _) =>
        {
            context.Response.Headers["DPoP-Nonce"] = new string('n', 600);
            return context.Response.WriteAsync("landed");
        });
        await using var api = await ScriptedOrigin.StartAsync((context, index) =>
        {
            context.Response.Headers["DPoP-Nonce"] = "bad nonce";
            if (index == 0)
            {
                context.Response.StatusCode = StatusCodes.Status307TemporaryRedirect;
                context.Response.Headers.Location = new Uri(other.BaseAddress, "/landing").ToString();
            }
            return Task.CompletedTask;
        });
        var sink = new Handler.LogSink();
        var services = new ServiceCollection();
        services.AddLogging(logging => logging.AddProvider(sink).SetMinimumLevel(LogLevel.Debug));
        services.AddHttpClient("agent", c => c.BaseAddress = api.BaseAddress)
            .AddAgentAuthSigning(o =>
            {
                o.Key = key;
                o.AccessToken = Token;
                o.UseDPoP = true;
            });
        using var provider = services.BuildServiceProvider();
        var client = provider.GetRequiredService<IHttpClientFactory>().CreateClient("agent");

        using (var redirected = await client.GetAsync(new Uri("/start", UriKind.Relative)))
        {
            Assert.Equal(HttpStatusCode.OK, redirected.StatusCode);
        }
        using (var direct = await client.GetAsync(new Uri(other.BaseAddress, "/direct")))
        {
            Assert.Equal(HttpStatusCode.OK, direct.StatusCode);
        }
        using (var again = await client.GetAsync(new Uri("/again", UriKind.Relative)))
        {
            Assert.Equal(HttpStatusCode.OK, again.StatusCode);
        }

        var lines = sink.Lines.Where(l => l.Category == typeof(AgentAuthSigningHandler).FullName).ToList();
        Assert.Contains(lines, l => l.EventId.Id == 7141 && l.Message.Contains(other.BaseAddress.Port.ToString(System.Globalization.CultureInfo.InvariantCulture), StringComparison.Ordinal));
        Assert.Contains(lines, l => l.EventId.Id == 7140);
        Assert.Contains(lines, l => l.EventId.Id == 7143 && l.Level == LogLevel.Warning);
        Assert.All(lines, l =>
        {
            Assert.DoesNotContain(Token, l.Message, StringComparison.Ordinal);
            Assert.DoesNotContain("bad nonce", l.Message, StringComparison.Ordinal);
            Assert.DoesNotContain("/landing", l.Message, StringComparison.Ordinal);
        });
        Assert.All(other.Requests, r => Assert.False(r.HasCredentials));
    }

    [Fact]
    public void Invalid_origins_and_redirect_limits_fail_with_a_message_naming_the_option()
    {
        using var key = SignatureKey.GenerateEd25519();

        Assert.Contains("AllowedOrigins[0]", Fail(new AgentAuthSigningOptions { Key = key, AllowedOrigins = { "api.example.com" } }));
        Assert.Contains("AllowedOrigins[1]", Fail(new AgentAuthSigningOptions { Key = key, AllowedOrigins = { "https://api.example.com", "https://api.example.com/v1" } }));
        Assert.Contains("AllowedOrigins[0]", Fail(new AgentAuthSigningOptions { Key = key, AllowedOrigins = { "https://user:pw@api.example.com" } }));
        Assert.Contains("AllowedOrigins[0]", Fail(new AgentAuthSigningOptions { Key = key, AllowedOrigins = { "ftp://api.example.com" } }));
        Assert.Contains("MaxRedirects", Fail(new AgentAuthSigningOptions { Key = key, MaxRedirects = -1 }));
        Assert.Contains("MaxRedirects", Fail(new AgentAuthSigningOptions { Key = key, MaxRedirects = 51 }));
        using var valid = new AgentAuthSigningHandler(new AgentAuthSigningOptions { Key = key, AllowedOrigins = { "https://api.example.com/", "http://localhost:5000" }, MaxRedirects = 0 });
    }

    private static string Fail(AgentAuthSigningOptions options) =>
        Assert.Throws<InvalidOperationException>(() => new AgentAuthSigningHandler(options)).Message;
}
