using System.Buffers;
using System.Diagnostics.CodeAnalysis;
using System.Globalization;

namespace AgentAuth.AspNetCore;

/// <summary>
/// A required scope compiled once (at attribute construction or startup). Which rule applies is decided here, once:
/// a pattern that splits at its first two colons into three non-empty parts is <c>action:resource:identifier</c>
/// (literal action and resource, an identifier that is literal or made of literal text and <c>{name}</c> placeholders,
/// a granted <c>*</c> identifier covers any); any other RFC 6749 scope token (<c>agents.read</c>, <c>read</c>,
/// <c>crm:read</c>, <c>api://app/.default</c>) is matched exactly (ordinal, case-sensitive).
/// </summary>
/// <remarks>
/// With two or more placeholders the resolved identifier must still name one set of route values: <c>{org}-{project}</c>
/// with <c>org=acme</c>, <c>project=internal-roadmap</c> and with <c>org=acme-internal</c>, <c>project=roadmap</c> would both
/// resolve to <c>acme-internal-roadmap</c>, so a grant for one would open the other. Such patterns therefore need literal
/// text between placeholders (checked at startup), and a route value containing a character of a literal next to its
/// placeholder fails closed; the literal then splits the identifier in exactly one way.
/// </remarks>
internal sealed class ScopePattern
{
    private readonly string? _literalIdentifier;
    private readonly string? _singlePlaceholder;
    private readonly Segment[]? _segments;
    private readonly string[] _placeholderNames;

    private ScopePattern(string template, string action, string resource, string? literalIdentifier, string? singlePlaceholder, Segment[]? segments, bool isExact = false)
    {
        IsExact = isExact;
        _placeholderNames = singlePlaceholder is not null ? [singlePlaceholder] : PlaceholderNamesOf(segments);
        Template = template;
        Action = action;
        Resource = resource;
        _literalIdentifier = literalIdentifier;
        _singlePlaceholder = singlePlaceholder;
        _segments = segments;
    }

    /// <summary>The pattern as the developer wrote it.</summary>
    public string Template { get; }

    public string Action { get; }

    public string Resource { get; }

    public bool HasPlaceholders => _literalIdentifier is null;

    /// <summary>
    /// Whether this pattern is matched exactly (it is not <c>action:resource:identifier</c>): only a granted scope equal
    /// to <see cref="Template"/> covers it, and it has no placeholders.
    /// </summary>
    public bool IsExact { get; }

    /// <summary>The route value names this pattern reads, in order (empty for a literal identifier).</summary>
    public IReadOnlyList<string> PlaceholderNames => _placeholderNames;

    /// <summary>Compiles developer input; throws <see cref="FormatException"/> naming the bad pattern.</summary>
    public static ScopePattern Create(string template)
    {
        ArgumentNullException.ThrowIfNull(template);
        return TryCreate(template, out var pattern, out var error) ? pattern : throw new FormatException(error);
    }

    public static bool TryCreate(string template, [NotNullWhen(true)] out ScopePattern? pattern, [NotNullWhen(false)] out string? error)
    {
        pattern = null;
        var syntax = ScopeSyntax.TrySplit(template, out var actionEnd, out var resourceEnd);
        if (syntax == ScopeSyntaxError.TooFewParts)
        {
            // Fewer than two colons: another vocabulary (agents.read, read, crm:read, api://app/.default), matched exactly.
            // Braces would read as placeholders that are never resolved, so they are refused rather than taken literally.
            if (template.AsSpan().IndexOfAny('{', '}') >= 0)
            {
                error = $"'{template}' is not a valid scope pattern: route placeholders are only allowed in the identifier of an action:resource:identifier scope; '{template}' has fewer than three ':'-separated parts and is matched exactly.";
                return false;
            }
            error = null;
            pattern = new ScopePattern(template, string.Empty, string.Empty, template, null, null, isExact: true);
            return true;
        }
        if (syntax != ScopeSyntaxError.None)
        {
            error = FormatPatternError(template, syntax);
            return false;
        }
        var action = template[..actionEnd];
        var resource = template[(actionEnd + 1)..resourceEnd];
        if (action.AsSpan().IndexOfAny('{', '}') >= 0 || resource.AsSpan().IndexOfAny('{', '}') >= 0)
        {
            error = $"'{template}' is not a valid scope pattern: route placeholders are only allowed in the identifier.";
            return false;
        }
        var identifier = template[(resourceEnd + 1)..];
        if (identifier.AsSpan().IndexOfAny('{', '}') < 0)
        {
            error = null;
            pattern = new ScopePattern(template, action, resource, identifier, null, null);
            return true;
        }
        var segments = new List<Segment>();
        var rest = identifier.AsSpan();
        while (!rest.IsEmpty)
        {
            var open = rest.IndexOfAny('{', '}');
            if (open < 0)
            {
                segments.Add(new Segment(rest.ToString(), IsPlaceholder: false));
                break;
            }
            if (rest[open] == '}')
            {
                error = $"'{template}' is not a valid scope pattern: '}}' without a matching '{{'.";
                return false;
            }
            if (open > 0)
            {
                segments.Add(new Segment(rest[..open].ToString(), IsPlaceholder: false));
            }
            rest = rest[(open + 1)..];
            var close = rest.IndexOf('}');
            if (close < 0)
            {
                error = $"'{template}' is not a valid scope pattern: '{{' without a matching '}}'.";
                return false;
            }
            var name = rest[..close];
            if (name.IsEmpty || name.ContainsAnyExcept(ScopeSyntax.PlaceholderNameChars))
            {
                error = $"'{template}' is not a valid scope pattern: a placeholder name must be a route value name (letters, digits, '_', '-', '.').";
                return false;
            }
            if (segments.Count > 0 && segments[^1].IsPlaceholder)
            {
                // {a}{b}: "abc" could be a=ab, b=c or a=a, b=bc; no rule on the values could tell them apart.
                error = $"'{template}' is not a valid scope pattern: placeholders must be separated by literal text (as in {{year}}-{{quarter}}).";
                return false;
            }
            segments.Add(new Segment(name.ToString(), IsPlaceholder: true));
            rest = rest[(close + 1)..];
        }
        error = null;
        if (segments is [{ IsPlaceholder: true } only])
        {
            pattern = new ScopePattern(template, action, resource, null, only.Text, null);
            return true;
        }
        pattern = new ScopePattern(template, action, resource, null, null, WithAdjacentLiterals(segments));
        return true;
    }

    /// <summary>
    /// With two or more placeholders, gives each one the characters of the literals next to it: a value containing one
    /// of them fails closed, so the literals split the identifier in one way only. One placeholder with fixed literal
    /// text around it is already unambiguous and is left alone.
    /// </summary>
    private static Segment[] WithAdjacentLiterals(List<Segment> segments)
    {
        var placeholders = 0;
        foreach (var segment in segments)
        {
            placeholders += segment.IsPlaceholder ? 1 : 0;
        }
        var result = segments.ToArray();
        if (placeholders < 2)
        {
            return result;
        }
        for (var i = 0; i < result.Length; i++)
        {
            if (!result[i].IsPlaceholder)
            {
                continue;
            }
            var before = i > 0 ? result[i - 1].Text : string.Empty;
            var after = i + 1 < result.Length ? result[i + 1].Text : string.Empty;
            result[i] = result[i] with { Forbidden = SearchValues.Create(string.Concat(before, after)) };
        }
        return result;
    }

    private static string[] PlaceholderNamesOf(Segment[]? segments)
    {
        if (segments is null)
        {
            return [];
        }
        var names = new List<string>(segments.Length);
        foreach (var segment in segments)
        {
            if (segment.IsPlaceholder)
            {
                names.Add(segment.Text);
            }
        }
        return names.ToArray();
    }

    /// <summary>
    /// The identifier this request requires. Placeholders come from <paramref name="values"/> (the route values, or the
    /// values an <see cref="IScopePlaceholderSource"/> read, such as an MCP tool's arguments); a missing or empty value,
    /// one with a character outside the scope-token set or a <c>:</c>, or (with several placeholders) one containing a
    /// character of a literal next to its placeholder, fails closed.
    /// </summary>
    public PlaceholderFailure TryResolveIdentifier(IReadOnlyDictionary<string, object?>? values, out string identifier)
    {
        if (_literalIdentifier is not null)
        {
            identifier = _literalIdentifier;
            return PlaceholderFailure.None;
        }
        identifier = string.Empty;
        if (values is null)
        {
            return PlaceholderFailure.NoHttpContext;
        }
        var routeValues = values;
        if (_singlePlaceholder is not null)
        {
            var failure = TryGetRouteValue(routeValues, _singlePlaceholder, out var value);
            identifier = value;
            return failure;
        }
        var segments = _segments!;
        var parts = new string[segments.Length];
        var length = 0;
        for (var i = 0; i < segments.Length; i++)
        {
            if (segments[i].IsPlaceholder)
            {
                var failure = TryGetRouteValue(routeValues, segments[i].Text, out parts[i]);
                if (failure != PlaceholderFailure.None)
                {
                    return failure;
                }
                if (segments[i].Forbidden is { } forbidden && parts[i].AsSpan().ContainsAny(forbidden))
                {
                    return PlaceholderFailure.AmbiguousValue;
                }
            }
            else
            {
                parts[i] = segments[i].Text;
            }
            length += parts[i].Length;
        }
        identifier = string.Create(length, parts, static (span, parts) =>
        {
            foreach (var part in parts)
            {
                part.AsSpan().CopyTo(span);
                span = span[part.Length..];
            }
        });
        return PlaceholderFailure.None;
    }

    /// <summary>
    /// Whether the granted claim value covers this pattern with the resolved <paramref name="identifier"/>.
    /// A claim that is not a valid scope never matches. Does not allocate.
    /// </summary>
    public bool IsCoveredBy(ReadOnlySpan<char> granted, string identifier)
    {
        if (IsExact)
        {
            return granted.SequenceEqual(Template);
        }
        if (ScopeSyntax.TrySplit(granted, out var actionEnd, out var resourceEnd) != ScopeSyntaxError.None)
        {
            return false;
        }
        if (!granted[..actionEnd].SequenceEqual(Action) || !granted[(actionEnd + 1)..resourceEnd].SequenceEqual(Resource))
        {
            return false;
        }
        var grantedIdentifier = granted[(resourceEnd + 1)..];
        return grantedIdentifier is Scope.Wildcard || grantedIdentifier.SequenceEqual(identifier);
    }

    /// <summary>
    /// Whether <paramref name="granted"/> could cover this pattern for some placeholder values: used to decide what a
    /// listing shows (an MCP <c>tools/list</c>), never whether a call is allowed. Without placeholders it is
    /// <see cref="IsCoveredBy"/>; with them, a granted scope of the same action and resource (any identifier) is enough.
    /// </summary>
    public bool IsCoverableBy(ReadOnlySpan<char> granted)
    {
        if (_literalIdentifier is not null)
        {
            return IsCoveredBy(granted, _literalIdentifier);
        }
        return ScopeSyntax.TrySplit(granted, out var actionEnd, out var resourceEnd) == ScopeSyntaxError.None
            && granted[..actionEnd].SequenceEqual(Action)
            && granted[(actionEnd + 1)..resourceEnd].SequenceEqual(Resource);
    }

    /// <summary>The required scope with its identifier resolved (only built on the failure path).</summary>
    public string Format(string identifier) =>
        _literalIdentifier is not null ? Template : string.Concat(Action, ":", Resource, ":", identifier);

    public override string ToString() => Template;

    /// <summary>
    /// The developer-facing refusal of a pattern: empty, a character outside the RFC 6749 scope-token set, or three
    /// ':'-separated parts one of which is empty (a pattern with two colons is read as action:resource:identifier).
    /// </summary>
    internal static string FormatPatternError(string template, ScopeSyntaxError error) => error switch
    {
        ScopeSyntaxError.Empty or ScopeSyntaxError.InvalidCharacter =>
            $"'{template}' is not a valid scope: {ScopeSyntax.Describe(error)}.",
        _ => $"'{template}' is not a valid action:resource:identifier scope pattern: {ScopeSyntax.Describe(error)} (a pattern with two or more ':' is read as action:resource:identifier; one with fewer is matched exactly).",
    };

    private static PlaceholderFailure TryGetRouteValue(IReadOnlyDictionary<string, object?> routeValues, string name, out string value)
    {
        value = string.Empty;
        if (!routeValues.TryGetValue(name, out var raw) || raw is null)
        {
            return PlaceholderFailure.Missing;
        }
        var text = raw as string ?? (raw is IFormattable formattable ? formattable.ToString(null, CultureInfo.InvariantCulture) : raw.ToString());
        if (string.IsNullOrEmpty(text))
        {
            return PlaceholderFailure.Empty;
        }
        if (text.AsSpan().ContainsAnyExcept(ScopeSyntax.PlaceholderValueChars))
        {
            return PlaceholderFailure.InvalidCharacter;
        }
        value = text;
        return PlaceholderFailure.None;
    }

    /// <summary>Literal text or a placeholder name; <paramref name="Forbidden"/>: characters its value may not contain.</summary>
    private readonly record struct Segment(string Text, bool IsPlaceholder, SearchValues<char>? Forbidden = null);
}
