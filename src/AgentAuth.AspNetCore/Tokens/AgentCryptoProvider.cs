using Microsoft.IdentityModel.Tokens;

namespace AgentAuth.AspNetCore;

/// <summary>
/// Plugs <see cref="SignatureKeySecurityKey"/> into IdentityModel. It lives on a <see cref="CryptoProviderFactory"/>
/// of AgentAuth's own (<see cref="Factory"/>), set on AgentAuth's keys and validation parameters only: the process-wide
/// <see cref="CryptoProviderFactory.Default"/> is never touched, so other libraries keep their behaviour.
/// </summary>
internal sealed class AgentCryptoProvider : ICryptoProvider
{
    public static AgentCryptoProvider Instance { get; } = new();

    /// <summary>AgentAuth's own factory; it consults <see cref="Instance"/> first and caches nothing itself.</summary>
    public static CryptoProviderFactory Factory { get; } = new()
    {
        CustomCryptoProvider = Instance,
        CacheSignatureProviders = false,
    };

    public bool IsSupportedAlgorithm(string algorithm, params object[] args)
    {
        // ReleaseSignatureProvider asks without a key: claim our providers so IdentityModel hands them back to us.
        if (args is null || args.Length == 0)
        {
            return TokenAlgorithms.IsAsymmetric(algorithm);
        }
        return args[0] is SignatureKeySecurityKey key && key.ForAlgorithm(algorithm) is not null;
    }

    public object Create(string algorithm, params object[] args)
    {
        if (args is { Length: > 0 } && args[0] is SignatureKeySecurityKey key)
        {
            // willCreateSignatures (args[1]) is never true for AgentAuth keys.
            if (args.Length > 1 && args[1] is true)
            {
                throw new NotSupportedException("AgentAuth token keys verify only.");
            }
            if (key.ProviderFor(algorithm) is { } provider)
            {
                return provider;
            }
        }
        throw new NotSupportedException("The algorithm does not fit the key.");
    }

    public void Release(object cryptoInstance)
    {
        // Providers are cached on their key and reused; nothing to release.
    }
}
