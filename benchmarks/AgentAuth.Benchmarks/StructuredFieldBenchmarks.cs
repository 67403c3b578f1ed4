using System.Text;
using AgentAuth.Benchmarks.Infrastructure;
using AgentAuth.HttpSignatures;
using AgentAuth.HttpSignatures.Cryptography;
using BenchmarkDotNet.Attributes;

namespace AgentAuth.Benchmarks;

/// <summary>
/// Issue 24: verifying a signed request whose <c>Example-Dict</c> dictionary is covered with <c>;sf</c>, through the
/// production verifier and the ASP.NET Core adapter, with a 1 KB field (the baseline) and a 32 KB field (Kestrel's default
/// header limit). The canonicalization is linear, so the 32 KB row costs the 1 KB row plus 32 times its per-character work,
/// not the 1.5–2.8 s of the quadratic version. The 32 KB rows raise <c>MaxStructuredFieldLength</c> to 64 KiB to time the
/// canonicalization itself; the plain-field row is the same request covering the field without <c>sf</c> (the work that is not
/// canonicalization: adapter, base, SHA-512 and Ed25519 over a 32 KB base); the last row is the same field at the default
/// limit, refused before it is parsed.
/// </summary>
[MemoryDiagnoser]
public class StructuredFieldBenchmarks
{
    private static readonly DateTimeOffset s_created = DateTimeOffset.FromUnixTimeSeconds(1_750_000_000);

    private readonly SignatureKey _key = SignatureKey.GenerateEd25519("agent-1");
    private Scenario _small = null!;
    private Scenario _large = null!;
    private Scenario _largeParameters = null!;
    private Scenario _overLimit = null!;
    private Scenario _largePlain = null!;

    [GlobalSetup]
    public void Setup()
    {
        _small = new Scenario(_key, Members(1024), 64 * 1024);
        _large = new Scenario(_key, Members(32 * 1024), 64 * 1024);
        _largeParameters = new Scenario(_key, Parameters(32 * 1024), 64 * 1024);
        _overLimit = new Scenario(_key, Members(32 * 1024), null);
        _largePlain = new Scenario(_key, Members(32 * 1024), null, sf: false);
        AssertScenarios();
    }

    /// <summary>Throws unless the three verify rows verify and the last is refused for its length.</summary>
    public void AssertScenarios()
    {
        foreach (var scenario in new[] { _small, _large, _largeParameters, _largePlain })
        {
            var result = scenario.Verify();
            if (!result.Succeeded)
            {
                throw new InvalidOperationException("The sf-covered request does not verify: " + result);
            }
        }
        var refused = _overLimit.Verify();
        if (refused.ComponentError != ComponentError.StructuredFieldTooLarge)
        {
            throw new InvalidOperationException("The 32 KB field is not refused at the default MaxStructuredFieldLength: " + refused);
        }
    }

    [Benchmark(Baseline = true, Description = "Verify, sf-covered 1 KB dictionary")]
    public bool Sf1KB() => _small.Verify().Succeeded;

    [Benchmark(Description = "Verify, sf-covered 32 KB dictionary (limit 64 KiB)")]
    public bool Sf32KB() => _large.Verify().Succeeded;

    [Benchmark(Description = "Verify, sf-covered 32 KB of parameters on one member (limit 64 KiB)")]
    public bool Sf32KBParameters() => _largeParameters.Verify().Succeeded;

    [Benchmark(Description = "Verify, the same 32 KB dictionary covered as a plain field (no sf)")]
    public bool Plain32KB() => _largePlain.Verify().Succeeded;

    [Benchmark(Description = "Refuse, sf-covered 32 KB dictionary over the default limit")]
    public int Sf32KBRefused() => (int)_overLimit.Verify().ComponentError.GetValueOrDefault();

    /// <summary>At most <paramref name="length"/> characters of members of every shape, with duplicate keys and duplicate parameters.</summary>
    internal static string Members(int length)
    {
        var text = new StringBuilder();
        for (var i = 0; ; i++)
        {
            var member = (i % 4) switch
            {
                0 => "k" + i + "=1;p=2",
                1 => "k" + i + "=(tok \"s\" :YWJj:);q;q=?0",
                2 => "k" + (i - 2) + "=%\"caf%c3%a9\"",
                _ => "flag" + (i % 16),
            };
            if (text.Length + member.Length + 2 > length)
            {
                return text.ToString();
            }
            text.Append(text.Length == 0 ? "" : ", ").Append(member);
        }
    }

    /// <summary>One member carrying at most <paramref name="length"/> characters of parameters (the other quadratic case).</summary>
    internal static string Parameters(int length)
    {
        var text = new StringBuilder("a=1");
        for (var i = 0; ; i++)
        {
            var parameter = ";p" + (i % 2000) + "=" + i;
            if (text.Length + parameter.Length > length)
            {
                return text.ToString();
            }
            text.Append(parameter);
        }
    }

    private sealed class Scenario
    {
        private readonly HttpMessageSignatureVerifier _verifier;
        private readonly IHttpMessage _message;
        private readonly Resolver _resolver;

        public Scenario(SignatureKey key, string dictionary, int? maxStructuredFieldLength, bool sf = true)
        {
            var request = RequestTemplate.Create("GET", "https", "api.bench.example", "/data", ("Example-Dict", dictionary));
            var components = new[] { SignatureComponent.Method, SignatureComponent.Authority, SignatureComponent.Path, sf ? SignatureComponent.Field("example-dict").WithStructuredField() : SignatureComponent.Field("example-dict") };
            var signed = new HttpMessageSigner(structuredFields: [new("example-dict", StructuredFieldType.Dictionary)])
                .Sign(request.AsMessage(), "sig1", components, new SignatureParameters { Created = s_created }, key);
            request.Feature.Headers["Signature-Input"] = signed.SignatureInput;
            request.Feature.Headers["Signature"] = signed.Signature;
            _message = request.AsMessage();

            var options = new HttpSignatureVerifierOptions { StructuredFields = { ["example-dict"] = StructuredFieldType.Dictionary } };
            if (maxStructuredFieldLength is { } max)
            {
                options.MaxStructuredFieldLength = max;
            }
            _verifier = new HttpMessageSignatureVerifier(options, new FixedTime(s_created));
            _resolver = new Resolver(key);
        }

        public SignatureVerificationResult Verify()
        {
            var pending = _verifier.VerifyAsync(_message, SignatureSelection.OnlySignature, _resolver);
            return pending.IsCompletedSuccessfully ? pending.Result : pending.AsTask().GetAwaiter().GetResult();
        }
    }

    private sealed class Resolver(SignatureKey key) : ISignatureKeyResolver
    {
        public ValueTask<SignatureKeyResolution> ResolveAsync(string? keyId, SignatureParametersView parameters, CancellationToken cancellationToken) =>
            ValueTask.FromResult(SignatureKeyResolution.Resolved(key));
    }

    private sealed class FixedTime(DateTimeOffset now) : TimeProvider
    {
        public override DateTimeOffset GetUtcNow() => now;
    }
}
