using AgentAuth.HttpSignatures;
using Microsoft.Extensions.Logging;

namespace AgentAuth.AspNetCore;

/// <summary>
/// The key directories of one scheme's Web Bot Auth profile: the shared <see cref="KeyDiscovery"/> (origin policy, fetch
/// rules, bounded cache of key sets) with one <see cref="WebBotDirectoryKeySource"/> per <c>Signature-Agent</c> origin.
/// </summary>
internal sealed class WebBotDirectories
{
    private readonly HttpMessageSignatureVerifier _directoryVerifier;
    private readonly int _maxKeys;

    public WebBotDirectories(KeyDiscovery discovery, HttpMessageSignatureVerifier directoryVerifier, int maxKeys, ILogger logger)
    {
        Discovery = discovery;
        _directoryVerifier = directoryVerifier;
        _maxKeys = maxKeys;
        Logger = logger;
    }

    public KeyDiscovery Discovery { get; }

    public ILogger Logger { get; }

    /// <summary>Finds <paramref name="thumbprint"/> in the directory of <paramref name="origin"/> (allowed by the caller), by thumbprint only.</summary>
    /// <remarks>
    /// The cache key is the canonical origin: each origin has exactly one directory URL, so the URL is built only when its
    /// key source is created (on a cache miss), not per request.
    /// </remarks>
    public ValueTask<KeySetLookup<AgentAuth.HttpSignatures.Cryptography.SignatureKey>> FindAsync(string origin, string thumbprint, CancellationToken cancellationToken) =>
        Discovery.FindAsync(origin,
            reader => new WebBotDirectoryKeySource(new Uri(string.Concat(origin, WebBotAuthProfile.DirectoryPath), UriKind.Absolute), reader, _directoryVerifier, _maxKeys, Logger),
            thumbprint, matchThumbprints: true, cancellationToken);
}
