namespace AgentAuth.HttpSignatures.Digests;

/// <summary>The RFC 9530 digest algorithms this library computes and accepts (the two with status "Active").</summary>
public enum DigestAlgorithm
{
    /// <summary>SHA-256, field key <c>sha-256</c>.</summary>
    Sha256 = 1,

    /// <summary>SHA-512, field key <c>sha-512</c>.</summary>
    Sha512 = 2,
}
