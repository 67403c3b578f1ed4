using System.Buffers;
using System.Diagnostics.CodeAnalysis;
using System.Globalization;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;

namespace AgentAuth.AspNetCore;

/// <summary>
/// A required scope compiled once (at attribute construction or startup): literal action and resource, and an
/// identifier that is either literal or made of literal text and <c>{routeValue}</c> placeholders.
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

    private ScopePattern(string template, string action, string resource, string? literalIdentifier, string? singlePlaceholder, Segment[]? segments)
    {
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
        if (syntax != ScopeSyntaxError.None)
        {
            error = Scope.FormatError(template, syntax);
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
    /// The identifier this request requires. Placeholders come from the route values; a missing or empty value, one
    /// with a character outside the scope-token set or a <c>:</c>, or (with several placeholders) one containing a
    /// character of a literal next to its placeholder, fails closed.
    /// </summary>
    public PlaceholderFailure TryResolveIdentifier(HttpContext? httpContext, out string identifier)
    {
        if (_literalIdentifier is not null)
        {
            identifier = _literalIdentifier;
            return PlaceholderFailure.None;
        }
        identifier = string.Empty;
        if (httpContext is null)
        {
            return PlaceholderFailure.NoHttpContext;
        }
        var routeValues = httpContext.Request.RouteValues;
        if (_singlePlaceholder is not null)
        {
            var failure = TryGetRouteValue(routeValues, _singlePlaceholder, out var value);
            identifier = value;
            return failure;
        }
        var segments = _segments!;
        var values = new string[segments.Length];
        var length = 0;
        for (var i = 0; i < segments.Length; i++)
        {
            if (segments[i].IsPlaceholder)
            {
                var failure = TryGetRouteValue(routeValues, segments[i].Text, out values[i]);
                if (failure != PlaceholderFailure.None)
                {
                    return failure;
                }
                if (segments[i].Forbidden is { } forbidden && values[i].AsSpan().ContainsAny(forbidden))
                {
                    return PlaceholderFailure.AmbiguousValue;
                }
            }
            else
            {
                values[i] = segments[i].Text;
            }
            length += values[i].Length;
        }
        identifier = string.Create(length, values, static (span, parts) =>
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

    /// <summary>The required scope with its identifier resolved (only built on the failure path).</summary>
    public string Format(string identifier) =>
        _literalIdentifier is not null ? Template : string.Concat(Action, ":", Resource, ":", identifier);

    public override string ToString() => Template;

    private static PlaceholderFailure TryGetRouteValue(RouteValueDictionary routeValues, string name, out string value)
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
