namespace AgentAuth.HttpSignatures.StructuredFields;

/// <summary>
/// A bare item as read by <see cref="StructuredFieldReader"/>, without allocation: numbers, booleans and
/// dates are decoded; strings, tokens, byte sequences and display strings are spans of the input.
/// </summary>
internal readonly ref struct SfBareItemSpan
{
    private readonly long _integer;
    private readonly decimal _decimal;

    internal SfBareItemSpan(SfItemKind kind, ReadOnlySpan<char> raw, long integer, decimal @decimal)
    {
        Kind = kind;
        Raw = raw;
        _integer = integer;
        _decimal = @decimal;
    }

    /// <summary>The type of the item.</summary>
    public SfItemKind Kind { get; }

    /// <summary>
    /// The item's text in the input: for a string or display string the content between the quotes (still
    /// escaped), for a byte sequence the base64 text between the colons, for a token the token, for numbers
    /// and dates the digits with their sign, for a boolean <c>1</c> or <c>0</c>.
    /// </summary>
    public ReadOnlySpan<char> Raw { get; }

    /// <summary>The value of an <see cref="SfItemKind.Integer"/> item, or 0.</summary>
    public long IntegerValue => Kind == SfItemKind.Integer ? _integer : 0;

    /// <summary>The value of a <see cref="SfItemKind.Decimal"/> item (an <see cref="SfItemKind.Integer"/> converts exactly), or 0.</summary>
    public decimal DecimalValue => Kind switch
    {
        SfItemKind.Decimal => _decimal,
        SfItemKind.Integer => _integer,
        _ => 0m,
    };

    /// <summary>The value of a <see cref="SfItemKind.Boolean"/> item, or false.</summary>
    public bool BooleanValue => Kind == SfItemKind.Boolean && _integer != 0;

    /// <summary>The value of a <see cref="SfItemKind.Date"/> item in seconds since the Unix epoch, or 0.</summary>
    public long DateValue => Kind == SfItemKind.Date ? _integer : 0;

    /// <summary>Whether this is a string item.</summary>
    public bool IsString => Kind == SfItemKind.String;

    /// <summary>Whether this is a token item.</summary>
    public bool IsToken => Kind == SfItemKind.Token;

    /// <summary>
    /// Compares the decoded value of a string or token item with <paramref name="value"/> (ordinal), without
    /// allocating. False for every other kind.
    /// </summary>
    public bool ValueEquals(ReadOnlySpan<char> value)
    {
        if (Kind == SfItemKind.Token)
        {
            return Raw.SequenceEqual(value);
        }
        if (Kind != SfItemKind.String)
        {
            return false;
        }
        var raw = Raw;
        int j = 0;
        for (int i = 0; i < raw.Length; i++, j++)
        {
            char c = raw[i];
            if (c == '\\')
            {
                c = raw[++i];
            }
            if (j >= value.Length || value[j] != c)
            {
                return false;
            }
        }
        return j == value.Length;
    }

    /// <summary>The length of the decoded value of a string item (its characters), a token, a display string (UTF-16 units) or a byte sequence (bytes).</summary>
    public int GetDecodedLength() => Kind switch
    {
        SfItemKind.String => SfDecoding.GetUnescapedStringLength(Raw),
        SfItemKind.Token => Raw.Length,
        SfItemKind.ByteSequence => SfDecoding.GetDecodedByteSequenceLength(Raw),
        SfItemKind.DisplayString => SfDecoding.GetDecodedDisplayStringLength(Raw),
        _ => 0,
    };
}
