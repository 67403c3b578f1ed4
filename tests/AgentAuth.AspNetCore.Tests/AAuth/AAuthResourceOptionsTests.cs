using System.Security.Cryptography;
using AgentAuth.AspNetCore.Tests.Tokens;
using Microsoft.Extensions.Options;

namespace AgentAuth.AspNetCore.Tests.AAuth;

/// <summary><see cref="AAuthResourceOptions"/> validated at startup; each message names the option.</summary>
public sealed class AAuthResourceOptionsTests
{
    private static readonly string s_rsaPem = CreateRsaPem();

    private static string CreateRsaPem()
    {
        using var rsa = RSA.Create(2048);
        return rsa.ExportPkcs8PrivateKeyPem();
    }

    private static AgentAuthOptions Valid()
    {
        var options = TestTokens.Options(TestTokens.Jwks());
        var resource = options.AAuth.Resource;
        resource.Enabled = true;
        resource.Issuer = "https://resource.example";
        resource.SigningKey.Jwk = AAuthResourceHost.CurrentKeyJwk;
        return options;
    }

    private static string[] Errors(AgentAuthOptions options)
    {
        // Only this area's messages: the bare options have no issuer keys, which the scheme reports on its own.
        var result = new AgentAuthOptionsValidator().Validate(AgentAuthDefaults.AuthenticationScheme, options);
        return result.Failed ? [.. result.Failures.Where(f => f.Contains(".AAuth.Resource.", StringComparison.Ordinal))] : [];
    }

    [Fact]
    public void Disabled_options_are_not_checked()
    {
        var options = TestTokens.Options(TestTokens.Jwks());
        options.AAuth.Resource.Issuer = "not a url";
        Assert.Empty(Errors(options));
        Assert.Null(AAuthResource.Create(options, TimeProvider.System));
    }

    [Fact]
    public void A_complete_configuration_is_valid()
    {
        var options = Valid();
        options.AAuth.Resource.Requirement = "auth-token";
        options.AAuth.Resource.AccessServer = "https://as.example";
        options.AAuth.Resource.PreviousKeys.Add(new AAuthResourceKeyOptions { Pem = s_rsaPem, Algorithm = "PS256", KeyId = "old" });
        Assert.Empty(Errors(options));
    }

    public static TheoryData<string, string> InvalidOptions() => new()
    {
        { "issuer-missing", "AgentAuthOptions.AAuth.Resource.Issuer must be set" },
        { "issuer-http", "AgentAuthOptions.AAuth.Resource.Issuer 'http://resource.example' must be an AAuth server identifier" },
        { "issuer-port", "AgentAuthOptions.AAuth.Resource.Issuer 'https://resource.example:8443' must be an AAuth server identifier" },
        { "issuer-path", "AgentAuthOptions.AAuth.Resource.Issuer 'https://resource.example/v1' must be an AAuth server identifier" },
        { "issuer-slash", "AgentAuthOptions.AAuth.Resource.Issuer 'https://resource.example/' must be an AAuth server identifier" },
        { "issuer-upper", "AgentAuthOptions.AAuth.Resource.Issuer 'https://Resource.Example' must be an AAuth server identifier" },
        { "access-server", "AgentAuthOptions.AAuth.Resource.AccessServer 'https://as.example/token' must be an AAuth server identifier" },
        { "requirement", "AgentAuthOptions.AAuth.Resource.Requirement 'interaction' must be one of agent-token, person-token, auth-token" },
        { "auth-token-without-key", "AgentAuthOptions.AAuth.Resource.Requirement is auth-token, which needs resource tokens: set SigningKey.Jwk" },
        { "two-sources", "AgentAuthOptions.AAuth.Resource.SigningKey must set exactly one of Jwk, Pem and File." },
        { "public-signing-key", "AgentAuthOptions.AAuth.Resource.SigningKey has no private part, so it cannot sign resource tokens." },
        { "eddsa", "AgentAuthOptions.AAuth.Resource.SigningKey Algorithm 'EdDSA' is not a fully-specified asymmetric JWS algorithm" },
        { "hmac", "AgentAuthOptions.AAuth.Resource.SigningKey Algorithm 'HS256' is not a fully-specified asymmetric JWS algorithm" },
        { "bad-jwk", "AgentAuthOptions.AAuth.Resource.SigningKey is not a valid JWK" },
        { "rsa-without-alg", "AgentAuthOptions.AAuth.Resource.SigningKey cannot be used" },
        { "missing-file", "AgentAuthOptions.AAuth.Resource.SigningKey File '/nonexistent/aauth-key.pem' cannot be read" },
        { "previous-without-source", "AgentAuthOptions.AAuth.Resource.PreviousKeys[0] must set exactly one of Jwk, Pem and File." },
        { "duplicate-kid", "AgentAuthOptions.AAuth.Resource.PreviousKeys[0] has the key id 'res-2026-12' of another configured key" },
        { "lifetime-long", "AgentAuthOptions.AAuth.Resource.ResourceTokenLifetime must be more than 0 and at most 5 minutes." },
        { "lifetime-zero", "AgentAuthOptions.AAuth.Resource.ResourceTokenLifetime must be more than 0 and at most 5 minutes." },
        { "jwks-path", "AgentAuthOptions.AAuth.Resource.JwksPath 'jwks.json' must be an absolute path" },
        { "access-mode", "AgentAuthOptions.AAuth.Resource.AccessMode 'auth token' must be a token" },
        { "tos-http", "AgentAuthOptions.AAuth.Resource.TosUri 'http://resource.example/tos' must be an absolute https URL" },
        { "authorization-query", "AgentAuthOptions.AAuth.Resource.AuthorizationEndpoint 'https://resource.example/authorize?x=1' must not have a query or fragment." },
        { "scope-description", "AgentAuthOptions.AAuth.Resource.ScopeDescriptions key 'data read' is not an RFC 6749 scope token." },
        { "cache", "AgentAuthOptions.AAuth.Resource.CacheDuration must not be negative." },
    };

    [Theory]
    [MemberData(nameof(InvalidOptions))]
    public void Invalid_options_name_the_option(string @case, string message)
    {
        var options = Valid();
        var resource = options.AAuth.Resource;
        switch (@case)
        {
            case "issuer-missing": resource.Issuer = null; break;
            case "issuer-http": resource.Issuer = "http://resource.example"; break;
            case "issuer-port": resource.Issuer = "https://resource.example:8443"; break;
            case "issuer-path": resource.Issuer = "https://resource.example/v1"; break;
            case "issuer-slash": resource.Issuer = "https://resource.example/"; break;
            case "issuer-upper": resource.Issuer = "https://Resource.Example"; break;
            case "access-server": resource.AccessServer = "https://as.example/token"; break;
            case "requirement": resource.Requirement = "interaction"; break;
            case "auth-token-without-key": resource.SigningKey.Jwk = null; resource.Requirement = "auth-token"; break;
            case "two-sources": resource.SigningKey.Pem = s_rsaPem; break;
            case "public-signing-key": resource.SigningKey.Jwk = "{\"kty\":\"OKP\",\"crv\":\"Ed25519\",\"x\":\"11qYAYKxCrfVS_7TyWQHOg7hcvPapiMlrwIaaPcHURo\"}"; break;
            case "eddsa": resource.SigningKey.Algorithm = "EdDSA"; break;
            case "hmac": resource.SigningKey.Algorithm = "HS256"; break;
            case "bad-jwk": resource.SigningKey.Jwk = "{\"kty\":\"OKP\""; break;
            case "rsa-without-alg": resource.SigningKey.Jwk = null; resource.SigningKey.Pem = s_rsaPem; break;
            case "missing-file": resource.SigningKey.Jwk = null; resource.SigningKey.File = "/nonexistent/aauth-key.pem"; break;
            case "previous-without-source": resource.PreviousKeys.Add(new AAuthResourceKeyOptions()); break;
            case "duplicate-kid": resource.PreviousKeys.Add(new AAuthResourceKeyOptions { Jwk = AAuthResourceHost.CurrentKeyJwk }); break;
            case "lifetime-long": resource.ResourceTokenLifetime = TimeSpan.FromMinutes(6); break;
            case "lifetime-zero": resource.ResourceTokenLifetime = TimeSpan.Zero; break;
            case "jwks-path": resource.JwksPath = "jwks.json"; break;
            case "access-mode": resource.AccessMode = "auth token"; break;
            case "tos-http": resource.TosUri = "http://resource.example/tos"; break;
            case "authorization-query": resource.AuthorizationEndpoint = "https://resource.example/authorize?x=1"; break;
            case "scope-description": resource.ScopeDescriptions["data read"] = "x"; break;
            case "cache": resource.CacheDuration = TimeSpan.FromSeconds(-1); break;
            default: throw new ArgumentOutOfRangeException(nameof(@case));
        }
        var errors = Errors(options);
        Assert.True(errors.Any(e => e.StartsWith(message, StringComparison.Ordinal) || e.Contains(message, StringComparison.Ordinal)),
            "expected '" + message + "' in: " + string.Join(" | ", errors));
    }

    [Fact]
    public void A_key_file_holding_a_PEM_or_a_JWK_is_read_at_startup()
    {
        var pem = Path.GetTempFileName();
        var jwk = Path.GetTempFileName();
        try
        {
            using (var ecdsa = ECDsa.Create(ECCurve.NamedCurves.nistP384))
            {
                File.WriteAllText(pem, ecdsa.ExportPkcs8PrivateKeyPem());
            }
            File.WriteAllText(jwk, AAuthResourceHost.CurrentKeyJwk);
            var options = Valid();
            options.AAuth.Resource.SigningKey.Jwk = null;
            options.AAuth.Resource.SigningKey.File = pem;
            options.AAuth.Resource.PreviousKeys.Add(new AAuthResourceKeyOptions { File = jwk });
            Assert.Empty(Errors(options));

            using var resource = AAuthResource.Create(options, TimeProvider.System)!;
            Assert.Equal("ES384", resource.SigningKey!.Algorithm);
            Assert.Equal(AAuthResourceHost.CurrentKeyId, Assert.Single(System.Text.Json.JsonDocument.Parse(resource.JwksJson!).RootElement
                .GetProperty("keys").EnumerateArray().Skip(1)).GetProperty("kid").GetString());
        }
        finally
        {
            File.Delete(pem);
            File.Delete(jwk);
        }
    }

    [Fact]
    public async Task Invalid_options_stop_the_host_at_startup()
    {
        var error = await Assert.ThrowsAsync<OptionsValidationException>(() => AAuthResourceHost.StartAsync(o => o.Issuer = "https://resource.example/"));
        Assert.Contains("AgentAuthOptions.AAuth.Resource.Issuer", error.Message, StringComparison.Ordinal);
    }
}
