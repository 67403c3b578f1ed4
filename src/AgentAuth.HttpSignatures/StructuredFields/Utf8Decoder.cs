namespace AgentAuth.HttpSignatures.StructuredFields;

/// <summary>
/// Byte-at-a-time strict UTF-8 decoder (Unicode Table 3-7: no overlongs, surrogates or values above
/// U+10FFFF), so percent-encoded display strings validate without a byte buffer.
/// </summary>
internal struct Utf8Decoder
{
    public const int Invalid = -1;
    public const int NeedMore = 0;
    public const int CodePointReady = 1;

    private int _remaining;
    private int _codePoint;
    private byte _lower;
    private byte _upper;

    public readonly bool IsComplete => _remaining == 0;

    public readonly int CodePoint => _codePoint;

    public int Push(byte b)
    {
        if (_remaining == 0)
        {
            _lower = 0x80;
            _upper = 0xBF;
            switch (b)
            {
                case <= 0x7F:
                    _codePoint = b;
                    return CodePointReady;
                case >= 0xC2 and <= 0xDF:
                    _remaining = 1;
                    _codePoint = b & 0x1F;
                    return NeedMore;
                case >= 0xE0 and <= 0xEF:
                    _remaining = 2;
                    _codePoint = b & 0x0F;
                    if (b == 0xE0)
                    {
                        _lower = 0xA0;
                    }
                    else if (b == 0xED)
                    {
                        _upper = 0x9F;
                    }
                    return NeedMore;
                case >= 0xF0 and <= 0xF4:
                    _remaining = 3;
                    _codePoint = b & 0x07;
                    if (b == 0xF0)
                    {
                        _lower = 0x90;
                    }
                    else if (b == 0xF4)
                    {
                        _upper = 0x8F;
                    }
                    return NeedMore;
                default:
                    return Invalid;
            }
        }
        if (b < _lower || b > _upper)
        {
            return Invalid;
        }
        _lower = 0x80;
        _upper = 0xBF;
        _codePoint = (_codePoint << 6) | (b & 0x3F);
        return --_remaining == 0 ? CodePointReady : NeedMore;
    }
}
