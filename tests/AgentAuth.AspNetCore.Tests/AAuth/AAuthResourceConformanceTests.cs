using System.Text.Json;
using System.Text.Json.Nodes;
using AgentAuth.AspNetCore.Tests.Tokens;
using AgentAuth.HttpSignatures.StructuredFields;

namespace AgentAuth.AspNetCore.Tests.AAuth;

/// <summary>
/// The examples of the drafts, reproduced by the resource: "Resource Metadata" and "Requirement Responses" of
/// draft-hardt-oauth-aauth-protocol (editor's copy -11) and "Accept-Signature-Alg" of draft-hardt-httpbis-signature-key-08.
/// </summary>
public sealed class AAuthResourceConformanceTests
{
    // draft-hardt-oauth-aauth-protocol, "Resource Metadata", the example document.
    private const string DraftMetadataExample = """
        {
          "issuer": "https://resource.example",
          "jwks_uri": "https://resource.example/.well-known/jwks.json",
          "access_mode": "auth-token",
          "name": "Example Data Service",
          "description": "**Example Data Service** stores and serves your documents.",
          "logo_uri": "https://resource.example/logo.png",
          "logo_dark_uri": "https://resource.example/logo-dark.png",
          "documentation_uri": "https://resource.example/docs",
          "tos_uri": "https://resource.example/tos",
          "policy_uri": "https://resource.example/privacy",
          "authorization_endpoint": "https://resource.example/authorize",
          "scope_descriptions": {
            "data.read": "Read access to your data and documents",
            "data.write": "Create and update your data and documents",
            "data.delete": "Permanently delete your data and documents"
          },
          "additional_signature_components": ["content-type", "content-digest"]
        }
        """;

    private static AgentAuthOptions DraftExampleOptions()
    {
        var options = TestTokens.Options(TestTokens.Jwks());
        options.Signatures.RequiredComponents.Add("@method");
        options.Signatures.RequiredComponents.Add("@authority");
        options.Signatures.RequiredComponents.Add("@path");
        options.Signatures.RequiredComponents.Add("content-type");
        options.Signatures.RequiredComponents.Add("content-digest");
        options.Signatures.AllowedAlgorithms.Add("ed25519");
        options.Signatures.AllowedAlgorithms.Add("ecdsa-p256-sha256");
        // The advertised schemes and algorithms are the Signature-Key verifier's (jwt; the default Ed25519, ES256).
        options.AAuth.AllowJwt = true;
        var r = options.AAuth.Resource;
        r.Enabled = true;
        r.Issuer = "https://resource.example";
        r.SigningKey.Jwk = AAuthResourceHost.CurrentKeyJwk;
        r.AccessMode = "auth-token";
        r.Name = "Example Data Service";
        r.Description = "**Example Data Service** stores and serves your documents.";
        r.LogoUri = "https://resource.example/logo.png";
        r.LogoDarkUri = "https://resource.example/logo-dark.png";
        r.DocumentationUri = "https://resource.example/docs";
        r.TosUri = "https://resource.example/tos";
        r.PolicyUri = "https://resource.example/privacy";
        r.AuthorizationEndpoint = "https://resource.example/authorize";
        r.ScopeDescriptions["data.read"] = "Read access to your data and documents";
        r.ScopeDescriptions["data.write"] = "Create and update your data and documents";
        r.ScopeDescriptions["data.delete"] = "Permanently delete your data and documents";
        return options;
    }

    [Fact]
    public void The_draft_metadata_example_is_reproduced_member_for_member()
    {
        var options = DraftExampleOptions();
        Assert.Empty(new AgentAuthOptionsValidator().Validate(null, options).Failures?.Where(f => f.Contains(".AAuth.", StringComparison.Ordinal)) ?? []);
        using var resource = AAuthResource.Create(options, TimeProvider.System)!;

        var actual = JsonNode.Parse(resource.MetadataJson)!.AsObject();
        var expected = JsonNode.Parse(DraftMetadataExample)!.AsObject();
        // Two members the example leaves out, both defined by the draft: the window (its default, 60) and the algorithm list.
        Assert.Equal(60, actual["signature_window"]!.GetValue<int>());
        Assert.Equal(["Ed25519", "ES256"], actual["accept_signature_algs"]!.AsArray().Select(n => n!.GetValue<string>()));
        actual.Remove("signature_window");
        actual.Remove("accept_signature_algs");
        Assert.True(JsonNode.DeepEquals(expected, actual), "expected " + expected.ToJsonString() + "\nactual   " + actual.ToJsonString());
    }

    [Fact]
    public void The_signature_key_draft_algorithm_example_is_what_the_same_policy_advertises()
    {
        // draft-hardt-httpbis-signature-key-08: "Accept-Signature-Alg: Ed25519, ES256".
        using var resource = AAuthResource.Create(DraftExampleOptions(), TimeProvider.System)!;
        Assert.Equal("Ed25519, ES256", resource.AcceptSignatureAlg);
        Assert.Equal("jwt", resource.AcceptSignatureScheme);
    }

    [Theory]
    [InlineData("agent-token", "requirement=agent-token")]
    [InlineData("person-token", "requirement=person-token")]
    public void The_draft_requirement_examples_are_written_exactly(string requirement, string draftExample)
    {
        var options = DraftExampleOptions();
        options.AAuth.Resource.Requirement = requirement;
        using var resource = AAuthResource.Create(options, TimeProvider.System)!;
        Assert.Equal(draftExample, resource.ChallengeRequirement);
    }

    [Fact]
    public void The_draft_auth_token_requirement_example_has_the_same_shape()
    {
        // "AAuth-Requirement: requirement=auth-token; resource-token=\"eyJ...\"" (Requirement Responses).
        Assert.Equal("requirement=auth-token; resource-token=\"eyJ...\"", AAuthResource.FormatAuthTokenRequirement("eyJ..."));
        Assert.True(StructuredFieldParser.TryParseDictionary("requirement=auth-token; resource-token=\"eyJ...\"", out var dictionary, out var error), error);
        Assert.Single(dictionary);
    }

    [Fact]
    public void A_resource_token_carries_every_claim_the_draft_requires_and_nothing_else_by_default()
    {
        using var resource = AAuthResource.Create(DraftExampleOptions(), new Microsoft.Extensions.Time.Testing.FakeTimeProvider(TestTokens.Now))!;
        var person = new AAuthPersonContext("https://ps.example", "8f14e45fceea167a5a36dedd4bea2543", "pt-3ab910", "NzbLsXh8uDCcd-6MNwXF4W_7noWXFZAfHkxZsRGC9Xs", null, null);

        var token = resource.MintResourceToken(person, "data.read data.write", out var tokenId)!;

        var parts = token.Split('.');
        var header = JsonNode.Parse(AAuthResourceHost.Base64UrlDecode(parts[0]))!.AsObject();
        var payload = JsonNode.Parse(AAuthResourceHost.Base64UrlDecode(parts[1]))!.AsObject();
        Assert.Equal(["alg", "typ", "kid"], header.Select(p => p.Key));
        Assert.Equal(["iss", "dwk", "aud", "jti", "ps", "sub", "presented_jti", "agent_jkt", "iat", "exp", "scope"], payload.Select(p => p.Key));
        Assert.Equal(tokenId, payload["jti"]!.GetValue<string>());
        Assert.Equal("https://ps.example", payload["aud"]!.GetValue<string>());
        Assert.Equal("data.read data.write", payload["scope"]!.GetValue<string>());
        Assert.Equal(JsonValueKind.Number, JsonDocument.Parse(payload.ToJsonString()).RootElement.GetProperty("exp").ValueKind);
    }
}
