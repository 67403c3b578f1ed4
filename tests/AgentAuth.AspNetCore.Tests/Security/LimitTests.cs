using System.Text;
using System.Text.Json.Nodes;
using AgentAuth.AspNetCore.Tests.DPoP;
using AgentAuth.AspNetCore.Tests.Tokens;
using AgentAuth.HttpSignatures;
using AgentAuth.HttpSignatures.Cryptography;

namespace AgentAuth.AspNetCore.Tests.Security;

/// <summary>
/// Every limit on what one request can make the handler do, at its documented default and through the option that
/// changes it (docs/security.md, "Limits"). Each over-limit request gets the exact refusal, and the request just under
/// the limit is accepted, so the limit is where the documentation says it is.
/// </summary>
public sealed class LimitTests
{
    private static async Task<SecurityResponse> SendAsync(TestRequest request, Action<AgentAuthOptions>? configure = null)
    {
        await using var app = SecurityApp.Create(configure);
        return await app.SendAsync(request);
    }

    private static void AssertInvalidSignature(SecurityResponse response)
    {
        Assert.True(response.Status == 401, response.ToString());
        Assert.Equal("error=invalid_signature", response.SignatureError);
    }

    [Fact]
    public void Defaults_are_the_documented_ones()
    {
        var options = new AgentAuthOptions();
        var limits = options.Signatures.Limits;
        Assert.Equal(8, limits.MaxSignatures);
        Assert.Equal(32, limits.MaxComponents);
        Assert.Equal(8, limits.MaxParameters);
        Assert.Equal(8192, limits.MaxHeaderLength);
        Assert.Equal(65536, limits.MaxSignatureBaseLength);
        Assert.Equal(16384, options.MaxTokenLength);
        Assert.Equal(1024 * 1024, options.Signatures.MaxBodyBytes);
        Assert.Equal(4096, options.DPoP.MaxProofLength);
        Assert.Equal(100, options.Jwks.MaxKeys);
        Assert.Equal(1024 * 1024, options.Jwks.MaxResponseBytes);
    }

    private static TestRequest WithSignatures(int count)
    {
        var request = TestRequest.Get();
        var inputs = new List<string>();
        var signatures = new List<string>();
        for (var i = 1; i <= count; i++)
        {
            request.Sign(SecurityApp.AgentKey, label: "sig" + i);
            inputs.Add(request.Header("signature-input")!);
            signatures.Add(request.Header("signature")!);
        }
        return request.Set("signature-input", string.Join(", ", inputs)).Set("signature", string.Join(", ", signatures));
    }

    [Theory]
    [InlineData(8, null, 200)]
    [InlineData(9, null, 401)]
    [InlineData(2, 2, 200)]
    [InlineData(3, 2, 401)]
    public async Task MaxSignatures(int signatures, int? limit, int status)
    {
        var response = await SendAsync(WithSignatures(signatures), o =>
        {
            o.Signatures.Label = "sig1";
            if (limit is { } l)
            {
                o.Signatures.Limits.MaxSignatures = l;
            }
        });
        Assert.True(response.Status == status, response.ToString());
        if (status == 401)
        {
            AssertInvalidSignature(response);
        }
    }

    private static TestRequest WithComponents(int count)
    {
        var request = TestRequest.Get();
        var components = new List<SignatureComponent> { SignatureComponent.Method, SignatureComponent.Authority, SignatureComponent.Path };
        for (var i = components.Count; i < count; i++)
        {
            request.Set("x-h" + i, "v");
            components.Add(SignatureComponent.Field("x-h" + i));
        }
        return request.Sign(SecurityApp.AgentKey, components: [.. components]);
    }

    [Theory]
    [InlineData(32, null, 200)]
    [InlineData(33, null, 401)]
    [InlineData(4, 4, 200)]
    [InlineData(5, 4, 401)]
    public async Task MaxComponents(int components, int? limit, int status)
    {
        var response = await SendAsync(WithComponents(components), o =>
        {
            if (limit is { } l)
            {
                o.Signatures.Limits.MaxComponents = l;
            }
        });
        Assert.True(response.Status == status, response.ToString());
        if (status == 401)
        {
            AssertInvalidSignature(response);
        }
    }

    private static TestRequest WithParameters(int count)
    {
        // created and keyid, then extension parameters (RFC 9421 §2.3 lets unknown ones through, so they cost parsing).
        var request = TestRequest.Get().Sign(SecurityApp.AgentKey);
        var input = new StringBuilder(request.Header("signature-input"));
        for (var i = 2; i < count; i++)
        {
            input.Append(";p").Append(i).Append('=').Append(i);
        }
        return request.Set("signature-input", input.ToString());
    }

    [Theory]
    [InlineData(8, null, "does not verify")]
    [InlineData(9, null, "limit")]
    [InlineData(3, 3, "does not verify")]
    [InlineData(4, 3, "limit")]
    public async Task MaxParameters(int parameters, int? limit, string outcome)
    {
        // Extension parameters change @signature-params, so a request under the limit gets as far as the crypto and fails there.
        await using var app = SecurityApp.Create(o =>
        {
            if (limit is { } l)
            {
                o.Signatures.Limits.MaxParameters = l;
            }
        });
        var response = await app.SendAsync(WithParameters(parameters));
        AssertInvalidSignature(response);
        var reason = Assert.Single(app.Logs.Events, e => e.Id.Name == "AuthenticationFailed").Message;
        if (outcome == "limit")
        {
            Assert.DoesNotContain("does not verify", reason);
        }
        else
        {
            Assert.Contains(outcome, reason);
        }
    }

    [Theory]
    [InlineData(null, 8192)]
    [InlineData(512, 512)]
    public async Task MaxHeaderLength(int? limit, int max)
    {
        Action<AgentAuthOptions> configure = o =>
        {
            if (limit is { } l)
            {
                o.Signatures.Limits.MaxHeaderLength = l;
            }
        };
        var probe = TestRequest.Get().Sign(SecurityApp.AgentKey, new SignatureParameters { Nonce = "n" });
        var overhead = probe.Header("signature-input")!.Length - 1;

        var fits = TestRequest.Get().Sign(SecurityApp.AgentKey, new SignatureParameters { Nonce = new string('n', max - overhead) });
        Assert.Equal(max, fits.Header("signature-input")!.Length);
        Assert.Equal(200, (await SendAsync(fits, configure)).Status);

        var tooLong = TestRequest.Get().Sign(SecurityApp.AgentKey, new SignatureParameters { Nonce = new string('n', max - overhead + 1) });
        AssertInvalidSignature(await SendAsync(tooLong, configure));
    }

    [Theory]
    [InlineData(null, 70_000)]
    [InlineData(1024, 2_000)]
    public async Task MaxSignatureBaseLength(int? limit, int coveredValueLength)
    {
        var components = new[] { SignatureComponent.Method, SignatureComponent.Authority, SignatureComponent.Path, SignatureComponent.Field("x-big") };
        var request = TestRequest.Get().Set("x-big", "v");
        request.Sign(SecurityApp.AgentKey, components: components);
        // The signer has the same 64 KiB bound, so the signature is made over a small value and the value grown afterwards:
        // the verifier must refuse to build the oversized base at all rather than spend the work and fail on the crypto.
        request.Set("x-big", new string('v', coveredValueLength));
        await using var app = SecurityApp.Create(o =>
        {
            if (limit is { } l)
            {
                o.Signatures.Limits.MaxSignatureBaseLength = l;
            }
        });
        AssertInvalidSignature(await app.SendAsync(request));
        Assert.Contains(app.Logs.Events, e => e.Message.Contains("MaxSignatureBaseLength", StringComparison.Ordinal));
    }

    [Theory]
    [InlineData(null, 16384)]
    [InlineData(2048, 2048)]
    public async Task MaxTokenLength(int? limit, int max)
    {
        Action<AgentAuthOptions> configure = o =>
        {
            o.AllowBearerTokens = true;
            if (limit is { } l)
            {
                o.MaxTokenLength = l;
            }
        };
        var baseLength = SecurityApp.Token(c => c["pad"] = "").Length;
        // Base64url grows by 4/3: find the padding that lands exactly on the limit.
        string TokenOfLength(int length)
        {
            for (var pad = Math.Max(0, (length - baseLength) * 3 / 4 - 4); ; pad++)
            {
                var token = SecurityApp.Token(c => c["pad"] = new string('p', pad));
                if (token.Length >= length)
                {
                    return token;
                }
            }
        }
        var atLimit = TokenOfLength(max - 3);
        Assert.InRange(atLimit.Length, max - 3, max);
        Assert.Equal(200, (await SendAsync(TestRequest.Get().Set("authorization", "Bearer " + atLimit), configure)).Status);

        var over = TokenOfLength(max + 1);
        var response = await SendAsync(TestRequest.Get().Set("authorization", "Bearer " + over), configure);
        Assert.Equal(401, response.Status);
        Assert.StartsWith("Bearer error=\"invalid_token\"", response.Headers.WWWAuthenticate[0]);
    }

    [Theory]
    [InlineData(null, 4096)]
    [InlineData(1024, 1024)]
    public async Task MaxProofLength(int? limit, int max)
    {
        using var proofKey = SignatureKey.GenerateEcdsaP256();
        var token = SecurityApp.BoundToken(proofKey);
        Action<AgentAuthOptions> configure = o =>
        {
            if (limit is { } l)
            {
                o.DPoP.MaxProofLength = l;
            }
        };
        string Proof(int padding)
        {
            var builder = new TestProofBuilder(proofKey, "ES256", "GET", "https://api.example/data", token, SecurityApp.Now);
            builder.Claims["pad"] = new string('p', padding);
            return builder.Build();
        }
        var baseLength = Proof(0).Length;
        var under = Proof((max - baseLength) * 3 / 4 - 4);
        Assert.InRange(under.Length, max - 8, max);
        Assert.Equal(200, (await SendAsync(TestRequest.Get().Set("authorization", "DPoP " + token).Set("dpop", under), configure)).Status);

        var over = Proof((max - baseLength) * 3 / 4 + 4);
        Assert.True(over.Length > max);
        var response = await SendAsync(TestRequest.Get().Set("authorization", "DPoP " + token).Set("dpop", over), configure);
        Assert.Equal(401, response.Status);
        Assert.StartsWith("DPoP error=\"invalid_dpop_proof\"", response.Headers.WWWAuthenticate[0]);
    }

    [Theory]
    [InlineData(null, 1024 * 1024)]
    [InlineData(100L, 100)]
    public async Task MaxBodyBytes(long? limit, int max)
    {
        Action<AgentAuthOptions> configure = o =>
        {
            if (limit is { } l)
            {
                o.Signatures.MaxBodyBytes = l;
            }
        };
        var fits = TestRequest.Post("/data", new string('b', max)).Sign(SecurityApp.AgentKey);
        Assert.Equal(200, (await SendAsync(fits, configure)).Status);

        var tooBig = TestRequest.Post("/data", new string('b', max + 1)).Sign(SecurityApp.AgentKey);
        var response = await SendAsync(tooBig, configure);
        Assert.Equal(413, response.Status);
    }

    [Fact]
    public async Task Inline_agent_jwks_over_MaxKeys_stops_startup_naming_the_option()
    {
        // A configured key set over the limit is a configuration error, reported at startup; remote sets are covered by
        // HandlerJwksFaultTests (an oversized fetch never replaces good keys).
        var keys = new List<JsonObject>();
        for (var i = 0; i < 100; i++)
        {
            keys.Add(new JsonObject { ["kty"] = "OKP", ["crv"] = "Ed25519", ["kid"] = "filler-" + i, ["x"] = TestTokens.PublicJwk(SecurityApp.OtherAgentKey, null)["x"]!.GetValue<string>() });
        }
        keys.Add(TestTokens.PublicJwk(SecurityApp.AgentKey, null));
        var request = TestRequest.Get().Sign(SecurityApp.AgentKey);

        var error = await Assert.ThrowsAsync<Microsoft.Extensions.Options.OptionsValidationException>(
            () => SendAsync(request, o => o.AgentKeys.JsonWebKeySet = TestTokens.Jwks([.. keys])));
        Assert.Contains("AgentAuthOptions.AgentKeys.JsonWebKeySet", error.Message);
        Assert.Contains("more than the limit of 100", error.Message);

        // Raising the limit admits the same set.
        Assert.Equal(200, (await SendAsync(request, o =>
        {
            o.AgentKeys.JsonWebKeySet = TestTokens.Jwks([.. keys]);
            o.Jwks.MaxKeys = 101;
        })).Status);
    }

    [Fact]
    public void Limits_out_of_range_fail_validation_naming_the_option()
    {
        var options = new AgentAuthOptions();
        options.AgentKeys.JsonWebKeySet = SecurityApp.AgentJwks();
        options.Signatures.Limits.MaxComponents = 0;
        options.Signatures.Limits.MaxHeaderLength = 4;
        options.MaxTokenLength = 10;
        var result = new AgentAuthOptionsValidator().Validate(null, options);
        Assert.True(result.Failed);
        Assert.Contains("Signatures.Limits.MaxSignatures, MaxComponents and MaxParameters", result.FailureMessage);
        Assert.Contains("Signatures.Limits.MaxHeaderLength", result.FailureMessage);
        Assert.Contains("MaxTokenLength", result.FailureMessage);
    }
}
