using System.Security.Cryptography;
using AgentAuth.HttpSignatures.Cryptography;
using AgentAuth.HttpSignatures.Keys;

namespace AgentAuth.Client;

/// <summary>Turns the key source set in <see cref="AgentAuthSigningOptions"/> into a <see cref="SignatureKey"/> that can sign.</summary>
internal static class SigningKeyLoader
{
    // PKCS#8 OneAsymmetricKey prefix for an Ed25519 seed (RFC 8410 §7): version 0, id-Ed25519, OCTET STRING { OCTET STRING (32) }.
    private static readonly byte[] s_ed25519Pkcs8Prefix = [0x30, 0x2e, 0x02, 0x01, 0x00, 0x30, 0x05, 0x06, 0x03, 0x2b, 0x65, 0x70, 0x04, 0x22, 0x04, 0x20];

    /// <summary>The number of key sources set; exactly one is valid.</summary>
    public static int CountSources(AgentAuthSigningOptions options) =>
        (options.Key is null ? 0 : 1)
        + (string.IsNullOrWhiteSpace(options.Jwk) ? 0 : 1)
        + (string.IsNullOrWhiteSpace(options.PrivateKeyPem) ? 0 : 1)
        + (string.IsNullOrWhiteSpace(options.Ed25519PrivateKey) ? 0 : 1);

    /// <summary>Loads the key. <paramref name="owned"/> tells whether the caller must dispose it (false for <see cref="AgentAuthSigningOptions.Key"/>).</summary>
    /// <exception cref="InvalidOperationException">The key material is missing, unusable or cannot sign; the message names the option.</exception>
    public static SignatureKey Load(AgentAuthSigningOptions options, out bool owned)
    {
        owned = options.Key is null;
        var key = options.Key ?? LoadMaterial(options);
        if (!key.CanSign)
        {
            if (owned)
            {
                key.Dispose();
            }
            throw new InvalidOperationException("AgentAuthSigningOptions: the configured key has no private part; set the private key, not the public one.");
        }
        if (options.Key is not null && options.Algorithm is { Length: > 0 } algorithm
            && !string.Equals(algorithm, key.Algorithm, StringComparison.Ordinal) && !key.SupportsJoseAlgorithm(algorithm))
        {
            throw new InvalidOperationException("AgentAuthSigningOptions.Algorithm '" + algorithm + "' does not fit the " + key.Algorithm + " key.");
        }
        return key;
    }

    private static SignatureKey LoadMaterial(AgentAuthSigningOptions options)
    {
        if (!string.IsNullOrWhiteSpace(options.Jwk))
        {
            if (!HttpSignatures.Keys.Jwk.TryParse(options.Jwk, out var jwk, out var error))
            {
                throw new InvalidOperationException("AgentAuthSigningOptions.Jwk is not a valid JWK: " + error + ".");
            }
            if (!SignatureKey.TryCreate(jwk!, NullIfEmpty(options.Algorithm), out var key, out error))
            {
                throw new InvalidOperationException("AgentAuthSigningOptions.Jwk cannot be used as a signing key: " + error + ".");
            }
            return key!;
        }
        if (!string.IsNullOrWhiteSpace(options.PrivateKeyPem))
        {
            try
            {
                return SignatureKey.ImportPem(options.PrivateKeyPem, NullIfEmpty(options.Algorithm));
            }
            catch (ArgumentException ex)
            {
                throw new InvalidOperationException("AgentAuthSigningOptions.PrivateKeyPem cannot be used as a signing key: " + ex.Message, ex);
            }
        }
        if (!string.IsNullOrWhiteSpace(options.Ed25519PrivateKey))
        {
            return LoadEd25519(options.Ed25519PrivateKey, NullIfEmpty(options.Algorithm));
        }
        throw new InvalidOperationException("AgentAuthSigningOptions has no key: set Key, Jwk, PrivateKeyPem or Ed25519PrivateKey.");
    }

    private static SignatureKey LoadEd25519(string base64, string? algorithm)
    {
        byte[] raw;
        try
        {
            raw = Convert.FromBase64String(base64.Trim());
        }
        catch (FormatException ex)
        {
            throw new InvalidOperationException("AgentAuthSigningOptions.Ed25519PrivateKey must be base64.", ex);
        }
        try
        {
            if (raw.Length == 64)
            {
                return SignatureKey.CreateEd25519(raw.AsSpan(32), raw.AsSpan(0, 32));
            }
            if (raw.Length != 32)
            {
                throw new InvalidOperationException("AgentAuthSigningOptions.Ed25519PrivateKey must decode to a 32-byte seed or a 64-byte seed and public key.");
            }
            var der = new byte[s_ed25519Pkcs8Prefix.Length + 32];
            try
            {
                s_ed25519Pkcs8Prefix.CopyTo(der, 0);
                raw.CopyTo(der, s_ed25519Pkcs8Prefix.Length);
                return SignatureKey.ImportPem(PemEncoding.WriteString("PRIVATE KEY", der), algorithm);
            }
            finally
            {
                CryptographicOperations.ZeroMemory(der);
            }
        }
        catch (ArgumentException ex)
        {
            throw new InvalidOperationException("AgentAuthSigningOptions.Ed25519PrivateKey is not a usable Ed25519 key: " + ex.Message, ex);
        }
        finally
        {
            CryptographicOperations.ZeroMemory(raw);
        }
    }

    private static string? NullIfEmpty(string? value) => string.IsNullOrWhiteSpace(value) ? null : value;
}
