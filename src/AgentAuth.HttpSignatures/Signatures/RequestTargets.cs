namespace AgentAuth.HttpSignatures;

/// <summary>Splits a raw request target (RFC 9112 §3.2 forms) into path and query without decoding anything.</summary>
internal static class RequestTargets
{
    public static bool IsOriginForm(ReadOnlySpan<char> target) => !target.IsEmpty && target[0] == '/';

    public static bool IsAbsoluteForm(ReadOnlySpan<char> target)
    {
        var colon = target.IndexOf("://", StringComparison.Ordinal);
        return colon > 0 && target[0] != '/' && !target[..colon].ContainsAny("/?#");
    }

    /// <summary>
    /// Path (may be empty: the caller writes <c>/</c>) and query (without <c>?</c>, empty when absent) of an origin-form
    /// or absolute-form target. Authority-form and asterisk-form have neither and return false.
    /// </summary>
    public static bool TrySplit(ReadOnlySpan<char> target, out ReadOnlySpan<char> path, out ReadOnlySpan<char> query, out bool hasQuery)
    {
        path = default;
        query = default;
        hasQuery = false;
        if (IsAbsoluteForm(target))
        {
            var afterScheme = target[(target.IndexOf("://", StringComparison.Ordinal) + 3)..];
            var pathStart = afterScheme.IndexOfAny('/', '?');
            target = pathStart < 0 ? ReadOnlySpan<char>.Empty : afterScheme[pathStart..];
        }
        else if (!IsOriginForm(target))
        {
            return false;
        }
        var fragment = target.IndexOf('#');
        if (fragment >= 0)
        {
            target = target[..fragment];
        }
        var q = target.IndexOf('?');
        if (q < 0)
        {
            path = target;
            return true;
        }
        path = target[..q];
        query = target[(q + 1)..];
        hasQuery = true;
        return true;
    }
}
