using AgentAuth.HttpSignatures.Cryptography;

namespace AgentAuth.HttpSignatures.Tests.Cryptography;

public sealed class Ed25519BackendSelectionTests
{
    [Theory]
    [InlineData(null, null, Ed25519BackendKind.Libsodium)]
    [InlineData("", null, Ed25519BackendKind.Libsodium)]
    [InlineData(null, "libsodium.so.23 could not be loaded", Ed25519BackendKind.BouncyCastle)]
    [InlineData("libsodium", null, Ed25519BackendKind.Libsodium)]
    [InlineData(" LibSodium ", null, Ed25519BackendKind.Libsodium)]
    [InlineData("bouncycastle", null, Ed25519BackendKind.BouncyCastle)]
    [InlineData("BouncyCastle", "libsodium.so.23 could not be loaded", Ed25519BackendKind.BouncyCastle)]
    public void Setting_selects_the_backend(string? setting, string? libsodiumFailure, Ed25519BackendKind expected)
    {
        Assert.Equal(expected, Ed25519Backend.FromSetting(setting, libsodiumFailure).Kind);
    }

    [Fact]
    public void Forcing_an_absent_libsodium_fails_clearly()
    {
        var ex = Assert.Throws<InvalidOperationException>(() => Ed25519Backend.FromSetting("libsodium", "libsodium.so.23 could not be loaded"));
        Assert.Contains("AGENTAUTH_ED25519_BACKEND=libsodium", ex.Message);
        Assert.Contains("could not be loaded", ex.Message);
    }

    [Fact]
    public void An_unknown_setting_fails_clearly()
    {
        var ex = Assert.Throws<InvalidOperationException>(() => Ed25519Backend.FromSetting("nsec", null));
        Assert.Contains("'libsodium' or 'bouncycastle'", ex.Message);
    }
}
