using AgentAuth.Client;
using AgentAuth.HttpSignatures.Cryptography;
using Microsoft.Extensions.DependencyInjection;

namespace AgentAuth.AspNetCore.Tests.Client;

/// <summary>
/// A factory client's <c>BaseAddress</c> is the origin its signing handler signs for when no AllowedOrigins are set, even
/// when the client's first request goes somewhere else (the first-origin rule applies only to a client without either).
/// </summary>
public sealed class FactoryBaseAddressOriginTests
{
    [Fact]
    public async Task A_first_request_to_another_origin_carries_no_credentials_and_the_base_address_is_still_signed_for()
    {
        using var key = SignatureKey.GenerateEd25519("agent-key");
        await using var other = await ScriptedOrigin.StartAsync((_, _) => Task.CompletedTask);
        await using var api = await ScriptedOrigin.StartAsync((_, _) => Task.CompletedTask);
        var services = new ServiceCollection();
        services.AddHttpClient("agent", c => c.BaseAddress = api.BaseAddress).AddAgentAuthSigning(o => o.Key = key);
        using var provider = services.BuildServiceProvider();
        var client = provider.GetRequiredService<IHttpClientFactory>().CreateClient("agent");

        (await client.GetAsync(new Uri(other.BaseAddress, "/first"))).Dispose();
        (await client.GetAsync(new Uri("/data", UriKind.Relative))).Dispose();

        Assert.False(Assert.Single(other.Requests).HasCredentials);
        Assert.True(Assert.Single(api.Requests).HasCredentials);
    }
}
