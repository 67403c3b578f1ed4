using System.Diagnostics.CodeAnalysis;

namespace AgentAuth.HttpSignatures.StructuredFields;

/// <summary>
/// Pull-style, allocation-free reader of RFC 9651 (RFC 8941) structured field values, following the parsing
/// algorithms of RFC 9651 §4.2 exactly. Every <c>Try*</c> method returns false on malformed input and sets
/// <see cref="Error"/>; nothing throws. Once an error is recorded every further read fails.
/// </summary>
/// <remarks>
/// A dictionary is read as: <c>TryReadDictionaryKey</c>; when it has a value, either an inner list
/// (<see cref="IsInnerListNext"/>, <see cref="TryReadInnerListStart"/>, <see cref="TryReadInnerListItem"/> and
/// parameters per item) or <see cref="TryReadBareItem"/>; then <see cref="TryReadParameter"/> until it reports
/// the end; then <see cref="TryReadMemberSeparator"/>. A list is the same without keys; an item field is one
/// bare item, its parameters and <see cref="TryReadEndOfField"/>. Multiple field lines must be joined with
/// <c>", "</c> by the caller (RFC 9110 §5.3) before reading.
/// </remarks>
internal ref struct StructuredFieldReader
{
    private readonly ReadOnlySpan<char> _input;
    private int _pos;
    private InnerListState _innerList;

    /// <summary>Starts reading <paramref name="input"/>, discarding leading spaces (RFC 9651 §4.2 step 2).</summary>
    public StructuredFieldReader(ReadOnlySpan<char> input)
    {
        _input = input;
        _pos = 0;
        _innerList = InnerListState.None;
        Error = null;
        SkipSpaces();
    }

    // Printable ASCII except '"' and '\\': what a string holds without escaping.
    internal static readonly System.Buffers.SearchValues<char> PlainStringChars = System.Buffers.SearchValues.Create(
        " !#$%&'()*+,-./0123456789:;<=>?@ABCDEFGHIJKLMNOPQRSTUVWXYZ[]^_`abcdefghijklmnopqrstuvwxyz{|}~");

    private enum InnerListState : byte
    {
        None,
        ExpectItem,
        AfterItem,
    }

    /// <summary>The whole input.</summary>
    public readonly ReadOnlySpan<char> Input => _input;

    /// <summary>The index of the next unread character; slice <see cref="Input"/> between two positions to get the exact source text of a member.</summary>
    public readonly int Position => _pos;

    /// <summary>The unread rest of the input.</summary>
    public readonly ReadOnlySpan<char> Remaining => _input[_pos..];

    /// <summary>Whether the whole input has been consumed.</summary>
    public readonly bool IsAtEnd => _pos >= _input.Length;

    /// <summary>The reason of the first failure, or null while reading has succeeded.</summary>
    public string? Error { get; private set; }

    /// <summary>Whether the next member is an inner list (the next character is <c>(</c>).</summary>
    public readonly bool IsInnerListNext => Error is null && _pos < _input.Length && _input[_pos] == '(';

    /// <summary>Discards SP characters.</summary>
    public void SkipSpaces()
    {
        while (_pos < _input.Length && _input[_pos] == ' ')
        {
            _pos++;
        }
    }

    /// <summary>Discards optional whitespace (SP and HTAB).</summary>
    public void SkipOws()
    {
        while (_pos < _input.Length && (_input[_pos] == ' ' || _input[_pos] == '\t'))
        {
            _pos++;
        }
    }

    /// <summary>
    /// Reads a dictionary member's key (§4.2.2) and the following <c>=</c> if present. When
    /// <paramref name="hasValue"/> is false the member's value is boolean true and only parameters follow.
    /// </summary>
    public bool TryReadDictionaryKey(out ReadOnlySpan<char> key, out bool hasValue)
    {
        hasValue = false;
        if (!TryReadKey(out key))
        {
            return false;
        }
        if (_pos < _input.Length && _input[_pos] == '=')
        {
            _pos++;
            hasValue = true;
        }
        return true;
    }

    /// <summary>Reads a key (§4.2.3.3): <c>( lcalpha / "*" ) *( lcalpha / DIGIT / "_" / "-" / "." / "*" )</c>.</summary>
    public bool TryReadKey(out ReadOnlySpan<char> key)
    {
        key = default;
        if (Error is not null)
        {
            return false;
        }
        if (_pos >= _input.Length || !SfDecoding.IsKeyStart(_input[_pos]))
        {
            return Fail("a key must start with a lowercase letter or '*'");
        }
        int start = _pos++;
        while (_pos < _input.Length && SfDecoding.IsKeyChar(_input[_pos]))
        {
            _pos++;
        }
        key = _input[start.._pos];
        return true;
    }

    /// <summary>Consumes the <c>(</c> that opens an inner list (§4.2.1.2).</summary>
    public bool TryReadInnerListStart()
    {
        if (Error is not null)
        {
            return false;
        }
        if (_innerList != InnerListState.None)
        {
            return Fail("inner lists cannot be nested");
        }
        if (_pos >= _input.Length || _input[_pos] != '(')
        {
            return Fail("expected '(' to open an inner list");
        }
        _pos++;
        _innerList = InnerListState.ExpectItem;
        return true;
    }

    /// <summary>
    /// Reads the next item of an inner list, or its closing <c>)</c> (then <paramref name="end"/> is true and the
    /// inner list's parameters follow). After an item, read its parameters with <see cref="TryReadParameter"/>
    /// (or <see cref="TrySkipParameters"/>) before calling this again.
    /// </summary>
    public bool TryReadInnerListItem(out SfBareItemSpan item, out bool end)
    {
        item = default;
        end = false;
        if (Error is not null)
        {
            return false;
        }
        if (_innerList == InnerListState.None)
        {
            return Fail("not inside an inner list");
        }
        if (_innerList == InnerListState.AfterItem && _pos < _input.Length && _input[_pos] != ' ' && _input[_pos] != ')')
        {
            return Fail("inner list items must be separated by a space");
        }
        SkipSpaces();
        if (_pos >= _input.Length)
        {
            return Fail("inner list is not closed with ')'");
        }
        if (_input[_pos] == ')')
        {
            _pos++;
            _innerList = InnerListState.None;
            end = true;
            return true;
        }
        if (!TryReadBareItemCore(out item))
        {
            return false;
        }
        _innerList = InnerListState.AfterItem;
        return true;
    }

    /// <summary>Reads a bare item (§4.2.3.1) of any type.</summary>
    public bool TryReadBareItem(out SfBareItemSpan item)
    {
        item = default;
        if (Error is not null)
        {
            return false;
        }
        if (_innerList != InnerListState.None)
        {
            return Fail("inside an inner list: use TryReadInnerListItem");
        }
        return TryReadBareItemCore(out item);
    }

    /// <summary>
    /// Reads the next parameter (§4.2.3.2) of the item or inner list just read. When no <c>;</c> follows,
    /// returns true with <paramref name="end"/> set. A parameter without a value is boolean true.
    /// </summary>
    public bool TryReadParameter(out ReadOnlySpan<char> key, out SfBareItemSpan value, out bool end)
    {
        key = default;
        value = default;
        end = false;
        if (Error is not null)
        {
            return false;
        }
        if (_pos >= _input.Length || _input[_pos] != ';')
        {
            end = true;
            return true;
        }
        _pos++;
        SkipSpaces();
        if (!TryReadKey(out key))
        {
            return false;
        }
        if (_pos < _input.Length && _input[_pos] == '=')
        {
            _pos++;
            return TryReadBareItemCore(out value);
        }
        value = new SfBareItemSpan(SfItemKind.Boolean, default, 1, 0m);
        return true;
    }

    /// <summary>Reads and discards all parameters of the item or inner list just read.</summary>
    public bool TrySkipParameters()
    {
        while (true)
        {
            if (!TryReadParameter(out _, out _, out bool end))
            {
                return false;
            }
            if (end)
            {
                return true;
            }
        }
    }

    /// <summary>Reads and discards one list or dictionary member value: an item or inner list with its parameters.</summary>
    public bool TrySkipMember()
    {
        if (IsInnerListNext)
        {
            if (!TryReadInnerListStart())
            {
                return false;
            }
            while (true)
            {
                if (!TryReadInnerListItem(out _, out bool end))
                {
                    return false;
                }
                if (end)
                {
                    break;
                }
                if (!TrySkipParameters())
                {
                    return false;
                }
            }
        }
        else if (!TryReadBareItem(out _))
        {
            return false;
        }
        return TrySkipParameters();
    }

    /// <summary>
    /// After a list or dictionary member: discards OWS, then either reports the end of the field
    /// (<paramref name="end"/> true) or consumes <c>,</c> and OWS; a trailing comma is an error.
    /// </summary>
    public bool TryReadMemberSeparator(out bool end)
    {
        end = false;
        if (Error is not null)
        {
            return false;
        }
        if (_innerList != InnerListState.None)
        {
            return Fail("inner list is not closed with ')'");
        }
        SkipOws();
        if (_pos >= _input.Length)
        {
            end = true;
            return true;
        }
        if (_input[_pos] != ',')
        {
            return Fail("expected ',' between members");
        }
        _pos++;
        SkipOws();
        if (_pos >= _input.Length)
        {
            return Fail("trailing ',' after the last member");
        }
        return true;
    }

    /// <summary>After a top-level item and its parameters: discards SP and requires the end of the input.</summary>
    public bool TryReadEndOfField()
    {
        if (Error is not null)
        {
            return false;
        }
        if (_innerList != InnerListState.None)
        {
            return Fail("inner list is not closed with ')'");
        }
        SkipSpaces();
        return _pos >= _input.Length || Fail("unexpected characters after the item");
    }

    private bool Fail(string reason)
    {
        Error ??= reason;
        return false;
    }

    private bool TryReadBareItemCore(out SfBareItemSpan item)
    {
        item = default;
        if (_pos >= _input.Length)
        {
            return Fail("expected an item");
        }
        char c = _input[_pos];
        if (c == '-' || SfDecoding.IsDigit(c))
        {
            return TryReadNumber(SfItemKind.Integer, out item);
        }
        switch (c)
        {
            case '"':
                return TryReadString(out item);
            case ':':
                return TryReadByteSequence(out item);
            case '?':
                return TryReadBoolean(out item);
            case '@':
                _pos++;
                return TryReadNumber(SfItemKind.Date, out item);
            case '%':
                return TryReadDisplayString(out item);
        }
        if (c == '*' || SfDecoding.IsAlpha(c))
        {
            int start = _pos++;
            while (_pos < _input.Length && (SfDecoding.IsTChar(_input[_pos]) || _input[_pos] == ':' || _input[_pos] == '/'))
            {
                _pos++;
            }
            item = new SfBareItemSpan(SfItemKind.Token, _input[start.._pos], 0, 0m);
            return true;
        }
        return Fail("unrecognised item type");
    }

    // §4.2.4 (and §4.2.9 for dates: the same digits, decimals rejected).
    private bool TryReadNumber(SfItemKind kind, out SfBareItemSpan item)
    {
        item = default;
        int start = _pos;
        bool negative = false;
        if (_pos < _input.Length && _input[_pos] == '-')
        {
            negative = true;
            _pos++;
        }
        if (_pos >= _input.Length || !SfDecoding.IsDigit(_input[_pos]))
        {
            return Fail("expected a digit");
        }
        ulong digits = 0;
        int count = 0;
        int dot = -1;
        while (_pos < _input.Length)
        {
            char c = _input[_pos];
            if (SfDecoding.IsDigit(c))
            {
                digits = (digits * 10) + (ulong)(c - '0');
                count++;
            }
            else if (dot < 0 && c == '.')
            {
                if (count > 12)
                {
                    return Fail("a decimal has at most 12 integer digits");
                }
                dot = count;
            }
            else
            {
                break;
            }
            _pos++;
            if (dot < 0 && count > 15)
            {
                return Fail("an integer has at most 15 digits");
            }
            if (dot >= 0 && count + 1 > 16)
            {
                return Fail("a decimal has at most 16 characters");
            }
        }
        var raw = _input[start.._pos];
        if (dot < 0)
        {
            long value = negative ? -(long)digits : (long)digits;
            item = new SfBareItemSpan(kind, raw, value, 0m);
            return true;
        }
        if (kind == SfItemKind.Date)
        {
            return Fail("a date must be an integer");
        }
        int fraction = count - dot;
        if (fraction == 0)
        {
            return Fail("a decimal must have a fractional digit");
        }
        if (fraction > 3)
        {
            return Fail("a decimal has at most 3 fractional digits");
        }
        var d = new decimal((int)(uint)digits, (int)(uint)(digits >> 32), 0, negative, (byte)fraction);
        item = new SfBareItemSpan(SfItemKind.Decimal, raw, 0, d);
        return true;
    }

    // §4.2.5. Runs of plain characters are skipped vectorized: component names, keyids, nonces and tags are all strings.
    private bool TryReadString(out SfBareItemSpan item)
    {
        item = default;
        int start = ++_pos;
        while (true)
        {
            var plain = _input[_pos..].IndexOfAnyExcept(PlainStringChars);
            if (plain < 0)
            {
                _pos = _input.Length;
                return Fail("string is not closed with '\"'");
            }
            _pos += plain;
            char c = _input[_pos];
            if (c == '"')
            {
                item = new SfBareItemSpan(SfItemKind.String, _input[start.._pos], 0, 0m);
                _pos++;
                return true;
            }
            if (c != '\\')
            {
                return Fail("a string may contain printable ASCII only");
            }
            _pos++;
            if (_pos >= _input.Length)
            {
                return Fail("string ends inside an escape");
            }
            c = _input[_pos];
            if (c != '"' && c != '\\')
            {
                return Fail("only '\\\"' and '\\\\' may be escaped in a string");
            }
            _pos++;
        }
    }

    // §4.2.7
    private bool TryReadByteSequence(out SfBareItemSpan item)
    {
        item = default;
        int start = ++_pos;
        int close = _input[start..].IndexOf(':');
        if (close < 0)
        {
            return Fail("byte sequence is not closed with ':'");
        }
        var raw = _input.Slice(start, close);
        if (!SfDecoding.IsValidBase64(raw))
        {
            return Fail("byte sequence is not valid base64");
        }
        _pos = start + close + 1;
        item = new SfBareItemSpan(SfItemKind.ByteSequence, raw, 0, 0m);
        return true;
    }

    // §4.2.8
    private bool TryReadBoolean(out SfBareItemSpan item)
    {
        item = default;
        _pos++;
        if (_pos < _input.Length && (_input[_pos] == '1' || _input[_pos] == '0'))
        {
            item = new SfBareItemSpan(SfItemKind.Boolean, _input.Slice(_pos, 1), _input[_pos] == '1' ? 1 : 0, 0m);
            _pos++;
            return true;
        }
        return Fail("a boolean must be ?1 or ?0");
    }

    // RFC 9651 §4.2.10
    private bool TryReadDisplayString(out SfBareItemSpan item)
    {
        item = default;
        _pos++;
        if (_pos >= _input.Length || _input[_pos] != '"')
        {
            return Fail("a display string must start with '%\"'");
        }
        int start = ++_pos;
        var utf8 = default(Utf8Decoder);
        while (_pos < _input.Length)
        {
            char c = _input[_pos];
            if (c < 0x20 || c > 0x7E)
            {
                return Fail("a display string may contain printable ASCII only");
            }
            if (c == '"')
            {
                if (!utf8.IsComplete)
                {
                    return Fail("display string is not valid UTF-8");
                }
                item = new SfBareItemSpan(SfItemKind.DisplayString, _input[start.._pos], 0, 0m);
                _pos++;
                return true;
            }
            byte b = (byte)c;
            if (c == '%')
            {
                if (_pos + 2 >= _input.Length || !SfDecoding.TryLowerHex(_input[_pos + 1], _input[_pos + 2], out b))
                {
                    return Fail("display string escapes are '%' and two lowercase hex digits");
                }
                _pos += 2;
            }
            if (utf8.Push(b) == Utf8Decoder.Invalid)
            {
                return Fail("display string is not valid UTF-8");
            }
            _pos++;
        }
        return Fail("display string is not closed with '\"'");
    }
}
