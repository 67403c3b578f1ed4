using System.Buffers;
using System.Buffers.Text;
using System.Security.Cryptography;
using System.Text;

namespace AgentAuth.HttpSignatures.Keys;

/// <summary>
/// RFC 7638 JWK thumbprints: SHA-256 over the required members of the key type only, in lexicographic order,
/// without whitespace, base64url-encoded without padding. Optional members (<c>kid</c>, <c>alg</c>, <c>use</c>)
/// and member order never change the result.
/// </summary>
public static class JwkThumbprint
{
    /// <summary>Length in characters of a base64url SHA-256 thumbprint.</summary>
    public const int Sha256Base64UrlLength = 43;

    /// <summary>Computes the SHA-256 thumbprint.</summary>
    /// <param name="jwk">The key (public or private; only public members are hashed, except <c>k</c> for oct).</param>
    /// <returns>The base64url thumbprint.</returns>
    public static string ComputeSha256(Jwk jwk)
    {
        Span<char> buffer = stackalloc char[Sha256Base64UrlLength];
        TryComputeSha256(jwk, buffer, out var written);
        return new string(buffer[..written]);
    }

    /// <summary>Computes the SHA-256 thumbprint into a caller buffer.</summary>
    /// <param name="jwk">The key.</param>
    /// <param name="destination">Receives the base64url thumbprint; needs <see cref="Sha256Base64UrlLength"/> characters.</param>
    /// <param name="charsWritten">The number of characters written.</param>
    /// <returns><see langword="false"/> when <paramref name="destination"/> is too small.</returns>
    public static bool TryComputeSha256(Jwk jwk, Span<char> destination, out int charsWritten)
    {
        ArgumentNullException.ThrowIfNull(jwk);
        charsWritten = 0;
        if (destination.Length < Sha256Base64UrlLength)
        {
            return false;
        }
        Span<byte> hash = stackalloc byte[SHA256.HashSizeInBytes];
        var length = CanonicalLength(jwk);
        var buffer = ArrayPool<byte>.Shared.Rent(length);
        try
        {
            var written = WriteCanonical(jwk, buffer);
            SHA256.HashData(buffer.AsSpan(0, written), hash);
        }
        finally
        {
            // An oct thumbprint input holds the secret.
            CryptographicOperations.ZeroMemory(buffer.AsSpan(0, length));
            ArrayPool<byte>.Shared.Return(buffer);
        }
        return Base64Url.TryEncodeToChars(hash, destination, out charsWritten);
    }

    /// <summary>The canonical JSON the thumbprint hashes (RFC 7638 §3), as UTF-8.</summary>
    internal static byte[] CanonicalJson(Jwk jwk)
    {
        var buffer = new byte[CanonicalLength(jwk)];
        var written = WriteCanonical(jwk, buffer);
        return buffer.AsSpan(0, written).ToArray();
    }

    // Every value is a validated base64url string, a registered curve name or a key type, so no JSON escaping is needed.
    private static int CanonicalLength(Jwk jwk) =>
        64 + (jwk.Curve?.Length ?? 0) + (jwk.X?.Length ?? 0) + (jwk.Y?.Length ?? 0) + (jwk.N?.Length ?? 0)
        + (jwk.E?.Length ?? 0) + (jwk.K?.Length ?? 0);

    private static int WriteCanonical(Jwk jwk, Span<byte> destination)
    {
        var position = 0;
        switch (jwk.KeyType)
        {
            case Jwk.KeyTypeRsa:
                Append(destination, ref position, "{\"e\":\"");
                Append(destination, ref position, jwk.E!);
                Append(destination, ref position, "\",\"kty\":\"RSA\",\"n\":\"");
                Append(destination, ref position, jwk.N!);
                Append(destination, ref position, "\"}");
                break;
            case Jwk.KeyTypeEc:
                Append(destination, ref position, "{\"crv\":\"");
                Append(destination, ref position, jwk.Curve!);
                Append(destination, ref position, "\",\"kty\":\"EC\",\"x\":\"");
                Append(destination, ref position, jwk.X!);
                Append(destination, ref position, "\",\"y\":\"");
                Append(destination, ref position, jwk.Y!);
                Append(destination, ref position, "\"}");
                break;
            case Jwk.KeyTypeOkp:
                Append(destination, ref position, "{\"crv\":\"");
                Append(destination, ref position, jwk.Curve!);
                Append(destination, ref position, "\",\"kty\":\"OKP\",\"x\":\"");
                Append(destination, ref position, jwk.X!);
                Append(destination, ref position, "\"}");
                break;
            case Jwk.KeyTypeOct:
                Append(destination, ref position, "{\"k\":\"");
                Append(destination, ref position, jwk.K!);
                Append(destination, ref position, "\",\"kty\":\"oct\"}");
                break;
            default:
                // Jwk parsing refuses other key types; never guess the required members of an unknown one.
                throw new InvalidOperationException("No RFC 7638 thumbprint is defined here for key type '" + jwk.KeyType + "'.");
        }
        return position;
    }

    private static void Append(Span<byte> destination, ref int position, string ascii)
    {
        position += Encoding.ASCII.GetBytes(ascii, destination[position..]);
    }
}
