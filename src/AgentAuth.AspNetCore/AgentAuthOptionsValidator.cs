using AgentAuth.HttpSignatures;
using AgentAuth.HttpSignatures.Cryptography;
using Microsoft.Extensions.Options;

namespace AgentAuth.AspNetCore;

/// <summary>
/// Validates a scheme's options at startup (<c>ValidateOnStart</c>), so a misconfiguration stops the app with a message that
/// names the option to set instead of surfacing as failed requests.
/// </summary>
internal sealed class AgentAuthOptionsValidator : IValidateOptions<AgentAuthOptions>
{
    /// <summary>The names of the RFC 9421 §6.2 registry, for messages (the check itself is <see cref="HttpSignatureAlgorithms.Find"/>).</summary>
    private static readonly string s_algorithmNames = string.Join(", ",
        [.. AgentAuthPostConfigureOptions.DefaultSignatureAlgorithms, HttpSignatureAlgorithms.HmacSha256]);

    public ValidateOptionsResult Validate(string? name, AgentAuthOptions options)
    {
        var errors = new List<string>();
        var prefix = nameof(AgentAuthOptions) + ".";

        ValidateModes(options, prefix, errors);
        ValidateSignatures(options.Signatures, prefix, errors);
        ValidateWebBotAuth(options.WebBotAuth, prefix, errors);
        if (options.MaxTokenLength < 256)
        {
            errors.Add(prefix + "MaxTokenLength must be at least 256 characters.");
        }
        ValidateScopeClaims(options, prefix, errors);
        KeyOptionsValidation.Validate(options, errors);
        options.DPoP.Validate(errors);
        ValidateAAuth(options, prefix + "AAuth.", errors);

        AAuthResourceOptionsValidator.Validate(options, errors);
        LumoAuthOptionsValidation.Validate(options, errors);

        return errors.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(errors);
    }

    /// <summary>AAuth Signature-Key schemes: supported fully specified algorithms, a positive key cache, issuers for the jwt scheme.</summary>
    private static void ValidateAAuth(AgentAuthOptions options, string prefix, List<string> errors)
    {
        var aauth = options.AAuth;
        foreach (var algorithm in aauth.Algorithms)
        {
            if (!AAuthAcceptance.SupportedAlgorithms.ContainsKey(algorithm))
            {
                errors.Add(prefix + "Algorithms contains '" + algorithm + "'; supported fully specified algorithms are "
                    + string.Join(", ", AAuthAcceptance.SupportedAlgorithms.Keys) + " (EdDSA is not fully specified, symmetric algorithms are never accepted).");
            }
        }
        if (aauth.InlineKeyCacheSize < 1)
        {
            errors.Add(prefix + "InlineKeyCacheSize must be at least 1.");
        }
        if (aauth.AllowJwt && options.Issuers.Count == 0 && !aauth.DiscoverAgentTokenIssuers)
        {
            errors.Add(prefix + "AllowJwt is true but Issuers is empty: the jwt scheme accepts agent and auth tokens only from configured issuers.");
        }
        if (aauth.AllowJwksUri && aauth.Discovery.AllowedOrigins.Count == 0 && !aauth.Discovery.AllowAnyHttpsOrigin)
        {
            errors.Add(prefix + "AllowJwksUri is true but Discovery allows no origin: add Discovery.AllowedOrigins or set Discovery.AllowAnyHttpsOrigin.");
        }
        if (aauth.DiscoverAgentTokenIssuers && !aauth.AllowJwt)
        {
            errors.Add(prefix + "DiscoverAgentTokenIssuers is true but AllowJwt is false: agent tokens arrive only through the jwt scheme.");
        }
        if (aauth.DiscoverAgentTokenIssuers && aauth.Discovery.AllowedOrigins.Count == 0 && !aauth.Discovery.AllowAnyHttpsOrigin)
        {
            errors.Add(prefix + "DiscoverAgentTokenIssuers is true but Discovery allows no origin: add Discovery.AllowedOrigins or set Discovery.AllowAnyHttpsOrigin.");
        }
        if (aauth.AllowJwks && aauth.Discovery.AllowedOrigins.Count == 0 && !aauth.Discovery.AllowAnyHttpsOrigin)
        {
            errors.Add(prefix + "AllowJwks is true but Discovery allows no origin: add Discovery.AllowedOrigins or set Discovery.AllowAnyHttpsOrigin.");
        }
    }

    /// <summary>The claims scopes are read from: at least one, each a non-empty claim name without spaces.</summary>
    private static void ValidateScopeClaims(AgentAuthOptions options, string prefix, List<string> errors)
    {
        if (options.ScopeClaims.Count == 0)
        {
            errors.Add(prefix + "ScopeClaims is empty, so no token could ever grant a scope: keep the defaults (scope, scp) or name the claim your issuer uses.");
        }
        foreach (var claim in options.ScopeClaims)
        {
            if (string.IsNullOrWhiteSpace(claim) || claim.Contains(' ', StringComparison.Ordinal))
            {
                errors.Add(prefix + $"ScopeClaims entry '{claim}' is not a claim name (empty or contains a space).");
            }
            else if (AgentAuthClaimTypes.IsSchemeAsserted(claim) || claim is "act" or "cnf")
            {
                errors.Add(prefix + $"ScopeClaims entry '{claim}' names a claim the scheme reserves; pick the claim your issuer puts scopes in (scope, scp, scopes).");
            }
        }
    }

    /// <summary>Which credential modes can work: issuers, agent keys, bound-token schemes, clock skew, public origin.</summary>
    private static void ValidateModes(AgentAuthOptions options, string prefix, List<string> errors)
    {
        var hasAgentKeys = options.AgentKeys.JsonWebKeySet is not null || options.AgentKeys.JwksFile is not null || options.AgentKeys.JwksUri is not null;
        if (!options.AllowSignatureOnly && options.Issuers.Count == 0 && !options.WebBotAuth.Enabled)
        {
            errors.Add(prefix + "Issuers is empty and AllowSignatureOnly is false, so no request could ever authenticate: add an issuer or set AllowSignatureOnly = true.");
        }
        if (options.AllowSignatureOnly && !hasAgentKeys && options.Issuers.Count == 0 && !options.AAuth.AnySchemeEnabled && !options.WebBotAuth.Enabled)
        {
            errors.Add(prefix + "AgentKeys has no key source (set AgentKeys.JsonWebKeySet, AgentKeys.JwksFile or AgentKeys.JwksUri) and no Issuers are configured.");
        }
        if (options.AllowBearerTokens && options.Issuers.Count == 0)
        {
            errors.Add(prefix + "AllowBearerTokens is true but Issuers is empty: add the issuer whose bearer tokens you accept.");
        }
        if (options.ClockSkew < TimeSpan.Zero || options.ClockSkew > TimeSpan.FromMinutes(10))
        {
            errors.Add(prefix + "ClockSkew must be between 0 and 10 minutes.");
        }
        if (options.PublicOrigin is not null && !PublicOrigin.TryParse(options.PublicOrigin, out _))
        {
            errors.Add(prefix + "PublicOrigin must be an absolute http(s) origin such as https://api.example.com (no path, query or fragment).");
        }
        foreach (var scheme in options.BoundTokenSchemes)
        {
            if (string.IsNullOrWhiteSpace(scheme) || scheme.Contains(' ', StringComparison.Ordinal) || string.Equals(scheme, "DPoP", StringComparison.OrdinalIgnoreCase))
            {
                errors.Add(prefix + "BoundTokenSchemes entries must be single tokens other than DPoP (got '" + scheme + "').");
            }
        }
    }

    /// <summary>Web Bot Auth: a bounded signature lifetime and at least one directory origin when on.</summary>
    private static void ValidateWebBotAuth(WebBotAuthOptions webBots, string prefix, List<string> errors)
    {
        if (webBots.MaxValidity <= TimeSpan.Zero || webBots.MaxValidity > WebBotAuthOptions.MaxValidityLimit)
        {
            errors.Add(prefix + "WebBotAuth.MaxValidity must be positive and at most 24 hours.");
        }
        KeyOptionsValidation.ValidateDiscovery(webBots.Directories, prefix + "WebBotAuth.Directories", errors);
        if (webBots.Enabled && webBots.Directories.AllowedOrigins.Count == 0 && !webBots.Directories.AllowAnyHttpsOrigin)
        {
            errors.Add(prefix + "WebBotAuth.Enabled is true but WebBotAuth.Directories allows no origin: list the bot operators' origins in WebBotAuth.Directories.AllowedOrigins, or set WebBotAuth.Directories.AllowAnyHttpsOrigin = true.");
        }
    }

    /// <summary>The signature policy: window, body size, parser limits, algorithm names and required components.</summary>
    private static void ValidateSignatures(HttpSignaturePolicyOptions signatures, string prefix, List<string> errors)
    {
        if (signatures.MaxAge <= TimeSpan.Zero)
        {
            errors.Add(prefix + "Signatures.MaxAge must be positive.");
        }
        else if (signatures.MaxAge > HttpSignaturePolicyOptions.MaxAgeLimit && !signatures.AllowLongMaxAge)
        {
            errors.Add(prefix + "Signatures.MaxAge is " + signatures.MaxAge.ToString("c", System.Globalization.CultureInfo.InvariantCulture)
                + ", above the 1 hour limit: a signature without a nonce could be replayed that long. Lower it, or set Signatures.AllowLongMaxAge = true (and Signatures.RequireNonce = true).");
        }
        if (signatures.MaxBodyBytes < 0)
        {
            errors.Add(prefix + "Signatures.MaxBodyBytes must not be negative.");
        }
        ValidateLimits(signatures.Limits, prefix, errors);
        foreach (var algorithm in signatures.AllowedAlgorithms)
        {
            if (HttpSignatureAlgorithms.Find(algorithm) is null)
            {
                errors.Add(prefix + "Signatures.AllowedAlgorithms contains '" + algorithm + "', which is not an RFC 9421 algorithm name (" + s_algorithmNames + ").");
            }
        }
        foreach (var component in signatures.RequiredComponents)
        {
            // Plain names only: the challenge's Accept-Signature lists them as they are (RFC 9421 §5.1); a request has no @status.
            if (string.IsNullOrEmpty(component) || component.Contains('"', StringComparison.Ordinal) || component.Contains(';', StringComparison.Ordinal)
                || !SignatureComponent.TryParse(component, out var parsed, out _) || parsed == SignatureComponent.Status)
            {
                errors.Add(prefix + "Signatures.RequiredComponents entries must be lowercase component names such as @method or content-type (got '" + component + "').");
            }
        }
    }

    private static void ValidateLimits(HttpSignatureLimits limits, string prefix, List<string> errors)
    {
        if (limits.MaxSignatures < 1 || limits.MaxComponents < 1 || limits.MaxParameters < 1)
        {
            errors.Add(prefix + "Signatures.Limits.MaxSignatures, MaxComponents and MaxParameters must be at least 1.");
        }
        if (limits.MaxHeaderLength < 16 || limits.MaxSignatureBaseLength < 64)
        {
            errors.Add(prefix + "Signatures.Limits.MaxHeaderLength must be at least 16 and Signatures.Limits.MaxSignatureBaseLength at least 64.");
        }
        if (limits.MaxStructuredFieldLength < 16)
        {
            errors.Add(prefix + "Signatures.Limits.MaxStructuredFieldLength must be at least 16.");
        }
    }
}
