using System.Buffers;
using System.Diagnostics.CodeAnalysis;

namespace AgentAuth.HttpSignatures.StructuredFields;

/// <summary>
/// Canonical serialization of structured field values (RFC 9651 §4.1). Values that cannot be serialized (a
/// key with an uppercase letter, a string with a control character, an integer beyond 15 digits, ...) make
/// every method return false; nothing throws for a bad value. <c>TryWrite*</c> methods write into a caller's
/// span and also return false when it is too small (then <c>written</c> is 0).
/// </summary>
internal static class StructuredFieldSerializer
{
    private delegate bool WriteAction<in T>(ref SfWriter writer, T value);

    /// <summary>Serializes an item field.</summary>
    public static bool TrySerialize(SfItem item, [NotNullWhen(true)] out string? value, [NotNullWhen(false)] out string? error)
    {
        ArgumentNullException.ThrowIfNull(item);
        return TrySerialize(item, static (ref SfWriter w, SfItem v) => w.WriteItem(v), out value, out error);
    }

    /// <summary>Serializes an inner list with its parameters.</summary>
    public static bool TrySerialize(SfInnerList innerList, [NotNullWhen(true)] out string? value, [NotNullWhen(false)] out string? error)
    {
        ArgumentNullException.ThrowIfNull(innerList);
        return TrySerialize(innerList, static (ref SfWriter w, SfInnerList v) => w.WriteInnerList(v), out value, out error);
    }

    /// <summary>Serializes a list field; an empty list gives an empty string (the field should then be omitted).</summary>
    public static bool TrySerialize(SfList list, [NotNullWhen(true)] out string? value, [NotNullWhen(false)] out string? error)
    {
        ArgumentNullException.ThrowIfNull(list);
        return TrySerialize(list, static (ref SfWriter w, SfList v) => w.WriteList(v), out value, out error);
    }

    /// <summary>Serializes a dictionary field; an empty dictionary gives an empty string (the field should then be omitted).</summary>
    public static bool TrySerialize(SfDictionary dictionary, [NotNullWhen(true)] out string? value, [NotNullWhen(false)] out string? error)
    {
        ArgumentNullException.ThrowIfNull(dictionary);
        return TrySerialize(dictionary, static (ref SfWriter w, SfDictionary v) => w.WriteDictionary(v), out value, out error);
    }

    /// <summary>Serializes a bare item without parameters.</summary>
    public static bool TrySerialize(SfBareItem item, [NotNullWhen(true)] out string? value, [NotNullWhen(false)] out string? error) =>
        TrySerialize(item, static (ref SfWriter w, SfBareItem v) => w.WriteBareItem(v), out value, out error);

    /// <summary>Writes an item with its parameters.</summary>
    public static bool TryWrite(SfItem item, Span<char> destination, out int written)
    {
        ArgumentNullException.ThrowIfNull(item);
        var writer = new SfWriter(destination);
        return Finish(ref writer, writer.WriteItem(item), out written);
    }

    /// <summary>Writes an inner list with its parameters (for example the value of <c>@signature-params</c>).</summary>
    public static bool TryWrite(SfInnerList innerList, Span<char> destination, out int written)
    {
        ArgumentNullException.ThrowIfNull(innerList);
        var writer = new SfWriter(destination);
        return Finish(ref writer, writer.WriteInnerList(innerList), out written);
    }

    /// <summary>Writes an item or inner list with its parameters.</summary>
    public static bool TryWrite(SfMember member, Span<char> destination, out int written)
    {
        ArgumentNullException.ThrowIfNull(member);
        var writer = new SfWriter(destination);
        return Finish(ref writer, writer.WriteMember(member), out written);
    }

    /// <summary>Writes a list field.</summary>
    public static bool TryWrite(SfList list, Span<char> destination, out int written)
    {
        ArgumentNullException.ThrowIfNull(list);
        var writer = new SfWriter(destination);
        return Finish(ref writer, writer.WriteList(list), out written);
    }

    /// <summary>Writes a dictionary field.</summary>
    public static bool TryWrite(SfDictionary dictionary, Span<char> destination, out int written)
    {
        ArgumentNullException.ThrowIfNull(dictionary);
        var writer = new SfWriter(destination);
        return Finish(ref writer, writer.WriteDictionary(dictionary), out written);
    }

    /// <summary>Writes parameters (each as <c>;key</c> or <c>;key=value</c>).</summary>
    public static bool TryWriteParameters(SfParameters parameters, Span<char> destination, out int written)
    {
        ArgumentNullException.ThrowIfNull(parameters);
        var writer = new SfWriter(destination);
        return Finish(ref writer, writer.WriteParameters(parameters), out written);
    }

    /// <summary>Writes a bare item.</summary>
    public static bool TryWriteBareItem(SfBareItem item, Span<char> destination, out int written)
    {
        var writer = new SfWriter(destination);
        return Finish(ref writer, writer.WriteBareItem(item), out written);
    }

    /// <summary>Writes a key (§4.1.1.3).</summary>
    public static bool TryWriteKey(ReadOnlySpan<char> key, Span<char> destination, out int written)
    {
        var writer = new SfWriter(destination);
        return Finish(ref writer, writer.WriteKey(key), out written);
    }

    /// <summary>Writes an integer (§4.1.4).</summary>
    public static bool TryWriteInteger(long value, Span<char> destination, out int written)
    {
        var writer = new SfWriter(destination);
        return Finish(ref writer, writer.WriteInteger(value), out written);
    }

    /// <summary>Writes a decimal rounded to 3 fractional digits, half to even (§4.1.5).</summary>
    public static bool TryWriteDecimal(decimal value, Span<char> destination, out int written)
    {
        var writer = new SfWriter(destination);
        return Finish(ref writer, writer.WriteDecimal(value), out written);
    }

    /// <summary>Writes a string with its quotes and escapes (§4.1.6).</summary>
    public static bool TryWriteString(ReadOnlySpan<char> value, Span<char> destination, out int written)
    {
        var writer = new SfWriter(destination);
        return Finish(ref writer, writer.WriteString(value), out written);
    }

    /// <summary>Writes a token (§4.1.7).</summary>
    public static bool TryWriteToken(ReadOnlySpan<char> value, Span<char> destination, out int written)
    {
        var writer = new SfWriter(destination);
        return Finish(ref writer, writer.WriteToken(value), out written);
    }

    /// <summary>Writes a byte sequence as <c>:base64:</c> (§4.1.8).</summary>
    public static bool TryWriteByteSequence(ReadOnlySpan<byte> value, Span<char> destination, out int written)
    {
        var writer = new SfWriter(destination);
        return Finish(ref writer, writer.WriteByteSequence(value), out written);
    }

    /// <summary>Writes a date as <c>@seconds</c> (RFC 9651 §4.1.10).</summary>
    public static bool TryWriteDate(long unixSeconds, Span<char> destination, out int written)
    {
        var writer = new SfWriter(destination);
        return Finish(ref writer, writer.WriteBareItem(SfBareItem.FromDate(unixSeconds)), out written);
    }

    /// <summary>Writes a display string as <c>%"..."</c> with percent-encoded UTF-8 (RFC 9651 §4.1.11).</summary>
    public static bool TryWriteDisplayString(ReadOnlySpan<char> value, Span<char> destination, out int written)
    {
        var writer = new SfWriter(destination);
        return Finish(ref writer, writer.WriteDisplayString(value), out written);
    }

    private static bool Finish(ref SfWriter writer, bool ok, out int written)
    {
        written = ok ? writer.Position : 0;
        return ok;
    }

    private static bool TrySerialize<T>(T input, WriteAction<T> write, [NotNullWhen(true)] out string? value, [NotNullWhen(false)] out string? error)
    {
        int size = 256;
        while (true)
        {
            char[] buffer = ArrayPool<char>.Shared.Rent(size);
            try
            {
                var writer = new SfWriter(buffer);
                if (write(ref writer, input))
                {
                    value = new string(buffer, 0, writer.Position);
                    error = null;
                    return true;
                }
                if (!writer.TooSmall || size >= 1 << 28)
                {
                    value = null;
                    error = writer.Error ?? "value too large to serialize";
                    return false;
                }
                size = buffer.Length * 2;
            }
            finally
            {
                ArrayPool<char>.Shared.Return(buffer);
            }
        }
    }
}
