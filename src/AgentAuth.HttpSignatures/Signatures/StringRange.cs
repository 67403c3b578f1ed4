using AgentAuth.HttpSignatures.StructuredFields;

namespace AgentAuth.HttpSignatures;

/// <summary>The raw (still escaped) content of an sf-string inside a header value, by position.</summary>
internal readonly record struct StringRange(int Start, int Length, bool Present)
{
    public bool IsPresent => Present;

    public string? ToString(string? source)
    {
        if (!Present || source is null)
        {
            return null;
        }
        var raw = source.AsSpan(Start, Length);
        return SfDecoding.TryUnescapeString(raw, out var value) ? value : raw.ToString();
    }

    public bool Equals(string? source, ReadOnlySpan<char> value)
    {
        var raw = source.AsSpan(Start, Length);
        if (raw.IndexOf('\\') < 0)
        {
            return raw.SequenceEqual(value);
        }
        Span<char> buffer = stackalloc char[Math.Min(raw.Length, 512)];
        return raw.Length <= 512 && SfDecoding.TryUnescapeString(raw, buffer, out var written) && buffer[..written].SequenceEqual(value);
    }
}
