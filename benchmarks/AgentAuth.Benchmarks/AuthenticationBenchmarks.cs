using AgentAuth.AspNetCore;
using AgentAuth.Benchmarks.Infrastructure;
using AgentAuth.HttpSignatures;
using AgentAuth.HttpSignatures.Cryptography;
using BenchmarkDotNet.Attributes;
using BenchmarkDotNet.Configs;
using Microsoft.AspNetCore.Authentication;
using Microsoft.IdentityModel.JsonWebTokens;
using Microsoft.IdentityModel.Tokens;

namespace AgentAuth.Benchmarks;

/// <summary>
/// Whole authentications through the real <c>AgentAuthHandler</c> (issue item 3), each next to the baseline it is judged
/// against (item 4): categories <c>Ed25519</c> and <c>Ed25519+token</c> are relative to a bare NSec verify (one kept <c>PublicKey</c>, no project checks) of the same
/// signature base (the signature-only scenario's, and the signed-token scenario's which also covers the Authorization field), category
/// <c>ES256</c> to <c>JsonWebTokenHandler.ValidateTokenAsync</c> of the same token with a static key.
/// Every operation re-initializes its connection's <c>DefaultHttpContext</c> (as Kestrel does), gets a new DI scope and
/// calls <c>AuthenticateAsync</c>; one extra benchmark creates a fresh context per request for comparison.
/// </summary>
[MemoryDiagnoser]
[GroupBenchmarksBy(BenchmarkLogicalGroupRule.ByCategory)]
[CategoriesColumn]
public class AuthenticationBenchmarks
{
    public const string Ed25519Category = "Ed25519";
    public const string Ed25519TokenCategory = "Ed25519+token";
    public const string Es256Category = "ES256";
    public const string OverheadCategory = "Overhead";
    public const string AAuthHwkCategory = "AAuth hwk";
    public const string AAuthJwtCategory = "AAuth jwt";
    public const string HmacCategory = "HMAC";

    private AuthenticationHarness _harness = null!;
    private RequestTemplate _signatureOnly = null!;
    private RequestTemplate _signatureWithToken = null!;
    private RequestTemplate _bearerEs256 = null!;
    private RequestTemplate _dpop = null!;
    private RequestTemplate _anonymous = null!;
    private RequestTemplate _aauthHwk = null!;
    private RequestTemplate _aauthJwt = null!;
    private byte[] _hwkBase = null!;
    private byte[] _hwkSignature = null!;
    private byte[] _jwtBase = null!;
    private byte[] _jwtSignature = null!;
    private RequestTemplate _signatureOnlyHmac = null!;
    private byte[] _hmacSecret = null!;
    private byte[] _hmacSignatureBase = null!;
    private byte[] _hmacSignature = null!;

    private NSec.Cryptography.PublicKey _publicKey = null!;
    private byte[] _signatureBase = null!;
    private byte[] _signature = null!;
    private byte[] _boundSignatureBase = null!;
    private byte[] _boundSignature = null!;

    private string _es256Token = null!;
    private JsonWebTokenHandler _jwtHandler = null!;
    private TokenValidationParameters _jwtParameters = null!;

    [GlobalSetup]
    public async Task SetupAsync()
    {
        _harness = await AuthenticationHarness.CreateAsync();
        var credentials = _harness.Credentials;
        var components = new[] { SignatureComponent.Method, SignatureComponent.Authority, SignatureComponent.Path, SignatureComponent.Query };
        var withAuthorization = new[] { SignatureComponent.Method, SignatureComponent.Authority, SignatureComponent.Path, SignatureComponent.Query, SignatureComponent.Field("authorization") };

        // signature-only: signature only; no nonce, so the same request can be authenticated again and again.
        _signatureOnly = RequestTemplate.Create("GET", "https", "api.bench.example", "/orders/42?view=full")
            .Sign(credentials.AgentKey, "sig1", components, new SignatureParameters());

        // signed-token / signed-token-no-cache: signature + cnf.jkt-bound EdDSA token, the Authorization field covered. A signature with a token must carry a
        // nonce; the harness's replay store accepts every nonce so the same request can be measured repeatedly.
        var boundToken = credentials.MintBoundEdDsaToken();
        _signatureWithToken = RequestTemplate.Create("GET", "https", "api.bench.example", "/orders/42?view=full", ("Authorization", "Bearer " + boundToken))
            .Sign(credentials.AgentKey, "sig1", withAuthorization, new SignatureParameters { Nonce = "bench-nonce-0001" });

        // bearer: bearer-only ES256.
        _es256Token = credentials.MintBearerEs256Token();
        _bearerEs256 = RequestTemplate.Create("GET", "https", "api.bench.example", "/orders/42?view=full", ("Authorization", "Bearer " + _es256Token));

        // dpop: DPoP-bound token with one proof (replay detection off for this scheme, see the harness).
        var dpopToken = credentials.MintDPoPBoundToken();
        _dpop = RequestTemplate.Create("GET", "https", "api.bench.example", "/orders/42?view=full",
            ("Authorization", "DPoP " + dpopToken),
            ("DPoP", credentials.MintDPoPProof("GET", "https://api.bench.example/orders/42", dpopToken)));

        _anonymous = RequestTemplate.Create("GET", "https", "api.bench.example", "/orders/42?view=full");

        // AAuth (draft-hardt-httpbis-signature-key-08): the key inline (hwk) or in an agent token (jwt) in Signature-Key, covered.
        var withSignatureKey = new[] { SignatureComponent.Method, SignatureComponent.Authority, SignatureComponent.Path, SignatureComponent.Query, SignatureComponent.Field("signature-key") };
        var agentJwk = credentials.AgentAAuthJwk();
        var hwk = "sig=hwk;kty=\"OKP\";crv=\"Ed25519\";x=\"" + agentJwk["x"]!.GetValue<string>() + "\";alg=\"Ed25519\"";
        _aauthHwk = RequestTemplate.Create("GET", "https", "api.bench.example", "/orders/42?view=full", ("Signature-Key", hwk))
            .Sign(credentials.AgentKey, "sig", withSignatureKey, new SignatureParameters());
        _aauthJwt = RequestTemplate.Create("GET", "https", "api.bench.example", "/orders/42?view=full", ("Signature-Key", "sig=jwt;jwt=\"" + credentials.MintAAuthAgentToken() + "\""))
            .Sign(credentials.AgentKey, "sig", withSignatureKey, new SignatureParameters());

        // hmac-sha256: the signature-only request signed with a shared secret. Its crypto (one HMAC-SHA256 of about 150 bytes)
        // is a few per cent of an Ed25519 verify, so its time is mostly the scheme's managed work.
        _signatureOnlyHmac = RequestTemplate.Create("GET", "https", "api.bench.example", "/orders/42?view=full")
            .Sign(credentials.AgentHmacKey, "sig1", components, new SignatureParameters());
        _hmacSecret = credentials.AgentHmacSecret;
        (_hmacSignatureBase, _hmacSignature) = BuildBase(_signatureOnlyHmac);
        if (!BareHmacSha256Verify())
        {
            throw new InvalidOperationException("The bare HMAC-SHA256 baseline does not verify.");
        }

        // Baseline: the exact base and signature the handler verifies in signature-only.
        _publicKey = NSec.Cryptography.PublicKey.Import(NSec.Cryptography.SignatureAlgorithm.Ed25519, ExtractPublicKey(credentials.AgentKey), NSec.Cryptography.KeyBlobFormat.RawPublicKey);
        (_signatureBase, _signature) = BuildBase(_signatureOnly);
        if (!BareEd25519Verify())
        {
            throw new InvalidOperationException("The bare Ed25519 baseline does not verify.");
        }
        // the signed-token base carries the Authorization field (the whole token), so its verify hashes more bytes: signed-token is judged against
        // a bare verify of its own base, as the issue asks ("the same signature base").
        (_boundSignatureBase, _boundSignature) = BuildBase(_signatureWithToken);
        if (!BareEd25519VerifyBoundBase())
        {
            throw new InvalidOperationException("The bare Ed25519 baseline of the signed-token scenario's signature base does not verify.");
        }

        // Baselines of the AAuth rows: a bare verify of each one's own base (the jwt base carries the whole token).
        (_hwkBase, _hwkSignature) = BuildBase(_aauthHwk);
        (_jwtBase, _jwtSignature) = BuildBase(_aauthJwt);
        if (!BareEd25519VerifyHwkBase() || !BareEd25519VerifyJwtBase())
        {
            throw new InvalidOperationException("The bare Ed25519 baselines of the AAuth bases do not verify.");
        }

        // Baseline: JwtBearer's per-request crypto and claims work, IdentityModel validating the same ES256 token with a static key.
        _jwtHandler = new JsonWebTokenHandler { MapInboundClaims = false };
        _jwtParameters = AuthenticationHarness.Es256Parameters(credentials);

        // Each scenario must succeed before it is timed; this also warms the JWKS and token caches.
        await AssertScenariosAsync();
    }

    /// <summary>Throws unless every scenario authenticates (and the anonymous one yields no result).</summary>
    public async Task AssertScenariosAsync()
    {
        await _harness.AssertSucceedsAsync(_signatureOnly);
        await _harness.AssertSucceedsAsync(_signatureOnly, freshContext: true);
        await _harness.AssertSucceedsAsync(_signatureWithToken);
        await _harness.AssertSucceedsAsync(_signatureWithToken, AuthenticationHarness.NoTokenCacheScheme);
        await _harness.AssertSucceedsAsync(_bearerEs256);
        await _harness.AssertSucceedsAsync(_bearerEs256, AuthenticationHarness.NoTokenCacheScheme);
        await _harness.AssertSucceedsAsync(_bearerEs256, AuthenticationHarness.JwtBearerScheme);
        await _harness.AssertSucceedsAsync(_bearerEs256, AuthenticationHarness.OpenIddictScheme);
        await _harness.AssertSucceedsAsync(_signatureOnlyHmac, AuthenticationHarness.HmacScheme);
        await _harness.AssertSucceedsAsync(_dpop);
        await _harness.AssertSucceedsAsync(_anonymous, expectNone: true);
        await _harness.AssertSucceedsAsync(_aauthHwk);
        await _harness.AssertSucceedsAsync(_aauthJwt);
        await _harness.AssertSucceedsAsync(_anonymous, FloorHandler.SchemeName);
        var jwt = await _jwtHandler.ValidateTokenAsync(_es256Token, _jwtParameters);
        if (!jwt.IsValid)
        {
            throw new InvalidOperationException("The IdentityModel ES256 baseline does not validate: " + jwt.Exception?.Message);
        }
    }

    /// <summary>The allocation profile of each scenario (see <see cref="AllocationProfiler"/>).</summary>
    public async Task<string> ProfileAllocationsAsync(int count)
    {
        using var profiler = new AllocationProfiler();
        var text = new System.Text.StringBuilder();
        text.Append(await profiler.ProfileAsync("signature only", () => SignatureOnly(), count));
        text.Append(await profiler.ProfileAsync("signature only, fresh context per request", () => SignatureOnlyFreshContext(), count));
        text.Append(await profiler.ProfileAsync("signature + bound token", () => SignatureWithBoundToken(), count));
        text.Append(await profiler.ProfileAsync("signature + bound token, cache off", () => SignatureWithBoundTokenNoCache(), count));
        text.Append(await profiler.ProfileAsync("bearer ES256", () => BearerEs256(), count));
        text.Append(await profiler.ProfileAsync("bearer ES256, cache off", () => BearerEs256NoCache(), count));
        text.Append(await profiler.ProfileAsync("JwtBearer ES256 (peer)", () => JwtBearerEs256(), count));
        text.Append(await profiler.ProfileAsync("OpenIddict validation ES256 (peer)", () => OpenIddictEs256(), count));
        text.Append(await profiler.ProfileAsync("signature only, hmac-sha256", () => SignatureOnlyHmac(), count));
        text.Append(await profiler.ProfileAsync("DPoP", () => DPoPBoundToken(), count));
        text.Append(await profiler.ProfileAsync("AAuth hwk (key cache warm)", () => AAuthHwk(), count));
        text.Append(await profiler.ProfileAsync("AAuth jwt (token cache warm)", () => AAuthJwt(), count));
        text.Append(await profiler.ProfileAsync("no credentials", () => NoCredentials(), count));
        text.Append(await profiler.ProfileAsync("framework floor", () => FrameworkFloor(), count));
        return text.ToString();
    }

    /// <summary>the signature-only scenario's verifier step alone (what the breakdown pairs with a bare verify), for profiling in a loop.</summary>
    internal Func<Task> VerifierOnly()
    {
        var runtime = _harness.RuntimeFor(AuthenticationHarness.Scheme);
        var message = _signatureOnly.AsMessage();
        return async () => await runtime.VerifierFor(false, false, false).VerifyAsync(message, runtime.SignatureSelection, new SignatureKeyResolver(runtime.AgentKeys, null));
    }

    /// <summary>
    /// Paired ratios of the steps inside signature-only and signed-token against the bare verify of the same base (diagnostic: where the time above
    /// a verify goes). Each step runs the production object the handler uses, outside the handler.
    /// </summary>
    internal async Task<string> BreakdownAsync()
    {
        var runtime = _harness.RuntimeFor(AuthenticationHarness.Scheme);
        var messageSignatureOnly = _signatureOnly.AsMessage();
        var messageSignedToken = _signatureWithToken.AsMessage();
        var token = _signatureWithToken.Feature.Headers.Authorization.ToString()["Bearer ".Length..].AsMemory();
        var confirmation = (await runtime.Tokens.ValidateAsync(token, default)).Confirmation;
        var key = (await runtime.VerifierFor(false, false, false).VerifyAsync(messageSignatureOnly, runtime.SignatureSelection, new SignatureKeyResolver(runtime.AgentKeys, null))).Key!;
        Task Bare() { BareEd25519Verify(); return Task.CompletedTask; }
        Task BareBound() { BareEd25519VerifyBoundBase(); return Task.CompletedTask; }
        Task KeyVerify() { key.Verify(_signatureBase, _signature); return Task.CompletedTask; }
        var verifierSignatureOnly = VerifierOnly();
        async Task VerifierSignedToken() => await runtime.VerifierFor(false, false, true).VerifyAsync(messageSignedToken, runtime.SignatureSelection, new SignatureKeyResolver(runtime.AgentKeys, confirmation));
        async Task TokenHit() { await runtime.Tokens.ValidateAsync(token, default); await BareBound(); }
        var tokenKeys = new TokenKeyComparer();
        var tokenText = token.ToString();
        Task TokenKey() { _ = tokenKeys.GetHashCode(token.Span) + (tokenKeys.Equals(token.Span, tokenText) ? 1 : 0); return BareBound(); }
        var text = new System.Text.StringBuilder();
        text.AppendLine("| step (paired with the bare verify of the same base) | thread CPU | wall |").AppendLine("|---|---|---|");
        text.AppendLine(PairedRatios.Format("SignatureKey.Verify (key from the JWKS cache) / bare, signature-only base", "", await PairedRatios.MeasureAsync(KeyVerify, Bare)));
        text.AppendLine(PairedRatios.Format("HttpMessageSignatureVerifier.VerifyAsync / bare, signature-only", "", await PairedRatios.MeasureAsync(verifierSignatureOnly, Bare)));
        text.AppendLine(PairedRatios.Format("whole signature-only / bare, signature-only", "", await PairedRatios.MeasureAsync(SignatureOnly, Bare)));
        text.AppendLine(PairedRatios.Format("token cache key (hash + compare) + bare / bare, signed-token base", "", await PairedRatios.MeasureAsync(TokenKey, BareBound)));
        text.AppendLine(PairedRatios.Format("token cache hit + bare / bare, signed-token base", "", await PairedRatios.MeasureAsync(TokenHit, BareBound)));
        text.AppendLine(PairedRatios.Format("HttpMessageSignatureVerifier.VerifyAsync / bare, signed-token", "", await PairedRatios.MeasureAsync(VerifierSignedToken, BareBound)));
        text.AppendLine(PairedRatios.Format("whole signed-token / bare, signed-token", "", await PairedRatios.MeasureAsync(SignatureWithBoundToken, BareBound)));
        return text.ToString().Replace(" |  |", " |", StringComparison.Ordinal);
    }

    [GlobalCleanup]
    public async Task CleanupAsync() => await _harness.DisposeAsync();

    [Benchmark(Baseline = true, Description = "Bare NSec Ed25519 verify")]
    [BenchmarkCategory(Ed25519Category)]
    public bool BareEd25519Verify() => NSec.Cryptography.SignatureAlgorithm.Ed25519.Verify(_publicKey, _signatureBase, _signature);

    [Benchmark(Description = "signature only (JWKS cache)")]
    [BenchmarkCategory(Ed25519Category)]
    public Task<AuthenticateResult> SignatureOnly() => _harness.AuthenticateAsync(_signatureOnly);

    [Benchmark(Description = "signature only with a fresh DefaultHttpContext and scope per request (no connection reuse)")]
    [BenchmarkCategory(Ed25519Category)]
    public Task<AuthenticateResult> SignatureOnlyFreshContext() => _harness.AuthenticateFreshContextAsync(_signatureOnly);

    [Benchmark(Baseline = true, Description = "Bare NSec Ed25519 verify, the signed-token base (with the token)")]
    [BenchmarkCategory(Ed25519TokenCategory)]
    public bool BareEd25519VerifyBoundBase() => NSec.Cryptography.SignatureAlgorithm.Ed25519.Verify(_publicKey, _boundSignatureBase, _boundSignature);

    [Benchmark(Description = "signature + cnf EdDSA token, cache warm")]
    [BenchmarkCategory(Ed25519TokenCategory)]
    public Task<AuthenticateResult> SignatureWithBoundToken() => _harness.AuthenticateAsync(_signatureWithToken);

    [Benchmark(Description = "signature + cnf EdDSA token, cache off")]
    [BenchmarkCategory(Ed25519TokenCategory)]
    public Task<AuthenticateResult> SignatureWithBoundTokenNoCache() => _harness.AuthenticateAsync(_signatureWithToken, AuthenticationHarness.NoTokenCacheScheme);

    [Benchmark(Description = "DPoP-bound EdDSA token, cache warm")]
    [BenchmarkCategory(Ed25519Category)]
    public Task<AuthenticateResult> DPoPBoundToken() => _harness.AuthenticateAsync(_dpop);

    [Benchmark(Baseline = true, Description = "JsonWebTokenHandler.ValidateTokenAsync ES256")]
    [BenchmarkCategory(Es256Category)]
    public Task<TokenValidationResult> JwtHandlerValidateEs256() => _jwtHandler.ValidateTokenAsync(_es256Token, _jwtParameters);

    [Benchmark(Description = "bearer ES256 token, cache warm")]
    [BenchmarkCategory(Es256Category)]
    public Task<AuthenticateResult> BearerEs256() => _harness.AuthenticateAsync(_bearerEs256);

    [Benchmark(Baseline = true, Description = "Bare NSec Ed25519 verify, the AAuth hwk base")]
    [BenchmarkCategory(AAuthHwkCategory)]
    public bool BareEd25519VerifyHwkBase() => NSec.Cryptography.SignatureAlgorithm.Ed25519.Verify(_publicKey, _hwkBase, _hwkSignature);

    [Benchmark(Description = "AAuth Signature-Key hwk, key cache warm")]
    [BenchmarkCategory(AAuthHwkCategory)]
    public Task<AuthenticateResult> AAuthHwk() => _harness.AuthenticateAsync(_aauthHwk);

    [Benchmark(Baseline = true, Description = "Bare NSec Ed25519 verify, the AAuth jwt base (with the token)")]
    [BenchmarkCategory(AAuthJwtCategory)]
    public bool BareEd25519VerifyJwtBase() => NSec.Cryptography.SignatureAlgorithm.Ed25519.Verify(_publicKey, _jwtBase, _jwtSignature);

    [Benchmark(Description = "AAuth Signature-Key jwt (aa-agent+jwt), token cache warm")]
    [BenchmarkCategory(AAuthJwtCategory)]
    public Task<AuthenticateResult> AAuthJwt() => _harness.AuthenticateAsync(_aauthJwt);
    [Benchmark(Description = "bearer ES256 token, cache off (every request validates the token)")]
    [BenchmarkCategory(Es256Category)]
    public Task<AuthenticateResult> BearerEs256NoCache() => _harness.AuthenticateAsync(_bearerEs256, AuthenticationHarness.NoTokenCacheScheme);

    [Benchmark(Description = "Peer: JwtBearerHandler (JwtBearer 10.0.15), static key, same token")]
    [BenchmarkCategory(Es256Category)]
    public Task<AuthenticateResult> JwtBearerEs256() => _harness.AuthenticateAsync(_bearerEs256, AuthenticationHarness.JwtBearerScheme);

    [Benchmark(Description = "Peer: OpenIddict.Validation.AspNetCore 7.9.0, static configuration and key, same token")]
    [BenchmarkCategory(Es256Category)]
    public Task<AuthenticateResult> OpenIddictEs256() => _harness.AuthenticateAsync(_bearerEs256, AuthenticationHarness.OpenIddictScheme);

    [Benchmark(Baseline = true, Description = "Bare HMAC-SHA256 verify (hash + fixed-time compare) of the hmac request's base")]
    [BenchmarkCategory(HmacCategory)]
    public bool BareHmacSha256Verify()
    {
        Span<byte> mac = stackalloc byte[System.Security.Cryptography.HMACSHA256.HashSizeInBytes];
        System.Security.Cryptography.HMACSHA256.HashData(_hmacSecret, _hmacSignatureBase, mac);
        return System.Security.Cryptography.CryptographicOperations.FixedTimeEquals(mac, _hmacSignature);
    }

    [Benchmark(Description = "signature only, hmac-sha256 (inline shared secret)")]
    [BenchmarkCategory(HmacCategory)]
    public Task<AuthenticateResult> SignatureOnlyHmac() => _harness.AuthenticateAsync(_signatureOnlyHmac, AuthenticationHarness.HmacScheme);

    [Benchmark(Description = "No credentials (scope + context + AuthenticateAsync)")]
    [BenchmarkCategory(OverheadCategory)]
    public Task<AuthenticateResult> NoCredentials() => _harness.AuthenticateAsync(_anonymous);

    [Benchmark(Description = "Framework floor: trivial scheme, 1-claim principal")]
    [BenchmarkCategory(OverheadCategory)]
    public Task<AuthenticateResult> FrameworkFloor() => _harness.AuthenticateAsync(_anonymous, FloorHandler.SchemeName);

    private static byte[] ExtractPublicKey(SignatureKey key)
    {
        var jwk = System.Text.Json.JsonDocument.Parse(key.ExportPublicJwkJson());
        return Base64UrlEncoder.DecodeBytes(jwk.RootElement.GetProperty("x").GetString()!);
    }

    private static (byte[] Base, byte[] Signature) BuildBase(RequestTemplate request)
    {
        var input = request.Feature.Headers["Signature-Input"].ToString();
        var signature = request.Feature.Headers["Signature"].ToString();
        var limits = new SignatureInputLimits(8, 32, 8, 8192);
        if (!SignatureInputParser.TryParse(input, limits, 0, static (_, _) => true, out var view, out _, out _, out _, out var reason))
        {
            throw new InvalidOperationException(reason);
        }
        var writer = new SignatureBaseWriter(1024, SignatureBaseBuilder.DefaultMaxLength);
        try
        {
            if (!SignatureBaseBuilder.TryBuild(ref writer, request.AsMessage(), view, StructuredFieldTypes.Default, out var error, out _))
            {
                throw new InvalidOperationException(error.ToString());
            }
            var colon = signature.IndexOf(':', StringComparison.Ordinal);
            var bytes = Convert.FromBase64String(signature[(colon + 1)..^1]);
            return (writer.Written.ToArray(), bytes);
        }
        finally
        {
            writer.Dispose();
        }
    }
}
