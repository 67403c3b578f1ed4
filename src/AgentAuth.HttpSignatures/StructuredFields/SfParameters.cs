using System.Collections;
using System.Diagnostics.CodeAnalysis;

namespace AgentAuth.HttpSignatures.StructuredFields;

/// <summary>
/// Ordered parameters of an item or inner list (RFC 9651 §3.1.2). Setting an existing key replaces its value
/// and keeps its first position, as parsing a duplicate key requires.
/// </summary>
internal sealed class SfParameters : IReadOnlyList<KeyValuePair<string, SfBareItem>>
{
    // Parameters are usually a handful, so lookups scan; a hostile field with thousands of parameters gets an
    // index so that parsing it stays linear.
    private const int IndexThreshold = 8;

    private readonly List<KeyValuePair<string, SfBareItem>> _entries = [];
    private Dictionary<string, int>? _index;

    /// <summary>The number of parameters.</summary>
    public int Count => _entries.Count;

    /// <summary>The parameter at <paramref name="index"/> in order.</summary>
    public KeyValuePair<string, SfBareItem> this[int index] => _entries[index];

    /// <summary>Adds a parameter, or replaces the value of an existing key in place.</summary>
    public SfParameters Set(string key, SfBareItem value)
    {
        ArgumentNullException.ThrowIfNull(key);
        int index = IndexOf(key);
        if (index >= 0)
        {
            _entries[index] = new(key, value);
            return this;
        }
        _index?.Add(key, _entries.Count);
        _entries.Add(new(key, value));
        if (_index is null && _entries.Count > IndexThreshold)
        {
            RebuildIndex();
        }
        return this;
    }

    /// <summary>Removes a parameter; false when absent.</summary>
    public bool Remove(string key)
    {
        int index = IndexOf(key);
        if (index < 0)
        {
            return false;
        }
        _entries.RemoveAt(index);
        _index = null;
        if (_entries.Count > IndexThreshold)
        {
            RebuildIndex();
        }
        return true;
    }

    /// <summary>Looks a parameter up by key.</summary>
    public bool TryGetValue(string key, out SfBareItem value)
    {
        int index = IndexOf(key);
        value = index >= 0 ? _entries[index].Value : default;
        return index >= 0;
    }

    /// <summary>Whether a parameter with <paramref name="key"/> exists.</summary>
    public bool ContainsKey(string key) => IndexOf(key) >= 0;

    /// <summary>The position of <paramref name="key"/>, or -1.</summary>
    public int IndexOf([AllowNull] string key)
    {
        if (key is null)
        {
            return -1;
        }
        if (_index is not null)
        {
            return _index.TryGetValue(key, out int found) ? found : -1;
        }
        for (int i = 0; i < _entries.Count; i++)
        {
            if (string.Equals(_entries[i].Key, key, StringComparison.Ordinal))
            {
                return i;
            }
        }
        return -1;
    }

    private void RebuildIndex()
    {
        _index = new Dictionary<string, int>(_entries.Count, StringComparer.Ordinal);
        for (int i = 0; i < _entries.Count; i++)
        {
            _index.Add(_entries[i].Key, i);
        }
    }

    /// <inheritdoc />
    public IEnumerator<KeyValuePair<string, SfBareItem>> GetEnumerator() => _entries.GetEnumerator();

    IEnumerator IEnumerable.GetEnumerator() => GetEnumerator();
}
