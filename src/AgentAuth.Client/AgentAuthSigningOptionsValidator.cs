using Microsoft.Extensions.Options;

namespace AgentAuth.Client;

/// <summary>Validates <see cref="AgentAuthSigningOptions"/>; each message names the option to set.</summary>
internal sealed class AgentAuthSigningOptionsValidator : IValidateOptions<AgentAuthSigningOptions>
{
    public ValidateOptionsResult Validate(string? name, AgentAuthSigningOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        var errors = Validate(options);
        return errors.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(errors);
    }

    public static List<string> Validate(AgentAuthSigningOptions options)
    {
        var errors = new List<string>();
        var sources = SigningKeyLoader.CountSources(options);
        if (sources == 0)
        {
            errors.Add("AgentAuthSigningOptions has no key: set Key, Jwk, PrivateKeyPem or Ed25519PrivateKey.");
        }
        else if (sources > 1)
        {
            errors.Add("AgentAuthSigningOptions has more than one key: set only one of Key, Jwk, PrivateKeyPem and Ed25519PrivateKey.");
        }
        if (string.IsNullOrEmpty(options.Label) || !IsLabel(options.Label))
        {
            errors.Add("AgentAuthSigningOptions.Label must be lowercase letters, digits, '_', '-', '.' or '*', starting with a letter (default sig1).");
        }
        if (options.Lifetime < TimeSpan.Zero)
        {
            errors.Add("AgentAuthSigningOptions.Lifetime must not be negative (zero leaves 'expires' out).");
        }
        if (string.IsNullOrWhiteSpace(options.TokenScheme) || options.TokenScheme.Contains(' ', StringComparison.Ordinal))
        {
            errors.Add("AgentAuthSigningOptions.TokenScheme must be a single token such as Bearer.");
        }
        if (options.UseDPoP && options.AccessToken is null && options.AccessTokenProvider is null)
        {
            errors.Add("AgentAuthSigningOptions.UseDPoP needs a token: set AccessToken or AccessTokenProvider.");
        }
        if (!Enum.IsDefined(options.ContentDigestAlgorithm))
        {
            errors.Add("AgentAuthSigningOptions.ContentDigestAlgorithm must be Sha256 or Sha512.");
        }
        for (var i = 0; i < options.CoveredComponents.Count; i++)
        {
            if (!CoveredComponents.TryParse(options.CoveredComponents[i] ?? string.Empty, out _, out var error))
            {
                errors.Add("AgentAuthSigningOptions.CoveredComponents[" + i + "]: " + error);
            }
        }
        if (CoveredComponents.MissingRequestBinding(options.CoveredComponents) is { } missing)
        {
            errors.Add("AgentAuthSigningOptions.CoveredComponents must cover " + missing
                + " (a signature that does not is valid for another method or URL, and servers refuse it); leave the list empty for the default.");
        }
        for (var i = 0; i < options.AllowedOrigins.Count; i++)
        {
            if (!RequestOrigin.TryParse(options.AllowedOrigins[i], out _, out var error))
            {
                errors.Add("AgentAuthSigningOptions.AllowedOrigins[" + i + "]: " + error);
            }
        }
        if (options.MaxRedirects is < 0 or > MaxRedirectsLimit)
        {
            errors.Add("AgentAuthSigningOptions.MaxRedirects must be between 0 and 50 (was " + options.MaxRedirects.ToString(System.Globalization.CultureInfo.InvariantCulture) + ").");
        }
        return errors;
    }

    /// <summary>The most redirects a request may follow (HttpClient's own default limit).</summary>
    internal const int MaxRedirectsLimit = 50;

    private static bool IsLabel(string label)
    {
        var ok = label[0] is (>= 'a' and <= 'z') or '*';
        foreach (var c in label)
        {
            ok &= c is (>= 'a' and <= 'z') or (>= '0' and <= '9') or '_' or '-' or '.' or '*';
        }
        return ok;
    }
}
