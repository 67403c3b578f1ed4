namespace AgentAuth.HttpSignatures;

/// <summary>The output of <see cref="HttpMessageSigner"/>: one <c>Signature-Input</c> member and one <c>Signature</c> member.</summary>
public sealed class HttpSignatureHeaders
{
    internal HttpSignatureHeaders(string label, string signatureInput, string signature)
    {
        Label = label;
        SignatureInput = signatureInput;
        Signature = signature;
    }

    /// <summary>The label.</summary>
    public string Label { get; }

    /// <summary>The <c>Signature-Input</c> dictionary member, for example <c>sig1=("@method");created=1618884473</c>.</summary>
    public string SignatureInput { get; }

    /// <summary>The <c>Signature</c> dictionary member, for example <c>sig1=:base64:</c>.</summary>
    public string Signature { get; }

    /// <summary>The <c>Signature-Input</c> value with this member appended to <paramref name="existing"/> (RFC 9421 §4.3).</summary>
    /// <param name="existing">The current header value, or null.</param>
    public string AppendSignatureInputTo(string? existing) => Append(existing, SignatureInput);

    /// <summary>The <c>Signature</c> value with this member appended to <paramref name="existing"/>.</summary>
    /// <param name="existing">The current header value, or null.</param>
    public string AppendSignatureTo(string? existing) => Append(existing, Signature);

    private static string Append(string? existing, string member) =>
        string.IsNullOrWhiteSpace(existing) ? member : string.Concat(existing.TrimEnd(), ", ", member);
}
