using System.Formats.Asn1;
using System.Security.Cryptography;
using AgentAuth.HttpSignatures.Keys;

namespace AgentAuth.HttpSignatures.Cryptography;

/// <summary>
/// PEM import. RSA and EC go through the BCL; Ed25519 SPKI and PKCS#8 (RFC 8410) are read with
/// <see cref="AsnReader"/> because the BCL has no Ed25519 type.
/// </summary>
internal static class PemKeyReader
{
    private const string Ed25519Oid = "1.3.101.112";
    private const string EcPublicKeyOid = "1.2.840.10045.2.1";
    private const string RsaEncryptionOid = "1.2.840.113549.1.1.1";
    private const string RsaPssOid = "1.2.840.113549.1.1.10";

    /// <summary>
    /// Imports one PEM key; never throws for bad input. The readers below report a problem by throwing
    /// (<see cref="ArgumentException"/> from this class, <see cref="AsnContentException"/> from the DER reader,
    /// <see cref="CryptographicException"/> from the platform import); every one of them becomes a reason here.
    /// </summary>
    public static bool TryImport(string pem, string? algorithm, string? keyId, out SignatureKey? key, out string? error)
    {
        key = null;
        try
        {
            key = ImportCore(pem, algorithm, keyId);
            error = null;
            return true;
        }
        catch (ArgumentException ex)
        {
            error = ex.Message;
        }
        catch (AsnContentException)
        {
            error = "The PEM key is not valid DER.";
        }
        catch (CryptographicException)
        {
            error = "The platform refused the PEM key (malformed or unsupported).";
        }
        return false;
    }

    /// <summary>Imports one PEM key; any unusable input is an <see cref="ArgumentException"/> with the reason.</summary>
    public static SignatureKey Import(string pem, string? algorithm, string? keyId) =>
        TryImport(pem, algorithm, keyId, out var key, out var error) ? key! : throw new ArgumentException(error, nameof(pem));

    private static SignatureKey ImportCore(string pem, string? algorithm, string? keyId)
    {
        if (!PemEncoding.TryFind(pem, out var fields))
        {
            throw new ArgumentException("No PEM block was found.", nameof(pem));
        }
        var label = pem.AsSpan()[fields.Label].ToString();
        var der = new byte[fields.DecodedDataLength];
        if (!Convert.TryFromBase64Chars(pem.AsSpan()[fields.Base64Data], der, out var length) || length != der.Length)
        {
            throw new ArgumentException("The PEM body is not valid base64.", nameof(pem));
        }
        try
        {
            return label switch
            {
                "PUBLIC KEY" => ImportSubjectPublicKeyInfo(der, algorithm, keyId),
                "PRIVATE KEY" => ImportPkcs8(der, algorithm, keyId),
                "RSA PUBLIC KEY" => ImportRsa(rsa => rsa.ImportRSAPublicKey(der, out _), algorithm, defaultPss: false, keyId),
                "RSA PRIVATE KEY" => ImportRsa(rsa => rsa.ImportRSAPrivateKey(der, out _), algorithm, defaultPss: false, keyId),
                "EC PRIVATE KEY" => ImportEcdsa(ecdsa => ecdsa.ImportECPrivateKey(der, out _), algorithm, keyId),
                _ => throw new ArgumentException("Unsupported PEM label '" + label + "'.", nameof(pem)),
            };
        }
        catch (AsnContentException ex)
        {
            throw new ArgumentException("The PEM key is not valid DER.", nameof(pem), ex);
        }
        finally
        {
            CryptographicOperations.ZeroMemory(der);
        }
    }

    private static SignatureKey ImportSubjectPublicKeyInfo(byte[] der, string? algorithm, string? keyId)
    {
        var reader = new AsnReader(der, AsnEncodingRules.DER);
        var spki = reader.ReadSequence();
        reader.ThrowIfNotEmpty();
        var algorithmIdentifier = spki.ReadSequence();
        var oid = algorithmIdentifier.ReadObjectIdentifier();
        switch (oid)
        {
            case Ed25519Oid:
                // RFC 8410 §3: the parameters MUST be absent.
                algorithmIdentifier.ThrowIfNotEmpty();
                var publicKey = spki.ReadBitString(out var unusedBits);
                spki.ThrowIfNotEmpty();
                if (unusedBits != 0 || publicKey.Length != Ed25519Encoding.PublicKeySize)
                {
                    throw new ArgumentException("An Ed25519 SubjectPublicKeyInfo holds exactly 32 bytes.");
                }
                return CreateEd25519(publicKey, default, algorithm, keyId);
            case EcPublicKeyOid:
                return ImportEcdsa(ecdsa => ecdsa.ImportSubjectPublicKeyInfo(der, out _), algorithm, keyId);
            case RsaEncryptionOid:
            case RsaPssOid:
                return ImportRsa(rsa => rsa.ImportSubjectPublicKeyInfo(der, out _), algorithm, oid == RsaPssOid, keyId);
            default:
                throw new ArgumentException("Unsupported public key algorithm " + oid + ".");
        }
    }

    private static SignatureKey ImportPkcs8(byte[] der, string? algorithm, string? keyId)
    {
        var reader = new AsnReader(der, AsnEncodingRules.DER);
        var info = reader.ReadSequence();
        reader.ThrowIfNotEmpty();
        var version = info.ReadInteger();
        var algorithmIdentifier = info.ReadSequence();
        var oid = algorithmIdentifier.ReadObjectIdentifier();
        switch (oid)
        {
            case Ed25519Oid:
                algorithmIdentifier.ThrowIfNotEmpty();
                if (version < 0 || version > 1)
                {
                    throw new ArgumentException("Unsupported OneAsymmetricKey version.");
                }
                // privateKey OCTET STRING wraps CurvePrivateKey ::= OCTET STRING (the 32-byte seed).
                var wrapped = info.ReadOctetString();
                byte[]? seed = null;
                try
                {
                    var inner = new AsnReader(wrapped, AsnEncodingRules.DER);
                    seed = inner.ReadOctetString();
                    inner.ThrowIfNotEmpty();
                    if (seed.Length != Ed25519Encoding.SeedSize)
                    {
                        throw new ArgumentException("An Ed25519 private key seed is 32 bytes.");
                    }
                    if (info.HasData && info.PeekTag().HasSameClassAndValue(new Asn1Tag(TagClass.ContextSpecific, 0)))
                    {
                        info.ReadEncodedValue(); // attributes
                    }
                    byte[]? embeddedPublicKey = null;
                    if (info.HasData)
                    {
                        embeddedPublicKey = info.ReadBitString(out var unused, new Asn1Tag(TagClass.ContextSpecific, 1));
                        if (unused != 0)
                        {
                            throw new ArgumentException("The embedded Ed25519 public key is malformed.");
                        }
                    }
                    info.ThrowIfNotEmpty();
                    Span<byte> derived = stackalloc byte[Ed25519Encoding.PublicKeySize];
                    Ed25519SignatureKey.DerivePublicKey(seed, derived);
                    if (embeddedPublicKey is not null && !derived.SequenceEqual(embeddedPublicKey))
                    {
                        throw new ArgumentException("The embedded Ed25519 public key does not match the seed.");
                    }
                    return CreateEd25519(derived, seed, algorithm, keyId);
                }
                finally
                {
                    CryptographicOperations.ZeroMemory(wrapped);
                    CryptographicOperations.ZeroMemory(seed);
                }
            case EcPublicKeyOid:
                return ImportEcdsa(ecdsa => ecdsa.ImportPkcs8PrivateKey(der, out _), algorithm, keyId);
            case RsaEncryptionOid:
                return ImportRsa(rsa => rsa.ImportPkcs8PrivateKey(der, out _), algorithm, defaultPss: false, keyId);
            case RsaPssOid:
                try
                {
                    return ImportRsa(rsa => rsa.ImportPkcs8PrivateKey(der, out _), algorithm, defaultPss: true, keyId);
                }
                catch (CryptographicException ex)
                {
                    throw new ArgumentException(
                        "This platform cannot import an id-RSASSA-PSS PKCS#8 private key; load the private key from its JWK.", ex);
                }
            default:
                throw new ArgumentException("Unsupported private key algorithm " + oid + ".");
        }
    }

    private static Ed25519SignatureKey CreateEd25519(ReadOnlySpan<byte> publicKey, ReadOnlySpan<byte> seed, string? algorithm, string? keyId)
    {
        if (!JwkKeyReader.TryResolve(algorithm, null, HttpSignatureAlgorithms.Ed25519,
                static a => a is JoseAlgorithms.EdDsa or JoseAlgorithms.Ed25519, out var jose, out var error))
        {
            throw new ArgumentException(error, nameof(algorithm));
        }
        return Ed25519SignatureKey.Create(publicKey, seed, keyId, jose, out error) ?? throw new ArgumentException(error);
    }

    private static EcdsaSignatureKey ImportEcdsa(Action<ECDsa> import, string? algorithm, string? keyId)
    {
        using var ecdsa = ECDsa.Create();
        import(ecdsa);
        var parameters = EcdsaSignatureKey.ExportParameters(ecdsa);
        try
        {
            var key = EcdsaSignatureKey.Create(parameters, keyId, null, out var error) ?? throw new ArgumentException(error);
            if (!JwkKeyReader.TryResolve(algorithm, null, key.Algorithm, key.SupportsJoseAlgorithm, out var jose, out error))
            {
                key.Dispose();
                throw new ArgumentException(error, nameof(algorithm));
            }
            if (jose is null)
            {
                return key;
            }
            // Bind the JWS restriction the caller asked for.
            key.Dispose();
            return EcdsaSignatureKey.Create(parameters, keyId, jose, out error) ?? throw new ArgumentException(error);
        }
        finally
        {
            CryptographicOperations.ZeroMemory(parameters.D);
        }
    }

    private static SignatureKey ImportRsa(Action<RSA> import, string? algorithm, bool defaultPss, string? keyId)
    {
        using var rsa = RSA.Create();
        import(rsa);
        var requested = algorithm ?? (defaultPss ? HttpSignatureAlgorithms.RsaPssSha512 : null);
        if (requested is null)
        {
            throw new ArgumentException(
                "An rsaEncryption key needs an algorithm: pass rsa-pss-sha512 or rsa-v1_5-sha256.", nameof(algorithm));
        }
        return SignatureKey.FromRsa(rsa, requested, keyId);
    }
}
