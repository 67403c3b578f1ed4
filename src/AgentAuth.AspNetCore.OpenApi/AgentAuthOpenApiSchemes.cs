namespace AgentAuth.AspNetCore.OpenApi;

/// <summary>The names under which the AgentAuth security schemes appear in <c>components.securitySchemes</c>.</summary>
public static class AgentAuthOpenApiSchemes
{
    /// <summary>RFC 9421 HTTP Message Signatures (<c>Signature-Input</c> and <c>Signature</c>), with or without a key-bound token.</summary>
    public const string HttpMessageSignature = "AgentAuth.HttpMessageSignature";

    /// <summary>RFC 9449 DPoP: <c>Authorization: DPoP</c> with a <c>DPoP</c> proof.</summary>
    public const string DPoP = "AgentAuth.DPoP";

    /// <summary>A plain bearer token; declared only when <see cref="AgentAuthOptions.AllowBearerTokens"/> is on.</summary>
    public const string Bearer = "AgentAuth.Bearer";
}
