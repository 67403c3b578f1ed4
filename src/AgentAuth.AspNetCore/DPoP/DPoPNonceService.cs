using AgentAuth.HttpSignatures.Keys;
using System.Buffers.Binary;
using System.Buffers.Text;
using System.Security.Cryptography;
using Microsoft.AspNetCore.DataProtection;

namespace AgentAuth.AspNetCore;

/// <summary>
/// Issues and checks stateless DPoP server nonces (RFC 9449 §9): a nonce is the issue time protected with
/// ASP.NET Core Data Protection, so any instance sharing the key ring can check it without a store.
/// A nonce is not single-use; the proof's <c>jti</c> replay check covers reuse of a whole proof.
/// </summary>
internal sealed class DPoPNonceService
{
    /// <summary>The Data Protection purpose string; changing it invalidates every outstanding nonce.</summary>
    public const string Purpose = "AgentAuth.AspNetCore.DPoP.Nonce.v1";

    // Data Protection output for an 8-byte payload is well under this; anything longer is not ours.
    private const int MaxNonceLength = 512;

    private readonly IDataProtector _protector;

    public DPoPNonceService(IDataProtectionProvider dataProtectionProvider)
    {
        ArgumentNullException.ThrowIfNull(dataProtectionProvider);
        _protector = dataProtectionProvider.CreateProtector(Purpose);
    }

    /// <summary>A fresh nonce for the <c>DPoP-Nonce</c> response header, issued at <paramref name="now"/>.</summary>
    public string CreateNonce(DateTimeOffset now)
    {
        var payload = new byte[sizeof(long)];
        BinaryPrimitives.WriteInt64BigEndian(payload, now.ToUnixTimeMilliseconds());
        return Base64Url.EncodeToString(_protector.Protect(payload));
    }

    /// <summary>
    /// Checks a proof's <c>nonce</c>: valid when this server issued it no longer than
    /// <see cref="AgentAuthDPoPOptions.NonceLifetime"/> ago and not more than <see cref="AgentAuthDPoPOptions.ClockSkew"/>
    /// in the future (another instance's clock).
    /// </summary>
    public DPoPNonceStatus Validate(string? nonce, DateTimeOffset now, AgentAuthDPoPOptions options, out DateTimeOffset issuedAt)
    {
        ArgumentNullException.ThrowIfNull(options);
        issuedAt = default;
        if (nonce is null)
        {
            return DPoPNonceStatus.Missing;
        }
        if (nonce.Length == 0 || nonce.Length > MaxNonceLength)
        {
            return DPoPNonceStatus.Invalid;
        }

        if (!Base64UrlStrict.TryGetDecodedLength(nonce, out var decodedLength))
        {
            return DPoPNonceStatus.Invalid;
        }
        var protectedBytes = new byte[decodedLength];
        if (!Base64UrlStrict.TryDecode(nonce, protectedBytes, out _))
        {
            return DPoPNonceStatus.Invalid;
        }

        byte[] payload;
        try
        {
            payload = _protector.Unprotect(protectedBytes);
        }
        catch (CryptographicException)
        {
            // Data Protection reports a forged or foreign payload only by throwing.
            return DPoPNonceStatus.Invalid;
        }
        if (payload.Length != sizeof(long))
        {
            return DPoPNonceStatus.Invalid;
        }

        var milliseconds = BinaryPrimitives.ReadInt64BigEndian(payload);
        if (milliseconds < DateTimeOffset.MinValue.ToUnixTimeMilliseconds() || milliseconds > DateTimeOffset.MaxValue.ToUnixTimeMilliseconds())
        {
            return DPoPNonceStatus.Invalid;
        }
        issuedAt = DateTimeOffset.FromUnixTimeMilliseconds(milliseconds);
        if (issuedAt > now + options.ClockSkew || issuedAt + options.NonceLifetime < now)
        {
            return DPoPNonceStatus.Stale;
        }
        return DPoPNonceStatus.Valid;
    }

    /// <summary>Whether a valid nonce issued at <paramref name="issuedAt"/> is past half its lifetime, so a successful response should carry a new one.</summary>
    public static bool ShouldRotate(DateTimeOffset issuedAt, DateTimeOffset now, AgentAuthDPoPOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        return now - issuedAt >= options.NonceLifetime / 2;
    }
}
