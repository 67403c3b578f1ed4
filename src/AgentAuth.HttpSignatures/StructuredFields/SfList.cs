using System.Collections;

namespace AgentAuth.HttpSignatures.StructuredFields;

/// <summary>A list field value: items and inner lists in order (RFC 9651 §3.1).</summary>
internal sealed class SfList : IReadOnlyList<SfMember>
{
    private readonly List<SfMember> _members = [];

    /// <summary>The number of members.</summary>
    public int Count => _members.Count;

    /// <summary>The member at <paramref name="index"/>.</summary>
    public SfMember this[int index] => _members[index];

    /// <summary>Appends a member.</summary>
    public SfList Add(SfMember member)
    {
        ArgumentNullException.ThrowIfNull(member);
        _members.Add(member);
        return this;
    }

    /// <inheritdoc />
    public IEnumerator<SfMember> GetEnumerator() => _members.GetEnumerator();

    IEnumerator IEnumerable.GetEnumerator() => GetEnumerator();

    /// <inheritdoc />
    public override string ToString() =>
        StructuredFieldSerializer.TrySerialize(this, out string? text, out string? error) ? text : error;
}
