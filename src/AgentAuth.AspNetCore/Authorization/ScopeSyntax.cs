using System.Buffers;

namespace AgentAuth.AspNetCore;

/// <summary>Why a string is not an <c>action:resource:identifier</c> scope.</summary>
internal enum ScopeSyntaxError
{
    None,
    Empty,
    InvalidCharacter,
    TooFewParts,
    EmptyAction,
    EmptyResource,
    EmptyIdentifier,
}

/// <summary>
/// The scope grammar shared by <see cref="Scope"/>, compiled patterns and the claim check: RFC 6749 §3.3
/// scope-token characters (printable ASCII except space, <c>"</c> and <c>\</c>), split at the first two
/// colons (AgentWrit's <c>SplitN(s, ":", 3)</c>), three non-empty parts.
/// </summary>
internal static class ScopeSyntax
{
    /// <summary>RFC 6749 NQCHAR: %x21 / %x23-5B / %x5D-7E.</summary>
    internal static readonly SearchValues<char> ScopeChars = SearchValues.Create(BuildScopeChars(allowColon: true));

    /// <summary>What a resolved route placeholder may contain: scope characters without <c>:</c>.</summary>
    internal static readonly SearchValues<char> PlaceholderValueChars = SearchValues.Create(BuildScopeChars(allowColon: false));

    /// <summary>What a placeholder name may contain (a route parameter name).</summary>
    internal static readonly SearchValues<char> PlaceholderNameChars =
        SearchValues.Create("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789_-.");

    /// <summary>Splits <paramref name="value"/> into its three parts without allocating.</summary>
    /// <param name="value">The candidate scope.</param>
    /// <param name="actionEnd">Index of the first colon (the action is <c>[0, actionEnd)</c>).</param>
    /// <param name="resourceEnd">Index of the second colon (the identifier starts after it).</param>
    internal static ScopeSyntaxError TrySplit(ReadOnlySpan<char> value, out int actionEnd, out int resourceEnd)
    {
        actionEnd = -1;
        resourceEnd = -1;
        if (value.IsEmpty)
        {
            return ScopeSyntaxError.Empty;
        }
        if (value.ContainsAnyExcept(ScopeChars))
        {
            return ScopeSyntaxError.InvalidCharacter;
        }
        var first = value.IndexOf(':');
        if (first < 0)
        {
            return ScopeSyntaxError.TooFewParts;
        }
        var second = value[(first + 1)..].IndexOf(':');
        if (second < 0)
        {
            return ScopeSyntaxError.TooFewParts;
        }
        second += first + 1;
        if (first == 0)
        {
            return ScopeSyntaxError.EmptyAction;
        }
        if (second == first + 1)
        {
            return ScopeSyntaxError.EmptyResource;
        }
        if (second == value.Length - 1)
        {
            return ScopeSyntaxError.EmptyIdentifier;
        }
        actionEnd = first;
        resourceEnd = second;
        return ScopeSyntaxError.None;
    }

    /// <summary>A short, developer-facing reason for <paramref name="error"/>.</summary>
    internal static string Describe(ScopeSyntaxError error) => error switch
    {
        ScopeSyntaxError.Empty => "it is empty",
        ScopeSyntaxError.InvalidCharacter => "it contains a character outside the RFC 6749 scope-token set (printable ASCII except space, '\"' and '\\')",
        ScopeSyntaxError.TooFewParts => "it does not have three ':'-separated parts",
        ScopeSyntaxError.EmptyAction => "the action is empty",
        ScopeSyntaxError.EmptyResource => "the resource is empty",
        ScopeSyntaxError.EmptyIdentifier => "the identifier is empty",
        _ => "it is valid",
    };

    private static string BuildScopeChars(bool allowColon)
    {
        var chars = new List<char>(94);
        for (var c = (char)0x21; c <= (char)0x7E; c++)
        {
            if (c is '"' or '\\' || (!allowColon && c == ':'))
            {
                continue;
            }
            chars.Add(c);
        }
        return new string(chars.ToArray());
    }
}
