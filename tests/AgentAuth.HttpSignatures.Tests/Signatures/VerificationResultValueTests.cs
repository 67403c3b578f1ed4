using AgentAuth.HttpSignatures.Cryptography;
using AgentAuth.HttpSignatures.Tests.Conformance;
using Microsoft.Extensions.Time.Testing;

namespace AgentAuth.HttpSignatures.Tests.Signatures;

/// <summary>
/// <see cref="SignatureVerificationResult"/> is a value (issue 22: a verified request allocates no result object): its
/// default is never a success, and a successful verification allocates nothing once the code is optimized.
/// </summary>
public sealed class VerificationResultValueTests
{
    private const long Now = 1_750_000_000;

    private const string Request =
        "GET /orders/42?expand=items HTTP/1.1\n" +
        "Host: api.example.com\n" +
        "\n";

    private static readonly SignatureComponent[] s_components =
        [SignatureComponent.Method, SignatureComponent.Authority, SignatureComponent.Path, SignatureComponent.Query];

    [Fact]
    public void A_default_result_is_an_unverified_failure()
    {
        var result = default(SignatureVerificationResult);
        Assert.False(result.Succeeded);
        Assert.Equal(SignatureError.InvalidSignature, result.Error);
        Assert.NotNull(result.Reason);
        Assert.Null(result.Key);
        Assert.Null(result.Algorithm);
        Assert.False(result.KeyResolved);
        Assert.False(result.TryGetNonce(out _));
        Assert.Null(result.Nonce);
        Assert.Empty(result.Components);
    }

    [Fact]
    public async Task A_success_reports_the_label_keyid_and_components_of_the_verified_member()
    {
        var key = SignatureKey.GenerateHmacSha256("agent-key-1");
        var (message, verifier, resolver) = Signed(key);

        var result = await verifier.VerifyAsync(message, SignatureSelection.OnlySignature, resolver);
        var again = await verifier.VerifyAsync(message, SignatureSelection.OnlySignature, resolver);

        Assert.True(result.Succeeded, result.ToString());
        Assert.Equal("sig1", result.Label);
        Assert.Equal("agent-key-1", result.KeyId);
        Assert.Same(key, result.Key);
        Assert.Equal(s_components, result.Components);
        Assert.False(result.Covers("host"));
        Assert.True(again.Succeeded);
        // The second verification reuses the first one's label string instead of copying it from the header again.
        Assert.Same(result.Label, again.Label);
    }

    [Fact]
    public async Task A_successful_verification_allocates_nothing_once_warm()
    {
        var key = SignatureKey.GenerateHmacSha256("agent-key-1");
        var (message, verifier, resolver) = Signed(key);
        // Unoptimized (tier-0) code allocates where optimized code does not, so batches run until one allocates nothing,
        // for at most 20 seconds (as the benchmark smoke test does for the signature base).
        var deadline = DateTime.UtcNow.AddSeconds(20);
        long allocated;
        do
        {
            var before = GC.GetAllocatedBytesForCurrentThread();
            for (var i = 0; i < 100; i++)
            {
                // Completes synchronously (the key resolves from memory), so awaiting it suspends nothing.
                var result = await verifier.VerifyAsync(message, SignatureSelection.OnlySignature, resolver);
                Assert.True(result.Succeeded);
            }
            allocated = GC.GetAllocatedBytesForCurrentThread() - before;
            await Task.Yield();
        }
        while (allocated != 0 && DateTime.UtcNow < deadline);
        Assert.Equal(0, allocated);
    }

    private static (RawHttpMessage Message, HttpMessageSignatureVerifier Verifier, ISignatureKeyResolver Resolver) Signed(SignatureKey key)
    {
        var time = new FakeTimeProvider(DateTimeOffset.FromUnixTimeSeconds(Now));
        Assert.True(RawHttpMessage.TryParse(Request, "https", null, out var unsigned));
        var headers = new HttpMessageSigner(time).Sign(unsigned!, "sig1", s_components, new SignatureParameters(), key);
        var text = Request.Replace("\n\n", "\nSignature-Input: " + headers.SignatureInput + "\nSignature: " + headers.Signature + "\n\n", StringComparison.Ordinal);
        Assert.True(RawHttpMessage.TryParse(text, "https", null, out var message));
        var verifier = new HttpMessageSignatureVerifier(new HttpSignatureVerifierOptions { AllowHmac = true }, time);
        return (message!, verifier, new SynchronousResolver(key));
    }

    /// <summary>Resolves the one key from memory without allocating, as a cached key set does.</summary>
    private sealed class SynchronousResolver(SignatureKey key) : ISignatureKeyResolver
    {
        public ValueTask<SignatureKeyResolution> ResolveAsync(string? keyId, SignatureParametersView parameters, CancellationToken cancellationToken) =>
            new(keyId == key.KeyId ? SignatureKeyResolution.Resolved(key) : SignatureKeyResolution.Unknown("no key with this keyid"));
    }
}
