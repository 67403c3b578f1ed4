using System.Buffers.Text;
using System.Diagnostics;
using System.Security.Cryptography;
using System.Net;
using System.Text;
using System.Text.Json.Nodes;
using AgentAuth.AspNetCore.Tests.DPoP;
using AgentAuth.AspNetCore.Tests.Handler;
using AgentAuth.AspNetCore.Tests.Tokens;
using Microsoft.Extensions.Time.Testing;
using static AgentAuth.AspNetCore.Tests.Handler.ResponseAssert;

namespace AgentAuth.AspNetCore.Tests.Interop;

/// <summary>
/// Requests signed by http-message-signatures 1.0.6 (an independent RFC 9421 implementation, through
/// <c>tests/interop/sign-request.mjs</c>) sent to the handler on real Kestrel (127.0.0.1, so the raw request target is used).
/// Fails with what to install when Node.js or <c>node_modules</c> is missing (./test.sh installs both); never skipped.
/// </summary>
public sealed class HttpSignatureInteropTests
{
    // RFC 9421 B.1.4 test-key-ed25519, so Node.js imports a key whose public half the app trusts from startup.
    private static readonly JsonObject s_ed25519 = new()
    {
        ["kty"] = "OKP",
        ["crv"] = "Ed25519",
        ["x"] = "JrQLj5P_89iXES9-vFgrIy29clF9CC_oPPsw3c5D0bs",
        ["d"] = "n4Ni-HpISpVObnQMW0wOhCKROaIKqKtW_2ZYb2p9KcU",
    };

    [Theory]
    [InlineData("ed25519", "GET", "/protected", null)]
    [InlineData("ed25519", "POST", "/protected?view=full&x=%20y", "{\"order\":1}")]
    [InlineData("ecdsa-p256-sha256", "GET", "/protected?id=7", null)]
    [InlineData("ecdsa-p256-sha256", "PUT", "/protected", "{\"order\":2}")]
    public async Task Independent_signatures_are_accepted_and_tampered_ones_rejected(string alg, string method, string target, string? body)
    {
        var privateJwk = alg == "ed25519" ? (JsonObject)s_ed25519.DeepClone() : NewP256Jwk();
        var publicJwk = (JsonObject)privateJwk.DeepClone();
        publicJwk.Remove("d");
        publicJwk["kid"] = "node-" + alg;
        var time = new FakeTimeProvider(TestTokens.Now);
        await using var host = await HandlerHost.StartAsync(o => o.AgentKeys.JsonWebKeySet = TestTokens.Jwks(publicJwk), kestrel: true, time: time);

        async Task<HttpRequestMessage> SignedAsync(string? nonce)
        {
            var url = host.Url(target).ToString();
            var fields = new JsonArray("@method", "@authority", "@path");
            if (target.Contains('?'))
            {
                fields.Add("@query");
            }
            if (body is not null)
            {
                // The server requires a body's media type to be covered with its digest (issue 14).
                fields.Add("content-digest");
                fields.Add("content-type");
            }
            var parameters = new JsonArray("created", "keyid", "alg");
            if (nonce is not null)
            {
                parameters.Add("nonce");
            }
            var job = new JsonObject
            {
                ["method"] = method,
                ["url"] = url,
                ["headers"] = new JsonObject { ["content-type"] = "application/json" },
                ["body"] = body ?? string.Empty,
                ["alg"] = alg,
                ["privateJwk"] = privateJwk.DeepClone(),
                ["keyId"] = "node-" + alg,
                ["label"] = "sig1",
                ["fields"] = fields,
                ["contentDigest"] = body is null ? null : "sha-256",
                ["params"] = parameters,
                ["created"] = TestTokens.NowSeconds,
            };
            if (nonce is not null)
            {
                job["nonce"] = nonce;
            }
            var signed = await RunAsync(job);
            var request = new HttpRequestMessage(new HttpMethod(method), url);
            if (body is not null)
            {
                request.Content = JsonContent(body);
            }
            foreach (var (name, value) in signed["headers"]!.AsObject())
            {
                if (name is "signature" or "signature-input" or "content-digest")
                {
                    request.Headers.TryAddWithoutValidation(name, value!.GetValue<string>());
                }
            }
            return request;
        }

        var principal = await SucceededAsync(await host.SendAsync(await SignedAsync("n-1-" + alg)));
        Assert.Equal(["node-" + alg], ClaimValues(principal, "sub"));
        Assert.Equal(body ?? string.Empty, principal["body"]!.GetValue<string>());

        var replayed = await SignedAsync("n-1-" + alg);
        Challenge(await host.SendAsync(replayed), HttpStatusCode.Unauthorized, ["Signature"], "error=invalid_signature");

        // Routing is case-insensitive, so /PROTECTED reaches the same endpoint with a different @path.
        var otherPath = await SignedAsync(null);
        otherPath.RequestUri = host.Url("/PROTECTED" + target["/protected".Length..]);
        Challenge(await host.SendAsync(otherPath), HttpStatusCode.Unauthorized, ["Signature"], "error=invalid_signature");

        var otherMethod = await SignedAsync(null);
        otherMethod.Method = HttpMethod.Delete;
        otherMethod.Content = null;
        Challenge(await host.SendAsync(otherMethod), HttpStatusCode.Unauthorized, ["Signature"], "error=invalid_signature");

        if (body is not null)
        {
            var tampered = await SignedAsync(null);
            tampered.Content = JsonContent(body.Replace('1', '9').Replace('2', '8'));
            Challenge(await host.SendAsync(tampered), HttpStatusCode.Unauthorized, ["Signature"], "error=invalid_signature");
        }
    }

    /// <summary>The body as the Node signer signed it: <c>Content-Type: application/json</c> exactly (no charset parameter).</summary>
    private static ByteArrayContent JsonContent(string body)
    {
        var content = new ByteArrayContent(Encoding.UTF8.GetBytes(body));
        content.Headers.ContentType = new System.Net.Http.Headers.MediaTypeHeaderValue("application/json");
        return content;
    }

    private static JsonObject NewP256Jwk()
    {
        using var ecdsa = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var p = ecdsa.ExportParameters(includePrivateParameters: true);
        return new JsonObject
        {
            ["kty"] = "EC",
            ["crv"] = "P-256",
            ["x"] = Base64Url.EncodeToString(p.Q.X),
            ["y"] = Base64Url.EncodeToString(p.Q.Y),
            ["d"] = Base64Url.EncodeToString(p.D),
        };
    }

    private static async Task<JsonObject> RunAsync(JsonObject job)
    {
        return await DPoPNodeInterop.RunScriptAsync("sign-request.mjs", job);
    }
}
