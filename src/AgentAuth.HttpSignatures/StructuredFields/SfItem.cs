namespace AgentAuth.HttpSignatures.StructuredFields;

/// <summary>An item: a bare item with parameters (RFC 9651 §3.3).</summary>
internal sealed class SfItem : SfMember
{
    /// <summary>Creates an item with optional parameters.</summary>
    public SfItem(SfBareItem bareItem, SfParameters? parameters = null)
        : base(parameters)
    {
        BareItem = bareItem;
    }

    /// <summary>The item's value.</summary>
    public SfBareItem BareItem { get; }

    /// <inheritdoc />
    public override string ToString() =>
        StructuredFieldSerializer.TrySerialize(this, out string? text, out string? error) ? text : error;
}
