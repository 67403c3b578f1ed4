using System.Collections;
using System.Diagnostics.CodeAnalysis;

namespace AgentAuth.HttpSignatures.StructuredFields;

/// <summary>
/// A dictionary field value: ordered key to member map (RFC 9651 §3.2). Setting an existing key replaces its
/// member and keeps its first position, as parsing a duplicate key requires.
/// </summary>
[SuppressMessage("Naming", "CA1711:Identifiers should not have incorrect suffix", Justification = "RFC 9651 names this type Dictionary.")]
internal sealed class SfDictionary : IReadOnlyList<KeyValuePair<string, SfMember>>
{
    private readonly List<KeyValuePair<string, SfMember>> _entries = [];
    private readonly Dictionary<string, int> _index = new(StringComparer.Ordinal);

    /// <summary>The number of members.</summary>
    public int Count => _entries.Count;

    /// <summary>The member at <paramref name="index"/> in order.</summary>
    public KeyValuePair<string, SfMember> this[int index] => _entries[index];

    /// <summary>Adds a member, or replaces the member of an existing key in place.</summary>
    public SfDictionary Set(string key, SfMember member)
    {
        ArgumentNullException.ThrowIfNull(key);
        ArgumentNullException.ThrowIfNull(member);
        if (_index.TryGetValue(key, out int i))
        {
            _entries[i] = new(key, member);
        }
        else
        {
            _index.Add(key, _entries.Count);
            _entries.Add(new(key, member));
        }
        return this;
    }

    /// <summary>Looks a member up by key.</summary>
    public bool TryGetValue(string key, [NotNullWhen(true)] out SfMember? member)
    {
        ArgumentNullException.ThrowIfNull(key);
        member = _index.TryGetValue(key, out int i) ? _entries[i].Value : null;
        return member is not null;
    }

    /// <summary>Whether a member with <paramref name="key"/> exists.</summary>
    public bool ContainsKey(string key)
    {
        ArgumentNullException.ThrowIfNull(key);
        return _index.ContainsKey(key);
    }

    /// <inheritdoc />
    public IEnumerator<KeyValuePair<string, SfMember>> GetEnumerator() => _entries.GetEnumerator();

    IEnumerator IEnumerable.GetEnumerator() => GetEnumerator();

    /// <inheritdoc />
    public override string ToString() =>
        StructuredFieldSerializer.TrySerialize(this, out string? text, out string? error) ? text : error;
}
