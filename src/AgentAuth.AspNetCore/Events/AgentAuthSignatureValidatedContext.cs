using AgentAuth.HttpSignatures;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Http;

namespace AgentAuth.AspNetCore;

/// <summary>Context of <see cref="AgentAuthEvents.OnSignatureValidated"/>: the HTTP message signature verified.</summary>
public sealed class AgentAuthSignatureValidatedContext : ResultContext<AgentAuthOptions>
{
    /// <summary>Creates the context.</summary>
    /// <param name="context">The request.</param>
    /// <param name="scheme">The scheme.</param>
    /// <param name="options">The scheme options.</param>
    /// <param name="signature">The verified signature.</param>
    public AgentAuthSignatureValidatedContext(HttpContext context, AuthenticationScheme scheme, AgentAuthOptions options, SignatureVerificationResult signature)
        : base(context, scheme, options)
    {
        Signature = signature;
    }

    /// <summary>The verified signature: label, covered components, parameters and key.</summary>
    public SignatureVerificationResult Signature { get; }
}
