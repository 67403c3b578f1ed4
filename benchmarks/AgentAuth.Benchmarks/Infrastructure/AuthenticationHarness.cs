using AgentAuth.AspNetCore;
using AgentAuth.HttpSignatures.Cryptography;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Authentication.JwtBearer;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.IdentityModel.Tokens;
using OpenIddict.Abstractions;
using OpenIddict.Validation.AspNetCore;

namespace AgentAuth.Benchmarks.Infrastructure;

/// <summary>
/// The scheme as an application registers it: a real DI container where <c>AddAuthentication().AddAgentAuth(...)</c> was
/// called, the agent key directory and the issuer's JWKS served over loopback HTTP, and one call per request to
/// <c>HttpContext.AuthenticateAsync(scheme)</c> (what <c>AuthenticationMiddleware</c> does) with its own request scope, on
/// a context reused per connection as Kestrel does (or, for comparison, a fresh context per request).
/// </summary>
public sealed class AuthenticationHarness : IAsyncDisposable
{
    /// <summary>Token cache on, bearer tokens allowed, DPoP replay detection off (see docs/performance.md).</summary>
    public const string Scheme = "AgentAuth";

    /// <summary>The same configuration with the validated-token cache off.</summary>
    public const string NoTokenCacheScheme = "AgentAuthNoTokenCache";

    /// <summary>An issuer of opaque tokens judged by RFC 7662 introspection (an in-process endpoint), bearer tokens allowed.</summary>
    public const string IntrospectionScheme = "AgentAuthIntrospection";

    /// <summary>Signature only, with an <c>hmac-sha256</c> agent key configured inline (the managed-work probe: its crypto is tiny).</summary>
    public const string HmacScheme = "AgentAuthHmac";

    /// <summary>The real <c>JwtBearerHandler</c> (Microsoft.AspNetCore.Authentication.JwtBearer), static issuer key, in its own container.</summary>
    public const string JwtBearerScheme = JwtBearerDefaults.AuthenticationScheme;

    /// <summary>OpenIddict's validation handler (OpenIddict.Validation.AspNetCore), static configuration and key, in its own container.</summary>
    public const string OpenIddictScheme = OpenIddictValidationAspNetCoreDefaults.AuthenticationScheme;

    private readonly Host _agentAuth;
    private readonly Host _jwtBearer;
    private readonly Host _openIddict;
    private readonly JwksServer _jwks;

    private AuthenticationHarness(ServiceProvider services, ServiceProvider jwtBearer, ServiceProvider openIddict, JwksServer jwks, BenchmarkCredentials credentials)
    {
        _agentAuth = new Host(services);
        _jwtBearer = new Host(jwtBearer);
        _openIddict = new Host(openIddict);
        _jwks = jwks;
        Credentials = credentials;
    }

    /// <summary>
    /// One application's container. The peers get their own, as an application using them would have: OpenIddict's handler
    /// is an <see cref="IAuthenticationRequestHandler"/>, which the authentication middleware runs on every request of
    /// every scheme in its container.
    /// </summary>
    private sealed class Host(ServiceProvider services)
    {
        public ServiceProvider Services { get; } = services;

        public IServiceScopeFactory Scopes { get; } = services.GetRequiredService<IServiceScopeFactory>();

        public IAuthenticationSchemeProvider Schemes { get; } = services.GetRequiredService<IAuthenticationSchemeProvider>();
    }

    private Host HostFor(string scheme) => scheme switch
    {
        JwtBearerScheme => _jwtBearer,
        OpenIddictScheme => _openIddict,
        _ => _agentAuth,
    };

    public BenchmarkCredentials Credentials { get; }

    /// <summary>The per-scheme runtime the handler uses (verifiers, key sources, token validator), for the breakdown mode.</summary>
    internal AgentAuthRuntime RuntimeFor(string scheme) =>
        _agentAuth.Services.GetRequiredService<Microsoft.Extensions.Options.IOptionsMonitor<AgentAuthOptions>>().Get(scheme).Runtime!;

    /// <summary>Creates the keys, starts the JWKS server and builds the container.</summary>
    /// <param name="replayCache">The replay store; by default one that accepts every value (see <see cref="AcceptEveryNonceReplayCache"/>).</param>
    /// <param name="revocationStore">Replaces the default in-memory <see cref="IRevocationStore"/> (a no-op store measures the lookup's cost).</param>
    public static async Task<AuthenticationHarness> CreateAsync(IReplayCache? replayCache = null, IRevocationStore? revocationStore = null)
    {
        var credentials = new BenchmarkCredentials();
        var jwks = await JwksServer.StartAsync(new Dictionary<string, string>
        {
            ["/agents/jwks.json"] = credentials.AgentJwks,
            ["/issuer/jwks.json"] = credentials.IssuerJwks,
        });

        var services = new ServiceCollection();
        // No logging providers: the handler's log calls still run (and check IsEnabled), nothing is written.
        services.AddLogging();
        services.AddSingleton(replayCache ?? new AcceptEveryNonceReplayCache());
        if (revocationStore is not null)
        {
            services.AddSingleton(revocationStore);
        }
        services.AddAuthentication()
            .AddAgentAuth(Scheme, o => Configure(o, jwks.BaseAddress, tokenCache: true))
            .AddAgentAuth(NoTokenCacheScheme, o => Configure(o, jwks.BaseAddress, tokenCache: false))
            .AddAgentAuth(IntrospectionScheme, ConfigureIntrospection)
            .AddAgentAuth(HmacScheme, o =>
            {
                o.AgentKeys.JsonWebKeySet = credentials.AgentHmacJwks;
                o.Signatures.AllowedAlgorithms.Add(HttpSignatureAlgorithms.HmacSha256);
                o.Signatures.MaxAge = TimeSpan.FromHours(1);
            })
            .AddScheme<AuthenticationSchemeOptions, FloorHandler>(FloorHandler.SchemeName, _ => { });
        var provider = services.BuildServiceProvider(new ServiceProviderOptions { ValidateScopes = true });
        return new AuthenticationHarness(provider, BuildJwtBearer(credentials), BuildOpenIddict(credentials), jwks, credentials);
    }

    /// <summary>The parameters JwtBearer and the <c>JsonWebTokenHandler</c> baseline validate the ES256 bearer token with: a static key.</summary>
    public static TokenValidationParameters Es256Parameters(BenchmarkCredentials credentials) => new()
    {
        ValidIssuer = BenchmarkCredentials.Issuer,
        ValidAudience = BenchmarkCredentials.Audience,
        IssuerSigningKey = new ECDsaSecurityKey(credentials.IssuerEcdsa) { KeyId = BenchmarkCredentials.IssuerEcKeyId },
        ValidAlgorithms = ["ES256"],
        ValidTypes = ["at+jwt"],
    };

    // JwtBearer as its documentation configures it for a known key: no Authority, so no metadata is fetched.
    private static ServiceProvider BuildJwtBearer(BenchmarkCredentials credentials)
    {
        var services = new ServiceCollection();
        services.AddLogging();
        services.AddAuthentication(JwtBearerScheme).AddJwtBearer(o =>
        {
            o.MapInboundClaims = false;
            o.TokenValidationParameters = Es256Parameters(credentials);
        });
        return services.BuildServiceProvider(new ServiceProviderOptions { ValidateScopes = true });
    }

    // OpenIddict's validation with a static server configuration (issuer and signing key), so it fetches nothing.
    private static ServiceProvider BuildOpenIddict(BenchmarkCredentials credentials)
    {
        var services = new ServiceCollection();
        services.AddLogging();
        var key = new ECDsaSecurityKey(credentials.IssuerEcdsa) { KeyId = BenchmarkCredentials.IssuerEcKeyId };
        services.AddOpenIddict().AddValidation(o =>
        {
            o.SetIssuer(BenchmarkCredentials.Issuer);
            o.AddAudiences(BenchmarkCredentials.Audience);
            o.SetConfiguration(new OpenIddictConfiguration { Issuer = new Uri(BenchmarkCredentials.Issuer), SigningKeys = { key } });
            o.UseAspNetCore();
        });
        services.AddAuthentication(OpenIddictScheme);
        return services.BuildServiceProvider(new ServiceProviderOptions { ValidateScopes = true });
    }

    private static void Configure(AgentAuthOptions options, string jwksBase, bool tokenCache)
    {
        options.AgentKeys.JwksUri = jwksBase + "/agents/jwks.json";
        options.AgentKeys.RequireHttpsMetadata = false;
        var issuer = new TokenIssuerOptions { Issuer = BenchmarkCredentials.Issuer, JwksUri = jwksBase + "/issuer/jwks.json", RequireHttpsMetadata = false };
        options.Issuers.Add(issuer);
        options.Audiences.Add(BenchmarkCredentials.Audience);
        options.AllowBearerTokens = true;
        options.EnableTokenCache = tokenCache;
        // Every measured DPoP request reuses one proof; its jti would be a replay from the second request on.
        options.DPoP.EnableReplayDetection = false;
        // The requests are signed once in GlobalSetup and sent again for the whole run; the diagnostic modes (profile, loop,
        // ratios) run for minutes, past the default 60 s and 5 min windows, after which every request would be refused and
        // the figures would time a rejection. The age checks cost the same whatever their limits.
        options.Signatures.MaxAge = TimeSpan.FromHours(1);
        options.DPoP.ProofLifetime = TimeSpan.FromHours(1);
        // AAuth Signature-Key requests (issue 17): inline keys and agent tokens.
        options.AAuth.AllowHwk = true;
        options.AAuth.AllowJwt = true;
    }

    private static void ConfigureIntrospection(AgentAuthOptions options)
    {
        options.AllowBearerTokens = true;
        options.AllowSignatureOnly = false;
        options.Audiences.Add(BenchmarkCredentials.Audience);
        var issuer = new TokenIssuerOptions { Issuer = IntrospectionEndpointHandler.Issuer };
        issuer.Introspection.OpaqueTokens = true;
        issuer.Introspection.Endpoint = IntrospectionEndpointHandler.Endpoint;
        // The answer is trusted for the whole run: every measured request is a validated-token cache hit.
        issuer.Introspection.CacheDuration = TimeSpan.FromDays(1);
        options.Issuers.Add(issuer);
        options.BackchannelHttpHandler = new IntrospectionEndpointHandler();
    }

    /// <summary>
    /// One request through the production path as Kestrel hosts it: the connection's context re-initialized, request
    /// services from a new scope on first use, <c>AuthenticateAsync</c>, then the scope disposed and the context reset.
    /// </summary>
    public async Task<AuthenticateResult> AuthenticateAsync(RequestTemplate request, string scheme = Scheme)
    {
        var host = HostFor(scheme);
        var connection = request.RentConnection();
        try
        {
            var context = connection.Begin(host.Scopes);
            await RunRequestHandlersAsync(host, context);
            return await context.AuthenticateAsync(scheme);
        }
        finally
        {
            await connection.EndAsync();
            request.ReturnConnection(connection);
        }
    }

    /// <summary>
    /// What <c>AuthenticationMiddleware</c> does before it authenticates: every scheme whose handler is an
    /// <see cref="IAuthenticationRequestHandler"/> may handle the request first (OpenIddict's is one; AgentAuth's and
    /// JwtBearer's are not, so for them this is one lookup of an empty list).
    /// </summary>
    private static async Task RunRequestHandlersAsync(Host host, HttpContext context)
    {
        var handlers = context.RequestServices.GetRequiredService<IAuthenticationHandlerProvider>();
        foreach (var scheme in await host.Schemes.GetRequestHandlerSchemesAsync())
        {
            if (await handlers.GetHandlerAsync(context, scheme.Name) is IAuthenticationRequestHandler handler && await handler.HandleRequestAsync())
            {
                throw new InvalidOperationException("The request handler of scheme '" + scheme.Name + "' ended the benchmark request.");
            }
        }
    }

    /// <summary>The same with a new <c>DefaultHttpContext</c> and an explicit scope per request (no connection reuse), for comparison.</summary>
    public async Task<AuthenticateResult> AuthenticateFreshContextAsync(RequestTemplate request, string scheme = Scheme)
    {
        var host = HostFor(scheme);
        var scope = host.Scopes.CreateAsyncScope();
        try
        {
            var context = request.CreateContext(scope.ServiceProvider);
            await RunRequestHandlersAsync(host, context);
            return await context.AuthenticateAsync(scheme);
        }
        finally
        {
            await scope.DisposeAsync();
        }
    }

    /// <summary>Runs one request and throws unless it authenticated (or, with <paramref name="expectNone"/>, found no credentials).</summary>
    public async Task AssertSucceedsAsync(RequestTemplate request, string scheme = Scheme, bool expectNone = false, bool freshContext = false)
    {
        var result = freshContext ? await AuthenticateFreshContextAsync(request, scheme) : await AuthenticateAsync(request, scheme);
        var ok = expectNone ? result.None : result.Succeeded && result.Principal?.Identity?.IsAuthenticated == true;
        if (!ok)
        {
            throw new InvalidOperationException("The benchmark scenario does not " + (expectNone ? "yield no result" : "authenticate")
                + ": " + (result.Failure?.Message ?? (result.None ? "no result" : "unknown")));
        }
    }

    /// <inheritdoc />
    public async ValueTask DisposeAsync()
    {
        await _agentAuth.Services.DisposeAsync();
        await _jwtBearer.Services.DisposeAsync();
        await _openIddict.Services.DisposeAsync();
        await _jwks.DisposeAsync();
        Credentials.Dispose();
    }
}
