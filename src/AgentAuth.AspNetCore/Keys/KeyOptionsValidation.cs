using System.Text;
using Microsoft.Extensions.Options;

namespace AgentAuth.AspNetCore;

/// <summary>
/// Startup validation of the key and token options (<see cref="AgentAuthOptions.AgentKeys"/>, <see cref="AgentAuthOptions.Issuers"/>,
/// <see cref="AgentAuthOptions.Audiences"/>, <see cref="AgentAuthOptions.Jwks"/>, the token cache). Each message names the option to set.
/// The scheme's validator calls <see cref="Validate(AgentAuthOptions, List{string})"/>; the class also works on its own.
/// </summary>
internal sealed class KeyOptionsValidation : IValidateOptions<AgentAuthOptions>
{
    private static readonly TimeSpan s_minimumAutomaticRefresh = TimeSpan.FromMinutes(5);
    private static readonly TimeSpan s_minimumRefresh = TimeSpan.FromSeconds(1);

    public ValidateOptionsResult Validate(string? name, AgentAuthOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        var failures = new List<string>();
        Validate(options, failures);
        return failures.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(failures);
    }

    public static void Validate(AgentAuthOptions options, List<string> failures)
    {
        ValidateJwks(options.Jwks, failures);
        ValidateAgentKeys(options, failures);
        ValidateIssuers(options, failures);
        ValidateDiscovery(options.AAuth.Discovery, "AgentAuthOptions.AAuth.Discovery", failures);
        if (options.EnableTokenCache && options.TokenCacheSizeLimit <= 0)
        {
            failures.Add("AgentAuthOptions.TokenCacheSizeLimit must be positive (or set EnableTokenCache = false).");
        }
    }

    /// <summary>Checks one <see cref="KeyDiscoveryOptions"/>: every allowed origin is an HTTPS origin (or <c>https://*.domain</c>) and the cache is bounded.</summary>
    internal static void ValidateDiscovery(KeyDiscoveryOptions discovery, string option, List<string> failures)
    {
        for (var index = 0; index < discovery.AllowedOrigins.Count; index++)
        {
            var configured = discovery.AllowedOrigins[index];
            if (configured is null || !KeyDiscovery.TryParseAllowedOrigin(configured, out _, out _, out _))
            {
                failures.Add($"{option}.AllowedOrigins[{index}] ('{configured}') must be an HTTPS origin such as https://agent.example or https://*.agents.example, with no path, query or user information.");
            }
        }
        if (discovery.MaxCachedKeySets <= 0)
        {
            failures.Add($"{option}.MaxCachedKeySets must be positive.");
        }
    }

    private static void ValidateJwks(JwksCacheOptions jwks, List<string> failures)
    {
        if (jwks.AutomaticRefreshInterval < s_minimumAutomaticRefresh)
        {
            failures.Add("AgentAuthOptions.Jwks.AutomaticRefreshInterval must be at least 5 minutes.");
        }
        if (jwks.RefreshInterval < s_minimumRefresh)
        {
            failures.Add("AgentAuthOptions.Jwks.RefreshInterval must be at least 1 second.");
        }
        if (jwks.MaxResponseBytes < 1024)
        {
            failures.Add("AgentAuthOptions.Jwks.MaxResponseBytes must be at least 1024.");
        }
        if (jwks.MaxKeys < 1)
        {
            failures.Add("AgentAuthOptions.Jwks.MaxKeys must be at least 1.");
        }
        if (jwks.BackchannelTimeout <= TimeSpan.Zero && jwks.BackchannelTimeout != Timeout.InfiniteTimeSpan)
        {
            failures.Add("AgentAuthOptions.Jwks.BackchannelTimeout must be positive.");
        }
    }

    private static void ValidateAgentKeys(AgentAuthOptions options, List<string> failures)
    {
        var agent = options.AgentKeys;
        if (!string.IsNullOrWhiteSpace(agent.JsonWebKeySet))
        {
            ValidateJwks(AgentKeySetParsers.Static, Encoding.UTF8.GetBytes(agent.JsonWebKeySet), options.Jwks.MaxKeys, "AgentAuthOptions.AgentKeys.JsonWebKeySet", failures);
        }
        if (!string.IsNullOrWhiteSpace(agent.JwksFile))
        {
            if (!File.Exists(agent.JwksFile))
            {
                failures.Add($"AgentAuthOptions.AgentKeys.JwksFile names a file that does not exist: {agent.JwksFile}.");
            }
            else
            {
                ValidateJwks(AgentKeySetParsers.Static, File.ReadAllBytes(agent.JwksFile), options.Jwks.MaxKeys, "AgentAuthOptions.AgentKeys.JwksFile", failures);
            }
        }
        if (!string.IsNullOrWhiteSpace(agent.JwksUri))
        {
            ValidateUrl(agent.JwksUri, agent.RequireHttpsMetadata, "AgentAuthOptions.AgentKeys.JwksUri", "AgentAuthOptions.AgentKeys.RequireHttpsMetadata", failures);
        }
    }

    private static void ValidateIssuers(AgentAuthOptions options, List<string> failures)
    {
        IntrospectionOptionsValidation.ValidateOpaqueIssuers(options, failures);
        var seen = new HashSet<string>(StringComparer.Ordinal);
        for (var i = 0; i < options.Issuers.Count; i++)
        {
            var issuer = options.Issuers[i];
            var path = $"AgentAuthOptions.Issuers[{i}]";
            if (issuer is null)
            {
                failures.Add($"{path} must not be null.");
                continue;
            }
            if (string.IsNullOrWhiteSpace(issuer.Issuer))
            {
                failures.Add($"{path}.Issuer is required (the exact 'iss' value of the issuer's tokens).");
            }
            else if (!seen.Add(issuer.Issuer))
            {
                failures.Add($"{path}.Issuer '{issuer.Issuer}' is configured twice; merge the entries.");
            }

            var remote = 0;
            var httpsOption = $"{path}.RequireHttpsMetadata";
            if (!string.IsNullOrWhiteSpace(issuer.Authority))
            {
                remote++;
                ValidateUrl(issuer.Authority, issuer.RequireHttpsMetadata, $"{path}.Authority", httpsOption, failures);
            }
            if (!string.IsNullOrWhiteSpace(issuer.MetadataAddress))
            {
                remote++;
                ValidateUrl(issuer.MetadataAddress, issuer.RequireHttpsMetadata, $"{path}.MetadataAddress", httpsOption, failures);
            }
            if (!string.IsNullOrWhiteSpace(issuer.JwksUri))
            {
                remote++;
                ValidateUrl(issuer.JwksUri, issuer.RequireHttpsMetadata, $"{path}.JwksUri", httpsOption, failures);
            }
            if (remote > 1)
            {
                failures.Add($"{path}: set at most one of Authority, MetadataAddress and JwksUri.");
            }
            var hasInline = !string.IsNullOrWhiteSpace(issuer.JsonWebKeySet);
            if (hasInline)
            {
                ValidateJwks(IssuerKeySetParser.Instance, Encoding.UTF8.GetBytes(issuer.JsonWebKeySet!), options.Jwks.MaxKeys, $"{path}.JsonWebKeySet", failures);
            }
            var hasPem = !string.IsNullOrWhiteSpace(issuer.PublicKeyPem);
            if (hasPem && !IssuerPemKey.TryToJwks(issuer.PublicKeyPem!, out _, out var pemError))
            {
                failures.Add($"{path}.PublicKeyPem is not a usable PEM public key: {pemError}.");
            }
            IntrospectionOptionsValidation.Validate(issuer, path, remote > 0 && string.IsNullOrWhiteSpace(issuer.JwksUri), failures);
            if (remote == 0 && !hasInline && !hasPem && !issuer.Introspection.OpaqueTokens)
            {
                failures.Add($"{path} needs a key source: set Authority, MetadataAddress, JwksUri, JsonWebKeySet or PublicKeyPem (or Introspection.OpaqueTokens for an issuer of opaque tokens only).");
            }

            for (var a = 0; a < issuer.ValidAlgorithms.Count; a++)
            {
                var alg = issuer.ValidAlgorithms[a];
                if (!TokenAlgorithms.IsAsymmetric(alg))
                {
                    failures.Add(alg is not null && (alg.Equals("none", StringComparison.OrdinalIgnoreCase) || alg.StartsWith("HS", StringComparison.OrdinalIgnoreCase))
                        ? $"{path}.ValidAlgorithms[{a}] '{alg}' is never accepted (no 'none', no HMAC)."
                        : $"{path}.ValidAlgorithms[{a}] '{alg}' is not a known algorithm; use EdDSA, Ed25519, ES256, ES384, PS256, PS384, PS512, RS256, RS384 or RS512.");
                }
            }
            for (var t = 0; t < issuer.ValidTypes.Count; t++)
            {
                if (string.IsNullOrWhiteSpace(issuer.ValidTypes[t]) || issuer.ValidTypes[t].Equals("dpop+jwt", StringComparison.OrdinalIgnoreCase))
                {
                    failures.Add($"{path}.ValidTypes[{t}] must be a token type other than dpop+jwt (a DPoP proof is never an access token).");
                }
            }
            if (issuer.Audiences.Count == 0 && options.Audiences.Count == 0)
            {
                failures.Add($"AgentAuthOptions.Audiences (or {path}.Audiences) must name this API's identifier when token issuers are configured.");
            }
        }
    }

    internal static void ValidateUrl(string value, bool requireHttps, string option, string httpsOption, List<string> failures)
    {
        if (!Uri.TryCreate(value, UriKind.Absolute, out var uri) || (uri.Scheme != Uri.UriSchemeHttps && uri.Scheme != Uri.UriSchemeHttp))
        {
            failures.Add($"{option} must be an absolute http(s) URL.");
            return;
        }
        if (requireHttps && uri.Scheme != Uri.UriSchemeHttps)
        {
            failures.Add($"{option} must use https (or set {httpsOption} = false for development).");
        }
    }

    internal static void ValidateJwks<TKey>(IKeySetParser<TKey> parser, byte[] json, int maxKeys, string option, List<string> failures) where TKey : class
    {
        if (!parser.TryParse(json, Math.Max(maxKeys, 1), out var set, out var error))
        {
            failures.Add($"{option} is not a usable JWK Set: {error}.");
        }
        else if (FindCollision(set) is { } collision)
        {
            failures.Add(collision.Describe(option));
        }
    }

    /// <summary>
    /// A configured set whose entry has a <c>kid</c> equal to another key's thumbprint contradicts itself (which key is
    /// meant?), so it is a startup error rather than a skipped key.
    /// </summary>
    internal static KeyIdentifierCollision? FindCollision<TKey>(KeySet<TKey> set) where TKey : class
    {
        foreach (var skipped in set.Skipped)
        {
            if (skipped.Kind == KeySkipKinds.IdentifierCollision)
            {
                return new KeyIdentifierCollision(skipped.Index, skipped.KeyId);
            }
        }
        return null;
    }

    internal sealed record KeyIdentifierCollision(int Index, string? KeyId)
    {
        public string Describe(string option) =>
            $"{option} entry {Index} has the kid '{KeyId}', which is the RFC 7638 thumbprint of another key in the set; give it another kid or remove it.";
    }
}
