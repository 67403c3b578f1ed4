using System.Buffers;

namespace AgentAuth.HttpSignatures;

/// <summary>
/// Growable UTF-8 output for a signature base in an <see cref="ArrayPool{T}"/> array (no allocation in steady
/// state). A plain struct, not a ref struct, so it can be passed by reference next to spans of any lifetime. Accepts only the bytes a signature
/// base may contain (printable ASCII, HTAB, and LF between lines). <see cref="Dispose"/> returns the rented array.
/// </summary>
internal struct SignatureBaseWriter : IDisposable
{
    // SearchValues rather than IndexOfAnyExceptInRange: the generic range helper boxes in unoptimized (tier-0) code.
    private static readonly SearchValues<char> PrintableAscii = SearchValues.Create(
        " !\"#$%&'()*+,-./0123456789:;<=>?@ABCDEFGHIJKLMNOPQRSTUVWXYZ[\\]^_`abcdefghijklmnopqrstuvwxyz{|}~");

    private byte[] _buffer;
    private readonly int _maxLength;

    public SignatureBaseWriter(int initialCapacity, int maxLength)
    {
        _buffer = ArrayPool<byte>.Shared.Rent(Math.Min(initialCapacity, maxLength));
        _maxLength = maxLength;
        Length = 0;
        Overflowed = false;
    }

    public int Length { get; private set; }

    public readonly ReadOnlySpan<byte> Written => _buffer.AsSpan(0, Length);

    /// <summary>Set when an append would exceed the maximum length; all later appends fail.</summary>
    public bool Overflowed { get; private set; }

    public bool TryAppend(byte value)
    {
        if (Length == _buffer.Length && !TryGrow(1))
        {
            return false;
        }
        _buffer[Length++] = value;
        return true;
    }

    /// <summary>Appends ASCII text; false (and nothing useful written) when a character is not printable ASCII or HTAB.</summary>
    public bool TryAppendAscii(scoped ReadOnlySpan<char> text, out bool nonAscii)
    {
        nonAscii = false;
        if (Length + text.Length > _buffer.Length && !TryGrow(text.Length))
        {
            return false;
        }
        // Vectorized: field values (a bound token is about a kilobyte) pass through here on every request.
        var invalid = text.IndexOfAnyExcept(PrintableAscii);
        if (invalid >= 0 && !IsPrintableOrTab(text[invalid..]))
        {
            nonAscii = true;
            return false;
        }
        System.Text.Ascii.FromUtf16(text, _buffer.AsSpan(Length, text.Length), out _);
        Length += text.Length;
        return true;
    }

    /// <summary>Appends bytes that are known to be valid base output (already-checked ASCII).</summary>
    public bool TryAppend(scoped ReadOnlySpan<byte> bytes)
    {
        if (Length + bytes.Length > _buffer.Length && !TryGrow(bytes.Length))
        {
            return false;
        }
        bytes.CopyTo(_buffer.AsSpan(Length));
        Length += bytes.Length;
        return true;
    }

    /// <summary>Reserves <paramref name="count"/> bytes to write into; <see cref="Advance"/> commits them.</summary>
    public bool TryGetSpan(int count, out Span<byte> span)
    {
        if (Length + count > _buffer.Length && !TryGrow(count))
        {
            span = default;
            return false;
        }
        span = _buffer.AsSpan(Length, count);
        return true;
    }

    public void Advance(int count) => Length += count;

    /// <summary>Drops trailing bytes back to <paramref name="length"/> (used to undo whitespace before an obs-fold).</summary>
    public void Truncate(int length) => Length = length;

    private bool TryGrow(int needed)
    {
        if (Overflowed || Length + needed > _maxLength)
        {
            Overflowed = true;
            return false;
        }
        var size = Math.Min(Math.Max(_buffer.Length * 2, Length + needed), _maxLength);
        var next = ArrayPool<byte>.Shared.Rent(size);
        _buffer.AsSpan(0, Length).CopyTo(next);
        ArrayPool<byte>.Shared.Return(_buffer);
        _buffer = next;
        return true;
    }

    // HTAB is rare in field values: only the rest of the text after the first one is checked character by character.
    private static bool IsPrintableOrTab(ReadOnlySpan<char> text)
    {
        foreach (var c in text)
        {
            if (c is not ((>= ' ' and <= '~') or '\t'))
            {
                return false;
            }
        }
        return true;
    }

    public void Dispose()
    {
        if (_buffer is { Length: > 0 })
        {
            ArrayPool<byte>.Shared.Return(_buffer);
        }
        _buffer = [];
        Length = 0;
    }
}
