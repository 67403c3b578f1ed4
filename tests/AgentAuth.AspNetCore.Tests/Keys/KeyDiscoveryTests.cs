using System.Net;
using System.Text;
using AgentAuth.AspNetCore.Tests.Tokens;
using AgentAuth.HttpSignatures.Cryptography;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Time.Testing;

namespace AgentAuth.AspNetCore.Tests.Keys;

/// <summary>
/// The shared discovery policy behind AAuth <c>jwks_uri</c> / <c>jwks</c> and Web Bot Auth directories: which origins a
/// request may make the server fetch from, which addresses it may connect to, and the bounded per-URL cache.
/// </summary>
public sealed class KeyDiscoveryTests
{
    [Theory]
    [InlineData("https://agent.example", "https://agent.example")]
    [InlineData("https://agent.example/", "https://agent.example")]
    [InlineData("HTTPS://Agent.EXAMPLE", "https://agent.example")]
    [InlineData("https://agent.example:443", "https://agent.example")]
    [InlineData("https://agent.example:8443", "https://agent.example:8443")]
    [InlineData("https://bücher.example", "https://xn--bcher-kva.example")]
    [InlineData("https://[::1]:8443", "https://[::1]:8443")]
    [InlineData("https://127.0.0.1", "https://127.0.0.1")]
    public void An_https_origin_is_canonicalised(string value, string expected)
    {
        Assert.True(KeyDiscovery.TryParseOrigin(value, out var origin));
        Assert.Equal(expected, origin);
    }

    [Theory]
    [InlineData("")]
    [InlineData("http://agent.example")]
    [InlineData("https://agent.example/path")]
    [InlineData("https://agent.example/..")]
    [InlineData("https://agent.example?x=1")]
    [InlineData("https://agent.example#f")]
    [InlineData("https://user:pass@agent.example")]
    [InlineData("https://")]
    [InlineData("agent.example")]
    [InlineData("https://agent.example\\@evil.example")]
    [InlineData("https://agent.example /")]
    [InlineData("ftp://agent.example")]
    public void Anything_but_an_https_origin_is_refused(string value) =>
        Assert.False(KeyDiscovery.TryParseOrigin(value, out _));

    [Fact]
    public void An_overlong_value_is_refused_without_parsing() =>
        Assert.False(KeyDiscovery.TryParseOrigin("https://" + new string('a', 5000) + ".example", out _));

    [Theory]
    [InlineData("https://agent.example", true)]
    [InlineData("https://agent.example:8443", false)]
    [InlineData("https://other.example", false)]
    [InlineData("https://a.agents.example", true)]
    [InlineData("https://a.b.agents.example", true)]
    [InlineData("https://agents.example", false)]
    [InlineData("https://xagents.example", false)]
    [InlineData("https://a.agents.example:444", false)]
    public void Only_configured_origins_are_allowed(string origin, bool allowed)
    {
        var discovery = Create(new KeyDiscoveryOptions { AllowedOrigins = { "https://agent.example", "https://*.agents.example" } });
        Assert.Equal(allowed, discovery.IsAllowed(origin));
    }

    [Theory]
    [InlineData("https://127.0.0.1")]
    [InlineData("https://10.1.2.3")]
    [InlineData("https://169.254.169.254")]
    [InlineData("https://[::1]")]
    [InlineData("https://[fd00::1]")]
    [InlineData("https://[::ffff:192.168.0.1]")]
    [InlineData("https://localhost")]
    [InlineData("https://api.localhost:8443")]
    public void Local_and_private_hosts_are_refused_even_when_any_origin_is_allowed(string origin)
    {
        Assert.True(KeyDiscovery.TryParseOrigin(origin, out var canonical));
        Assert.False(Create(new KeyDiscoveryOptions { AllowAnyHttpsOrigin = true }).IsAllowed(canonical));
        Assert.True(Create(new KeyDiscoveryOptions { AllowAnyHttpsOrigin = true, AllowPrivateNetworks = true }).IsAllowed(canonical));
    }

    [Fact]
    public void Any_https_origin_allows_public_hosts() =>
        Assert.True(Create(new KeyDiscoveryOptions { AllowAnyHttpsOrigin = true }).IsAllowed("https://agent.example"));

    [Fact]
    public void Nothing_is_allowed_by_default() =>
        Assert.False(Create(new KeyDiscoveryOptions()).IsAllowed("https://agent.example"));

    [Theory]
    [InlineData("8.8.8.8", true)]
    [InlineData("2606:4700::1111", true)]
    [InlineData("0.0.0.0", false)]
    [InlineData("10.0.0.1", false)]
    [InlineData("100.64.0.1", false)]
    [InlineData("127.0.0.1", false)]
    [InlineData("169.254.169.254", false)]
    [InlineData("172.16.0.1", false)]
    [InlineData("172.31.255.255", false)]
    [InlineData("172.32.0.1", true)]
    [InlineData("192.168.1.1", false)]
    [InlineData("198.18.0.1", false)]
    [InlineData("224.0.0.1", false)]
    [InlineData("255.255.255.255", false)]
    [InlineData("::", false)]
    [InlineData("::1", false)]
    [InlineData("::127.0.0.1", false)]
    [InlineData("::ffff:10.0.0.1", false)]
    [InlineData("::ffff:8.8.8.8", true)]
    [InlineData("64:ff9b::a00:1", false)]
    [InlineData("2002:a00:1::", false)]
    [InlineData("fe80::1", false)]
    [InlineData("fc00::1", false)]
    [InlineData("ff02::1", false)]
    [InlineData("2001:db8::1", false)]
    public void Address_classification(string address, bool isPublic) =>
        Assert.Equal(isPublic, NetworkAddresses.IsPublic(IPAddress.Parse(address)));

    [Theory]
    [InlineData("127.0.0.1")]
    [InlineData("localhost")]
    public async Task The_discovery_client_never_connects_to_a_loopback_server(string host)
    {
        await using var server = await TestJwksServer.StartAsync();
        var port = new Uri(server.BaseAddress).Port;
        using var client = new HttpClient(new SocketsHttpHandler { ConnectCallback = DiscoveryBackchannel.ConnectToPublicAddressAsync, UseProxy = false });

        await Assert.ThrowsAsync<HttpRequestException>(() => client.GetAsync(new Uri($"http://{host}:{port}/jwks")));
        Assert.Equal(0, server.JwksRequests);
    }

    [Fact]
    public async Task A_discovered_key_set_is_fetched_once_and_served_from_the_cache()
    {
        using var key = SignatureKey.GenerateEd25519("key-1");
        var transport = new DocumentTransport(TestTokens.Jwks(TestTokens.PublicJwk(key, alg: null)));
        var discovery = Create(new KeyDiscoveryOptions { AllowedOrigins = { "https://agent.example" } }, transport);
        var url = "https://agent.example/jwks.json";

        var lookups = await Task.WhenAll(Enumerable.Range(0, 16).Select(_ => discovery.FindAsync(url, reader => Source(reader, url), "key-1", false, default).AsTask()));

        Assert.All(lookups, lookup => Assert.Equal(KeyLookupStatus.Found, lookup.Status));
        Assert.Equal(key.Thumbprint, lookups[0].Key!.Thumbprint);
        Assert.Equal(1, transport.Requests);
        Assert.Equal(1, discovery.CachedKeySets);
    }

    [Fact]
    public async Task The_cache_keeps_at_most_the_configured_number_of_key_sets_dropping_the_least_recently_used()
    {
        using var key = SignatureKey.GenerateEd25519("key-1");
        var transport = new DocumentTransport(TestTokens.Jwks(TestTokens.PublicJwk(key, alg: null)));
        var discovery = Create(new KeyDiscoveryOptions { AllowAnyHttpsOrigin = true, MaxCachedKeySets = 2 }, transport);

        async Task Find(string origin) => Assert.Equal(KeyLookupStatus.Found,
            (await discovery.FindAsync(origin + "/jwks", reader => Source(reader, origin + "/jwks"), "key-1", false, default)).Status);

        await Find("https://a.example");
        await Find("https://b.example");
        await Find("https://a.example");   // a is now more recent than b
        await Find("https://c.example");   // evicts b
        Assert.Equal(2, discovery.CachedKeySets);
        Assert.Equal(3, transport.Requests);

        await Find("https://a.example");   // still cached
        Assert.Equal(3, transport.Requests);
        await Find("https://b.example");   // fetched again
        Assert.Equal(4, transport.Requests);
    }

    [Fact]
    public async Task A_response_the_validator_refuses_is_no_key_set()
    {
        var transport = new DocumentTransport("{\"keys\":[]}");
        var reader = new BackchannelDocumentReader(() => new HttpClient(transport), new FakeTimeProvider(), new JwksCacheOptions());

        var ex = await Assert.ThrowsAsync<KeySourceException>(() => reader.ReadAsync(new Uri("https://agent.example/dir"), "application/http-message-signatures-directory+json",
            (response, body) => response.Headers.Contains("Signature") ? null : "the directory is not signed", default));

        Assert.Equal(JwksFetchOutcomes.InvalidDocument, ex.Outcome);
        Assert.Equal("the directory is not signed", ex.Message);
        Assert.Equal("application/http-message-signatures-directory+json", transport.LastAccept);
    }

    [Fact]
    public async Task The_validating_read_is_https_only()
    {
        var transport = new DocumentTransport("{\"keys\":[]}");
        var reader = new BackchannelDocumentReader(() => new HttpClient(transport), new FakeTimeProvider(), new JwksCacheOptions());

        await Assert.ThrowsAsync<KeySourceException>(() => reader.ReadAsync(new Uri("http://agent.example/dir"), "application/json", (_, _) => null, default));
        Assert.Equal(0, transport.Requests);
    }

    [Theory]
    [InlineData("http://agent.example")]
    [InlineData("https://agent.example/keys")]
    [InlineData("https://*.")]
    [InlineData("https://*.10.0.0.1")]
    public void A_malformed_allowed_origin_fails_startup_naming_the_option(string configured)
    {
        var failures = new List<string>();
        var options = new KeyDiscoveryOptions { AllowedOrigins = { "https://fine.example", configured } };

        KeyOptionsValidation.ValidateDiscovery(options, "AgentAuthOptions.AAuth.Discovery", failures);

        var failure = Assert.Single(failures);
        Assert.Contains("AgentAuthOptions.AAuth.Discovery.AllowedOrigins[1]", failure, StringComparison.Ordinal);
    }

    [Fact]
    public void A_non_positive_cache_bound_fails_startup()
    {
        var failures = new List<string>();
        KeyOptionsValidation.ValidateDiscovery(new KeyDiscoveryOptions { MaxCachedKeySets = 0 }, "AgentAuthOptions.AAuth.Discovery", failures);
        Assert.Contains("AgentAuthOptions.AAuth.Discovery.MaxCachedKeySets", Assert.Single(failures), StringComparison.Ordinal);
    }

    private static RemoteKeySource Source(BackchannelDocumentReader reader, string url) => new JwksUriKeySource(new Uri(url), requireHttps: true, reader);

    private static KeyDiscovery Create(KeyDiscoveryOptions options, DocumentTransport? transport = null)
    {
        var time = new FakeTimeProvider(JwksCacheFixture.Start);
        var client = new HttpClient(transport ?? new DocumentTransport("{\"keys\":[]}"));
        var jwks = new JwksCacheOptions();
        return new KeyDiscovery(options, new BackchannelDocumentReader(() => client, time, jwks),
            source => new JwksCache<SignatureKey>(source, AgentKeySetParsers.Remote, jwks, time, NullLogger.Instance, new JwksMetrics(null)));
    }

    /// <summary>Answers every request with one JSON document, counting requests.</summary>
    private sealed class DocumentTransport(string json) : HttpMessageHandler
    {
        private int _requests;

        public int Requests => Volatile.Read(ref _requests);

        public string? LastAccept { get; private set; }

        protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
        {
            Interlocked.Increment(ref _requests);
            LastAccept = request.Headers.Accept.ToString();
            // Let concurrent callers pile up on the one fetch in flight.
            await Task.Yield();
            return new HttpResponseMessage(HttpStatusCode.OK) { Content = new StringContent(json, Encoding.UTF8, "application/json") };
        }
    }
}
