namespace AgentAuth.AspNetCore;

/// <summary>The configured public origin, split once: scheme and authority as clients address the API.</summary>
internal sealed class PublicOrigin
{
    private PublicOrigin(string scheme, string authority)
    {
        Scheme = scheme;
        Authority = authority;
        Origin = string.Concat(scheme, "://", authority);
    }

    /// <summary><c>scheme://authority</c>, as the DPoP <c>htu</c> starts.</summary>
    public string Origin { get; }

    public string Scheme { get; }

    /// <summary>Host and port as configured (the signature base builder lowercases it and drops a default port).</summary>
    public string Authority { get; }

    /// <summary>Parses <c>https://host[:port]</c>; a path, query, fragment or user info is refused.</summary>
    public static bool TryParse(string value, out PublicOrigin? origin)
    {
        origin = null;
        if (!Uri.TryCreate(value, UriKind.Absolute, out var uri)
            || (uri.Scheme != Uri.UriSchemeHttps && uri.Scheme != Uri.UriSchemeHttp)
            || uri.AbsolutePath != "/" || uri.Query.Length != 0 || uri.Fragment.Length != 0 || uri.UserInfo.Length != 0
            || value.TrimEnd('/').Length != uri.GetLeftPart(UriPartial.Authority).Length)
        {
            return false;
        }
        origin = new PublicOrigin(uri.Scheme, uri.IsDefaultPort ? uri.Host : uri.Authority);
        return true;
    }
}
