using System.Net.Http.Headers;
using System.Text;
using System.Text.Json.Nodes;
using AgentAuth.HttpSignatures.Cryptography;
using AgentAuth.HttpSignatures.Digests;
using AgentAuth.HttpSignatures.Keys;
using AgentAuth.HttpSignatures.Tests.Signatures;
using Microsoft.Extensions.Time.Testing;

namespace AgentAuth.HttpSignatures.Tests.Interop;

/// <summary>
/// Requests signed by the Node <c>http-message-signatures</c> package verify with this verifier (through the
/// HttpRequestMessage adapter), with and without Content-Digest; tampered variants are rejected.
/// </summary>
public sealed class NodeHttpSignatureInteropTests
{
    private const long Created = 1_750_000_000;
    private const string Body = "{\"order\":42,\"note\":\"caf\\u00e9\"}";

    public static IEnumerable<object[]> Cases()
    {
        foreach (var digest in new[] { "none", "sha-256", "sha-512" })
        {
            yield return ["ed25519", "NSec", digest];
            yield return ["ecdsa-p256-sha256", "n/a", digest];
        }
    }

    private sealed record Signed(HttpRequestMessage Request, SignatureKey Key, string SignatureInput, string Signature, string SignatureBase);

    private static Signed SignWithNode(string alg, string backend, string digest, string url = "https://api.example.com/orders/42?expand=items&x=a%2Fb")
    {
        var fields = new JsonArray("@method", "@authority", "@path", "@query", "@target-uri", "content-type");
        if (digest != "none")
        {
            fields.Add("content-digest");
        }
        var job = new JsonObject
        {
            ["method"] = "POST",
            ["url"] = url,
            ["headers"] = new JsonObject { ["content-type"] = "application/json" },
            ["body"] = Body,
            ["alg"] = alg,
            ["keyId"] = "node-key",
            ["label"] = "sig1",
            ["fields"] = fields,
            ["contentDigest"] = digest == "none" ? null : digest,
            ["created"] = Created,
            ["nonce"] = "n-" + Guid.NewGuid().ToString("N"),
            ["tag"] = "interop",
            ["params"] = new JsonArray("created", "keyid", "alg", "nonce", "tag"),
        };
        var output = NodeSigner.Sign(job);
        var headers = output["headers"]!.AsObject();

        var request = new HttpRequestMessage(HttpMethod.Post, url) { Content = new StringContent(Body, Encoding.UTF8) };
        request.Content.Headers.ContentType = MediaTypeHeaderValue.Parse("application/json");
        foreach (var (name, value) in headers)
        {
            if (name is "content-type")
            {
                continue;
            }
            if (!request.Headers.TryAddWithoutValidation(name, value!.GetValue<string>()))
            {
                request.Content.Headers.TryAddWithoutValidation(name, value.GetValue<string>());
            }
        }

        Assert.True(Jwk.TryParse(output["publicJwk"]!.ToJsonString(), out var jwk, out var error), error);
        Assert.True(backend is "NSec" or "n/a", backend);
        var key = JwkKeyReader.Create(jwk!, alg, out error);
        Assert.True(key is not null, error);
        return new Signed(request, key!, output["signatureInput"]!.GetValue<string>(), output["signature"]!.GetValue<string>(),
            output["signatureBase"]!.GetValue<string>());
    }

    private static async Task<SignatureVerificationResult> Verify(HttpRequestMessage request, SignatureKey key)
    {
        var options = new HttpSignatureVerifierOptions { RequireNonce = true, RequireQueryWhenPresent = true };
        options.RequiredComponents.Add(SignatureComponent.Method);
        options.RequiredComponents.Add(SignatureComponent.Authority);
        options.RequiredComponents.Add(SignatureComponent.Path);
        var verifier = new HttpMessageSignatureVerifier(options, new FakeTimeProvider(DateTimeOffset.FromUnixTimeSeconds(Created + 5)));
        return await verifier.VerifyAsync(new HttpRequestMessageAdapter(request), SignatureSelection.ByTag("interop"), new TestKeyResolver(("node-key", key)));
    }

    /// <summary>RFC 9530 check of the received body against the signed Content-Digest.</summary>
    private static async Task<bool> ContentDigestMatches(HttpRequestMessage request)
    {
        if (!request.Headers.TryGetValues("Content-Digest", out var values))
        {
            return true;
        }
        var body = await request.Content!.ReadAsByteArrayAsync();
        return ContentDigest.Verify(string.Join(", ", values), body) == ContentDigestVerificationResult.Valid;
    }

    [Theory]
    [MemberData(nameof(Cases))]
    public async Task Node_signed_request_verifies(string alg, string backend, string digest)
    {
        NodeSigner.EnsureAvailable();
        var signed = SignWithNode(alg, backend, digest);
        var result = await Verify(signed.Request, signed.Key);
        Assert.True(result.Succeeded, result.ToString() + " | target " + new HttpRequestMessageAdapter(signed.Request).RequestTarget + " | node base:\n" + signed.SignatureBase);
        Assert.Equal(alg, result.Algorithm);
        Assert.Equal("node-key", result.KeyId);
        Assert.Equal(digest == "none" ? 7 : 8, result.Components.Count + 1);
        Assert.True(await ContentDigestMatches(signed.Request));
    }

    public static IEnumerable<object[]> Tamperings()
    {
        foreach (var alg in new[] { "ed25519", "ecdsa-p256-sha256" })
        {
            foreach (var what in new[] { "method", "authority", "path", "query", "content-type", "content-digest", "signature-byte", "created", "parameter", "label" })
            {
                yield return [alg, what];
            }
        }
    }

    [Theory]
    [MemberData(nameof(Tamperings))]
    public async Task Tampered_node_request_is_rejected(string alg, string what)
    {
        NodeSigner.EnsureAvailable();
        var signed = SignWithNode(alg, alg == "ed25519" ? "NSec" : "n/a", "sha-256");
        var request = signed.Request;
        var input = signed.SignatureInput;
        var signature = signed.Signature;
        switch (what)
        {
            case "method": request.Method = HttpMethod.Put; break;
            case "authority": request.RequestUri = new Uri("https://api.example.org/orders/42?expand=items&x=a%2Fb"); break;
            case "path": request.RequestUri = new Uri("https://api.example.com/orders/43?expand=items&x=a%2Fb"); break;
            case "query": request.RequestUri = new Uri("https://api.example.com/orders/42?expand=items&x=a/b"); break;
            case "content-type": request.Content!.Headers.ContentType = MediaTypeHeaderValue.Parse("text/plain"); break;
            case "content-digest":
                request.Content = new StringContent(Body.Replace("42", "43", StringComparison.Ordinal), Encoding.UTF8);
                request.Content.Headers.ContentType = MediaTypeHeaderValue.Parse("application/json");
                break;
            case "signature-byte":
                var start = signature.IndexOf(':') + 1;
                var bytes = Convert.FromBase64String(signature[start..^1]);
                bytes[5] ^= 0x80;
                signature = "sig1=:" + Convert.ToBase64String(bytes) + ":";
                break;
            case "created": input = input.Replace("created=1750000000", "created=1750000001", StringComparison.Ordinal); break;
            case "parameter": input = input.Replace("tag=\"interop\"", "tag=\"interop\";x=1", StringComparison.Ordinal); break;
            case "label":
                // The label is not in the base; what must fail is a Signature-Input label with no matching Signature member.
                input = input.Replace("sig1=", "sig2=", StringComparison.Ordinal);
                break;
        }
        request.Headers.Remove("Signature-Input");
        request.Headers.Remove("Signature");
        request.Headers.TryAddWithoutValidation("Signature-Input", input);
        request.Headers.TryAddWithoutValidation("Signature", signature);

        var result = await Verify(request, signed.Key);
        if (what == "content-digest")
        {
            // The body is not a component: the signature still verifies over the unchanged Content-Digest, and the
            // digest check over the received body is what rejects it.
            Assert.True(result.Succeeded, result.ToString());
            Assert.False(await ContentDigestMatches(request));
            return;
        }
        Assert.False(result.Succeeded, what);
        Assert.Equal(SignatureError.InvalidSignature, result.Error);
    }
}
