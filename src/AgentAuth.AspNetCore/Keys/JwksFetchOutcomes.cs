namespace AgentAuth.AspNetCore;

/// <summary>The values of the <c>outcome</c> tag of the <c>agentauth.jwks.fetches</c> counter.</summary>
internal static class JwksFetchOutcomes
{
    public const string Success = "success";
    public const string HttpError = "http_error";
    public const string Timeout = "timeout";
    public const string Oversized = "oversized";
    public const string InvalidDocument = "invalid_document";
    public const string IssuerMismatch = "issuer_mismatch";
    public const string Error = "error";
}
