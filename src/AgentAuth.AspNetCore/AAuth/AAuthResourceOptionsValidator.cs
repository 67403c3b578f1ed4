using AgentAuth.HttpSignatures;

namespace AgentAuth.AspNetCore;

/// <summary>Startup validation of <see cref="AAuthResourceOptions"/>; called by <see cref="AgentAuthOptionsValidator"/>, every message naming the option.</summary>
internal static class AAuthResourceOptionsValidator
{
    private const string Prefix = nameof(AgentAuthOptions) + ".AAuth.Resource.";

    private static readonly System.Buffers.SearchValues<char> s_pathForbidden = System.Buffers.SearchValues.Create("?#{}* \"\\");

    /// <summary>The <c>requirement</c> values a resource may send on a 401 (draft-hardt-oauth-aauth-protocol, "Requirement Values").</summary>
    internal static readonly string[] Requirements = [AAuthResource.AgentTokenRequirement, AAuthResource.PersonTokenRequirement, AAuthResource.AuthTokenRequirement];

    public static void Validate(AgentAuthOptions options, List<string> errors)
    {
        var resource = options.AAuth.Resource;
        if (!resource.Enabled)
        {
            return;
        }
        if (string.IsNullOrEmpty(resource.Issuer))
        {
            errors.Add(Prefix + "Issuer must be set to the resource's https identifier (for example https://resource.example) when Enabled is true.");
        }
        else if (!IsServerIdentifier(resource.Issuer))
        {
            errors.Add(Prefix + "Issuer '" + resource.Issuer + "' must be an AAuth server identifier: https:// and a lowercase host only (no port, path, query, fragment or trailing slash).");
        }
        if (resource.AccessServer is not null && !IsServerIdentifier(resource.AccessServer))
        {
            errors.Add(Prefix + "AccessServer '" + resource.AccessServer + "' must be an AAuth server identifier: https:// and a lowercase host only.");
        }
        if (resource.Requirement is not null && Array.IndexOf(Requirements, resource.Requirement) < 0)
        {
            errors.Add(Prefix + "Requirement '" + resource.Requirement + "' must be one of " + string.Join(", ", Requirements) + " (or unset).");
        }

        var signing = AAuthResourceKey.SourceCount(resource.SigningKey) > 0;
        var keyIds = new List<string>();
        if (signing)
        {
            CheckKey(resource.SigningKey, "SigningKey", requirePrivate: true, keyIds, errors);
        }
        else if (resource.Requirement == AAuthResource.AuthTokenRequirement)
        {
            errors.Add(Prefix + "Requirement is auth-token, which needs resource tokens: set SigningKey.Jwk, SigningKey.Pem or SigningKey.File.");
        }
        for (var i = 0; i < resource.PreviousKeys.Count; i++)
        {
            CheckKey(resource.PreviousKeys[i], "PreviousKeys[" + i + "]", requirePrivate: false, keyIds, errors);
        }
        if (resource.PreviousKeys.Count > 0 && !signing)
        {
            errors.Add(Prefix + "PreviousKeys is set but SigningKey is not: previous keys are published next to the current signing key.");
        }

        if (resource.ResourceTokenLifetime <= TimeSpan.Zero || resource.ResourceTokenLifetime > AAuthResourceOptions.MaxResourceTokenLifetime)
        {
            errors.Add(Prefix + "ResourceTokenLifetime must be more than 0 and at most 5 minutes.");
        }
        if (string.IsNullOrEmpty(resource.JwksPath) || resource.JwksPath[0] != '/' || resource.JwksPath.AsSpan().IndexOfAny(s_pathForbidden) >= 0
            || resource.JwksPath.AsSpan().ContainsAnyExceptInRange((char)0x21, (char)0x7e))
        {
            errors.Add(Prefix + "JwksPath '" + resource.JwksPath + "' must be an absolute path such as /.well-known/jwks.json (no query, fragment, braces or spaces).");
        }
        if (resource.AccessMode is not null && !IsToken(resource.AccessMode))
        {
            errors.Add(Prefix + "AccessMode '" + resource.AccessMode + "' must be a token such as agent-token, person-token, session-token or auth-token.");
        }
        CheckHttpsUrl(resource.LogoUri, "LogoUri", endpoint: false, errors);
        CheckHttpsUrl(resource.LogoDarkUri, "LogoDarkUri", endpoint: false, errors);
        CheckHttpsUrl(resource.DocumentationUri, "DocumentationUri", endpoint: false, errors);
        CheckHttpsUrl(resource.TosUri, "TosUri", endpoint: false, errors);
        CheckHttpsUrl(resource.PolicyUri, "PolicyUri", endpoint: false, errors);
        CheckHttpsUrl(resource.AuthorizationEndpoint, "AuthorizationEndpoint", endpoint: true, errors);
        foreach (var scope in resource.ScopeDescriptions.Keys)
        {
            if (string.IsNullOrEmpty(scope) || scope.AsSpan().ContainsAnyExcept(ScopeSyntax.ScopeChars))
            {
                errors.Add(Prefix + "ScopeDescriptions key '" + scope + "' is not an RFC 6749 scope token.");
            }
        }
        if (resource.CacheDuration < TimeSpan.Zero)
        {
            errors.Add(Prefix + "CacheDuration must not be negative.");
        }
    }

    private static void CheckKey(AAuthResourceKeyOptions key, string name, bool requirePrivate, List<string> keyIds, List<string> errors)
    {
        using var loaded = AAuthResourceKey.TryLoad(key, requirePrivate, out var error);
        if (loaded is null)
        {
            errors.Add(Prefix + name + " " + error);
            return;
        }
        if (keyIds.Contains(loaded.KeyId))
        {
            errors.Add(Prefix + name + " has the key id '" + loaded.KeyId + "' of another configured key; set KeyId so every published key has its own.");
        }
        else if (loaded.KeyId.Length == 0 || !IsToken(loaded.KeyId))
        {
            errors.Add(Prefix + name + ".KeyId must be printable ASCII without spaces, quotes or backslashes.");
        }
        keyIds.Add(loaded.KeyId);
    }

    private static void CheckHttpsUrl(string? value, string name, bool endpoint, List<string> errors)
    {
        if (value is null)
        {
            return;
        }
        if (!Uri.TryCreate(value, UriKind.Absolute, out var uri) || uri.Scheme != Uri.UriSchemeHttps || value.AsSpan().ContainsAnyExcept(ScopeSyntax.ScopeChars))
        {
            errors.Add(Prefix + name + " '" + value + "' must be an absolute https URL without spaces or quotes.");
        }
        else if (endpoint && (uri.Query.Length > 0 || value.Contains('#', StringComparison.Ordinal)))
        {
            errors.Add(Prefix + name + " '" + value + "' must not have a query or fragment.");
        }
    }

    /// <summary>
    /// An AAuth server identifier ("Server Identifiers"): <c>https://</c>, then a lowercase ASCII host (A-labels for IDNs),
    /// and nothing else: no port, path, query, fragment or trailing slash. Compared byte for byte, so no normalization.
    /// </summary>
    internal static bool IsServerIdentifier(string value)
    {
        const string prefix = "https://";
        if (!value.StartsWith(prefix, StringComparison.Ordinal) || value.Length == prefix.Length)
        {
            return false;
        }
        var host = value.AsSpan(prefix.Length);
        foreach (var c in host)
        {
            if (!(c is >= 'a' and <= 'z' or >= '0' and <= '9' or '-' or '.'))
            {
                return false;
            }
        }
        return host[0] != '.' && host[^1] != '.' && Uri.CheckHostName(host.ToString()) == UriHostNameType.Dns;
    }

    private static bool IsToken(string value) => value.Length > 0 && !value.AsSpan().ContainsAnyExcept(ScopeSyntax.ScopeChars);
}
