using System.Collections.Concurrent;

namespace AgentAuth.HttpSignatures;

/// <summary>
/// Maps component names read from a <c>Signature-Input</c> span to strings without allocating: derived
/// component names and common field names are constants; other field names go through a bounded intern
/// cache so a steady stream of the same custom field does not allocate either, while hostile input cannot
/// grow memory without bound.
/// </summary>
internal static class ComponentNames
{
    public const string Method = "@method";
    public const string TargetUri = "@target-uri";
    public const string Authority = "@authority";
    public const string Scheme = "@scheme";
    public const string RequestTarget = "@request-target";
    public const string Path = "@path";
    public const string Query = "@query";
    public const string QueryParam = "@query-param";
    public const string Status = "@status";
    public const string SignatureParams = "@signature-params";

    private const int MaxCachedNames = 256;

    private static readonly string[] s_commonFields =
    [
        "accept", "accept-encoding", "accept-language", "authorization", "cache-control", "client-cert",
        "content-digest", "content-encoding", "content-length", "content-type", "cookie", "date", "digest",
        "dpop", "etag", "expires", "forwarded", "host", "if-match", "if-none-match", "idempotency-key",
        "last-modified", "location", "origin", "referer", "repr-digest", "signature", "signature-agent",
        "signature-input", "signature-key", "trailer", "traceparent", "user-agent", "x-request-id",
    ];

    private static readonly ConcurrentDictionary<string, string> s_cache = Create();
    private static readonly ConcurrentDictionary<string, string>.AlternateLookup<ReadOnlySpan<char>> s_lookup =
        s_cache.GetAlternateLookup<ReadOnlySpan<char>>();

    private static ConcurrentDictionary<string, string> Create()
    {
        var cache = new ConcurrentDictionary<string, string>(StringComparer.Ordinal);
        foreach (var name in s_commonFields)
        {
            cache[name] = name;
        }
        return cache;
    }

    /// <summary>The derived component for <paramref name="name"/> (which starts with '@'), or <see cref="DerivedComponent.None"/>.</summary>
    public static DerivedComponent ParseDerived(ReadOnlySpan<char> name) => name switch
    {
        Method => DerivedComponent.Method,
        TargetUri => DerivedComponent.TargetUri,
        Authority => DerivedComponent.Authority,
        Scheme => DerivedComponent.Scheme,
        RequestTarget => DerivedComponent.RequestTarget,
        Path => DerivedComponent.Path,
        Query => DerivedComponent.Query,
        QueryParam => DerivedComponent.QueryParam,
        Status => DerivedComponent.Status,
        SignatureParams => DerivedComponent.SignatureParams,
        _ => DerivedComponent.None,
    };

    public static string NameOf(DerivedComponent derived) => derived switch
    {
        DerivedComponent.Method => Method,
        DerivedComponent.TargetUri => TargetUri,
        DerivedComponent.Authority => Authority,
        DerivedComponent.Scheme => Scheme,
        DerivedComponent.RequestTarget => RequestTarget,
        DerivedComponent.Path => Path,
        DerivedComponent.Query => Query,
        DerivedComponent.QueryParam => QueryParam,
        DerivedComponent.Status => Status,
        DerivedComponent.SignatureParams => SignatureParams,
        _ => throw new ArgumentOutOfRangeException(nameof(derived)),
    };

    /// <summary>A string equal to <paramref name="fieldName"/>, shared when the name is common or already seen.</summary>
    public static string InternField(ReadOnlySpan<char> fieldName)
    {
        if (s_lookup.TryGetValue(fieldName, out var interned))
        {
            return interned;
        }
        var name = fieldName.ToString();
        if (s_cache.Count < MaxCachedNames)
        {
            s_cache.TryAdd(name, name);
        }
        return name;
    }

    /// <summary>Whether <paramref name="name"/> is a lowercase RFC 9110 token (a field name as a component identifier needs it).</summary>
    public static bool IsLowercaseFieldName(ReadOnlySpan<char> name)
    {
        if (name.IsEmpty)
        {
            return false;
        }
        foreach (var c in name)
        {
            var ok = c is (>= 'a' and <= 'z') or (>= '0' and <= '9')
                or '!' or '#' or '$' or '%' or '&' or '\'' or '*' or '+' or '-' or '.' or '^' or '_' or '`' or '|' or '~';
            if (!ok)
            {
                return false;
            }
        }
        return true;
    }
}
