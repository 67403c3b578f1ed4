using AgentAuth.AspNetCore;
using AgentAuth.HttpSignatures.Cryptography;
using FsCheck;
using FsCheck.Fluent;
using Microsoft.AspNetCore.DataProtection;
using Microsoft.Extensions.Primitives;
using Microsoft.Extensions.Time.Testing;

namespace AgentAuth.AspNetCore.Tests.DPoP;

/// <summary>Untrusted input never throws, and no edit of a valid proof is accepted.</summary>
public sealed class DPoPRobustnessTests
{
    private const string Alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";
    private static readonly DateTimeOffset Now = DateTimeOffset.FromUnixTimeSeconds(1_800_000_000);

    [Fact]
    public async Task Every_single_character_edit_of_a_valid_proof_is_rejected()
    {
        var clock = new FakeTimeProvider(Now);
        var replay = new TestReplayCache(clock);
        var options = new AgentAuthDPoPOptions { EnableReplayDetection = false };
        var validator = new DPoPProofValidator(replay, new DPoPNonceService(new EphemeralDataProtectionProvider()), clock);
        var proof = new TestProofBuilder(SignatureKey.GenerateEd25519(), "EdDSA", "GET", "https://h.test/x", "tok", Now).Build();
        Assert.True((await validator.ValidateAsync(Request(proof), options)).Succeeded);

        for (var i = 0; i < proof.Length; i++)
        {
            var original = proof[i];
            var replacement = original == '.' ? 'A' : Alphabet[(Alphabet.IndexOf(original) + 1) % Alphabet.Length];
            var edited = string.Concat(proof.AsSpan(0, i), new string(replacement, 1), proof.AsSpan(i + 1));

            var result = await validator.ValidateAsync(Request(edited), options);

            Assert.False(result.Succeeded, "accepted an edit at position " + i);
            Assert.Equal(DPoPErrors.InvalidDPoPProof, result.Error);
        }
    }

    [Fact]
    public void Arbitrary_header_values_never_throw_and_never_succeed()
    {
        var clock = new FakeTimeProvider(Now);
        var validator = new DPoPProofValidator(new TestReplayCache(clock), new DPoPNonceService(new EphemeralDataProtectionProvider()), clock);
        var options = new AgentAuthDPoPOptions { RequireNonce = true };

        Prop.ForAll<string>(value =>
        {
            var result = validator.ValidateAsync(Request(value ?? string.Empty), options).AsTask().GetAwaiter().GetResult();
            return !result.Succeeded && result.Error == DPoPErrors.InvalidDPoPProof;
        }).QuickCheckThrowOnFailure();

        // Three segments of arbitrary base64url: gets past the split and exercises the JSON and JWK paths.
        var segment = Gen.Elements(Alphabet.ToCharArray()).ArrayOf().Select(chars => new string(chars));
        Prop.ForAll(Gen.Three(segment).ToArbitrary(), parts =>
        {
            var result = validator.ValidateAsync(Request(parts.Item1 + "." + parts.Item2 + "." + parts.Item3), options).AsTask().GetAwaiter().GetResult();
            return !result.Succeeded;
        }).QuickCheckThrowOnFailure();
    }

    [Fact]
    public void Arbitrary_uris_never_throw_and_normalization_is_idempotent()
    {
        Prop.ForAll<string>(value =>
        {
            value ??= string.Empty;
            var buffer = new char[HttpUriNormalizer.MaxNormalizedLength(value.Length)];
            if (!HttpUriNormalizer.TryNormalize(value, buffer, out var written))
            {
                return true;
            }
            var once = new string(buffer, 0, written);
            var again = new char[HttpUriNormalizer.MaxNormalizedLength(once.Length)];
            return HttpUriNormalizer.TryNormalize(once, again, out var written2) && once == new string(again, 0, written2);
        }).QuickCheckThrowOnFailure();

        var pathChar = Gen.Elements("aZ09-._~!$&'()*+,;=:@/%|{} ?#".ToCharArray());
        Prop.ForAll(pathChar.ArrayOf().Select(c => new string(c)).ToArbitrary(), path =>
        {
            var uri = "HTTPS://Example.TEST:443/" + path;
            var buffer = new char[HttpUriNormalizer.MaxNormalizedLength(uri.Length)];
            if (!HttpUriNormalizer.TryNormalize(uri, buffer, out var written))
            {
                return true;
            }
            var once = new string(buffer, 0, written);
            var again = new char[HttpUriNormalizer.MaxNormalizedLength(once.Length)];
            return HttpUriNormalizer.TryNormalize(once, again, out var written2) && once == new string(again, 0, written2) && DPoPHtu.Matches(uri, "https://example.test", once.AsSpan("https://example.test".Length));
        }).QuickCheckThrowOnFailure();
    }

    private static DPoPProofRequest Request(string proof) => new()
    {
        Method = "GET",
        PublicOrigin = "https://h.test",
        RawTarget = "/x",
        AccessToken = "tok",
        ProofHeaderValues = new StringValues(proof),
    };
}
