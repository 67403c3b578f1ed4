using System.Net;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json.Nodes;
using AgentAuth.Client;
using AgentAuth.HttpSignatures.Cryptography;
using AgentAuth.HttpSignatures.Digests;
using Microsoft.AspNetCore.Http;

namespace AgentAuth.AspNetCore.Tests.Client;

/// <summary>Requests signed by <see cref="AgentAuthSigningHandler"/> verified by the scheme on a real Kestrel server over loopback.</summary>
public sealed class SigningHandlerEndToEndTests
{
    public static TheoryData<string> Algorithms => new()
    {
        HttpSignatureAlgorithms.Ed25519,
        HttpSignatureAlgorithms.EcdsaP256Sha256,
        HttpSignatureAlgorithms.EcdsaP384Sha384,
        HttpSignatureAlgorithms.RsaPssSha512,
        HttpSignatureAlgorithms.RsaV15Sha256,
    };

    internal static SignatureKey Generate(string algorithm, string? keyId = "agent-key") => algorithm switch
    {
        HttpSignatureAlgorithms.Ed25519 => SignatureKey.GenerateEd25519(keyId),
        HttpSignatureAlgorithms.EcdsaP256Sha256 => SignatureKey.GenerateEcdsaP256(keyId),
        HttpSignatureAlgorithms.EcdsaP384Sha384 => SignatureKey.GenerateEcdsaP384(keyId),
        _ => SignatureKey.GenerateRsa(algorithm, 2048, keyId),
    };

    private static HttpClient Client(LoopbackAgentApi api, AgentAuthSigningOptions options, RecordingInnerHandler? inner = null) =>
        new(new AgentAuthSigningHandler(options, inner ?? new RecordingInnerHandler())) { BaseAddress = api.BaseAddress };

    [Theory]
    [MemberData(nameof(Algorithms))]
    public async Task Signature_only_request_verifies_for_each_algorithm(string algorithm)
    {
        using var key = Generate(algorithm);
        await using var api = await LoopbackAgentApi.StartAsync([key]);
        using var client = Client(api, new AgentAuthSigningOptions { Key = key });

        var whoami = await LoopbackAgentApi.ReadWhoAmIAsync(await client.GetAsync(new Uri("/whoami?verbose=1", UriKind.Relative)));

        Assert.Equal("httpsig", whoami["mode"]);
        Assert.Equal("agent-key", whoami["keyid"]);
        Assert.Equal(key.Thumbprint, whoami["jkt"]);
    }

    [Theory]
    [MemberData(nameof(Algorithms))]
    public async Task Signature_with_cnf_jwk_bound_token_verifies_for_each_algorithm(string algorithm)
    {
        using var key = Generate(algorithm);
        await using var api = await LoopbackAgentApi.StartAsync();
        using var client = Client(api, new AgentAuthSigningOptions { Key = key, AccessToken = api.Token(LoopbackAgentApi.CnfJwk(key)) });

        var whoami = await LoopbackAgentApi.ReadWhoAmIAsync(await client.GetAsync(new Uri("/whoami", UriKind.Relative)));

        Assert.Equal("httpsig+jwt", whoami["mode"]);
        Assert.Equal("agent-7", whoami["sub"]);
        Assert.Equal(key.Thumbprint, whoami["jkt"]);
    }

    [Fact]
    public async Task Signature_with_cnf_jkt_token_verifies_against_a_trusted_agent_key_and_scopes_apply()
    {
        using var key = SignatureKey.GenerateEd25519("agent-key");
        await using var api = await LoopbackAgentApi.StartAsync([key]);
        using var client = Client(api, new AgentAuthSigningOptions { Key = key, AccessToken = api.Token(LoopbackAgentApi.Jkt(key), scope: "read:data:2") });

        using var allowed = await client.GetAsync(new Uri("/data/2", UriKind.Relative));
        using var forbidden = await client.GetAsync(new Uri("/data/3", UriKind.Relative));

        Assert.Equal(HttpStatusCode.OK, allowed.StatusCode);
        Assert.Equal("2", await allowed.Content.ReadAsStringAsync());
        Assert.Equal(HttpStatusCode.Forbidden, forbidden.StatusCode);
    }

    [Fact]
    public async Task Token_provider_is_asked_for_every_request()
    {
        using var key = SignatureKey.GenerateEd25519("agent-key");
        await using var api = await LoopbackAgentApi.StartAsync();
        var calls = 0;
        var token = api.Token(LoopbackAgentApi.CnfJwk(key));
        using var client = Client(api, new AgentAuthSigningOptions
        {
            Key = key,
            AccessTokenProvider = (_, _) => { Interlocked.Increment(ref calls); return ValueTask.FromResult<string?>(token); },
        });

        using var first = await client.GetAsync(new Uri("/whoami", UriKind.Relative));
        using var second = await client.GetAsync(new Uri("/whoami", UriKind.Relative));

        Assert.Equal(HttpStatusCode.OK, first.StatusCode);
        Assert.Equal(HttpStatusCode.OK, second.StatusCode);
        Assert.Equal(2, calls);
    }

    [Theory]
    [InlineData(DigestAlgorithm.Sha256, "sha-256=:")]
    [InlineData(DigestAlgorithm.Sha512, "sha-512=:")]
    public async Task Body_is_sent_with_a_signed_content_digest_the_server_checks(DigestAlgorithm digest, string prefix)
    {
        using var key = SignatureKey.GenerateEcdsaP256("agent-key");
        await using var api = await LoopbackAgentApi.StartAsync();
        var inner = new RecordingInnerHandler();
        using var client = Client(api, new AgentAuthSigningOptions { Key = key, AccessToken = api.Token(LoopbackAgentApi.CnfJwk(key)), ContentDigestAlgorithm = digest }, inner);
        const string body = "{\"name\":\"gamma\",\"value\":\"ünïcødé\"}";

        using var response = await client.PostAsync(new Uri("/echo", UriKind.Relative), new StringContent(body, Encoding.UTF8, "application/json"));

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal(body, await response.Content.ReadAsStringAsync());
        Assert.StartsWith(prefix, inner.LastContentDigest);
        Assert.Equal(ContentDigest.Compute(Encoding.UTF8.GetBytes(body), digest), inner.LastContentDigest);
        Assert.Contains("\"content-digest\"", inner.LastSignatureInput);
    }

    [Fact]
    public async Task Streamed_body_is_buffered_once_and_still_arrives_whole()
    {
        using var key = SignatureKey.GenerateEd25519("agent-key");
        await using var api = await LoopbackAgentApi.StartAsync([key]);
        using var client = Client(api, new AgentAuthSigningOptions { Key = key });
        var payload = RandomNumberGenerator.GetHexString(100_000);

        using var response = await client.PostAsync(new Uri("/echo", UriKind.Relative), new StreamContent(new MemoryStream(Encoding.ASCII.GetBytes(payload))));

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal(payload, await response.Content.ReadAsStringAsync());
    }

    [Fact]
    public async Task Default_coverage_and_parameters_are_those_documented()
    {
        using var key = SignatureKey.GenerateEd25519("agent-key");
        await using var api = await LoopbackAgentApi.StartAsync();
        var inner = new RecordingInnerHandler();
        using var client = Client(api, new AgentAuthSigningOptions { Key = key, AccessToken = api.Token(LoopbackAgentApi.CnfJwk(key)) }, inner);

        using (var get = await client.GetAsync(new Uri("/whoami", UriKind.Relative)))
        {
            Assert.Equal(HttpStatusCode.OK, get.StatusCode);
        }
        var getInput = inner.LastSignatureInput!;
        using (var post = await client.PostAsync(new Uri("/echo", UriKind.Relative), new StringContent("x")))
        {
            Assert.Equal(HttpStatusCode.OK, post.StatusCode);
        }
        var postInput = inner.LastSignatureInput!;

        Assert.StartsWith("sig1=(\"@method\" \"@target-uri\" \"authorization\");created=", getInput);
        Assert.StartsWith("sig1=(\"@method\" \"@target-uri\" \"authorization\" \"content-digest\" \"content-type\");created=", postInput);
        var created = long.Parse(Between(postInput, ";created=", ";"), System.Globalization.CultureInfo.InvariantCulture);
        var expires = long.Parse(Between(postInput, ";expires=", ";"), System.Globalization.CultureInfo.InvariantCulture);
        Assert.Equal(60, expires - created);
        Assert.Contains(";keyid=\"agent-key\"", postInput);
        Assert.Matches(";nonce=\"[A-Za-z0-9_-]{22}\"", postInput);
        Assert.NotEqual(Between(getInput, ";nonce=\"", "\""), Between(postInput, ";nonce=\"", "\""));
        Assert.StartsWith("Bearer ", inner.LastAuthorization);
    }

    [Fact]
    public async Task Configured_label_tag_and_components_are_used_and_verify()
    {
        using var key = SignatureKey.GenerateEcdsaP384("agent-key");
        await using var api = await LoopbackAgentApi.StartAsync([key], options =>
        {
            options.Signatures.Tag = "agent-auth";
            options.Signatures.RequiredComponents.Add("@method");
            options.Signatures.RequiredComponents.Add("@authority");
            options.Signatures.RequiredComponents.Add("@path");
            options.Signatures.RequiredComponents.Add("content-type");
            options.Signatures.RequireNonce = true;
        });
        var inner = new RecordingInnerHandler();
        var options = new AgentAuthSigningOptions { Key = key, Label = "agent", Tag = "agent-auth", Lifetime = TimeSpan.Zero };
        foreach (var component in new[] { "@method", "@authority", "@path", "content-type", "x-absent" })
        {
            options.CoveredComponents.Add(component);
        }
        using var client = Client(api, options, inner);

        using var response = await client.PostAsync(new Uri("/echo", UriKind.Relative), new StringContent("{}", Encoding.UTF8, "application/json"));

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.StartsWith("agent=(\"@method\" \"@authority\" \"@path\" \"content-type\" \"content-digest\");created=", inner.LastSignatureInput);
        Assert.Contains(";tag=\"agent-auth\"", inner.LastSignatureInput);
        Assert.DoesNotContain(";expires=", inner.LastSignatureInput);
        Assert.StartsWith("agent=:", inner.LastSignature);
    }

    [Fact]
    public async Task Sending_the_same_request_again_replaces_the_signature_instead_of_adding_one()
    {
        using var key = SignatureKey.GenerateEd25519("agent-key");
        await using var api = await LoopbackAgentApi.StartAsync([key]);
        var inner = new RecordingInnerHandler();
        using var invoker = new HttpMessageInvoker(new AgentAuthSigningHandler(new AgentAuthSigningOptions { Key = key }, inner));
        using var request = new HttpRequestMessage(HttpMethod.Get, new Uri(api.BaseAddress, "/whoami"));

        using (var first = await invoker.SendAsync(request, CancellationToken.None))
        {
            Assert.Equal(HttpStatusCode.OK, first.StatusCode);
        }
        using var second = await invoker.SendAsync(request, CancellationToken.None);

        Assert.Equal(HttpStatusCode.OK, second.StatusCode);
        Assert.Single(request.Headers.GetValues("Signature-Input"));
        Assert.DoesNotContain(",", inner.LastSignatureInput);
    }

    [Fact]
    public async Task Tampering_after_signing_is_refused()
    {
        using var key = SignatureKey.GenerateEd25519("agent-key");
        await using var api = await LoopbackAgentApi.StartAsync([key]);
        using var client = new HttpClient(new AgentAuthSigningHandler(new AgentAuthSigningOptions { Key = key }, new BodySwapHandler())) { BaseAddress = api.BaseAddress };

        using var response = await client.PostAsync(new Uri("/echo", UriKind.Relative), new StringContent("pay 10"));

        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
        Assert.Equal("error=invalid_signature", response.Headers.GetValues("Signature-Error").Single());
    }

    private sealed class BodySwapHandler() : DelegatingHandler(new SocketsHttpHandler())
    {
        protected override Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
        {
            var digest = request.Content!.Headers.GetValues("Content-Digest").Single();
            request.Content = new StringContent("pay 10000");
            request.Content.Headers.TryAddWithoutValidation("Content-Digest", digest);
            return base.SendAsync(request, cancellationToken);
        }
    }

    private static string Between(string text, string start, string end)
    {
        var from = text.IndexOf(start, StringComparison.Ordinal) + start.Length;
        var to = text.IndexOf(end, from, StringComparison.Ordinal);
        return to < 0 ? text[from..] : text[from..to];
    }
}
