namespace AgentAuth.AspNetCore;

/// <summary>Replay-cache keys, namespaced so a signature nonce and a DPoP <c>jti</c> can never collide.</summary>
internal static class ReplayKeys
{
    /// <summary>A signature nonce is single-use per signing key: <c>sig:{thumbprint}:{nonce}</c>.</summary>
    public static string SignatureNonce(string keyThumbprint, ReadOnlySpan<char> nonce) => string.Concat("sig:", keyThumbprint, ":", nonce);
}
