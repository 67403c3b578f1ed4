using System.Diagnostics.CodeAnalysis;

namespace AgentAuth.HttpSignatures.StructuredFields;

/// <summary>
/// A structured-field bare item (RFC 9651 §3.3). Values are not validated on construction; the
/// <see cref="StructuredFieldSerializer"/> refuses values that cannot be serialized (for example a string with
/// a non-printable character or an integer beyond 15 digits).
/// </summary>
internal readonly struct SfBareItem : IEquatable<SfBareItem>
{
    private readonly long _integer;
    private readonly decimal _decimal;
    private readonly object? _reference;

    private SfBareItem(SfItemKind kind, long integer, decimal @decimal, object? reference)
    {
        Kind = kind;
        _integer = integer;
        _decimal = @decimal;
        _reference = reference;
    }

    /// <summary>Boolean true, the value of a parameter or dictionary member written without a value.</summary>
    public static SfBareItem True => new(SfItemKind.Boolean, 1, 0m, null);

    /// <summary>The type of the item; <see cref="SfItemKind.None"/> for <c>default</c>.</summary>
    public SfItemKind Kind { get; }

    /// <summary>The value of an integer, or 0.</summary>
    public long IntegerValue => Kind == SfItemKind.Integer ? _integer : 0;

    /// <summary>The value of a decimal (an integer converts exactly), or 0.</summary>
    public decimal DecimalValue => Kind switch
    {
        SfItemKind.Decimal => _decimal,
        SfItemKind.Integer => _integer,
        _ => 0m,
    };

    /// <summary>The text of a string, token or display string, or null.</summary>
    public string? StringValue => _reference as string;

    /// <summary>The bytes of a byte sequence, or empty.</summary>
    public ReadOnlyMemory<byte> ByteSequenceValue => _reference as byte[] ?? ReadOnlyMemory<byte>.Empty;

    /// <summary>The value of a boolean, or false.</summary>
    public bool BooleanValue => Kind == SfItemKind.Boolean && _integer != 0;

    /// <summary>The value of a date in seconds since the Unix epoch, or 0.</summary>
    public long DateValue => Kind == SfItemKind.Date ? _integer : 0;

    /// <summary>An integer item.</summary>
    public static SfBareItem FromInteger(long value) => new(SfItemKind.Integer, value, 0m, null);

    /// <summary>A decimal item; serialization rounds it to 3 fractional digits (half to even).</summary>
    public static SfBareItem FromDecimal(decimal value) => new(SfItemKind.Decimal, 0, value, null);

    /// <summary>A string item (printable ASCII for it to serialize).</summary>
    public static SfBareItem FromString(string value)
    {
        ArgumentNullException.ThrowIfNull(value);
        return new(SfItemKind.String, 0, 0m, value);
    }

    /// <summary>A token item.</summary>
    public static SfBareItem FromToken(string value)
    {
        ArgumentNullException.ThrowIfNull(value);
        return new(SfItemKind.Token, 0, 0m, value);
    }

    /// <summary>A byte sequence item; the bytes are copied.</summary>
    public static SfBareItem FromByteSequence(ReadOnlySpan<byte> value) => new(SfItemKind.ByteSequence, 0, 0m, value.ToArray());

    /// <summary>A boolean item.</summary>
    public static SfBareItem FromBoolean(bool value) => new(SfItemKind.Boolean, value ? 1 : 0, 0m, null);

    /// <summary>A date item in seconds since the Unix epoch.</summary>
    public static SfBareItem FromDate(long unixSeconds) => new(SfItemKind.Date, unixSeconds, 0m, null);

    /// <summary>A date item; sub-second precision is truncated.</summary>
    public static SfBareItem FromDate(DateTimeOffset value) => FromDate(value.ToUnixTimeSeconds());

    /// <summary>A display string item (any Unicode text without lone surrogates).</summary>
    public static SfBareItem FromDisplayString(string value)
    {
        ArgumentNullException.ThrowIfNull(value);
        return new(SfItemKind.DisplayString, 0, 0m, value);
    }

    /// <summary>
    /// Converts a bare item read by <see cref="StructuredFieldReader"/> (decoding strings, byte sequences and
    /// display strings); false when its raw text is malformed.
    /// </summary>
    public static bool TryCreate(SfBareItemSpan item, out SfBareItem value)
    {
        value = default;
        switch (item.Kind)
        {
            case SfItemKind.Integer:
                value = FromInteger(item.IntegerValue);
                return true;
            case SfItemKind.Decimal:
                value = FromDecimal(item.DecimalValue);
                return true;
            case SfItemKind.Boolean:
                value = FromBoolean(item.BooleanValue);
                return true;
            case SfItemKind.Date:
                value = FromDate(item.DateValue);
                return true;
            case SfItemKind.Token:
                value = new(SfItemKind.Token, 0, 0m, item.Raw.ToString());
                return true;
            case SfItemKind.String when SfDecoding.TryUnescapeString(item.Raw, out string? s):
                value = new(SfItemKind.String, 0, 0m, s);
                return true;
            case SfItemKind.ByteSequence when SfDecoding.TryDecodeByteSequence(item.Raw, out byte[]? bytes):
                value = new(SfItemKind.ByteSequence, 0, 0m, bytes);
                return true;
            case SfItemKind.DisplayString when SfDecoding.TryDecodeDisplayString(item.Raw, out string? d):
                value = new(SfItemKind.DisplayString, 0, 0m, d);
                return true;
            default:
                return false;
        }
    }

    /// <inheritdoc />
    public bool Equals(SfBareItem other)
    {
        if (Kind != other.Kind)
        {
            return false;
        }
        return Kind switch
        {
            SfItemKind.Decimal => _decimal == other._decimal,
            SfItemKind.ByteSequence => ByteSequenceValue.Span.SequenceEqual(other.ByteSequenceValue.Span),
            SfItemKind.String or SfItemKind.Token or SfItemKind.DisplayString => string.Equals(StringValue, other.StringValue, StringComparison.Ordinal),
            _ => _integer == other._integer,
        };
    }

    /// <inheritdoc />
    public override bool Equals([NotNullWhen(true)] object? obj) => obj is SfBareItem other && Equals(other);

    /// <inheritdoc />
    public override int GetHashCode() => Kind switch
    {
        SfItemKind.Decimal => HashCode.Combine(Kind, _decimal),
        SfItemKind.ByteSequence => HashCode.Combine(Kind, ByteSequenceValue.Length),
        SfItemKind.String or SfItemKind.Token or SfItemKind.DisplayString => HashCode.Combine(Kind, StringComparer.Ordinal.GetHashCode(StringValue!)),
        _ => HashCode.Combine(Kind, _integer),
    };

    /// <summary>The serialized form, or the kind name when the value cannot be serialized.</summary>
    public override string ToString() =>
        StructuredFieldSerializer.TrySerialize(this, out string? text, out _) ? text : Kind.ToString();

    /// <summary>Compares two items by kind and value.</summary>
    public static bool operator ==(SfBareItem left, SfBareItem right) => left.Equals(right);

    /// <summary>Compares two items by kind and value.</summary>
    public static bool operator !=(SfBareItem left, SfBareItem right) => !left.Equals(right);
}
