using System.Net;
using System.Text.Json;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.Extensions.DependencyInjection;
using ResourceApi;

namespace AgentAuth.AspNetCore.Tests.Samples;

/// <summary>samples/ResourceApi, with its shipped appsettings.json, is an AAuth resource: it advertises, and serves its metadata and keys.</summary>
public sealed class ResourceApiAAuthResourceTests : IAsyncLifetime
{
    private WebApplication? _app;
    private HttpClient? _client;

    public async Task InitializeAsync()
    {
        _app = ResourceApiApp.Build(["--contentRoot", SampleFiles.PathOf("samples/ResourceApi"), "--urls", "http://127.0.0.1:0", "--Logging:LogLevel:Default", "Warning"]);
        await _app.StartAsync();
        _client = new HttpClient { BaseAddress = new Uri(_app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First()) };
    }

    public async Task DisposeAsync()
    {
        _client?.Dispose();
        if (_app is not null)
        {
            await _app.StopAsync();
            await _app.DisposeAsync();
        }
    }

    [Fact]
    public async Task The_sample_advertises_AAuth_on_its_401()
    {
        using var response = await _client!.GetAsync("/whoami");

        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
        // What the sample's Signature-Key verifier accepts (AAuth:Allow*, AAuth:Algorithms default), in preference order.
        Assert.Equal(["jwt, jwks_uri, hwk"], Handler.ResponseAssert.Header(response, "Accept-Signature-Scheme"));
        Assert.Equal(["Ed25519, ES256"], Handler.ResponseAssert.Header(response, "Accept-Signature-Alg"));
        Assert.Equal(["requirement=agent-token"], Handler.ResponseAssert.Header(response, "AAuth-Requirement"));
    }

    [Fact]
    public async Task The_sample_serves_its_metadata_and_its_current_and_previous_keys()
    {
        using var metadata = JsonDocument.Parse(await _client!.GetStringAsync("/.well-known/aauth-resource.json"));
        Assert.Equal("https://resource.sample.local", metadata.RootElement.GetProperty("issuer").GetString());
        Assert.Equal("https://resource.sample.local/.well-known/jwks.json", metadata.RootElement.GetProperty("jwks_uri").GetString());
        Assert.Equal("agent-token", metadata.RootElement.GetProperty("access_mode").GetString());

        using var jwks = JsonDocument.Parse(await _client.GetStringAsync("/.well-known/jwks.json"));
        Assert.Equal(["sample-resource-2026-12", "sample-resource-2026-06"],
            jwks.RootElement.GetProperty("keys").EnumerateArray().Select(k => k.GetProperty("kid").GetString()!).ToArray());
    }
}
