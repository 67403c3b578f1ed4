using System.Buffers;
using AgentAuth.HttpSignatures.StructuredFields;

namespace AgentAuth.HttpSignatures;

/// <summary>
/// One parsed, validated <c>Signature-Input</c> member (label, covered components and signature parameters).
/// It references the header text by position instead of copying it; strings such as <see cref="KeyId"/> are
/// only created when read.
/// </summary>
public readonly struct SignatureParametersView
{
    private readonly string? _input;
    private readonly int _labelStart;
    private readonly int _labelLength;
    private readonly int _memberStart;
    private readonly int _memberLength;
    private readonly long _created;
    private readonly long _expires;
    private readonly StringRange _nonce;
    private readonly StringRange _keyId;
    private readonly StringRange _alg;
    private readonly StringRange _tag;
    private readonly byte _flags;

    private const byte HasCreatedFlag = 1;
    private const byte HasExpiresFlag = 2;

    internal SignatureParametersView(string input, int labelStart, int labelLength, int memberStart, int memberLength,
        int componentCount, long? created, long? expires, StringRange nonce, StringRange keyId, StringRange alg, StringRange tag)
    {
        _input = input;
        _labelStart = labelStart;
        _labelLength = labelLength;
        _memberStart = memberStart;
        _memberLength = memberLength;
        ComponentCount = componentCount;
        _created = created ?? 0;
        _expires = expires ?? 0;
        _flags = (byte)((created.HasValue ? HasCreatedFlag : 0) | (expires.HasValue ? HasExpiresFlag : 0));
        _nonce = nonce;
        _keyId = keyId;
        _alg = alg;
        _tag = tag;
    }

    /// <summary>The signature label (the dictionary key).</summary>
    public string Label => LabelSpan.ToString();

    /// <summary>The signature label without allocating.</summary>
    public ReadOnlySpan<char> LabelSpan => _input.AsSpan(_labelStart, _labelLength);

    /// <summary>The number of covered components.</summary>
    public int ComponentCount { get; }

    /// <summary>The <c>created</c> parameter in Unix seconds, if present.</summary>
    public long? Created => (_flags & HasCreatedFlag) != 0 ? _created : null;

    /// <summary>The <c>expires</c> parameter in Unix seconds, if present.</summary>
    public long? Expires => (_flags & HasExpiresFlag) != 0 ? _expires : null;

    /// <summary>The <c>nonce</c> parameter, if present.</summary>
    public string? Nonce => _nonce.ToString(_input);

    /// <summary>The <c>keyid</c> parameter, if present.</summary>
    public string? KeyId => _keyId.ToString(_input);

    /// <summary>The <c>alg</c> parameter, if present.</summary>
    public string? Algorithm => _alg.ToString(_input);

    /// <summary>The <c>tag</c> parameter, if present.</summary>
    public string? Tag => _tag.ToString(_input);

    /// <summary>The <c>nonce</c> as written in the header (still escaped; sf-string escaping is unique, so equal values have equal raw text).</summary>
    internal ReadOnlySpan<char> RawNonce => _nonce.IsPresent ? _input.AsSpan(_nonce.Start, _nonce.Length) : default;

    /// <summary>Whether a <c>nonce</c> parameter is present.</summary>
    public bool HasNonce => _nonce.IsPresent;

    /// <summary>Whether an <c>alg</c> parameter is present.</summary>
    public bool HasAlgorithm => _alg.IsPresent;

    /// <summary>Compares the <c>tag</c> parameter with <paramref name="tag"/> without allocating.</summary>
    /// <param name="tag">The expected tag.</param>
    public bool TagEquals(ReadOnlySpan<char> tag) => _tag.IsPresent && _tag.Equals(_input, tag);

    /// <summary>Compares the <c>alg</c> parameter with <paramref name="algorithm"/> without allocating.</summary>
    /// <param name="algorithm">The expected algorithm name.</param>
    public bool AlgorithmEquals(ReadOnlySpan<char> algorithm) => _alg.IsPresent && _alg.Equals(_input, algorithm);

    /// <summary>Compares the <c>keyid</c> parameter with <paramref name="keyId"/> without allocating.</summary>
    internal bool KeyIdEquals(ReadOnlySpan<char> keyId) => _keyId.IsPresent && _keyId.Equals(_input, keyId);

    /// <summary>Compares the label with <paramref name="label"/> without allocating.</summary>
    internal bool LabelEquals(ReadOnlySpan<char> label) => _input is not null && LabelSpan.SequenceEqual(label);

    /// <summary>Whether a covered component is the plain field <paramref name="fieldName"/> (no parameters), without allocating.</summary>
    internal bool CoversPlainField(string fieldName)
    {
        if (_input is null)
        {
            return false;
        }
        var components = ArrayPool<SignatureComponent>.Shared.Rent(Math.Max(ComponentCount, 1));
        try
        {
            CopyComponentsTo(components);
            for (var i = 0; i < ComponentCount; i++)
            {
                var component = components[i];
                if (!component.IsDerived && component.Key is null && string.Equals(component.Name, fieldName, StringComparison.Ordinal))
                {
                    return true;
                }
            }
            return false;
        }
        finally
        {
            Array.Clear(components, 0, ComponentCount);
            ArrayPool<SignatureComponent>.Shared.Return(components);
        }
    }

    /// <summary>Whether the view was produced by parsing (a default instance is empty).</summary>
    public bool IsEmpty => _input is null;

    /// <summary>The covered components, in signature order (allocates an array).</summary>
    public SignatureComponent[] GetComponents()
    {
        var components = new SignatureComponent[ComponentCount];
        CopyComponentsTo(components);
        return components;
    }

    /// <summary>Copies the covered components into <paramref name="destination"/>, which must hold <see cref="ComponentCount"/> items.</summary>
    /// <param name="destination">Where to write the components.</param>
    public void CopyComponentsTo(Span<SignatureComponent> destination)
    {
        if (_input is null)
        {
            return;
        }
        ArgumentOutOfRangeException.ThrowIfLessThan(destination.Length, ComponentCount, nameof(destination));
        var reader = new StructuredFieldReader(MemberSpan);
        SignatureInputParser.TryReadComponents(_input, ref reader, destination, ComponentCount, out _, out _, out _);
    }

    /// <summary>The serialized-as-received inner list with its parameters.</summary>
    internal ReadOnlySpan<char> MemberSpan => _input.AsSpan(_memberStart, _memberLength);

    /// <summary>Writes the canonical serialization of the inner list and parameters (the <c>@signature-params</c> value).</summary>
    // Signers send the canonical form, so the received text is usually the value itself: copying it skips a parse and a
    // serialization that would cost more than the rest of the signature base together.
    internal bool TryWriteSignatureParams(ref SignatureBaseWriter writer, out ComponentError error) =>
        CanonicalInnerList.IsCanonical(MemberSpan)
            ? ComponentValueWriter.Ascii(ref writer, MemberSpan, out error)
            : StructuredFieldComponent.TryWriteMember(ref writer, MemberSpan, out error);

    /// <summary>The <c>@signature-params</c> value as a string (canonical serialization).</summary>
    public override string ToString()
    {
        var writer = new SignatureBaseWriter(256, 1 << 20);
        try
        {
            return TryWriteSignatureParams(ref writer, out _) ? System.Text.Encoding.ASCII.GetString(writer.Written) : string.Empty;
        }
        finally
        {
            writer.Dispose();
        }
    }
}
