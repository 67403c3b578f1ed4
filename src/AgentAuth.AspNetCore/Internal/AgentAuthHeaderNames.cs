namespace AgentAuth.AspNetCore;

/// <summary>The one list of header names the scheme reads (request) and writes (challenges, nonces).</summary>
internal static class AgentAuthHeaderNames
{
    /// <summary>RFC 9421 §4.1.</summary>
    public const string SignatureInput = "Signature-Input";

    /// <summary>RFC 9421 §4.2.</summary>
    public const string Signature = "Signature";

    /// <summary>RFC 9449 §4.1: the proof.</summary>
    public const string DPoP = "DPoP";

    /// <summary>RFC 9530 §2.</summary>
    public const string ContentDigest = "Content-Digest";

    /// <summary>The RFC 9421 error of a rejected signature, a structured-field dictionary.</summary>
    public const string SignatureError = "Signature-Error";

    /// <summary>RFC 9421 §5.1: what a signature must cover.</summary>
    public const string AcceptSignature = "Accept-Signature";

    /// <summary>The signature algorithms the server accepts.</summary>
    public const string AcceptSignatureAlg = "Accept-Signature-Alg";

    /// <summary>The signature schemes the server accepts.</summary>
    public const string AcceptSignatureScheme = "Accept-Signature-Scheme";

    /// <summary>draft-hardt-httpbis-signature-key-08 §3: the key (or where to find it) of an AAuth request signature.</summary>
    public const string SignatureKey = "Signature-Key";

    /// <summary>What an AAuth agent must obtain next (draft-hardt-oauth-aauth-protocol, "Requirement Responses"), an RFC 8941 dictionary.</summary>
    public const string AAuthRequirement = "AAuth-Requirement";

    /// <summary>The LumoAuth quick-start signature header (LumoAuth profile only).</summary>
    public const string AgentAuth = "Agent-Auth";

    /// <summary>RFC 9449 §8.1: the server's DPoP nonce.</summary>
    public const string DPoPNonce = "DPoP-Nonce";
}
