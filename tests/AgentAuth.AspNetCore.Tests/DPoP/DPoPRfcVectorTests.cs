using System.Diagnostics.CodeAnalysis;
using System.Text.Json;
using AgentAuth.AspNetCore;
using AgentAuth.Testing;
using Microsoft.AspNetCore.DataProtection;
using Microsoft.Extensions.Primitives;
using Microsoft.Extensions.Time.Testing;

namespace AgentAuth.AspNetCore.Tests.DPoP;

/// <summary>RFC 9449's own proofs (figures 2 and 13), from the shared conformance data, and single-field mutations of them.</summary>
public sealed class DPoPRfcVectorTests : IDisposable
{
    private readonly JsonDocument _vectors = ConformanceFiles.ReadJson("pop/pop-vectors.json");
    private FakeTimeProvider _clock;
    private TestReplayCache _replay;
    private readonly AgentAuthDPoPOptions _options = new();

    public DPoPRfcVectorTests() => StartClockAt(Figure13IssuedAt);

    private JsonElement Root => _vectors.RootElement;

    private JsonElement Figure13 => Proof("rfc9449-fig13-resource-request");

    private JsonElement Figure2 => Proof("rfc9449-fig2-token-request");

    private string AccessToken => Root.GetProperty("rfc9449_access_token").GetProperty("access_token").GetString()!;

    private string Figure13Proof => Figure13.GetProperty("dpop_header").GetString()!;

    private DateTimeOffset Figure13IssuedAt => DateTimeOffset.FromUnixTimeSeconds(Figure13.GetProperty("claims").GetProperty("iat").GetInt64());

    [Fact]
    public async Task Figure_13_proof_is_accepted_with_its_token_and_clock()
    {
        var result = await ValidateAsync(Figure13Proof);

        Assert.True(result.Succeeded, result.ErrorDescription);
        Assert.Equal(Figure13.GetProperty("expected_jkt").GetString(), result.Thumbprint);
        Assert.Equal("0ZcOCORZNYy-DWpqq30jZyJGHTN0d2HglBV3uiguA4I", result.Thumbprint);
        Assert.Equal("e1j3V_bKic8-LAEB", result.Jti);
        Assert.Equal(DateTimeOffset.FromUnixTimeSeconds(1562262618), result.IssuedAt);
        Assert.Equal(Root.GetProperty("rfc9449_access_token").GetProperty("expected_ath").GetString(), DPoPAccessTokenHash.Compute(AccessToken));
    }

    [Fact]
    public async Task Figure_13_proof_is_bound_to_the_rfc_cnf_token()
    {
        var cnfJkt = Root.GetProperty("rfc9449_cnf_jwt").GetProperty("claims").GetProperty("cnf").GetProperty("jkt").GetString();
        var result = await ValidateAsync(Figure13Proof, expectedThumbprint: cnfJkt);
        Assert.True(result.Succeeded, result.ErrorDescription);
        Assert.True(Confirmation.IsSatisfiedBy(ConfirmationClaim.FromThumbprint(cnfJkt!), result.Thumbprint!));
    }

    [Fact]
    public async Task Figure_13_with_a_jkt_mismatch_is_an_invalid_token()
    {
        var otherJkt = Root.GetProperty("rfc9449_dpop_jkt_param_example").GetProperty("dpop_jkt").GetString();

        var afterwards = await ValidateAsync(Figure13Proof);
        Assert.False(Confirmation.IsSatisfiedBy(ConfirmationClaim.FromThumbprint(otherJkt!), afterwards.Thumbprint!));

        var upFront = await ValidateAsync(Figure13Proof, expectedThumbprint: otherJkt);
        DPoPProofValidatorTests.AssertFailure(upFront, DPoPErrors.InvalidToken, "Invalid DPoP key binding");
    }

    [Fact]
    public async Task Figure_2_token_request_proof_is_rejected_at_the_resource()
    {
        var proof = Figure2.GetProperty("dpop_header").GetString()!;
        StartClockAt(DateTimeOffset.FromUnixTimeSeconds(Figure2.GetProperty("claims").GetProperty("iat").GetInt64()));

        // It has no ath (and names POST https://server.example.com/token); the first check it fails is the missing claim.
        DPoPProofValidatorTests.AssertFailure(await ValidateAsync(proof), DPoPErrors.InvalidDPoPProof, "missing 'ath'");
        DPoPProofValidatorTests.AssertFailure(
            await ValidateAsync(proof, method: "POST", origin: "https://server.example.com", target: "/token"),
            DPoPErrors.InvalidDPoPProof,
            "missing 'ath'");
        Assert.Equal(0, _replay.Calls);
    }

    [Fact]
    public async Task Figure_13_with_another_method_fails_htm()
    {
        DPoPProofValidatorTests.AssertFailure(await ValidateAsync(Figure13Proof, method: "POST"), DPoPErrors.InvalidDPoPProof, "'htm'");
    }

    [Fact]
    public async Task Figure_13_at_another_url_fails_htu()
    {
        DPoPProofValidatorTests.AssertFailure(await ValidateAsync(Figure13Proof, target: "/other"), DPoPErrors.InvalidDPoPProof, "'htu'");
    }

    [Fact]
    public async Task Figure_13_an_hour_later_has_expired()
    {
        _clock.Advance(TimeSpan.FromSeconds(3600));
        DPoPProofValidatorTests.AssertFailure(await ValidateAsync(Figure13Proof), DPoPErrors.InvalidDPoPProof, "expired");
    }

    [Fact]
    public async Task Figure_13_an_hour_early_is_in_the_future()
    {
        StartClockAt(Figure13IssuedAt - TimeSpan.FromSeconds(3600));
        DPoPProofValidatorTests.AssertFailure(await ValidateAsync(Figure13Proof), DPoPErrors.InvalidDPoPProof, "in the future");
    }

    [Fact]
    public async Task Figure_13_with_another_access_token_fails_ath()
    {
        DPoPProofValidatorTests.AssertFailure(await ValidateAsync(Figure13Proof, token: "another-token"), DPoPErrors.InvalidDPoPProof, "'ath'");
    }

    [Fact]
    public async Task Figure_13_with_its_last_two_signature_characters_changed_fails_the_signature()
    {
        var proof = Figure13Proof;
        Assert.EndsWith("jA", proof, StringComparison.Ordinal);
        // "kQ" keeps the segment canonical (the last character's unused bits stay zero), so only the signature check can fail.
        DPoPProofValidatorTests.AssertFailure(await ValidateAsync(proof[..^2] + "kQ"), DPoPErrors.InvalidDPoPProof, "signature is invalid");
        // "jB" sets unused bits: not canonical base64url, rejected before any crypto.
        DPoPProofValidatorTests.AssertFailure(await ValidateAsync(proof[..^2] + "jB"), DPoPErrors.InvalidDPoPProof, "Malformed");
    }

    [Fact]
    public async Task Figure_13_replayed_is_rejected()
    {
        Assert.True((await ValidateAsync(Figure13Proof)).Succeeded);
        DPoPProofValidatorTests.AssertFailure(await ValidateAsync(Figure13Proof), DPoPErrors.InvalidDPoPProof, "already been used");
    }

    [Fact]
    public async Task Figure_13_is_rejected_when_es256_is_not_allowed()
    {
        _options.AllowedAlgorithms.Remove("ES256");
        DPoPProofValidatorTests.AssertFailure(await ValidateAsync(Figure13Proof), DPoPErrors.InvalidDPoPProof, "'alg'");
    }

    public void Dispose() => _vectors.Dispose();

    // FakeTimeProvider never moves backwards (figure 2 is older than figure 13): a test that needs an earlier instant
    // starts a fresh clock, and the replay cache that reads it, before validating anything.
    [MemberNotNull(nameof(_clock), nameof(_replay))]
    private void StartClockAt(DateTimeOffset instant)
    {
        _clock = new FakeTimeProvider(instant);
        _replay = new TestReplayCache(_clock);
    }

    private JsonElement Proof(string id)
    {
        foreach (var proof in Root.GetProperty("rfc9449_proofs").EnumerateArray())
        {
            if (proof.GetProperty("id").GetString() == id)
            {
                return proof;
            }
        }
        throw new InvalidOperationException("Vector " + id + " not found");
    }

    private ValueTask<DPoPProofValidationResult> ValidateAsync(
        string proof,
        string method = "GET",
        string origin = "https://resource.example.org",
        string target = "/protectedresource",
        string? token = null,
        string? expectedThumbprint = null)
    {
        var validator = new DPoPProofValidator(_replay, new DPoPNonceService(new EphemeralDataProtectionProvider()), _clock);
        return validator.ValidateAsync(
            new DPoPProofRequest
            {
                Method = method,
                PublicOrigin = origin,
                RawTarget = target,
                AccessToken = token ?? AccessToken,
                ProofHeaderValues = new StringValues(proof),
                ExpectedThumbprint = expectedThumbprint,
            },
            _options);
    }
}
