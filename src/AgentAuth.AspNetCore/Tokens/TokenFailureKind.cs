namespace AgentAuth.AspNetCore;

/// <summary>Why a token was not accepted.</summary>
internal enum TokenFailureKind
{
    /// <summary>Not a failure.</summary>
    None,

    /// <summary>The token is malformed, untrusted, expired, for another audience or does not verify (<c>invalid_token</c>).</summary>
    Invalid,

    /// <summary>The issuer's keys could not be obtained; the token was neither accepted nor judged (401 with a reason, never 500).</summary>
    KeysUnavailable,

    /// <summary>The issuer's introspection or validation endpoint could not answer (down, slow, garbage): 503 <c>temporarily_unavailable</c>.</summary>
    IntrospectionUnavailable,
}
