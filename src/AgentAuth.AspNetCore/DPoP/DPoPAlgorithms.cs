namespace AgentAuth.AspNetCore;

/// <summary>The asymmetric JWS algorithms a DPoP proof can be verified with. Symmetric and <c>none</c> never appear here.</summary>
internal static class DPoPAlgorithms
{
    private static readonly string[] s_supported = ["EdDSA", "Ed25519", "ES256", "ES384", "PS256", "PS384", "PS512", "RS256", "RS384", "RS512"];

    /// <summary>The supported names, comma separated, for option validation messages.</summary>
    public static string SupportedList { get; } = string.Join(", ", s_supported);

    /// <summary>Whether <paramref name="alg"/> (case-sensitive, as JWS requires) is one this scheme can verify.</summary>
    public static bool IsSupported(ReadOnlySpan<char> alg)
    {
        foreach (var candidate in s_supported)
        {
            if (alg.SequenceEqual(candidate))
            {
                return true;
            }
        }
        return false;
    }

    /// <summary>Whether <paramref name="alg"/> is supported and listed in <paramref name="allowed"/>.</summary>
    public static bool IsAllowed(ReadOnlySpan<char> alg, IList<string> allowed)
    {
        if (!IsSupported(alg))
        {
            return false;
        }
        for (var i = 0; i < allowed.Count; i++)
        {
            if (alg.SequenceEqual(allowed[i]))
            {
                return true;
            }
        }
        return false;
    }
}
