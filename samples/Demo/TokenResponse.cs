using System.Text.Json.Serialization;

namespace AgentAuth.Demo;

/// <summary>The development issuer's answer (RFC 6749 §5.1 shape).</summary>
internal sealed record TokenResponse(
    [property: JsonPropertyName("access_token")] string AccessToken,
    [property: JsonPropertyName("token_type")] string TokenType,
    [property: JsonPropertyName("expires_in")] int ExpiresIn);
