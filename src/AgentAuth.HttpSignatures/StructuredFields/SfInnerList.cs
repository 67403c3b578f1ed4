namespace AgentAuth.HttpSignatures.StructuredFields;

/// <summary>An inner list: an ordered list of items with parameters of its own (RFC 9651 §3.1.1).</summary>
internal sealed class SfInnerList : SfMember
{
    private readonly List<SfItem> _items;

    /// <summary>Creates an inner list of <paramref name="items"/> with optional parameters.</summary>
    public SfInnerList(IEnumerable<SfItem>? items = null, SfParameters? parameters = null)
        : base(parameters)
    {
        _items = items is null ? [] : [.. items];
    }

    /// <summary>The items in order.</summary>
    public IReadOnlyList<SfItem> Items => _items;

    /// <summary>Appends an item.</summary>
    public SfInnerList Add(SfItem item)
    {
        ArgumentNullException.ThrowIfNull(item);
        _items.Add(item);
        return this;
    }

    /// <inheritdoc />
    public override string ToString() =>
        StructuredFieldSerializer.TrySerialize(this, out string? text, out string? error) ? text : error;
}
