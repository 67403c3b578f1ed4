using AgentAuth.HttpSignatures.Cryptography;

namespace AgentAuth.AspNetCore;

/// <summary>
/// The one proof-of-possession check: does a key satisfy a token's <c>cnf</c> (RFC 7800 §3)? Every mode asks here:
/// a signed request with a <c>cnf.jwk</c> token (the token supplies the key), with a <c>cnf.jkt</c> token (the key the
/// <c>keyid</c> resolved to must have that thumbprint), and a DPoP proof (its header <c>jwk</c> must have the token's
/// <c>cnf.jkt</c>, RFC 9449 §6.1). Thumbprints are compared ordinally (see <see cref="ThumbprintEquals"/>).
/// </summary>
internal static class Confirmation
{
    /// <summary>
    /// The key a request signature must be verified with when the token embeds it (<c>cnf.jwk</c>); <see langword="null"/>
    /// when the key is found by <c>keyid</c> and then checked with <see cref="IsSatisfiedBy"/>.
    /// </summary>
    public static SignatureKey? BoundKey(ConfirmationClaim? confirmation) => confirmation?.Key;

    /// <summary>Whether the key with RFC 7638 SHA-256 thumbprint <paramref name="keyThumbprint"/> satisfies <paramref name="confirmation"/>.</summary>
    public static bool IsSatisfiedBy(ConfirmationClaim confirmation, string keyThumbprint) =>
        ThumbprintEquals(keyThumbprint, confirmation.Thumbprint);

    /// <summary>
    /// Whether a key's thumbprint is the expected one (a <c>cnf.jkt</c>). An ordinal compare, not a fixed-time one: both
    /// sides are public (the SHA-256 of a public key, RFC 7638 §3, and a claim of the token the client itself presents),
    /// and knowing a thumbprint does not help anyone sign with its key, so the compare's timing reveals nothing. Fixed
    /// time cost a third of a microsecond per signed request here (<c>FixedTimeEquals</c> runs unoptimized by design).
    /// </summary>
    public static bool ThumbprintEquals(string keyThumbprint, string expected) =>
        string.Equals(keyThumbprint, expected, StringComparison.Ordinal);
}
