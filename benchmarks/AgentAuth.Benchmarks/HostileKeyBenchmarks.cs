using System.Security.Cryptography;
using System.Text;
using System.Text.Json.Nodes;
using AgentAuth.Benchmarks.Infrastructure;
using BenchmarkDotNet.Attributes;

namespace AgentAuth.Benchmarks;

/// <summary>
/// Issue 14 F4: what a DPoP proof carrying an attacker-chosen RSA key (3072-bit modulus, 3071-bit public exponent) costs
/// the scheme, next to a normal DPoP request (dpop). The proof is refused with <c>invalid_dpop_proof</c> by the RSA key
/// policy when the attacker's token is bound to that key, or with <c>invalid_token</c> by the <c>cnf.jkt</c> comparison
/// (a hash of the JWK, made before any key import) when it is not. The last row times the RSA verification under that
/// key that the scheme no longer makes (what every such request cost before).
/// Each authentication row returns whether the outcome is the expected one.
/// </summary>
[MemoryDiagnoser]
public class HostileKeyBenchmarks
{
    private const string Target = "https://api.bench.example/orders/42";

    private AuthenticationHarness _harness = null!;
    private RequestTemplate _normal = null!;
    private RequestTemplate _hostileBound = null!;
    private RequestTemplate _hostileOtherToken = null!;
    private RSA _platformRsa = null!;
    private byte[] _signingInput = null!;
    private byte[] _signature = null!;

    [GlobalSetup]
    public async Task SetupAsync()
    {
        _harness = await AuthenticationHarness.CreateAsync();
        var credentials = _harness.Credentials;
        var hostile = HostileRsaKey.Create();

        var token = credentials.MintDPoPBoundToken();
        _normal = Request(token, credentials.MintDPoPProof("GET", Target, token));

        // The attacker's own (valid) token, bound to its hostile key, and a valid proof signed with that key.
        var now = DateTimeOffset.UtcNow.ToUnixTimeSeconds();
        var claims = new JsonObject
        {
            ["iss"] = BenchmarkCredentials.Issuer,
            ["sub"] = "attacker",
            ["aud"] = BenchmarkCredentials.Audience,
            ["iat"] = now,
            ["nbf"] = now,
            ["exp"] = now + 3600,
            ["cnf"] = new JsonObject { ["jkt"] = hostile.Thumbprint },
        };
        var hostileToken = BenchmarkCredentials.Mint(credentials.IssuerEdKey, "EdDSA", claims);
        _hostileBound = Request(hostileToken, hostile.Proof("GET", Target, hostileToken));
        // Someone else's token (bound to the agent key) with a hostile proof.
        _hostileOtherToken = Request(token, hostile.Proof("GET", Target, token));

        _platformRsa = RSA.Create();
        _platformRsa.ImportRSAPublicKey(hostile.PublicKeyDer(), out _);
        _signingInput = Encoding.ASCII.GetBytes("header.payload");
        _signature = hostile.SignRs256(_signingInput);

        await _harness.AssertSucceedsAsync(_normal);
        await ExpectFailureAsync(_hostileBound, "exponent 65537");
        await ExpectFailureAsync(_hostileOtherToken, "key binding");
        if (!HostileVerifyByThePlatform())
        {
            throw new InvalidOperationException("The hostile key's own signature does not verify on the platform.");
        }
    }

    [GlobalCleanup]
    public async Task CleanupAsync()
    {
        _platformRsa.Dispose();
        await _harness.DisposeAsync();
    }

    [Benchmark(Baseline = true, Description = "DPoP proof, EdDSA key bound to the token (accepted)")]
    public async Task<bool> NormalProof() => (await _harness.AuthenticateAsync(_normal)).Succeeded;

    [Benchmark(Description = "DPoP proof, hostile RSA key bound to the attacker's token (refused: key policy)")]
    public async Task<bool> HostileProofBoundToken() => (await _harness.AuthenticateAsync(_hostileBound)).Failure is not null;

    [Benchmark(Description = "DPoP proof, hostile RSA key, token bound to another key (refused: cnf.jkt)")]
    public async Task<bool> HostileProofOtherToken() => (await _harness.AuthenticateAsync(_hostileOtherToken)).Failure is not null;

    [Benchmark(Description = "Reference: one RSA verify under the hostile key (the work the scheme no longer does)")]
    public bool HostileVerifyByThePlatform() =>
        _platformRsa.VerifyData(_signingInput, _signature, HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1);

    private static RequestTemplate Request(string token, string proof) =>
        RequestTemplate.Create("GET", "https", "api.bench.example", "/orders/42?view=full", ("Authorization", "DPoP " + token), ("DPoP", proof));

    private async Task ExpectFailureAsync(RequestTemplate request, string fragment)
    {
        var result = await _harness.AuthenticateAsync(request);
        if (result.Failure is null || !result.Failure.Message.Contains(fragment, StringComparison.Ordinal))
        {
            throw new InvalidOperationException("The hostile scenario is not refused as expected: " + (result.Failure?.Message ?? "accepted"));
        }
    }
}
