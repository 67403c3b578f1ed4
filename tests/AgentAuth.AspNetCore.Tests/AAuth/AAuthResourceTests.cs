using System.Net;
using System.Net.Http.Headers;
using System.Text.Json;
using AgentAuth.AspNetCore.Tests.Tokens;
using AgentAuth.HttpSignatures.Keys;

namespace AgentAuth.AspNetCore.Tests.AAuth;

/// <summary>
/// Issue 17, "Be an AAuth resource" (draft-hardt-oauth-aauth-protocol editor's copy -11, draft-hardt-httpbis-signature-key-08),
/// through the whole scheme on Kestrel: what a 401 advertises, the well-known metadata and JWKS with a rotated key, resource
/// tokens minted per challenge and verified with the published key, and the 403 <c>insufficient_scope</c> in both forms.
/// </summary>
public sealed class AAuthResourceTests
{
    private const string AllAlgorithms = "Ed25519, ES256, ES384, PS512, RS256";

    [Fact]
    public async Task Unauthenticated_401_advertises_accepted_schemes_algorithms_and_the_requirement()
    {
        await using var host = await AAuthResourceHost.StartAsync();

        using var response = await host.Client.GetAsync("/protected");

        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
        // Signature-Key -08: both are Lists of Tokens; the algorithms are the JOSE names a conveyed key's alg carries.
        Assert.Equal(["jwt"], AAuthResourceHost.Header(response, "Accept-Signature-Scheme"));
        Assert.Equal([AllAlgorithms], AAuthResourceHost.Header(response, "Accept-Signature-Alg"));
        var (requirement, parameters) = AAuthResourceHost.ParseRequirement(response);
        Assert.Equal("agent-token", requirement);
        Assert.Empty(parameters);
        // AAuth-Requirement and WWW-Authenticate are independent: legacy clients keep their challenges.
        Assert.NotEmpty(AAuthResourceHost.Header(response, "WWW-Authenticate"));
        Assert.Empty(AAuthResourceHost.Header(response, "Signature-Error"));
    }

    [Fact]
    public async Task A_failed_signature_401_still_says_what_would_succeed()
    {
        await using var host = await AAuthResourceHost.StartAsync();
        using var request = host.Setup.Agent.Sign(Handler.TestAgent.Request(HttpMethod.Get, host.Host.Url("/protected").ToString()));
        request.Headers.Remove("Signature");
        request.Headers.TryAddWithoutValidation("Signature", "sig1=:" + Convert.ToBase64String(new byte[64]) + ":");

        using var response = await host.Client.SendAsync(request);

        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
        Assert.Equal(["error=invalid_signature"], AAuthResourceHost.Header(response, "Signature-Error"));
        Assert.Equal(["jwt"], AAuthResourceHost.Header(response, "Accept-Signature-Scheme"));
        Assert.Equal([AllAlgorithms], AAuthResourceHost.Header(response, "Accept-Signature-Alg"));
        Assert.Equal(["requirement=agent-token"], AAuthResourceHost.Header(response, "AAuth-Requirement"));
    }

    [Fact]
    public async Task An_auth_token_requirement_asks_for_a_person_token_before_any_resource_token()
    {
        // "A resource MUST have verified a person token before it issues a resource token, and MUST challenge with
        // requirement=person-token when it has not."
        await using var host = await AAuthResourceHost.StartAsync(o => o.Requirement = "auth-token");

        using var response = await host.Client.GetAsync("/protected");

        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
        Assert.Equal(["requirement=person-token"], AAuthResourceHost.Header(response, "AAuth-Requirement"));
    }

    [Fact]
    public async Task Advertising_can_be_turned_off_and_the_requirement_left_unset()
    {
        await using var host = await AAuthResourceHost.StartAsync(o =>
        {
            o.AdvertiseSignatureSchemes = false;
            o.Requirement = null;
        });

        using var response = await host.Client.GetAsync("/protected");

        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
        Assert.Empty(AAuthResourceHost.Header(response, "Accept-Signature-Scheme"));
        Assert.Empty(AAuthResourceHost.Header(response, "Accept-Signature-Alg"));
        Assert.Empty(AAuthResourceHost.Header(response, "AAuth-Requirement"));
        using var metadata = JsonDocument.Parse(await host.Client.GetStringAsync("/.well-known/aauth-resource.json"));
        Assert.False(metadata.RootElement.TryGetProperty("accept_signature_algs", out _));
    }

    [Fact]
    public async Task Disabled_by_default_nothing_AAuth_is_sent()
    {
        // Neither the resource nor any Signature-Key scheme (a verifying scheme advertises: the next test).
        await using var host = await AAuthResourceHost.StartAsync(o => o.Enabled = false, scheme: o => o.AAuth.AllowJwt = false, mapMetadata: false);

        using var response = await host.Client.GetAsync("/protected");

        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
        Assert.Empty(AAuthResourceHost.Header(response, "Accept-Signature-Scheme"));
        Assert.Empty(AAuthResourceHost.Header(response, "AAuth-Requirement"));
        Assert.Empty(AAuthResourceHost.Header(response, "Accept-Signature-Alg"));
    }

    [Fact]
    public async Task A_scheme_that_verifies_Signature_Key_requests_advertises_them_without_being_a_resource()
    {
        await using var host = await AAuthResourceHost.StartAsync(o => o.Enabled = false, scheme: o => o.AAuth.AllowHwk = true, mapMetadata: false);

        using var response = await host.Client.GetAsync("/protected");

        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
        Assert.Equal(["jwt, hwk"], AAuthResourceHost.Header(response, "Accept-Signature-Scheme"));
        Assert.Equal(["Ed25519, ES256, ES384, PS512, RS256"], AAuthResourceHost.Header(response, "Accept-Signature-Alg"));
        Assert.Empty(AAuthResourceHost.Header(response, "AAuth-Requirement"));
    }

    [Fact]
    public async Task Mapping_the_metadata_of_a_scheme_that_is_not_a_resource_explains_what_to_set()
    {
        var error = await Assert.ThrowsAsync<InvalidOperationException>(() => AAuthResourceHost.StartAsync(o => o.Enabled = false));
        Assert.Contains("AgentAuthOptions.AAuth.Resource.Enabled = true", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Metadata_is_served_at_the_well_known_path_the_draft_names()
    {
        await using var host = await AAuthResourceHost.StartAsync(o =>
        {
            o.Description = "**Example Data Service** stores and serves your documents.";
            o.DocumentationUri = "https://resource.example/docs";
            o.AuthorizationEndpoint = "https://resource.example/authorize";
            o.CacheDuration = TimeSpan.FromMinutes(10);
        }, scheme: s => s.Signatures.RequiredComponents.Add("content-type"));

        using var response = await host.Client.GetAsync("/.well-known/aauth-resource.json");

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("application/json", response.Content.Headers.ContentType?.MediaType);
        Assert.Equal("public, max-age=600", response.Headers.CacheControl?.ToString());
        using var document = JsonDocument.Parse(await response.Content.ReadAsStringAsync());
        var r = document.RootElement;
        // "Resource Metadata": issuer (REQUIRED), jwks_uri (REQUIRED when the resource issues resource tokens), the rest optional.
        Assert.Equal(AAuthResourceHost.Issuer, r.GetProperty("issuer").GetString());
        Assert.Equal("https://resource.example/.well-known/jwks.json", r.GetProperty("jwks_uri").GetString());
        Assert.Equal("auth-token", r.GetProperty("access_mode").GetString());
        Assert.Equal("Example Data Service", r.GetProperty("name").GetString());
        Assert.Equal("**Example Data Service** stores and serves your documents.", r.GetProperty("description").GetString());
        Assert.Equal("https://resource.example/docs", r.GetProperty("documentation_uri").GetString());
        Assert.Equal("https://resource.example/authorize", r.GetProperty("authorization_endpoint").GetString());
        Assert.Equal("Read access to your data and documents", r.GetProperty("scope_descriptions").GetProperty(AAuthResourceHost.RequiredScope).GetString());
        Assert.Equal(60, r.GetProperty("signature_window").GetInt32());
        Assert.Equal(["content-type"], r.GetProperty("additional_signature_components").EnumerateArray().Select(e => e.GetString()!).ToArray());
        Assert.Equal(AllAlgorithms.Split(", "), r.GetProperty("accept_signature_algs").EnumerateArray().Select(e => e.GetString()!).ToArray());
    }

    [Fact]
    public async Task The_JWKS_lists_the_current_key_then_the_previous_key_public_members_only()
    {
        await using var host = await AAuthResourceHost.StartAsync();

        using var response = await host.Client.GetAsync("/.well-known/jwks.json");

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("application/json", response.Content.Headers.ContentType?.MediaType);
        var json = await response.Content.ReadAsStringAsync();
        Assert.True(JwkSet.TryParse(System.Text.Encoding.UTF8.GetBytes(json), 10, out var set, out var error), error);
        Assert.Equal(2, set!.Keys.Count);
        var current = set.Keys[0];
        Assert.Equal(AAuthResourceHost.CurrentKeyId, current.KeyId);
        Assert.Equal("Ed25519", current.Algorithm);
        Assert.Equal("11qYAYKxCrfVS_7TyWQHOg7hcvPapiMlrwIaaPcHURo", current.X);
        var previous = set.Keys[1];
        Assert.Equal("res-2026-11", previous.KeyId);
        Assert.Equal("ES256", previous.Algorithm);
        Assert.Equal(Base64UrlOf(host.PreviousKey.ExportParameters(false).Q.X!), previous.X);
        foreach (var key in set.Keys)
        {
            Assert.False(key.HasPrivateMembers);
            Assert.Equal("sig", key.Use);
        }
        Assert.DoesNotContain("\"d\"", json, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_person_token_caller_without_the_scope_gets_a_resource_token_that_verifies_with_the_published_key()
    {
        await using var host = await AAuthResourceHost.StartAsync();
        using var request = host.PersonTokenRequest("/scoped", c =>
        {
            c["mission_s256"] = "dBjftJeZ4CVP-mB92K27uhbUJU1p1r_wW1gFWFOEjXk";
            c["tenant"] = "acme";
        });

        using var response = await host.Client.SendAsync(request);

        Assert.Equal(HttpStatusCode.Forbidden, response.StatusCode);
        var (requirement, parameters) = AAuthResourceHost.ParseRequirement(response);
        Assert.Equal("auth-token", requirement);
        Assert.True(parameters.TryGetValue("resource-token", out var tokenItem));
        var (header, payload) = await host.VerifyWithPublishedKeyAsync(tokenItem.StringValue!);

        // "Resource Token Structure".
        Assert.Equal("aa-resource+jwt", header["typ"]!.GetValue<string>());
        Assert.Equal("Ed25519", header["alg"]!.GetValue<string>());
        Assert.Equal(AAuthResourceHost.CurrentKeyId, header["kid"]!.GetValue<string>());
        Assert.Equal(AAuthResourceHost.Issuer, payload["iss"]!.GetValue<string>());
        Assert.Equal("aauth-resource.json", payload["dwk"]!.GetValue<string>());
        Assert.Equal(TestTokens.Issuer, payload["aud"]!.GetValue<string>());
        Assert.Equal(TestTokens.Issuer, payload["ps"]!.GetValue<string>());
        Assert.Equal("8f14e45fceea167a5a36dedd4bea2543", payload["sub"]!.GetValue<string>());
        Assert.Equal("pt-3ab910", payload["presented_jti"]!.GetValue<string>());
        Assert.Equal(host.Setup.Agent.Key.Thumbprint, payload["agent_jkt"]!.GetValue<string>());
        Assert.Equal(AAuthResourceHost.RequiredScope, payload["scope"]!.GetValue<string>());
        Assert.Equal("dBjftJeZ4CVP-mB92K27uhbUJU1p1r_wW1gFWFOEjXk", payload["mission_s256"]!.GetValue<string>());
        Assert.Equal("acme", payload["tenant"]!.GetValue<string>());
        Assert.Equal(22, payload["jti"]!.GetValue<string>().Length);
        Assert.Equal(TestTokens.NowSeconds, payload["iat"]!.GetValue<long>());
        Assert.Equal(TestTokens.NowSeconds + 300, payload["exp"]!.GetValue<long>());

        // The OAuth form is unchanged, and a 403 carries nothing that asks for a different signature.
        Assert.Equal(["Bearer error=\"insufficient_scope\", error_description=\"The access token does not grant a scope this request requires.\", scope=\"read:documents:all\""],
            AAuthResourceHost.Header(response, "WWW-Authenticate"));
        Assert.Empty(AAuthResourceHost.Header(response, "Signature-Error"));
        Assert.Empty(AAuthResourceHost.Header(response, "Accept-Signature-Scheme"));
        Assert.Empty(AAuthResourceHost.Header(response, "Accept-Signature-Alg"));
        Assert.Empty(AAuthResourceHost.Header(response, "Accept-Signature"));
    }

    [Fact]
    public async Task Each_challenge_mints_its_own_resource_token()
    {
        await using var host = await AAuthResourceHost.StartAsync(o => o.ResourceTokenLifetime = TimeSpan.FromSeconds(90));
        var ids = new List<string>();
        for (var i = 0; i < 2; i++)
        {
            using var request = host.PersonTokenRequest("/scoped");
            using var response = await host.Client.SendAsync(request);
            var (_, parameters) = AAuthResourceHost.ParseRequirement(response);
            Assert.True(parameters.TryGetValue("resource-token", out var token));
            var (_, payload) = await host.VerifyWithPublishedKeyAsync(token.StringValue!);
            Assert.Equal(TestTokens.NowSeconds + 90, payload["exp"]!.GetValue<long>());
            ids.Add(payload["jti"]!.GetValue<string>());
        }
        Assert.NotEqual(ids[0], ids[1]);
    }

    [Fact]
    public async Task A_resource_token_never_outlives_the_person_token_it_was_minted_for()
    {
        // The person token (and so its mission, whose expires_at it may not outlive) ends in 100 seconds.
        await using var host = await AAuthResourceHost.StartAsync();
        using var request = host.PersonTokenRequest("/scoped", c =>
        {
            c["exp"] = TestTokens.NowSeconds + 100;
            c["mission_s256"] = "dBjftJeZ4CVP-mB92K27uhbUJU1p1r_wW1gFWFOEjXk";
        });

        using var response = await host.Client.SendAsync(request);

        var (_, parameters) = AAuthResourceHost.ParseRequirement(response);
        Assert.True(parameters.TryGetValue("resource-token", out var token));
        var (_, payload) = await host.VerifyWithPublishedKeyAsync(token.StringValue!);
        Assert.Equal(TestTokens.NowSeconds + 100, payload["exp"]!.GetValue<long>());
    }

    [Fact]
    public async Task An_application_authorization_endpoint_mints_resource_tokens_only_for_a_person_token()
    {
        await using var host = await AAuthResourceHost.StartAsync();
        using var request = host.PersonTokenRequest("/authorize", method: HttpMethod.Post);

        using var response = await host.Client.SendAsync(request);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        using var body = JsonDocument.Parse(await response.Content.ReadAsStringAsync());
        var (header, payload) = await host.VerifyWithPublishedKeyAsync(body.RootElement.GetProperty("resource_token").GetString()!);
        Assert.Equal("aa-resource+jwt", header["typ"]!.GetValue<string>());
        Assert.Equal("pt-3ab910", payload["presented_jti"]!.GetValue<string>());
        Assert.Equal(host.Setup.Agent.Key.Thumbprint, payload["agent_jkt"]!.GetValue<string>());

        // An agent token (no person token): nothing is minted.
        using var agentRequest = host.PersonTokenRequest("/authorize", c => c["dwk"] = "aauth-agent.json", HttpMethod.Post);
        using var refused = await host.Client.SendAsync(agentRequest);
        Assert.Equal(HttpStatusCode.Unauthorized, refused.StatusCode);
    }

    [Fact]
    public async Task With_an_access_server_the_resource_token_audience_is_the_access_server()
    {
        await using var host = await AAuthResourceHost.StartAsync(o => o.AccessServer = "https://as.resource.example");
        using var request = host.PersonTokenRequest("/scoped");

        using var response = await host.Client.SendAsync(request);

        var (_, parameters) = AAuthResourceHost.ParseRequirement(response);
        Assert.True(parameters.TryGetValue("resource-token", out var token));
        var (_, payload) = await host.VerifyWithPublishedKeyAsync(token.StringValue!);
        Assert.Equal("https://as.resource.example", payload["aud"]!.GetValue<string>());
        Assert.Equal(TestTokens.Issuer, payload["ps"]!.GetValue<string>());
    }

    [Fact]
    public async Task After_a_rotation_tokens_are_signed_with_the_new_key_and_the_old_key_stays_published()
    {
        // Rotate: the former current key becomes a previous key, a new P-256 key signs.
        using var next = System.Security.Cryptography.ECDsa.Create(System.Security.Cryptography.ECCurve.NamedCurves.nistP256);
        await using var host = await AAuthResourceHost.StartAsync(o =>
        {
            o.PreviousKeys.Clear();
            o.PreviousKeys.Add(new AAuthResourceKeyOptions { Jwk = AAuthResourceHost.CurrentKeyJwk });
            o.SigningKey.Jwk = null;
            o.SigningKey.Pem = next.ExportPkcs8PrivateKeyPem();
            o.SigningKey.KeyId = "res-2027-01";
        });

        using var jwks = JsonDocument.Parse(await host.Client.GetStringAsync("/.well-known/jwks.json"));
        Assert.Equal(["res-2027-01", AAuthResourceHost.CurrentKeyId],
            jwks.RootElement.GetProperty("keys").EnumerateArray().Select(k => k.GetProperty("kid").GetString()!).ToArray());
        using var request = host.PersonTokenRequest("/scoped");
        using var response = await host.Client.SendAsync(request);
        var (_, parameters) = AAuthResourceHost.ParseRequirement(response);
        Assert.True(parameters.TryGetValue("resource-token", out var token));
        var (header, _) = await host.VerifyWithPublishedKeyAsync(token.StringValue!);
        Assert.Equal("res-2027-01", header["kid"]!.GetValue<string>());
        Assert.Equal("ES256", header["alg"]!.GetValue<string>());
    }

    [Fact]
    public async Task A_caller_without_a_person_token_gets_403_in_both_forms_asking_for_a_person_token()
    {
        await using var host = await AAuthResourceHost.StartAsync();
        using var request = new HttpRequestMessage(HttpMethod.Get, "/scoped");
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", host.Setup.Token(cnf: null, c => c["scope"] = "write:documents"));

        using var response = await host.Client.SendAsync(request);

        Assert.Equal(HttpStatusCode.Forbidden, response.StatusCode);
        Assert.Equal(["Bearer error=\"insufficient_scope\", error_description=\"The access token does not grant a scope this request requires.\", scope=\"read:documents:all\""],
            AAuthResourceHost.Header(response, "WWW-Authenticate"));
        Assert.Equal(["requirement=person-token"], AAuthResourceHost.Header(response, "AAuth-Requirement"));
        // "Error Response Format": application/problem+json whose error member the agent acts on.
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        using var body = JsonDocument.Parse(await response.Content.ReadAsStringAsync());
        Assert.Equal("insufficient_scope", body.RootElement.GetProperty("error").GetString());
        Assert.Equal(AAuthResourceHost.RequiredScope, body.RootElement.GetProperty("scope").GetString());
        Assert.Equal(403, body.RootElement.GetProperty("status").GetInt32());
        Assert.Empty(AAuthResourceHost.Header(response, "Signature-Error"));
        Assert.Empty(AAuthResourceHost.Header(response, "Accept-Signature-Scheme"));
    }

    [Fact]
    public async Task An_auth_token_is_not_a_person_token_so_no_resource_token_is_minted_from_it()
    {
        // An auth token issued by a person server has the same dwk but carries ps; presented_jti would have to come from the
        // resource's own record of the person token, which it does not keep, so the step-up goes through a person token.
        await using var host = await AAuthResourceHost.StartAsync();
        using var request = host.PersonTokenRequest("/scoped", c => c["ps"] = TestTokens.Issuer);

        using var response = await host.Client.SendAsync(request);

        Assert.Equal(HttpStatusCode.Forbidden, response.StatusCode);
        Assert.Equal(["requirement=person-token"], AAuthResourceHost.Header(response, "AAuth-Requirement"));
    }

    private static string Base64UrlOf(byte[] bytes) => System.Buffers.Text.Base64Url.EncodeToString(bytes);
}
