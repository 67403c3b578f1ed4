using AgentAuth.HttpSignatures.Cryptography;
using Microsoft.IdentityModel.Tokens;

namespace AgentAuth.AspNetCore;

/// <summary>Verifies JWS signatures with a <see cref="SignatureKey"/>. Verification only: it never signs.</summary>
internal sealed class SignatureKeySignatureProvider : SignatureProvider
{
    private readonly SignatureKey _key;

    public SignatureKeySignatureProvider(SignatureKeySecurityKey securityKey, SignatureKey key, string algorithm)
        : base(securityKey, algorithm)
    {
        _key = key;
        WillCreateSignatures = false;
    }

    public override bool Verify(byte[] input, byte[] signature)
    {
        ArgumentNullException.ThrowIfNull(input);
        ArgumentNullException.ThrowIfNull(signature);
        return VerifyCore(input, signature);
    }

    /// <summary>The overload <c>JsonWebTokenHandler</c> calls (the base one throws).</summary>
    public override bool Verify(byte[] input, int inputOffset, int inputLength, byte[] signature, int signatureOffset, int signatureLength)
    {
        ArgumentNullException.ThrowIfNull(input);
        ArgumentNullException.ThrowIfNull(signature);
        if (inputOffset < 0 || inputLength < 0 || inputOffset > input.Length - inputLength
            || signatureOffset < 0 || signatureLength < 0 || signatureOffset > signature.Length - signatureLength)
        {
            return false;
        }
        return VerifyCore(input.AsSpan(inputOffset, inputLength), signature.AsSpan(signatureOffset, signatureLength));
    }

    private bool VerifyCore(ReadOnlySpan<byte> input, ReadOnlySpan<byte> signature)
    {
        ((SignatureKeySecurityKey)Key).CountVerification();
        return _key.VerifyJose(Algorithm, input, signature);
    }

    public override byte[] Sign(byte[] input) =>
        throw new NotSupportedException("AgentAuth token keys verify only.");

    protected override void Dispose(bool disposing)
    {
        // The SignatureKey belongs to the key set, not to this provider.
    }
}
