using System.Net;
using System.Net.Http.Headers;
using System.Text;
using AgentAuth.AspNetCore.Tests.Client;
using AgentAuth.AspNetCore.Tests.Handler;
using AgentAuth.Client;
using AgentAuth.HttpSignatures;
using Microsoft.Extensions.Time.Testing;
using static AgentAuth.AspNetCore.Tests.Handler.ResponseAssert;

namespace AgentAuth.AspNetCore.Tests.Security;

/// <summary>
/// Issue 14: <c>Content-Digest</c> covers a body's bytes, not their media type, so a signed POST could be replayed with another
/// <c>Content-Type</c> (and read by the endpoint as another format). When digest coverage is required, <c>content-type</c> must be
/// covered too (<c>Signatures:RequireContentTypeForBody</c>, on by default).
/// </summary>
public sealed class ContentTypeAttackTests : IAsyncLifetime
{
    private const string Protected = HandlerHost.Origin + "/protected";
    private const string Body = "{\"order\":1}";
    private static readonly SignatureComponent[] DigestOnly =
        [SignatureComponent.Method, SignatureComponent.Authority, SignatureComponent.Path, SignatureComponent.Field("content-digest")];

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

    private async Task<HandlerHost> Host(Action<AgentAuthOptions>? configure = null)
    {
        _host = await HandlerHost.StartAsync(o =>
        {
            o.AgentKeys.JsonWebKeySet = _agent.Jwks;
            configure?.Invoke(o);
        }, time: _time);
        return _host;
    }

    /// <summary>A POST of <see cref="Body"/> signed as <paramref name="signedType"/> (or without a type), sent as <paramref name="sentType"/>.</summary>
    private HttpRequestMessage Post(string? signedType, string? sentType, IReadOnlyList<SignatureComponent>? components = null)
    {
        var request = new HttpRequestMessage(HttpMethod.Post, Protected) { Content = Content(signedType) };
        _agent.Sign(request, components);
        var digest = request.Headers.GetValues("Content-Digest").Single();
        request.Content = Content(sentType);
        request.Headers.Remove("Content-Digest");
        request.Headers.TryAddWithoutValidation("Content-Digest", digest);
        return request;
    }

    private static ByteArrayContent Content(string? type)
    {
        var content = new ByteArrayContent(Encoding.UTF8.GetBytes(Body));
        if (type is not null)
        {
            content.Headers.ContentType = MediaTypeHeaderValue.Parse(type);
        }
        return content;
    }

    [Fact]
    public async Task Signed_POST_replayed_with_another_content_type_is_invalid_input_naming_content_type()
    {
        var host = await Host();

        // Signed (as before issue 14) over the digest but not the media type, then sent as another type.
        var response = await host.SendAsync(Post("application/json", "application/x-www-form-urlencoded", DigestOnly));

        Challenge(response, HttpStatusCode.Unauthorized, ["Signature"],
            "error=invalid_input, required_input=(\"@method\" \"@authority\" \"@path\" \"content-digest\" \"content-type\")");
    }

    [Fact]
    public async Task Covered_content_type_is_accepted_and_a_changed_one_does_not_verify()
    {
        var host = await Host();

        var principal = await SucceededAsync(await host.SendAsync(Post("application/json", "application/json")));
        Assert.Equal(Body, principal["body"]!.GetValue<string>());

        Challenge(await host.SendAsync(Post("application/json", "text/plain")), HttpStatusCode.Unauthorized, ["Signature"], "error=invalid_signature");
    }

    [Fact]
    public async Task Body_without_content_type_needs_no_content_type_coverage_until_one_is_added()
    {
        var host = await Host();

        await SucceededAsync(await host.SendAsync(Post(null, null, DigestOnly)));

        Challenge(await host.SendAsync(Post(null, "text/plain", DigestOnly)), HttpStatusCode.Unauthorized, ["Signature"],
            "error=invalid_input, required_input=(\"@method\" \"@authority\" \"@path\" \"content-digest\" \"content-type\")");
    }

    [Fact]
    public async Task RequireContentTypeForBody_off_restores_digest_only_coverage()
    {
        var host = await Host(o => o.Signatures.RequireContentTypeForBody = false);

        await SucceededAsync(await host.SendAsync(Post("application/json", "application/x-www-form-urlencoded", DigestOnly)));
    }

    [Fact]
    public async Task AgentAuth_Client_covers_content_type_of_a_body_and_is_accepted()
    {
        // A real Kestrel API on the system clock, as the client uses.
        await using var api = await LoopbackAgentApi.StartAsync([_agent.Key]);
        var recorder = new RecordingInnerHandler();
        using var client = new HttpClient(new AgentAuthSigningHandler(new AgentAuthSigningOptions { Key = _agent.Key }, recorder));

        using var response = await client.PostAsync(new Uri(api.BaseAddress, "/echo"), new StringContent(Body, Encoding.UTF8, "application/json"));

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal(Body, await response.Content.ReadAsStringAsync());
        Assert.Contains("\"content-digest\" \"content-type\")", recorder.LastSignatureInput, StringComparison.Ordinal);
    }
}
