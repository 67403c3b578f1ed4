using System.Net;
using System.Text;
using AgentAuth.AspNetCore.Tests.Handler;
using AgentAuth.AspNetCore.Tests.Tokens;
using AgentAuth.Client;
using AgentAuth.HttpSignatures;
using AgentAuth.HttpSignatures.Cryptography;
using Microsoft.Extensions.Options;
using Microsoft.Extensions.Time.Testing;
using static AgentAuth.AspNetCore.Tests.Handler.ResponseAssert;

namespace AgentAuth.AspNetCore.Tests.Security;

/// <summary>
/// Issue 23, S3: configured <c>Signatures:RequiredComponents</c> add to <c>@method @authority @path</c> instead of replacing
/// them, <c>Signatures:MaxAge</c> is bounded, and the client refuses covered components without method and target.
/// </summary>
public sealed class ConfigurationFootGunTests
{
    private const string Body = "{\"q\":1}";

    [Fact]
    public async Task S3_configured_content_type_adds_to_method_and_target_coverage_so_a_GET_signature_for_another_host_is_not_a_DELETE_here()
    {
        var time = new FakeTimeProvider(TestTokens.Now);
        using var agent = TestAgent.Ed25519(time);
        await using var host = await HandlerHost.StartAsync(o =>
        {
            o.AgentKeys.JsonWebKeySet = agent.Jwks;
            o.Signatures.RequiredComponents.Add("content-type");
        }, time: time);

        using var replayed = ReplayAsDelete(agent, created: time.GetUtcNow());
        using var response = await host.SendAsync(replayed);

        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
        Assert.Equal(["error=invalid_input, required_input=(\"@method\" \"@authority\" \"@path\" \"content-type\" \"content-digest\")"],
            Header(response, "Signature-Error"));
        Assert.Equal(["sig1=(\"@method\" \"@authority\" \"@path\" \"content-type\");created"], Header(response, "Accept-Signature"));
    }

    [Fact]
    public async Task S3_the_900_day_old_GET_of_another_host_replayed_as_DELETE_is_refused_at_startup_without_an_explicit_override()
    {
        var time = new FakeTimeProvider(TestTokens.Now);
        using var agent = TestAgent.Ed25519(time);

        var ex = await Assert.ThrowsAsync<OptionsValidationException>(() => HandlerHost.StartAsync(o =>
        {
            o.AgentKeys.JsonWebKeySet = agent.Jwks;
            o.Signatures.RequiredComponents.Add("content-type");
            o.Signatures.MaxAge = TimeSpan.FromDays(1000);
        }, time: time));

        Assert.Contains("Signatures.MaxAge", ex.Message, StringComparison.Ordinal);
        Assert.Contains("Signatures.AllowLongMaxAge", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task S3_with_the_long_window_explicitly_allowed_the_900_day_old_replay_still_fails_on_method_and_target_and_a_warning_is_logged()
    {
        var time = new FakeTimeProvider(TestTokens.Now);
        using var agent = TestAgent.Ed25519(time);
        await using var host = await HandlerHost.StartAsync(o =>
        {
            o.AgentKeys.JsonWebKeySet = agent.Jwks;
            o.Signatures.RequiredComponents.Add("content-type");
            o.Signatures.MaxAge = TimeSpan.FromDays(1000);
            o.Signatures.AllowLongMaxAge = true;
        }, time: time);

        using var replayed = ReplayAsDelete(agent, created: time.GetUtcNow().AddDays(-900));
        using var response = await host.SendAsync(replayed);

        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
        Assert.StartsWith("error=invalid_input", Assert.Single(Header(response, "Signature-Error")), StringComparison.Ordinal);
        var warning = Assert.Single(host.Logs.Lines, l => l.EventId.Id == 7160);
        Assert.Equal(Microsoft.Extensions.Logging.LogLevel.Warning, warning.Level);
        Assert.Contains("RequireNonce", warning.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task S3_target_uri_still_stands_for_authority_and_path()
    {
        var time = new FakeTimeProvider(TestTokens.Now);
        using var agent = TestAgent.Ed25519(time);
        await using var host = await HandlerHost.StartAsync(o =>
        {
            o.AgentKeys.JsonWebKeySet = agent.Jwks;
            o.Signatures.RequiredComponents.Add("@target-uri");
            o.Signatures.RequiredComponents.Add("content-type");
        }, time: time);

        var request = TestAgent.Request(HttpMethod.Post, TokenSetup.Protected, Body);
        agent.Sign(request, [SignatureComponent.Method, SignatureComponent.TargetUri, SignatureComponent.Field("content-type"), SignatureComponent.Field("content-digest")]);

        await SucceededAsync(await host.SendAsync(request));
    }

    [Theory]
    [InlineData("content-type", "@method and the target")]
    [InlineData("@target-uri content-type", "must cover @method")]
    [InlineData("@method @path", "the target (@target-uri, or @authority and @path)")]
    [InlineData("@method @authority", "the target (@target-uri, or @authority and @path)")]
    public void S3_client_covered_components_without_method_or_target_are_refused(string components, string expected)
    {
        using var key = SignatureKey.GenerateEd25519();
        var options = new AgentAuthSigningOptions { Key = key };
        foreach (var component in components.Split(' '))
        {
            options.CoveredComponents.Add(component);
        }

        var result = new AgentAuthSigningOptionsValidator().Validate(null, options);

        Assert.True(result.Failed);
        Assert.Contains("AgentAuthSigningOptions.CoveredComponents must cover", result.FailureMessage, StringComparison.Ordinal);
        Assert.Contains(expected, result.FailureMessage, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("@method @target-uri content-type")]
    [InlineData("@method @authority @path")]
    [InlineData("@method @authority @request-target")]
    public void S3_client_covered_components_with_method_and_target_are_accepted(string components)
    {
        using var key = SignatureKey.GenerateEd25519();
        var options = new AgentAuthSigningOptions { Key = key };
        foreach (var component in components.Split(' '))
        {
            options.CoveredComponents.Add(component);
        }

        Assert.True(new AgentAuthSigningOptionsValidator().Validate(null, options).Succeeded);
    }

    /// <summary>
    /// Signs <c>GET https://catalog.example/public/catalog</c> covering only <c>content-type</c> and <c>content-digest</c>, then
    /// sends the same headers and body as <c>DELETE</c> to this API.
    /// </summary>
    private static HttpRequestMessage ReplayAsDelete(TestAgent agent, DateTimeOffset created)
    {
        var original = new HttpRequestMessage(HttpMethod.Get, "https://catalog.example/public/catalog")
        {
            Content = new StringContent(Body, Encoding.UTF8, "application/json"),
        };
        agent.Sign(original, [SignatureComponent.Field("content-type"), SignatureComponent.Field("content-digest")], p => p.Created = created);

        var replay = new HttpRequestMessage(HttpMethod.Delete, TokenSetup.Protected)
        {
            Content = new StringContent(Body, Encoding.UTF8, "application/json"),
        };
        foreach (var name in new[] { "Signature-Input", "Signature", "Content-Digest" })
        {
            replay.Headers.TryAddWithoutValidation(name, original.Headers.GetValues(name));
        }
        original.Dispose();
        return replay;
    }
}
