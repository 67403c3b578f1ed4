namespace AgentAuth.HttpSignatures;

/// <summary>Which signature of a message to verify: by label, by <c>tag</c>, or the only one present.</summary>
public readonly struct SignatureSelection
{
    private SignatureSelection(string? label, string? tag)
    {
        Label = label;
        Tag = tag;
    }

    /// <summary>The label to verify, or <see langword="null"/>.</summary>
    public string? Label { get; }

    /// <summary>The <c>tag</c> the signature must carry, or <see langword="null"/>.</summary>
    public string? Tag { get; }

    /// <summary>The message must carry exactly one signature, and that one is verified.</summary>
    public static SignatureSelection OnlySignature => default;

    /// <summary>The signature with this label.</summary>
    /// <param name="label">The label.</param>
    public static SignatureSelection ByLabel(string label)
    {
        ArgumentException.ThrowIfNullOrEmpty(label);
        return new(label, null);
    }

    /// <summary>The only signature whose <c>tag</c> parameter equals <paramref name="tag"/>.</summary>
    /// <param name="tag">The application tag.</param>
    public static SignatureSelection ByTag(string tag)
    {
        ArgumentException.ThrowIfNullOrEmpty(tag);
        return new(null, tag);
    }

    internal bool Matches(SignatureParametersView view) =>
        Label is not null ? view.LabelSpan.SequenceEqual(Label) : Tag is null || view.TagEquals(Tag);
}
