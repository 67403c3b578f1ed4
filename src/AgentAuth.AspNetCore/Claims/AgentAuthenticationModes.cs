namespace AgentAuth.AspNetCore;

/// <summary>Values of the <see cref="AgentAuthClaimTypes.AuthenticationMode"/> claim.</summary>
public static class AgentAuthenticationModes
{
    /// <summary>An RFC 9421 signed request with no token; the agent is identified by its key.</summary>
    public const string HttpSignature = "httpsig";

    /// <summary>An RFC 9421 signed request carrying a token bound (<c>cnf</c>) to the signing key.</summary>
    public const string HttpSignatureWithToken = "httpsig+jwt";

    /// <summary>A DPoP-bound token with a DPoP proof (RFC 9449).</summary>
    public const string DPoP = "dpop";

    /// <summary>A Web Bot Auth signed request: the key comes from the key directory its <c>Signature-Agent</c> names.</summary>
    public const string WebBotAuth = "web-bot-auth";

    /// <summary>A plain bearer token (only when the options allow bearer tokens).</summary>
    public const string Bearer = "bearer";

    /// <summary>An RFC 9421 signed request whose key travels in <c>Signature-Key</c> (AAuth, draft-hardt-httpbis-signature-key-08).</summary>
    public const string AAuth = "aauth";
}
