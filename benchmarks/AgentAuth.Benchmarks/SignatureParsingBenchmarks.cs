using AgentAuth.HttpSignatures;
using BenchmarkDotNet.Attributes;

namespace AgentAuth.Benchmarks;

/// <summary>
/// Parsing <c>Signature-Input</c> and <c>Signature</c> as the verifier does (issue item 2): the whole dictionary is validated,
/// the selected member's components and parameters are read, and the selected label's byte sequence is located.
/// Target: at most 64 bytes allocated for one signature.
/// </summary>
[MemoryDiagnoser]
public class SignatureParsingBenchmarks
{
    public const string OneInput = SignatureBaseBenchmarks.B26SignatureInput;
    public const string OneSignature = SignatureBaseBenchmarks.B26Signature;

    /// <summary>RFC 9421 §4.3-like: a client signature, a proxy signature and a tagged agent signature; the last is selected.</summary>
    public const string ThreeInputs =
        "sig1=(\"@method\" \"@authority\" \"@path\" \"content-digest\" \"content-type\" \"content-length\");created=1618884475;keyid=\"test-key-ecc-p256\", "
        + "proxy_sig=(\"@method\" \"@authority\" \"@path\" \"content-digest\" \"content-type\" \"content-length\" \"forwarded\");created=1618884480;keyid=\"test-key-rsa\";alg=\"rsa-v1_5-sha256\";expires=1618884540, "
        + "agent=(\"@method\" \"@authority\" \"@path\" \"@query\" \"authorization\");created=1618884490;keyid=\"agent-1\";nonce=\"n-0042\";tag=\"agent-auth\"";

    public const string ThreeSignatures =
        "sig1=:pKvURIxJVi2CgRXROh/M6pJ/UrTVRZKX+LQ+QtqJI4vBNibkPcs43bCCSIkn7JBPtCBXRDmD6IWFF51QVRr+Yg==:, "
        + "proxy_sig=:uCRNAomB1pOve0Vq+O+kytY9KC4Z/xSULCRuUNk1HSJwSoAqccNYC2Nw3kzrKTwySoQjNCVX1OXDhDjw42kQ7ntUtmg2wfvdE9JEHZ4UNNxiymd/to9f5mpGS6rezb0AV2+Na1rDvMgIRLfVCxzGYDREu+fPz4/Aqh7jxjbZ4zn6uEjJtleoU+43wJy/3RSdCzgHsZHd6bYjzNlSgd0YcFtIyJsVA5A4RbuldTlFNR/mtFSFJ2D3NSnPAcqPadzK5Fv1gX3flKovekBwcfDu3GvrmPdotM0z0RdtRNFWOkWl1yEikOt2cMZ4axNZGu2shkeJk4leiyTmEgFKuqa6BA==:, "
        + "agent=:wqcAqbmYJ2ji2glfAMaRy4gruYYnx2nEFN2HN6jrnDnQCK1u02Gb04v9EDgwUPiu4A0w6vuQv5lIp5WPpBKRCw==:";

    private static readonly SignatureInputLimits Limits = new(8, 32, 8, 8192);
    private static readonly SignatureSelection OneSelection = SignatureSelection.OnlySignature;
    private static readonly SignatureSelection AgentSelection = SignatureSelection.ByTag("agent-auth");

    [GlobalSetup]
    public void Setup() => AssertScenarios();

    /// <summary>Throws unless both headers parse and select the expected member.</summary>
    public void AssertScenarios()
    {
        if (Parse(OneInput, OneSignature, OneSelection) != 88 || Parse(ThreeInputs, ThreeSignatures, AgentSelection) != 88)
        {
            throw new InvalidOperationException("The parsing benchmarks do not select the expected signature.");
        }
    }

    [Benchmark(Description = "Parse Signature-Input + Signature, 1 signature")]
    public int OneSignatureParse() => Parse(OneInput, OneSignature, OneSelection);

    [Benchmark(Description = "Parse Signature-Input + Signature, 3 signatures (select by tag)")]
    public int ThreeSignaturesParse() => Parse(ThreeInputs, ThreeSignatures, AgentSelection);

    /// <summary>The verifier's parse steps; returns the base64 length of the selected signature (0 on failure).</summary>
    private static int Parse(string input, string signature, SignatureSelection selection)
    {
        if (!SignatureInputParser.TryParse(input, Limits, selection, static (s, v) => s.Matches(v),
                out var view, out var matches, out _, out _, out _) || matches != 1)
        {
            return 0;
        }
        return SignatureValueParser.TryFind(signature, view.LabelSpan, Limits, out var raw, out _) ? raw.Length : 0;
    }
}
