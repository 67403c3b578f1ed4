using System.Text;
using AgentAuth.Benchmarks.Infrastructure;
using AgentAuth.HttpSignatures;
using AgentAuth.HttpSignatures.Cryptography;
using BenchmarkDotNet.Attributes;

namespace AgentAuth.Benchmarks;

/// <summary>
/// The RFC 9421 signature base (issue item 1), built by the production builder from an ASP.NET Core request through the
/// production adapter: the RFC 9421 B.2.6 request, and a request covering ten components including <c>sf</c> and
/// <c>@query-param</c>. Target: 0 bytes allocated.
/// </summary>
[MemoryDiagnoser]
public class SignatureBaseBenchmarks
{
    /// <summary>RFC 9421 B.2.6 (Ed25519 over date, method, path, authority, content-type, content-length).</summary>
    public const string B26SignatureInput =
        "sig-b26=(\"date\" \"@method\" \"@path\" \"@authority\" \"content-type\" \"content-length\");created=1618884473;keyid=\"test-key-ed25519\"";

    public const string B26Signature = "sig-b26=:wqcAqbmYJ2ji2glfAMaRy4gruYYnx2nEFN2HN6jrnDnQCK1u02Gb04v9EDgwUPiu4A0w6vuQv5lIp5WPpBKRCw==:";

    public const string B26ExpectedBase =
        "\"date\": Tue, 20 Apr 2021 02:07:55 GMT\n\"@method\": POST\n\"@path\": /foo\n\"@authority\": example.com\n\"content-type\": application/json\n\"content-length\": 18\n"
        + "\"@signature-params\": (\"date\" \"@method\" \"@path\" \"@authority\" \"content-type\" \"content-length\");created=1618884473;keyid=\"test-key-ed25519\"";

    /// <summary>The RFC 9421 B.1.4 test key (public part).</summary>
    public const string B14PublicKey = "JrQLj5P_89iXES9-vFgrIy29clF9CC_oPPsw3c5D0bs";

    public const string TenComponentSignatureInput =
        "sig1=(\"@method\" \"@target-uri\" \"@authority\" \"@path\" \"@query\" \"@query-param\";name=\"limit\" \"content-type\" \"content-digest\";sf \"priority\";sf \"date\")"
        + ";created=1732270000;keyid=\"agent-1\";nonce=\"b3k2pp5k7z-50gnwp.yemd\";tag=\"agent-auth\"";

    private PreparedBase _b26 = null!;
    private PreparedBase _ten = null!;

    [GlobalSetup]
    public void Setup()
    {
        _b26 = new PreparedBase(B26Request(), B26SignatureInput);
        _ten = new PreparedBase(TenComponentRequest(), TenComponentSignatureInput);
        AssertScenarios();
    }

    /// <summary>Throws unless B.2.6 gives the RFC's base (and its signature verifies) and the ten-component base builds.</summary>
    public void AssertScenarios()
    {
        var b26 = _b26.BuildToString();
        if (b26 != B26ExpectedBase)
        {
            throw new InvalidOperationException("The B.2.6 signature base differs from RFC 9421:\n" + b26);
        }
        using var key = SignatureKey.CreateEd25519(Microsoft.IdentityModel.Tokens.Base64UrlEncoder.DecodeBytes(B14PublicKey));
        var signature = Convert.FromBase64String(B26Signature["sig-b26=:".Length..^1]);
        if (!key.Verify(Encoding.ASCII.GetBytes(b26), signature))
        {
            throw new InvalidOperationException("The RFC 9421 B.2.6 signature does not verify over the built base.");
        }
        var ten = _ten.BuildToString();
        if (!ten.Contains("\"content-digest\";sf: sha-256=:", StringComparison.Ordinal) || !ten.Contains("\"@query-param\";name=\"limit\": 10\n", StringComparison.Ordinal))
        {
            throw new InvalidOperationException("The ten-component signature base is not as expected:\n" + ten);
        }
    }

    [Benchmark(Description = "Signature base, RFC 9421 B.2.6 request")]
    public int B26Request_Base() => _b26.Build();

    [Benchmark(Description = "Signature base, 10 components with sf and @query-param")]
    public int TenComponents_Base() => _ten.Build();

    internal static RequestTemplate B26Request() => RequestTemplate.Create("POST", "https", "example.com", "/foo?param=Value&Pet=dog",
        ("Date", "Tue, 20 Apr 2021 02:07:55 GMT"),
        ("Content-Type", "application/json"),
        ("Content-Digest", "sha-512=:WZDPaVn/7XgHaAy8pmojAkGWoRx2UFChF41A2svX+TaPm+AbwAgBWnrIiYllu7BNNyealdVLvRwEmTHWXvJwew==:"),
        ("Content-Length", "18"));

    internal static RequestTemplate TenComponentRequest() => RequestTemplate.Create("POST", "https", "api.bench.example", "/orders/42/items?limit=10&view=full",
        ("Content-Type", "application/json"),
        ("Content-Digest", "sha-256=:X48E9qOokqqrvdts8nOJRJN3OWDUoyWxBf7kbu9DBPE=:"),
        ("Priority", "u=1,  i"),
        ("Date", "Fri, 22 Nov 2024 10:06:40 GMT"),
        ("Content-Length", "18"));

    /// <summary>A parsed <c>Signature-Input</c> member and its request; <see cref="Build"/> is the measured work.</summary>
    internal sealed class PreparedBase
    {
        private readonly IHttpMessage _message;
        private readonly SignatureParametersView _view;

        public PreparedBase(RequestTemplate request, string signatureInput)
        {
            _message = request.AsMessage();
            if (!SignatureInputParser.TryParse(signatureInput, new SignatureInputLimits(8, 32, 8, 8192), 0, static (_, _) => true,
                    out _view, out _, out _, out _, out var reason))
            {
                throw new InvalidOperationException(reason);
            }
        }

        public int Build()
        {
            var writer = new SignatureBaseWriter(1024, SignatureBaseBuilder.DefaultMaxLength);
            try
            {
                if (!SignatureBaseBuilder.TryBuild(ref writer, _message, _view, StructuredFieldTypes.Default, out var error, out _))
                {
                    throw new InvalidOperationException(error.ToString());
                }
                return writer.Length;
            }
            finally
            {
                writer.Dispose();
            }
        }

        public string BuildToString()
        {
            var writer = new SignatureBaseWriter(1024, SignatureBaseBuilder.DefaultMaxLength);
            try
            {
                if (!SignatureBaseBuilder.TryBuild(ref writer, _message, _view, StructuredFieldTypes.Default, out var error, out _))
                {
                    throw new InvalidOperationException(error.ToString());
                }
                return Encoding.ASCII.GetString(writer.Written);
            }
            finally
            {
                writer.Dispose();
            }
        }
    }
}
