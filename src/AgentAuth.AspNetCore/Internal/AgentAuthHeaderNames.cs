namespace AgentAuth.AspNetCore;

/// <summary>Request header names the handler reads.</summary>
internal static class AgentAuthHeaderNames
{
    public const string SignatureInput = "Signature-Input";
    public const string Signature = "Signature";
    public const string DPoP = "DPoP";
    public const string ContentDigest = "Content-Digest";
}
