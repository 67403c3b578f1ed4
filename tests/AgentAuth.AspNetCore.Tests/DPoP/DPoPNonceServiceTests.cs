using System.Buffers.Text;
using AgentAuth.AspNetCore;
using Microsoft.AspNetCore.DataProtection;

namespace AgentAuth.AspNetCore.Tests.DPoP;

public sealed class DPoPNonceServiceTests
{
    private static readonly DateTimeOffset Now = DateTimeOffset.FromUnixTimeSeconds(1_800_000_000);
    private readonly AgentAuthDPoPOptions _options = new() { NonceLifetime = TimeSpan.FromMinutes(5), ClockSkew = TimeSpan.FromSeconds(60) };
    private readonly EphemeralDataProtectionProvider _provider = new();

    [Fact]
    public void Accepts_its_own_nonce_within_the_lifetime()
    {
        var service = new DPoPNonceService(_provider);
        var nonce = service.CreateNonce(Now);

        Assert.Equal(DPoPNonceStatus.Valid, service.Validate(nonce, Now, _options, out var issuedAt));
        Assert.Equal(Now, issuedAt);
        Assert.Equal(DPoPNonceStatus.Valid, service.Validate(nonce, Now + TimeSpan.FromMinutes(5), _options, out _));
    }

    [Fact]
    public void Nonces_use_only_the_nonce_character_set()
    {
        var nonce = new DPoPNonceService(_provider).CreateNonce(Now);
        // RFC 9449 §8.1: NQCHAR = %x21 / %x23-5B / %x5D-7E; base64url is a subset.
        foreach (var c in nonce)
        {
            Assert.True(char.IsAsciiLetterOrDigit(c) || c is '-' or '_', $"unexpected character '{c}'");
        }
    }

    [Fact]
    public void Missing_nonce_is_reported()
    {
        var service = new DPoPNonceService(_provider);
        Assert.Equal(DPoPNonceStatus.Missing, service.Validate(null, Now, _options, out _));
    }

    [Fact]
    public void Expired_nonce_is_stale()
    {
        var service = new DPoPNonceService(_provider);
        var nonce = service.CreateNonce(Now);
        Assert.Equal(DPoPNonceStatus.Stale, service.Validate(nonce, Now + TimeSpan.FromMinutes(5) + TimeSpan.FromMilliseconds(1), _options, out _));
    }

    [Fact]
    public void Nonce_from_the_future_beyond_the_skew_is_stale()
    {
        var service = new DPoPNonceService(_provider);
        var nonce = service.CreateNonce(Now + TimeSpan.FromSeconds(61));
        Assert.Equal(DPoPNonceStatus.Stale, service.Validate(nonce, Now, _options, out _));
        var withinSkew = service.CreateNonce(Now + TimeSpan.FromSeconds(60));
        Assert.Equal(DPoPNonceStatus.Valid, service.Validate(withinSkew, Now, _options, out _));
    }

    [Theory]
    [InlineData("")]
    [InlineData("eyJ7S_zG.eyJH0-Z.HX4w-7v")] // the RFC's example nonce: not issued by us
    [InlineData("AAAA")]
    [InlineData("not base64url!")]
    public void Foreign_or_malformed_nonces_are_invalid(string nonce)
    {
        var service = new DPoPNonceService(_provider);
        Assert.Equal(DPoPNonceStatus.Invalid, service.Validate(nonce, Now, _options, out _));
    }

    [Fact]
    public void Oversized_nonce_is_invalid_without_decoding()
    {
        var service = new DPoPNonceService(_provider);
        Assert.Equal(DPoPNonceStatus.Invalid, service.Validate(new string('A', 4000), Now, _options, out _));
    }

    [Fact]
    public void Altered_nonce_is_invalid()
    {
        var service = new DPoPNonceService(_provider);
        var bytes = Base64Url.DecodeFromChars(service.CreateNonce(Now));
        bytes[^1] ^= 0x01;
        Assert.Equal(DPoPNonceStatus.Invalid, service.Validate(Base64Url.EncodeToString(bytes), Now, _options, out _));
    }

    [Fact]
    public void Nonce_from_another_key_ring_is_invalid()
    {
        var other = new DPoPNonceService(new EphemeralDataProtectionProvider()).CreateNonce(Now);
        Assert.Equal(DPoPNonceStatus.Invalid, new DPoPNonceService(_provider).Validate(other, Now, _options, out _));
    }

    [Fact]
    public void Payload_protected_for_another_purpose_is_invalid()
    {
        var foreign = _provider.CreateProtector("something-else").Protect(new byte[8]);
        Assert.Equal(DPoPNonceStatus.Invalid, new DPoPNonceService(_provider).Validate(Base64Url.EncodeToString(foreign), Now, _options, out _));
    }

    [Fact]
    public void Wrong_payload_length_is_invalid()
    {
        var wrongLength = _provider.CreateProtector(DPoPNonceService.Purpose).Protect(new byte[4]);
        Assert.Equal(DPoPNonceStatus.Invalid, new DPoPNonceService(_provider).Validate(Base64Url.EncodeToString(wrongLength), Now, _options, out _));
    }

    [Fact]
    public void Rotation_starts_at_half_the_lifetime()
    {
        Assert.False(DPoPNonceService.ShouldRotate(Now, Now + TimeSpan.FromSeconds(149), _options));
        Assert.True(DPoPNonceService.ShouldRotate(Now, Now + TimeSpan.FromSeconds(150), _options));
    }
}
