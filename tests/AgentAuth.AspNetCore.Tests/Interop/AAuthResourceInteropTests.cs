using System.Diagnostics;
using System.Net;
using System.Text.Json.Nodes;
using AgentAuth.AspNetCore.Tests.AAuth;
using AgentAuth.AspNetCore.Tests.DPoP;
using AgentAuth.AspNetCore.Tests.Tokens;

namespace AgentAuth.AspNetCore.Tests.Interop;

/// <summary>
/// The AAuth resource's answers read by code this project did not write (<c>tests/interop/aauth-resource-check.mjs</c>): the
/// challenge headers parsed by the AAuth reference signer's own parsers (<c>@hellocoop/httpsig</c> 2.2.0, Signature-Key -08),
/// <c>AAuth-Requirement</c> by its RFC 8941 dictionary parser, and the resource token verified by <c>jose</c> against the JWKS the
/// resource serves. The app runs on Kestrel. Fails with what to install when Node.js or <c>node_modules</c> is missing.
/// </summary>
public sealed class AAuthResourceInteropTests
{
    [Fact]
    public async Task The_reference_signer_parses_the_401_advertisement_and_requirement()
    {
        await using var host = await AAuthResourceHost.StartAsync();
        using var response = await host.Client.GetAsync("/protected");
        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);

        var result = await RunAsync(new JsonObject
        {
            ["acceptSignatureScheme"] = Single(response, "Accept-Signature-Scheme"),
            ["acceptSignatureAlg"] = Single(response, "Accept-Signature-Alg"),
            ["requirement"] = Single(response, "AAuth-Requirement"),
        });

        Assert.Equal(["jwt"], Strings(result["schemes"]));
        Assert.Equal(["Ed25519", "ES256", "ES384", "PS512", "RS256"], Strings(result["algs"]));
        Assert.Equal("agent-token", result["requirement"]!.GetValue<string>());
        Assert.Empty(result["parameters"]!.AsObject());
    }

    [Fact]
    public async Task Jose_verifies_the_resource_token_with_the_published_jwks()
    {
        await using var host = await AAuthResourceHost.StartAsync();
        using var request = host.PersonTokenRequest("/scoped");
        using var response = await host.Client.SendAsync(request);
        Assert.Equal(HttpStatusCode.Forbidden, response.StatusCode);
        var jwks = JsonNode.Parse(await host.Client.GetStringAsync("/.well-known/jwks.json"));

        var result = await RunAsync(new JsonObject
        {
            ["requirement"] = Single(response, "AAuth-Requirement"),
            ["jwks"] = jwks,
            ["issuer"] = AAuthResourceHost.Issuer,
            ["audience"] = TestTokens.Issuer,
            ["now"] = TestTokens.NowSeconds,
        });

        Assert.Equal("auth-token", result["requirement"]!.GetValue<string>());
        var header = result["header"]!.AsObject();
        Assert.Equal("aa-resource+jwt", header["typ"]!.GetValue<string>());
        Assert.Equal(AAuthResourceHost.CurrentKeyId, header["kid"]!.GetValue<string>());
        var payload = result["payload"]!.AsObject();
        Assert.Equal("aauth-resource.json", payload["dwk"]!.GetValue<string>());
        Assert.Equal(host.Setup.Agent.Key.Thumbprint, payload["agent_jkt"]!.GetValue<string>());
        Assert.Equal("pt-3ab910", payload["presented_jti"]!.GetValue<string>());
        Assert.Equal(AAuthResourceHost.RequiredScope, payload["scope"]!.GetValue<string>());
    }

    private static string Single(HttpResponseMessage response, string name) => Assert.Single(AAuthResourceHost.Header(response, name));

    private static string[] Strings(JsonNode? array) => array!.AsArray().Select(n => n!.GetValue<string>()).ToArray();

    private static async Task<JsonObject> RunAsync(JsonObject job)
    {
        return await DPoPNodeInterop.RunScriptAsync("aauth-resource-check.mjs", job);
    }
}
