namespace AgentAuth.AspNetCore;

/// <summary>
/// Bounds on the work one request's <c>Signature-Input</c> and <c>Signature</c> can cause. A request over a limit is
/// refused with <c>401</c> and <c>Signature-Error: error=invalid_signature</c> before any key is resolved or any signature is checked.
/// </summary>
public sealed class HttpSignatureLimits
{
    /// <summary>The most signatures (dictionary members) a <c>Signature-Input</c> or <c>Signature</c> header may carry. Default 8.</summary>
    public int MaxSignatures { get; set; } = 8;

    /// <summary>The most components one signature may cover. Default 32.</summary>
    public int MaxComponents { get; set; } = 32;

    /// <summary>The most signature parameters (<c>created</c>, <c>keyid</c>, ...) one signature may carry. Default 8.</summary>
    public int MaxParameters { get; set; } = 8;

    /// <summary>The longest <c>Signature-Input</c> or <c>Signature</c> value, in characters (all field lines joined). Default 8192; at least 16.</summary>
    public int MaxHeaderLength { get; set; } = 8192;

    /// <summary>The longest signature base the verifier builds, in bytes (covered field values included). Default 65536; at least 64.</summary>
    public int MaxSignatureBaseLength { get; set; } = 64 * 1024;

    /// <summary>
    /// The longest value (all field lines joined) of a field covered with <c>;sf</c> or <c>;key</c>, which the verifier
    /// parses and re-serializes, in characters. Default 16384; at least 16.
    /// </summary>
    public int MaxStructuredFieldLength { get; set; } = 16 * 1024;
}
