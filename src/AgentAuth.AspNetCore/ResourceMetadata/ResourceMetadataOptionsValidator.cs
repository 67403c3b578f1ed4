using Microsoft.Extensions.Options;

namespace AgentAuth.AspNetCore;

/// <summary>Startup validation of <see cref="AgentAuthResourceMetadataOptions"/>; every message names the option to set.</summary>
internal sealed class ResourceMetadataOptionsValidator : IValidateOptions<AgentAuthResourceMetadataOptions>
{
    private const string Name = nameof(AgentAuthResourceMetadataOptions);

    public ValidateOptionsResult Validate(string? name, AgentAuthResourceMetadataOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        var failures = new List<string>();
        if (string.IsNullOrEmpty(options.Resource))
        {
            failures.Add($"{Name}.Resource must be set to the absolute https URI that identifies this API.");
        }
        else if (CheckUrl(options.Resource, options.RequireHttps) is { } problem)
        {
            failures.Add($"{Name}.Resource '{options.Resource}' {problem}");
        }
        else if (new Uri(options.Resource).AbsolutePath.AsSpan().IndexOfAny("{}*%") >= 0)
        {
            failures.Add($"{Name}.Resource '{options.Resource}' must not contain '{{', '}}', '*' or '%' in its path.");
        }
        foreach (var server in options.AuthorizationServers)
        {
            if (CheckUrl(server, options.RequireHttps) is { } problem)
            {
                failures.Add($"{Name}.AuthorizationServers entry '{server}' {problem}");
            }
        }
        CheckOptionalUrl(failures, nameof(options.JwksUri), options.JwksUri, options.RequireHttps);
        CheckOptionalUrl(failures, nameof(options.ResourceDocumentation), options.ResourceDocumentation, options.RequireHttps);
        CheckOptionalUrl(failures, nameof(options.ResourcePolicyUri), options.ResourcePolicyUri, options.RequireHttps);
        CheckOptionalUrl(failures, nameof(options.ResourceTosUri), options.ResourceTosUri, options.RequireHttps);
        foreach (var scope in options.ScopesSupported)
        {
            if (string.IsNullOrEmpty(scope) || scope.AsSpan().ContainsAnyExcept(ScopeSyntax.ScopeChars))
            {
                failures.Add($"{Name}.ScopesSupported entry '{scope}' is not an RFC 6749 scope token (printable ASCII except space, '\"' and '\\').");
            }
        }
        foreach (var method in options.BearerMethodsSupported)
        {
            if (method is not ("header" or "body" or "query"))
            {
                failures.Add($"{Name}.BearerMethodsSupported entry '{method}' must be 'header', 'body' or 'query'.");
            }
        }
        CheckTokens(failures, nameof(options.ResourceSigningAlgValuesSupported), options.ResourceSigningAlgValuesSupported);
        CheckTokens(failures, nameof(options.DPoPSigningAlgValuesSupported), options.DPoPSigningAlgValuesSupported);
        if (options.CacheDuration < TimeSpan.Zero)
        {
            failures.Add($"{Name}.CacheDuration must not be negative.");
        }
        return failures.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(failures);
    }

    private static void CheckOptionalUrl(List<string> failures, string option, string? value, bool requireHttps)
    {
        if (value is not null && CheckUrl(value, requireHttps, isIdentifier: false) is { } problem)
        {
            failures.Add($"{Name}.{option} '{value}' {problem}");
        }
    }

    private static void CheckTokens(List<string> failures, string option, IList<string> values)
    {
        foreach (var value in values)
        {
            if (string.IsNullOrEmpty(value) || value.AsSpan().ContainsAnyExcept(ScopeSyntax.ScopeChars))
            {
                failures.Add($"{Name}.{option} entry '{value}' must be a non-empty algorithm name without spaces or quotes.");
            }
        }
    }

    /// <summary>Null when <paramref name="value"/> is an acceptable absolute URL; otherwise what is wrong. Identifiers (resource, issuers) take no query or fragment.</summary>
    private static string? CheckUrl(string? value, bool requireHttps, bool isIdentifier = true)
    {
        // On Unix "/api" parses as an absolute file URI, so the scheme check is what rejects relative values.
        if (string.IsNullOrEmpty(value)
            || !Uri.TryCreate(value, UriKind.Absolute, out var uri)
            || !(uri.Scheme == Uri.UriSchemeHttps || (uri.Scheme == Uri.UriSchemeHttp && !requireHttps)))
        {
            return requireHttps
                ? "must be an absolute https URI (set RequireHttps = false only for local development)."
                : "must be an absolute http or https URI.";
        }
        if (value.AsSpan().ContainsAnyExcept(ScopeSyntax.ScopeChars))
        {
            return "must contain only printable ASCII without spaces, '\"' or '\\' (it is written into quoted header parameters).";
        }
        if (isIdentifier && (uri.Query.Length > 0 || uri.Fragment.Length > 0 || value.Contains('#', StringComparison.Ordinal)))
        {
            return "must not have a query or fragment.";
        }
        if (uri.UserInfo.Length > 0)
        {
            return "must not contain user information.";
        }
        return null;
    }
}
