using System.Security.Cryptography;
using Microsoft.IdentityModel.JsonWebTokens;
using Microsoft.IdentityModel.Tokens;

namespace AgentAuth.AspNetCore;

/// <summary>
/// Signs the <c>private_key_jwt</c> client assertion (RFC 7523 §2.2, §3): <c>iss</c> = <c>sub</c> = client id, <c>aud</c>
/// the endpoint (or the configured audience), a fresh <c>jti</c>, <c>iat</c>/<c>exp</c> from the scheme's clock, 60 s life.
/// </summary>
internal sealed class ClientAssertionSigner
{
    private static readonly TimeSpan Lifetime = TimeSpan.FromSeconds(60);
    private readonly JsonWebTokenHandler _handler = new() { SetDefaultTimesOnTokenCreation = false };
    private readonly SigningCredentials _credentials;
    private readonly string _clientId;
    private readonly string _audience;
    private readonly TimeProvider _timeProvider;

    private ClientAssertionSigner(SigningCredentials credentials, string clientId, string audience, TimeProvider timeProvider)
    {
        _credentials = credentials;
        _clientId = clientId;
        _audience = audience;
        _timeProvider = timeProvider;
    }

    /// <summary>Loads the PEM private key (EC P-256 → ES256, P-384 → ES384, RSA → RS256); <see langword="null"/> with a reason when it is not usable.</summary>
    public static ClientAssertionSigner? TryCreate(TokenIntrospectionOptions options, string audience, TimeProvider timeProvider, out string? error)
    {
        error = null;
        if (TryLoadKey(options.ClientAssertionPrivateKeyPem, out var key, out var alg) is false)
        {
            error = "ClientAssertionPrivateKeyPem is not a PEM EC (P-256, P-384) or RSA private key";
            return null;
        }
        key!.KeyId = options.ClientAssertionKeyId;
        return new ClientAssertionSigner(new SigningCredentials(key, alg), options.ClientId!, options.ClientAssertionAudience ?? audience, timeProvider);
    }

    public static bool TryLoadKey(string? pem, out AsymmetricSecurityKey? key, out string alg)
    {
        key = null;
        alg = string.Empty;
        if (string.IsNullOrWhiteSpace(pem))
        {
            return false;
        }
        try
        {
            var ecdsa = ECDsa.Create();
            try
            {
                ecdsa.ImportFromPem(pem);
                var parameters = ecdsa.ExportParameters(includePrivateParameters: true);
                if (parameters.D is null)
                {
                    ecdsa.Dispose();
                    return false;
                }
                alg = ecdsa.KeySize switch { 256 => SecurityAlgorithms.EcdsaSha256, 384 => SecurityAlgorithms.EcdsaSha384, _ => string.Empty };
                if (alg.Length == 0)
                {
                    ecdsa.Dispose();
                    return false;
                }
                key = new ECDsaSecurityKey(ecdsa);
                return true;
            }
            catch (Exception ex) when (ex is ArgumentException or CryptographicException)
            {
                ecdsa.Dispose();
            }
            var rsa = RSA.Create();
            try
            {
                rsa.ImportFromPem(pem);
                if (rsa.KeySize < 2048)
                {
                    rsa.Dispose();
                    return false;
                }
                rsa.ExportParameters(includePrivateParameters: true);
                alg = SecurityAlgorithms.RsaSha256;
                key = new RsaSecurityKey(rsa);
                return true;
            }
            catch (Exception ex) when (ex is ArgumentException or CryptographicException)
            {
                rsa.Dispose();
                return false;
            }
        }
        catch (Exception ex) when (ex is ArgumentException or CryptographicException)
        {
            return false;
        }
    }

    public string CreateAssertion()
    {
        var now = _timeProvider.GetUtcNow();
        return _handler.CreateToken(new SecurityTokenDescriptor
        {
            Issuer = _clientId,
            Audience = _audience,
            IssuedAt = now.UtcDateTime,
            NotBefore = now.UtcDateTime,
            Expires = (now + Lifetime).UtcDateTime,
            Claims = new Dictionary<string, object>(StringComparer.Ordinal)
            {
                ["sub"] = _clientId,
                ["jti"] = Guid.NewGuid().ToString("N"),
            },
            SigningCredentials = _credentials,
        });
    }
}
