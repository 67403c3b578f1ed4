namespace AgentAuth.HttpSignatures;

/// <summary>
/// The field lines of one field name in a message, in the order they were received: either a single
/// string or an array of strings, so that adapters (for example ASP.NET Core <c>StringValues</c>) can
/// hand their storage over without copying.
/// </summary>
public readonly struct FieldLines
{
    private readonly string? _single;
    private readonly string[]? _many;

    /// <summary>Wraps a single field line.</summary>
    /// <param name="line">The raw field line value (not yet trimmed).</param>
    public FieldLines(string line)
    {
        ArgumentNullException.ThrowIfNull(line);
        _single = line;
        _many = null;
    }

    /// <summary>Wraps several field lines without copying the array; the caller must not mutate it afterwards.</summary>
    /// <param name="lines">The raw field line values in received order.</param>
    public FieldLines(string[] lines)
    {
        ArgumentNullException.ThrowIfNull(lines);
        _single = null;
        _many = lines;
    }

    /// <summary>The number of field lines (0 for a default instance).</summary>
    public int Count => _single is not null ? 1 : _many?.Length ?? 0;

    /// <summary>The field line at <paramref name="index"/>.</summary>
    /// <param name="index">Zero-based line index, below <see cref="Count"/>.</param>
    public string this[int index]
    {
        get
        {
            if (_single is not null)
            {
                ArgumentOutOfRangeException.ThrowIfNotEqual(index, 0);
                return _single;
            }
            if (_many is null)
            {
                throw new ArgumentOutOfRangeException(nameof(index));
            }
            return _many[index];
        }
    }
}
