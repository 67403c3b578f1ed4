using System.Net;
using System.Text.Json.Nodes;
using AgentAuth.AspNetCore.Tests.Handler;
using AgentAuth.AspNetCore.Tests.Tokens;
using AgentAuth.HttpSignatures;
using AgentAuth.HttpSignatures.Cryptography;
using AgentAuth.HttpSignatures.Keys;
using Microsoft.Extensions.Time.Testing;
using static AgentAuth.AspNetCore.Tests.Handler.ResponseAssert;

namespace AgentAuth.AspNetCore.Tests.WebBotAuth;

/// <summary>
/// Web Bot Auth through real Kestrel: crawler requests signed by the <c>web-bot-auth</c> 0.1.3 npm package, their key
/// directory signed by the same package and served on loopback HTTPS (self-signed certificate), fetched only through the
/// shared key discovery. Each refusal is a 401 with the error code a bot operator can act on, and the log line saying why.
/// </summary>
public sealed class WebBotAuthTests : IAsyncLifetime
{
    private readonly FakeTimeProvider _time = new(TestTokens.Now);
    private readonly TestAgent _agent;
    private DirectoryServer _directory = null!;
    private WebBotNode.BotKey _bot = null!;

    public WebBotAuthTests() => _agent = TestAgent.Ed25519(_time);

    private static long Now => TestTokens.NowSeconds;

    public async Task InitializeAsync()
    {
        _directory = await DirectoryServer.StartAsync();
        _bot = await WebBotNode.NewKeyAsync();
    }

    public async Task DisposeAsync()
    {
        _agent.Dispose();
        await _directory.DisposeAsync();
    }

    private string StringForm => "\"" + _directory.Origin + "\"";

    private Task<WebBotResource> StartResourceAsync(Action<AgentAuthOptions>? configure = null) =>
        WebBotResource.StartAsync(_directory, _time, _agent.Jwks, configure);

    /// <summary>A request signed by the package (its defaults: @authority + signature-agent, created, expires, nonce, tag).</summary>
    private static async Task<HttpRequestMessage> SignedByPackageAsync(string url, WebBotNode.BotKey key, string? signatureAgent,
        long? expires, JsonArray? components = null, bool signAgentHeader = true, bool withoutNonce = false)
    {
        var headers = new JsonObject();
        if (signatureAgent is not null && signAgentHeader)
        {
            headers["signature-agent"] = signatureAgent;
        }
        var job = new JsonObject
        {
            ["op"] = "sign",
            ["method"] = "GET",
            ["url"] = url,
            ["headers"] = headers,
            ["privateJwk"] = key.PrivateJwk.DeepClone(),
            ["created"] = Now,
            ["expires"] = expires,
        };
        if (components is not null)
        {
            job["components"] = components;
        }
        if (withoutNonce)
        {
            job["withoutNonce"] = true;
        }
        var signed = (await WebBotNode.RunAsync(job))["headers"]!.AsObject();
        var request = new HttpRequestMessage(HttpMethod.Get, url);
        request.Headers.TryAddWithoutValidation("Signature", signed["signature"]!.GetValue<string>());
        request.Headers.TryAddWithoutValidation("Signature-Input", signed["signature-input"]!.GetValue<string>());
        if (signatureAgent is not null)
        {
            request.Headers.TryAddWithoutValidation("Signature-Agent", signatureAgent);
        }
        return request;
    }

    private Task PublishBotDirectoryAsync() => _directory.PublishAsync([_bot], [_bot], Now, Now + 300);

    private static void Refused(HttpResponseMessage response, string error, WebBotResource resource, string descriptionPart)
    {
        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
        Assert.StartsWith("error=" + error, Header(response, "Signature-Error").Single(), StringComparison.Ordinal);
        Assert.Contains(resource.Logs.Lines, l => l.EventId.Id == 3 && l.Message.Contains(descriptionPart, StringComparison.Ordinal));
    }

    [Fact]
    public async Task A_crawler_signed_by_the_package_with_its_signed_directory_is_accepted_as_its_operator()
    {
        await PublishBotDirectoryAsync();
        await using var resource = await StartResourceAsync();

        var principal = await SucceededAsync(await resource.Client.SendAsync(
            await SignedByPackageAsync(resource.Url("/bots"), _bot, StringForm, Now + 300)));

        Assert.Equal([_directory.Origin], ClaimValues(principal, AgentAuthClaimTypes.Subject));
        Assert.Equal([_directory.Origin], ClaimValues(principal, AgentAuthClaimTypes.SignatureAgent));
        Assert.Equal([_bot.KeyId], ClaimValues(principal, AgentAuthClaimTypes.KeyThumbprint));
        Assert.Equal([AgentAuthenticationModes.WebBotAuth], ClaimValues(principal, AgentAuthClaimTypes.AuthenticationMode));
        Assert.Equal(1, _directory.Requests);

        // A second request reuses the cached directory; the same signed request again is a replay (its nonce was recorded).
        var request = await SignedByPackageAsync(resource.Url("/bots"), _bot, StringForm, Now + 300);
        var copy = new HttpRequestMessage(HttpMethod.Get, request.RequestUri);
        foreach (var header in request.Headers)
        {
            copy.Headers.TryAddWithoutValidation(header.Key, header.Value);
        }
        await SucceededAsync(await resource.Client.SendAsync(request));
        Assert.Equal(1, _directory.Requests);
        Refused(await resource.Client.SendAsync(copy), "invalid_signature", resource, "nonce was already used");
    }

    [Fact]
    public async Task The_dictionary_form_of_Signature_Agent_is_followed_through_the_member_the_signature_covers()
    {
        await PublishBotDirectoryAsync();
        await using var resource = await StartResourceAsync();
        Assert.True(Jwk.TryParse(_bot.PrivateJwk.ToJsonString(), out var jwk, out _));
        Assert.True(SignatureKey.TryCreate(jwk!, out var key, out _));

        HttpRequestMessage Sign(string signatureAgent, string member)
        {
            // The package (0.1.3) signs only the string form; the dictionary member is signed by the core signer (RFC 9421 §2.1.2).
            var request = new HttpRequestMessage(HttpMethod.Get, resource.Url("/bots"));
            request.Headers.TryAddWithoutValidation("Signature-Agent", signatureAgent);
            var headers = new HttpMessageSigner(_time).Sign(new HttpRequestMessageAdapter(request), "sig2",
                [SignatureComponent.Authority, SignatureComponent.DictionaryMember("signature-agent", member)],
                new SignatureParameters { Created = _time.GetUtcNow(), Expires = _time.GetUtcNow().AddMinutes(1), KeyId = key!.Thumbprint, Tag = "web-bot-auth", Nonce = Guid.NewGuid().ToString("N") },
                key!);
            request.Headers.TryAddWithoutValidation("Signature-Input", headers.SignatureInput);
            request.Headers.TryAddWithoutValidation("Signature", headers.Signature);
            return request;
        }

        var principal = await SucceededAsync(await resource.Client.SendAsync(
            Sign("other=\"https://elsewhere.example\", sig2=\"" + _directory.Origin + "\"", "sig2")));
        Assert.Equal([_directory.Origin], ClaimValues(principal, AgentAuthClaimTypes.SignatureAgent));

        // The member the signature covers decides: a covered member naming a disallowed origin is refused without a fetch.
        var before = _directory.Requests;
        Refused(await resource.Client.SendAsync(Sign("sig2=\"https://elsewhere.example\", other=\"" + _directory.Origin + "\"", "sig2")),
            "unknown_key", resource, "does not trust");
        Assert.Equal(before, _directory.Requests);

        // A duplicated covered member has two readings: refused.
        Refused(await resource.Client.SendAsync(Sign("sig2=\"" + _directory.Origin + "\", sig2=\"" + _directory.Origin + "\"", "sig2")),
            "invalid_request", resource, "more than once");
    }

    [Fact]
    public async Task A_body_must_still_be_covered_by_its_digest_and_media_type()
    {
        // The profile relaxes the request-target binding only: a crawler that sends a body signs it as every agent does.
        await PublishBotDirectoryAsync();
        await using var resource = await StartResourceAsync();
        Assert.True(Jwk.TryParse(_bot.PrivateJwk.ToJsonString(), out var jwk, out _));
        Assert.True(SignatureKey.TryCreate(jwk!, out var key, out _));

        var request = new HttpRequestMessage(HttpMethod.Post, resource.Url("/bots"))
        {
            Content = new StringContent("{\"q\":1}", System.Text.Encoding.UTF8, "application/json"),
        };
        request.Headers.TryAddWithoutValidation("Signature-Agent", StringForm);
        var headers = new HttpMessageSigner(_time).Sign(new HttpRequestMessageAdapter(request), "sig1",
            [SignatureComponent.Authority, SignatureComponent.Field("signature-agent")],
            new SignatureParameters { Created = _time.GetUtcNow(), Expires = _time.GetUtcNow().AddMinutes(1), KeyId = key!.Thumbprint, Tag = "web-bot-auth" },
            key!);
        request.Headers.TryAddWithoutValidation("Signature-Input", headers.SignatureInput);
        request.Headers.TryAddWithoutValidation("Signature", headers.Signature);

        var response = await resource.Client.SendAsync(request);
        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
        Assert.Equal("error=invalid_input, required_input=(\"@authority\" \"content-digest\" \"content-type\")", Header(response, "Signature-Error").Single());
        Assert.Equal(0, _directory.Requests);
    }

    [Fact]
    public async Task A_key_the_directory_does_not_list_is_refused()
    {
        var other = await WebBotNode.NewKeyAsync();
        await _directory.PublishAsync([other], [other], Now, Now + 300);
        await using var resource = await StartResourceAsync();

        Refused(await resource.Client.SendAsync(await SignedByPackageAsync(resource.Url("/bots"), _bot, StringForm, Now + 300)),
            "unknown_key", resource, "has no key whose JWK thumbprint is this keyid");
    }

    [Fact]
    public async Task An_unsigned_directory_is_refused()
    {
        await PublishBotDirectoryAsync();
        _directory.Signature = null;
        _directory.SignatureInput = null;
        await using var resource = await StartResourceAsync();

        Refused(await resource.Client.SendAsync(await SignedByPackageAsync(resource.Url("/bots"), _bot, StringForm, Now + 300)),
            "unknown_key", resource, "could not be fetched, or its response is not signed");
        Assert.Contains(resource.Logs.Lines, l => l.EventId.Id == 100 && l.Message.Contains("no valid signature", StringComparison.Ordinal));
    }

    [Fact]
    public async Task A_directory_signed_by_a_key_it_does_not_list_is_refused()
    {
        var stranger = await WebBotNode.NewKeyAsync();
        await _directory.PublishAsync([_bot], [stranger], Now, Now + 300);
        await using var resource = await StartResourceAsync();

        Refused(await resource.Client.SendAsync(await SignedByPackageAsync(resource.Url("/bots"), _bot, StringForm, Now + 300)),
            "unknown_key", resource, "could not be fetched, or its response is not signed");
    }

    [Fact]
    public async Task A_directory_signed_for_another_authority_is_refused()
    {
        // A signed directory copied from another origin: its "@authority";req is not the origin it was fetched from.
        await _directory.PublishAsync([_bot], [_bot], Now, Now + 300, url: "https://bot.example/.well-known/http-message-signatures-directory");
        await using var resource = await StartResourceAsync();

        Refused(await resource.Client.SendAsync(await SignedByPackageAsync(resource.Url("/bots"), _bot, StringForm, Now + 300)),
            "unknown_key", resource, "could not be fetched, or its response is not signed");
    }

    [Fact]
    public async Task A_directory_listing_an_unproven_key_serves_only_the_keys_that_signed_it()
    {
        // The operator's server holds _bot only; it also lists someone else's public key, which must not resolve.
        var victim = await WebBotNode.NewKeyAsync();
        await _directory.PublishAsync([_bot, victim], [_bot], Now, Now + 300);
        await using var resource = await StartResourceAsync();

        await SucceededAsync(await resource.Client.SendAsync(await SignedByPackageAsync(resource.Url("/bots"), _bot, StringForm, Now + 300)));
        Refused(await resource.Client.SendAsync(await SignedByPackageAsync(resource.Url("/bots"), victim, StringForm, Now + 300)),
            "unknown_key", resource, "has no key whose JWK thumbprint is this keyid");
        Assert.Contains(resource.Logs.Lines, l => l.EventId.Id == 7251);
    }

    [Fact]
    public async Task A_directory_served_with_another_media_type_is_refused()
    {
        await PublishBotDirectoryAsync();
        _directory.ContentType = "application/json";
        await using var resource = await StartResourceAsync();

        Refused(await resource.Client.SendAsync(await SignedByPackageAsync(resource.Url("/bots"), _bot, StringForm, Now + 300)),
            "unknown_key", resource, "could not be fetched, or its response is not signed");
    }

    [Fact]
    public async Task A_signature_without_expires_is_refused()
    {
        await PublishBotDirectoryAsync();
        await using var resource = await StartResourceAsync();

        Refused(await resource.Client.SendAsync(await SignedByPackageAsync(resource.Url("/bots"), _bot, StringForm, expires: null)),
            "invalid_signature", resource, "no expires parameter");
        Assert.Equal(0, _directory.Requests);
    }

    [Fact]
    public async Task A_signature_whose_lifetime_exceeds_MaxValidity_is_refused()
    {
        await PublishBotDirectoryAsync();
        await using var resource = await StartResourceAsync(o => o.WebBotAuth.MaxValidity = TimeSpan.FromMinutes(5));

        Refused(await resource.Client.SendAsync(await SignedByPackageAsync(resource.Url("/bots"), _bot, StringForm, Now + 3600)),
            "invalid_signature", resource, "lifetime");
        Assert.Equal(0, _directory.Requests);
    }

    [Fact]
    public async Task A_Signature_Agent_the_signature_does_not_cover_is_refused_without_a_fetch()
    {
        await PublishBotDirectoryAsync();
        await using var resource = await StartResourceAsync();

        // Signed over @authority only, then Signature-Agent added: anyone could have named that operator.
        var request = await SignedByPackageAsync(resource.Url("/bots"), _bot, StringForm, Now + 300, new JsonArray("@authority"), signAgentHeader: false);
        var response = await resource.Client.SendAsync(request);
        Refused(response, "invalid_input", resource, "not covered");
        Assert.Equal("error=invalid_input, required_input=(\"@authority\" \"signature-agent\")", Header(response, "Signature-Error").Single());
        Assert.Equal(0, _directory.Requests);
    }

    [Fact]
    public async Task A_Signature_Agent_origin_that_is_not_allowed_is_refused_without_a_fetch()
    {
        await PublishBotDirectoryAsync();
        await using var resource = await StartResourceAsync(o =>
        {
            o.WebBotAuth.Directories.AllowedOrigins.Clear();
            o.WebBotAuth.Directories.AllowedOrigins.Add("https://crawler.example");
        });

        Refused(await resource.Client.SendAsync(await SignedByPackageAsync(resource.Url("/bots"), _bot, StringForm, Now + 300)),
            "unknown_key", resource, "does not trust");
        Assert.Equal(0, _directory.Requests);
        Assert.Contains(resource.Logs.Lines, l => l.EventId.Id == 7250 && l.Message.Contains(_directory.Origin, StringComparison.Ordinal));
    }

    [Fact]
    public async Task The_packages_empty_query_for_a_url_without_query_stays_refused()
    {
        // http-message-sig computes @query as "" for a URL without a query; RFC 9421 §2.2.7 says "?". Not loosened.
        await PublishBotDirectoryAsync();
        await using var resource = await StartResourceAsync();

        Refused(await resource.Client.SendAsync(await SignedByPackageAsync(resource.Url("/bots"), _bot, StringForm, Now + 300,
                new JsonArray("@authority", "@query", "signature-agent"))),
            "invalid_signature", resource, "does not verify");

        // With a query both sides agree, so covering @query works.
        await SucceededAsync(await resource.Client.SendAsync(await SignedByPackageAsync(resource.Url("/bots?page=2"), _bot, StringForm, Now + 300,
            new JsonArray("@authority", "@query", "signature-agent"))));
    }

    [Fact]
    public async Task With_RequireNonce_a_signature_without_nonce_is_refused()
    {
        await PublishBotDirectoryAsync();
        await using var resource = await StartResourceAsync(o => o.WebBotAuth.RequireNonce = true);

        var withoutNonce = await SignedByPackageAsync(resource.Url("/bots"), _bot, StringForm, Now + 300, withoutNonce: true);
        Assert.DoesNotContain("nonce=", withoutNonce.Headers.GetValues("Signature-Input").Single(), StringComparison.Ordinal);
        Refused(await resource.Client.SendAsync(withoutNonce), "invalid_signature", resource, "no nonce");
        await SucceededAsync(await resource.Client.SendAsync(await SignedByPackageAsync(resource.Url("/bots"), _bot, StringForm, Now + 300)));
    }

    [Fact]
    public async Task A_web_bots_only_scheme_tells_crawlers_what_to_sign()
    {
        await using var resource = await StartResourceAsync(o => o.WebBotAuth.RequireNonce = true);

        var response = await resource.Client.GetAsync(new Uri(resource.Url("/bots")));
        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
        Assert.Equal(["sig1=(\"@authority\" \"signature-agent\");created;expires;nonce;tag=\"web-bot-auth\""], Header(response, "Accept-Signature"));
    }

    [Fact]
    public async Task A_scheme_without_Web_Bot_Auth_never_follows_Signature_Agent()
    {
        await PublishBotDirectoryAsync();
        await using var resource = await StartResourceAsync();

        // The default scheme (/agents) treats the crawler's request as an ordinary signed request: refused, nothing fetched.
        var response = await resource.Client.SendAsync(await SignedByPackageAsync(resource.Url("/agents"), _bot, StringForm, Now + 300));
        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
        Assert.Equal(0, _directory.Requests);
        Assert.DoesNotContain(resource.Logs.Lines, l => l.Message.Contains("web-bot-auth", StringComparison.Ordinal) && l.EventId.Id == 3);
    }

    [Fact]
    public async Task Web_bots_are_accepted_only_on_endpoints_whose_policy_selects_the_WebBots_scheme()
    {
        await PublishBotDirectoryAsync();
        await using var resource = await StartResourceAsync();

        // The default scheme has no Web Bot Auth: a crawler's @authority-only signature does not reach /agents.
        var onAgents = await resource.Client.SendAsync(await SignedByPackageAsync(resource.Url("/agents"), _bot, StringForm, Now + 300));
        Assert.Equal(HttpStatusCode.Unauthorized, onAgents.StatusCode);

        // An agent of the default scheme (its key configured there) reaches /agents, not /bots.
        await SucceededAsync(await resource.Client.SendAsync(_agent.Sign(TestAgent.Request(HttpMethod.Get, resource.Url("/agents")))));
        Assert.Equal(HttpStatusCode.Unauthorized, (await resource.Client.SendAsync(_agent.Sign(TestAgent.Request(HttpMethod.Get, resource.Url("/bots"))))).StatusCode);

        await SucceededAsync(await resource.Client.SendAsync(await SignedByPackageAsync(resource.Url("/bots"), _bot, StringForm, Now + 300)));
    }
}
