namespace AgentAuth.AspNetCore;

/// <summary>Startup checks of <see cref="TokenIntrospectionOptions"/>; each message names the option to set.</summary>
internal static class IntrospectionOptionsValidation
{
    public static void ValidateOpaqueIssuers(AgentAuthOptions options, List<string> failures)
    {
        var claimed = 0;
        foreach (var issuer in options.Issuers)
        {
            if (issuer?.Introspection.OpaqueTokens == true)
            {
                claimed++;
            }
        }
        if (claimed > 1)
        {
            failures.Add("AgentAuthOptions.Issuers: Introspection.OpaqueTokens is set on more than one issuer; an opaque token does not say who issued it, so only one issuer may take them.");
        }
    }

    public static void Validate(TokenIssuerOptions issuer, string path, bool hasMetadata, List<string> failures)
    {
        var options = issuer.Introspection;
        if (!options.Enabled)
        {
            return;
        }
        var prefix = path + ".Introspection";
        if (!string.IsNullOrWhiteSpace(options.Endpoint))
        {
            KeyOptionsValidation.ValidateUrl(options.Endpoint, issuer.RequireHttpsMetadata, prefix + ".Endpoint", path + ".RequireHttpsMetadata", failures);
        }
        else if (!hasMetadata)
        {
            failures.Add($"{prefix}.Endpoint is required (or set {path}.Authority or MetadataAddress so the issuer's metadata names its introspection_endpoint).");
        }
        if (options.CacheDuration <= TimeSpan.Zero)
        {
            failures.Add($"{prefix}.CacheDuration must be positive (the default is 60 seconds).");
        }
        if (options.InactiveCacheDuration < TimeSpan.Zero)
        {
            failures.Add($"{prefix}.InactiveCacheDuration must not be negative.");
        }
        if (options.Timeout <= TimeSpan.Zero || options.Timeout > TimeSpan.FromMinutes(1))
        {
            failures.Add($"{prefix}.Timeout must be between 0 and 1 minute.");
        }
        if (options.MaxResponseBytes is < 256 or > 1024 * 1024)
        {
            failures.Add($"{prefix}.MaxResponseBytes must be between 256 and 1 MiB.");
        }
        if (options.Format == TokenIntrospectionFormat.ValidationEndpoint
            && (string.IsNullOrWhiteSpace(options.TokenMember) || string.IsNullOrWhiteSpace(options.ActiveMember) || options.ClaimsMember is null))
        {
            failures.Add($"{prefix}: TokenMember and ActiveMember are required for Format = ValidationEndpoint (ClaimsMember may be empty for top-level claims).");
        }
        switch (options.ClientAuthentication)
        {
            case TokenIntrospectionClientAuthentication.None:
                break;
            case TokenIntrospectionClientAuthentication.ClientSecretBasic:
            case TokenIntrospectionClientAuthentication.ClientSecretPost:
                if (string.IsNullOrEmpty(options.ClientId) || string.IsNullOrEmpty(options.ClientSecret))
                {
                    failures.Add($"{prefix}.ClientId and {prefix}.ClientSecret are required for ClientAuthentication = {options.ClientAuthentication}.");
                }
                break;
            case TokenIntrospectionClientAuthentication.PrivateKeyJwt:
                if (string.IsNullOrEmpty(options.ClientId))
                {
                    failures.Add($"{prefix}.ClientId is required for ClientAuthentication = PrivateKeyJwt.");
                }
                if (!ClientAssertionSigner.TryLoadKey(options.ClientAssertionPrivateKeyPem, options.ClientAssertionAlgorithm, out var key, out _, out var keyError))
                {
                    failures.Add($"{prefix}.ClientAssertionPrivateKeyPem must be a PEM private key (Ed25519, EC P-256/P-384, or RSA 2048-4096 bits) for ClientAuthentication = PrivateKeyJwt, "
                        + $"and {prefix}.ClientAssertionAlgorithm, when set, a JWS name that fits it (Ed25519 or EdDSA, ES256, ES384, RS256, PS256): {keyError}.");
                }
                key?.Dispose();
                break;
            default:
                failures.Add($"{prefix}.ClientAuthentication has an unknown value.");
                break;
        }
    }
}
