namespace AgentAuth.HttpSignatures.StructuredFields;

/// <summary>
/// Finds repeated keys among slices of one text in expected constant time per key, over storage the caller
/// supplies (stack or pool): an open-addressing table of (start, length, value) triples. Keys are hashed with the
/// per-process randomized string hash, so a sender cannot precompute keys that collide.
/// </summary>
/// <remarks>
/// Repeated dictionary keys and parameter keys (RFC 9651 §4.2.2, §4.2.3.2) and repeated <c>Signature-Input</c>
/// labels are all found with it, so none of those checks rescans the text (which made them quadratic).
/// </remarks>
internal ref struct SpanKeyTable
{
    private const int IntsPerSlot = 3;

    private readonly ReadOnlySpan<char> _text;
    private readonly Span<int> _slots;
    private readonly int _mask;

    /// <summary>Uses the first <see cref="StorageLength"/>(<paramref name="count"/>) ints of <paramref name="storage"/>, clearing them.</summary>
    public SpanKeyTable(ReadOnlySpan<char> text, Span<int> storage, int count)
    {
        var capacity = Capacity(count);
        _text = text;
        _slots = storage[..(capacity * IntsPerSlot)];
        _slots.Clear();
        _mask = capacity - 1;
    }

    /// <summary>How many ints of storage a table for <paramref name="count"/> keys needs (load factor at most one half).</summary>
    public static int StorageLength(int count) => Capacity(count) * IntsPerSlot;

    private static int Capacity(int count)
    {
        var capacity = 8;
        while (capacity < count * 2)
        {
            capacity <<= 1;
        }
        return capacity;
    }

    /// <summary>
    /// Adds the key <c>text[start..start+length]</c> with <paramref name="value"/> and returns false, or, when the key
    /// is already present, leaves the table unchanged and returns true with the value it was added with.
    /// </summary>
    public bool TryAddOrGet(int start, int length, int value, out int existing)
    {
        var key = _text.Slice(start, length);
        var slot = string.GetHashCode(key) & _mask;
        while (true)
        {
            var at = slot * IntsPerSlot;
            // Starts are stored plus one so that a cleared slot reads as empty.
            if (_slots[at] == 0)
            {
                _slots[at] = start + 1;
                _slots[at + 1] = length;
                _slots[at + 2] = value;
                existing = -1;
                return false;
            }
            if (_slots[at + 1] == length && _text.Slice(_slots[at] - 1, length).SequenceEqual(key))
            {
                existing = _slots[at + 2];
                return true;
            }
            slot = (slot + 1) & _mask;
        }
    }
}
