using AgentAuth.HttpSignatures.Cryptography;

namespace AgentAuth.HttpSignatures;

/// <summary>Policy and limits for <see cref="HttpMessageSignatureVerifier"/>. Validated when the verifier is created.</summary>
public sealed class HttpSignatureVerifierOptions
{
    /// <summary>Components every accepted signature must cover (for example <c>@method</c>, <c>@authority</c>, <c>@path</c>). Default: none.</summary>
    public IList<SignatureComponent> RequiredComponents { get; } = new List<SignatureComponent>();

    /// <summary>When the request target has a query, require <c>@query</c> (or <c>@target-uri</c> / <c>@request-target</c>) to be covered. Default: false.</summary>
    public bool RequireQueryWhenPresent { get; set; }

    /// <summary>Require the <c>created</c> parameter. Default: true.</summary>
    public bool RequireCreated { get; set; } = true;

    /// <summary>
    /// Require the <c>expires</c> parameter (profiles that bound every signature's lifetime, such as Web Bot Auth).
    /// Default: false.
    /// </summary>
    public bool RequireExpires { get; set; }

    /// <summary>
    /// The longest lifetime a signature may declare, <c>expires</c> minus <c>created</c> (RFC 9421 §2.3); a signature
    /// declaring more is refused even while it is inside its window. Checked when both parameters are present.
    /// Default: <see langword="null"/> (no limit beyond <see cref="MaxAge"/>).
    /// </summary>
    public TimeSpan? MaxValidity { get; set; }

    /// <summary>How old (by <c>created</c>) a signature may be. Default: 300 seconds.</summary>
    public TimeSpan MaxAge { get; set; } = TimeSpan.FromSeconds(300);

    /// <summary>Tolerated clock difference for <c>created</c> in the future and for <c>expires</c>. Default: 60 seconds.</summary>
    public TimeSpan ClockSkew { get; set; } = TimeSpan.FromSeconds(60);

    /// <summary>Require the <c>nonce</c> parameter. Default: false.</summary>
    public bool RequireNonce { get; set; }

    /// <summary>RFC 9421 algorithm names accepted. Default: every asymmetric algorithm plus <c>hmac-sha256</c> (still subject to <see cref="AllowHmac"/>).</summary>
    public ISet<string> AllowedAlgorithms { get; } = new HashSet<string>(StringComparer.Ordinal)
    {
        HttpSignatureAlgorithms.Ed25519,
        HttpSignatureAlgorithms.EcdsaP256Sha256,
        HttpSignatureAlgorithms.EcdsaP384Sha384,
        HttpSignatureAlgorithms.RsaPssSha512,
        HttpSignatureAlgorithms.RsaV15Sha256,
        HttpSignatureAlgorithms.HmacSha256,
    };

    /// <summary>Accept HMAC (shared-secret) keys from the resolver. Default: false, so a public-key store can never be used as an HMAC secret.</summary>
    public bool AllowHmac { get; set; }

    /// <summary>Most signatures a <c>Signature-Input</c> or <c>Signature</c> header may carry. Default: 8.</summary>
    public int MaxSignatures { get; set; } = 8;

    /// <summary>Most components one signature may cover. Default: 32.</summary>
    public int MaxComponents { get; set; } = 32;

    /// <summary>Most signature parameters one signature may carry. Default: 8.</summary>
    public int MaxParameters { get; set; } = 8;

    /// <summary>Longest <c>Signature-Input</c> or <c>Signature</c> header value in characters. Default: 8192.</summary>
    public int MaxHeaderLength { get; set; } = 8192;

    /// <summary>Longest signature base in bytes. Default: 65536.</summary>
    public int MaxSignatureBaseLength { get; set; } = 64 * 1024;

    /// <summary>
    /// Longest value (all field lines joined) of a field covered with <c>sf</c> or <c>key</c>, in characters; a longer one
    /// is refused before any key is resolved and before it is parsed. Default: 16384.
    /// </summary>
    public int MaxStructuredFieldLength { get; set; } = 16 * 1024;

    /// <summary>
    /// Compatibility, off by default: also accept a <c>Signature</c> byte sequence written in the base64url alphabet
    /// (<c>-</c> and <c>_</c>), which RFC 9421 §4.2 and RFC 9651 §3.3.5 do not allow. Only the LumoAuth profile of the
    /// ASP.NET Core scheme sets it (the LumoAuth SDK encodes signatures that way). A value mixing both alphabets is refused.
    /// </summary>
    public bool AcceptBase64UrlSignature { get; set; }

    /// <summary>
    /// Compatibility, empty by default: lowercase names of fields that a signature may cover while the message does not
    /// carry them; such a field is signed as an empty value (<c>"name": </c>), which RFC 9421 §2.5 forbids. Only a plain
    /// identifier (no <c>sf</c>, <c>key</c>, <c>bs</c>, <c>req</c> or <c>tr</c>) qualifies, and a field that is present is
    /// signed as it is. Only the LumoAuth profile sets it (its SDK covers <c>signature-key</c> without sending it).
    /// </summary>
    public ISet<string> AbsentFieldsSignedAsEmpty { get; } = new HashSet<string>(StringComparer.Ordinal);

    /// <summary>
    /// Compatibility, off by default: the signature base is the covered lines joined by LF, without the
    /// <c>"@signature-params"</c> line that RFC 9421 §2.5 requires (so <c>created</c>, <c>keyid</c> and <c>alg</c> are not
    /// signed). Only the LumoAuth profile sets it, for its quick-start <c>Agent-Auth</c> header, and compensates for it.
    /// </summary>
    public bool OmitSignatureParamsLine { get; set; }

    /// <summary>Structured field types for <c>sf</c> components, by lowercase field name. Pre-filled with the registered fields this library meets.</summary>
    public IDictionary<string, StructuredFieldType> StructuredFields { get; } =
        new Dictionary<string, StructuredFieldType>(StructuredFieldTypes.Known, StringComparer.Ordinal);

    /// <summary>Throws when a value is out of range, naming the option to fix.</summary>
    /// <exception cref="ArgumentException">An option has an invalid value.</exception>
    public void Validate()
    {
        if (MaxAge <= TimeSpan.Zero)
        {
            throw new ArgumentException("HttpSignatureVerifierOptions.MaxAge must be positive.", nameof(MaxAge));
        }
        if (MaxValidity is { } validity && validity <= TimeSpan.Zero)
        {
            throw new ArgumentException("HttpSignatureVerifierOptions.MaxValidity must be positive when set.", nameof(MaxValidity));
        }
        if (ClockSkew < TimeSpan.Zero)
        {
            throw new ArgumentException("HttpSignatureVerifierOptions.ClockSkew must not be negative.", nameof(ClockSkew));
        }
        if (MaxSignatures < 1 || MaxComponents < 1 || MaxParameters < 1 || MaxHeaderLength < 16 || MaxSignatureBaseLength < 64)
        {
            throw new ArgumentException("HttpSignatureVerifierOptions.MaxSignatures, MaxComponents, MaxParameters, MaxHeaderLength and MaxSignatureBaseLength must be positive (header at least 16, base at least 64).");
        }
        if (MaxStructuredFieldLength < 16)
        {
            throw new ArgumentException("HttpSignatureVerifierOptions.MaxStructuredFieldLength must be at least 16.", nameof(MaxStructuredFieldLength));
        }
        if (AllowedAlgorithms.Count == 0)
        {
            throw new ArgumentException("HttpSignatureVerifierOptions.AllowedAlgorithms must name at least one algorithm.", nameof(AllowedAlgorithms));
        }
        foreach (var algorithm in AllowedAlgorithms)
        {
            if (HttpSignatureAlgorithms.Find(algorithm) is null)
            {
                throw new ArgumentException("HttpSignatureVerifierOptions.AllowedAlgorithms contains an unknown algorithm '" + algorithm + "'.", nameof(AllowedAlgorithms));
            }
        }
        foreach (var field in AbsentFieldsSignedAsEmpty)
        {
            if (string.IsNullOrEmpty(field) || field[0] == '@' || !SignatureComponent.TryParse(field, out var parsed, out _) || parsed.IsDerived
                || field is "signature" or "signature-input")
            {
                throw new ArgumentException("HttpSignatureVerifierOptions.AbsentFieldsSignedAsEmpty entries must be lowercase field names other than signature and signature-input (got '" + field + "').", nameof(AbsentFieldsSignedAsEmpty));
            }
        }
        foreach (var component in RequiredComponents)
        {
            if (!ComponentValueWriter.TryValidate(component, out var error))
            {
                throw new ArgumentException("HttpSignatureVerifierOptions.RequiredComponents has an invalid component " + component.ToString() + ": " + error.ToString() + ".", nameof(RequiredComponents));
            }
        }
    }
}
