using AgentAuth.AspNetCore;
using AgentAuth.HttpSignatures.Cryptography;
using AgentAuth.Testing;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Primitives;

namespace AgentAuth.AspNetCore.Tests.DPoP;

public sealed class DPoPServiceRegistrationTests
{
    [Fact]
    public async Task Registered_validator_uses_the_registered_clock_and_replay_cache()
    {
        var clock = new ManualTimeProvider(1_800_000_000);
        var replay = new TestReplayCache(clock);
        var services = new ServiceCollection();
        services.AddSingleton<TimeProvider>(clock);
        services.AddSingleton<IReplayCache>(replay);
        DPoPServiceRegistration.AddDPoPCore(services);
        DPoPServiceRegistration.AddDPoPCore(services); // idempotent
        using var provider = services.BuildServiceProvider(new ServiceProviderOptions { ValidateOnBuild = true, ValidateScopes = true });

        var validator = provider.GetRequiredService<DPoPProofValidator>();
        Assert.Same(validator, provider.GetRequiredService<DPoPProofValidator>());
        var key = SignatureKey.GenerateEd25519();
        var proof = new TestProofBuilder(key, "Ed25519", "PUT", "https://api.example.test/items/1", "tok", clock.GetUtcNow()).Build();

        var result = await validator.ValidateAsync(
            new DPoPProofRequest
            {
                Method = "PUT",
                PublicOrigin = "https://api.example.test",
                RawTarget = "/items/1",
                AccessToken = "tok",
                ProofHeaderValues = new StringValues(proof),
            },
            new AgentAuthDPoPOptions());

        Assert.True(result.Succeeded, result.ErrorDescription);
        Assert.Equal(1, replay.Calls);

        var nonces = provider.GetRequiredService<DPoPNonceService>();
        var nonce = nonces.CreateNonce(clock.GetUtcNow());
        Assert.Equal(DPoPNonceStatus.Valid, nonces.Validate(nonce, clock.GetUtcNow(), new AgentAuthDPoPOptions(), out _));
    }
}
