namespace AgentAuth.HttpSignatures.Digests;

/// <summary>The outcome of checking a <c>Content-Digest</c> field against the received content.</summary>
public enum ContentDigestVerificationResult
{
    /// <summary>At least one supported digest is present and every supported digest matches the content.</summary>
    Valid = 0,

    /// <summary>A supported digest does not match the content.</summary>
    Mismatch = 1,

    /// <summary>The field is not a valid structured-field dictionary, or a supported algorithm's value is not a byte sequence of the digest's length.</summary>
    Malformed = 2,

    /// <summary>The field names only algorithms that are unknown or insecure (md5, sha, unixsum, crc32c, ...), or none.</summary>
    NoSupportedAlgorithm = 3,
}
