using System.Collections.Concurrent;
using System.Diagnostics.CodeAnalysis;
using System.Net;
using AgentAuth.HttpSignatures.Cryptography;

namespace AgentAuth.AspNetCore;

/// <summary>
/// Key sets a request can make the server fetch (AAuth agent metadata and JWKS, Web Bot Auth key directories), under one
/// <see cref="KeyDiscoveryOptions"/> policy: the origin must be allowed, the fetch is HTTPS only through the discovery
/// backchannel (no redirects, public addresses only unless <see cref="KeyDiscoveryOptions.AllowPrivateNetworks"/>, the
/// size and time limits of <see cref="AgentAuthOptions.Jwks"/>), and each document URL gets one
/// <see cref="JwksCache{TKey}"/> (rotation, single-flight, last-known-good), at most
/// <see cref="KeyDiscoveryOptions.MaxCachedKeySets"/> of them, the least recently used dropped first.
/// </summary>
internal sealed class KeyDiscovery
{
    private readonly HashSet<string> _exactOrigins = new(StringComparer.Ordinal);
    private readonly List<(string Suffix, int Port)> _wildcards = [];
    private readonly bool _anyHttpsOrigin;
    private readonly bool _allowPrivateNetworks;
    private readonly int _maxCached;
    private readonly BackchannelDocumentReader _reader;
    private readonly Func<RemoteKeySource, JwksCache<SignatureKey>> _createCache;
    private readonly ConcurrentDictionary<string, Entry> _caches = new(StringComparer.Ordinal);
    private readonly Lock _addGate = new();
    private long _clock;

    public KeyDiscovery(KeyDiscoveryOptions options, BackchannelDocumentReader reader, Func<RemoteKeySource, JwksCache<SignatureKey>> createCache)
    {
        foreach (var configured in options.AllowedOrigins)
        {
            // Validated at startup (KeyOptionsValidation.ValidateDiscovery); an entry that still does not parse allows nothing.
            if (TryParseAllowedOrigin(configured, out var origin, out var wildcardSuffix, out var port))
            {
                if (wildcardSuffix is null)
                {
                    _exactOrigins.Add(origin!);
                }
                else
                {
                    _wildcards.Add((wildcardSuffix, port));
                }
            }
        }
        _anyHttpsOrigin = options.AllowAnyHttpsOrigin;
        _allowPrivateNetworks = options.AllowPrivateNetworks;
        _maxCached = Math.Max(1, options.MaxCachedKeySets);
        _reader = reader;
        _createCache = createCache;
    }

    /// <summary>How many key sets are cached now (for tests and metrics).</summary>
    public int CachedKeySets => _caches.Count;

    /// <summary>
    /// The canonical origin (<c>https://host</c> or <c>https://host:port</c>; host lower-case, IDN as punycode, port 443
    /// omitted) of an untrusted value; <see langword="false"/> for anything that is not an HTTPS origin (a path other than
    /// <c>/</c>, a query, a fragment, user information, another scheme). Never throws.
    /// </summary>
    public static bool TryParseOrigin(ReadOnlySpan<char> value, [NotNullWhen(true)] out string? origin)
    {
        origin = null;
        // An origin is short; refusing long values up front bounds the work an attacker can ask for.
        if (value.Length is 0 or > 2048 || !value.StartsWith("https://", StringComparison.OrdinalIgnoreCase) || value.ContainsAny(" \t\r\n\\"))
        {
            return false;
        }
        if (!Uri.TryCreate(value.ToString(), UriKind.Absolute, out var uri)
            || uri.Scheme != Uri.UriSchemeHttps
            || uri.UserInfo.Length != 0
            || uri.Query.Length != 0
            || uri.Fragment.Length != 0
            || uri.AbsolutePath != "/"
            || value.EndsWith("/.") || value.Contains("/..", StringComparison.Ordinal)
            || uri.IdnHost.Length == 0)
        {
            return false;
        }
        // "https://host/" is accepted (a trailing slash names the same origin); "https://host/x" is not.
        var authorityEnd = value.Slice(8).IndexOf('/');
        if (authorityEnd >= 0 && authorityEnd + 9 != value.Length)
        {
            return false;
        }
        var host = uri.IdnHost.ToLowerInvariant();
        if (uri.HostNameType == UriHostNameType.IPv6 && !host.StartsWith('['))
        {
            host = string.Concat("[", host, "]");
        }
        origin = uri.IsDefaultPort ? string.Concat("https://", host) : string.Concat("https://", host, ":", uri.Port.ToString(System.Globalization.CultureInfo.InvariantCulture));
        return true;
    }

    /// <summary>Whether the policy allows fetching from <paramref name="origin"/> (a value from <see cref="TryParseOrigin"/>).</summary>
    public bool IsAllowed(string origin)
    {
        if (!TrySplit(origin, out var host, out var port))
        {
            return false;
        }
        if (!_allowPrivateNetworks && (NetworkAddresses.IsLocalName(host) || (IPAddress.TryParse(host, out var literal) && !NetworkAddresses.IsPublic(literal))))
        {
            return false;
        }
        if (_anyHttpsOrigin || _exactOrigins.Contains(origin))
        {
            return true;
        }
        foreach (var (suffix, wildcardPort) in _wildcards)
        {
            // "*.agents.example" allows "a.agents.example" and "a.b.agents.example", not "agents.example" or "xagents.example".
            if (wildcardPort == port && host.Length > suffix.Length && host.EndsWith(suffix, StringComparison.Ordinal))
            {
                return true;
            }
        }
        return false;
    }

    /// <summary>
    /// Finds <paramref name="keyId"/> in the key set cached under <paramref name="cacheKey"/> (the document URL), creating
    /// its cache on first use with the source <paramref name="createSource"/> returns. The caller has checked the origin
    /// with <see cref="IsAllowed"/>.
    /// </summary>
    public ValueTask<KeySetLookup<SignatureKey>> FindAsync(string cacheKey, Func<BackchannelDocumentReader, RemoteKeySource> createSource,
        string keyId, bool matchThumbprints, CancellationToken cancellationToken)
    {
        var entry = _caches.TryGetValue(cacheKey, out var found) ? found : Add(cacheKey, createSource);
        Volatile.Write(ref entry.LastUse, Interlocked.Increment(ref _clock));
        return entry.Cache.FindAsync(keyId, matchThumbprints, cancellationToken);
    }

    private Entry Add(string cacheKey, Func<BackchannelDocumentReader, RemoteKeySource> createSource)
    {
        lock (_addGate)
        {
            if (_caches.TryGetValue(cacheKey, out var existing))
            {
                return existing;
            }
            if (_caches.Count >= _maxCached)
            {
                EvictLeastRecentlyUsed();
            }
            var entry = new Entry(_createCache(createSource(_reader)));
            _caches[cacheKey] = entry;
            return entry;
        }
    }

    // O(n) over at most MaxCachedKeySets entries, only when a new document URL arrives (which costs a fetch anyway).
    private void EvictLeastRecentlyUsed()
    {
        string? oldest = null;
        var oldestUse = long.MaxValue;
        foreach (var (key, entry) in _caches)
        {
            var lastUse = Volatile.Read(ref entry.LastUse);
            if (lastUse < oldestUse)
            {
                oldestUse = lastUse;
                oldest = key;
            }
        }
        if (oldest is not null)
        {
            _caches.TryRemove(oldest, out _);
        }
    }

    /// <summary>Parses a configured origin: an exact origin, or <c>https://*.domain[:port]</c>. Used by startup validation too.</summary>
    internal static bool TryParseAllowedOrigin(string configured, out string? origin, out string? wildcardSuffix, out int port)
    {
        wildcardSuffix = null;
        port = 443;
        if (configured.StartsWith("https://*.", StringComparison.OrdinalIgnoreCase))
        {
            // Parse the domain part as an origin, then keep ".domain" as the suffix to match.
            if (!TryParseOrigin(string.Concat("https://", configured.AsSpan(10)), out origin) || !TrySplit(origin, out var domain, out port)
                || IPAddress.TryParse(domain, out _))
            {
                origin = null;
                return false;
            }
            wildcardSuffix = string.Concat(".", domain);
            return true;
        }
        return TryParseOrigin(configured, out origin) && TrySplit(origin, out _, out port);
    }

    private static bool TrySplit(string origin, out string host, out int port)
    {
        var authority = origin.AsSpan(8);
        ReadOnlySpan<char> hostPart;
        ReadOnlySpan<char> rest;
        if (authority.StartsWith('['))
        {
            // An IPv6 literal: the port, if any, follows the closing bracket.
            var close = authority.IndexOf(']');
            if (close < 0)
            {
                (host, port) = (string.Empty, 0);
                return false;
            }
            hostPart = authority[1..close];
            rest = authority[(close + 1)..];
        }
        else
        {
            var colon = authority.IndexOf(':');
            hostPart = colon < 0 ? authority : authority[..colon];
            rest = colon < 0 ? [] : authority[colon..];
        }
        port = 443;
        if (rest.Length != 0 && (rest[0] != ':' || !int.TryParse(rest[1..], System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out port)))
        {
            host = string.Empty;
            return false;
        }
        host = hostPart.ToString();
        return host.Length != 0;
    }

    private sealed class Entry(JwksCache<SignatureKey> cache)
    {
        public readonly JwksCache<SignatureKey> Cache = cache;
        public long LastUse;
    }
}
