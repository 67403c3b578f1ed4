using AgentAuth.HttpSignatures;
using AgentAuth.HttpSignatures.Cryptography;

namespace AgentAuth.AspNetCore;

/// <summary>
/// The one place that says what a Web Bot Auth signature must look like (draft-meunier-web-bot-auth-architecture-05 §4)
/// and what its key directory's response signature must look like (draft-meunier-http-message-signatures-directory-04 §4).
/// </summary>
/// <remarks>
/// The scheme's ordinary policy always requires <c>@method</c>, <c>@authority</c> and <c>@path</c> (and <c>@query</c> when the
/// target has one). Web Bot Auth crawlers sign only <c>@authority</c> (plus <c>signature-agent</c>), so this profile, and
/// only it, requires <c>@authority</c> alone: the request-target binding is what it relaxes. Everything else stays: the tag,
/// <c>created</c> and <c>expires</c> with a bounded lifetime, a covered <c>Signature-Agent</c>, the key from the signed
/// directory by thumbprint, <c>content-digest</c> (and <c>content-type</c>) when there is a body, the algorithm list,
/// nonce replay. What such a signature proves is in docs/security.md ("Web Bot Auth").
/// </remarks>
internal static class WebBotAuthProfile
{
    /// <summary>The <c>tag</c> of a Web Bot Auth request signature.</summary>
    public const string RequestTag = "web-bot-auth";

    /// <summary>The <c>tag</c> of a key directory's response signature.</summary>
    public const string DirectoryTag = "http-message-signatures-directory";

    /// <summary>The media type a key directory is served as.</summary>
    public const string DirectoryMediaType = "application/http-message-signatures-directory+json";

    /// <summary>The path of the key directory under the <c>Signature-Agent</c> origin.</summary>
    public const string DirectoryPath = "/.well-known/http-message-signatures-directory";

    public static SignatureSelection Selection { get; } = SignatureSelection.ByTag(RequestTag);

    /// <summary>
    /// The <c>Accept-Signature</c> of a scheme that accepts only web bots (no agent keys, no issuers): what a crawler must
    /// send (RFC 9421 §5.1), instead of the request binding of the ordinary policy.
    /// </summary>
    public static string AcceptSignature(bool requireNonce) =>
        "sig1=(\"@authority\" \"signature-agent\");created;expires" + (requireNonce ? ";nonce" : string.Empty) + ";tag=\"" + RequestTag + "\"";

    /// <summary>The request verifier's policy: <c>@authority</c> (plus the body components) instead of the request-target binding.</summary>
    public static HttpSignatureVerifierOptions CreateRequestVerifierOptions(AgentAuthOptions options, bool requireDigest, bool requireContentType)
    {
        var webBots = options.WebBotAuth;
        var verifier = CreateBase(options, webBots.MaxValidity);
        verifier.RequireNonce = webBots.RequireNonce;
        verifier.RequiredComponents.Add(SignatureComponent.Authority);
        if (requireDigest)
        {
            verifier.RequiredComponents.Add(SignatureComponent.Field("content-digest"));
        }
        if (requireContentType)
        {
            verifier.RequiredComponents.Add(SignatureComponent.Field("content-type"));
        }
        foreach (var algorithm in options.Signatures.AllowedAlgorithms)
        {
            // Directory keys are public keys: a shared secret can never verify a web bot.
            if (algorithm != HttpSignatureAlgorithms.HmacSha256)
            {
                verifier.AllowedAlgorithms.Add(algorithm);
            }
        }
        return verifier;
    }

    /// <summary>The directory response's policy: <c>"@authority";req</c> (the directory is bound to the origin it was fetched from).</summary>
    /// <remarks>
    /// A directory response may be served from a cache for a while, so its signature's lifetime is bounded by
    /// <see cref="WebBotAuthOptions.MaxValidityLimit"/> (24 hours), not by the request bound: replaying it can only repeat
    /// what that same origin published within the day, and is checked again at every refresh.
    /// </remarks>
    public static HttpSignatureVerifierOptions CreateDirectoryVerifierOptions(AgentAuthOptions options)
    {
        var verifier = CreateBase(options, WebBotAuthOptions.MaxValidityLimit);
        verifier.RequiredComponents.Add(SignatureComponent.Authority.WithRelatedRequest());
        foreach (var algorithm in AgentAuthPostConfigureOptions.DefaultSignatureAlgorithms)
        {
            verifier.AllowedAlgorithms.Add(algorithm);
        }
        return verifier;
    }

    private static HttpSignatureVerifierOptions CreateBase(AgentAuthOptions options, TimeSpan validity)
    {
        var limits = options.Signatures.Limits;
        var verifier = new HttpSignatureVerifierOptions
        {
            RequireCreated = true,
            RequireExpires = true,
            // Accepted from created until expires, which is at most MaxValidity later.
            MaxAge = validity,
            MaxValidity = validity,
            ClockSkew = options.ClockSkew,
            AllowHmac = false,
            MaxSignatures = limits.MaxSignatures,
            MaxComponents = limits.MaxComponents,
            MaxParameters = limits.MaxParameters,
            MaxHeaderLength = limits.MaxHeaderLength,
            MaxSignatureBaseLength = limits.MaxSignatureBaseLength,
            MaxStructuredFieldLength = limits.MaxStructuredFieldLength,
        };
        verifier.AllowedAlgorithms.Clear();
        return verifier;
    }
}
