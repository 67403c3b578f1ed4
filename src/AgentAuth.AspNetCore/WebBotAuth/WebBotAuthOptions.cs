namespace AgentAuth.AspNetCore;

/// <summary>
/// Web Bot Auth (draft-meunier-web-bot-auth-architecture-05, draft-meunier-http-message-signatures-directory-04):
/// crawlers and agents that sign with <c>tag="web-bot-auth"</c>, name their operator in a covered <c>Signature-Agent</c>
/// header, and publish their keys in a signed key directory at
/// <c>https://&lt;origin&gt;/.well-known/http-message-signatures-directory</c>. Off until <see cref="Enabled"/>.
/// When on, a signed request without a token that carries <c>Signature-Agent</c> is authenticated as a web bot; the
/// principal's <c>sub</c> and <c>signature_agent</c> claims are the directory origin and <c>cnf_jkt</c> the key thumbprint.
/// </summary>
public sealed class WebBotAuthOptions
{
    /// <summary>Accept Web Bot Auth signatures. Default <see langword="false"/>.</summary>
    public bool Enabled { get; set; }

    /// <summary>
    /// Which <c>Signature-Agent</c> origins' key directories may be fetched (allowed origins, or any HTTPS origin), with
    /// the fetch rules of every discovered key set: HTTPS only, no redirects, size and time bounded, cached.
    /// </summary>
    public KeyDiscoveryOptions Directories { get; } = new();

    /// <summary>
    /// The longest lifetime (<c>expires</c> − <c>created</c>) a Web Bot Auth signature may declare, which is also how long
    /// after <c>created</c> it is accepted. Default 5 minutes; at most 24 hours. (A key directory's own response signature
    /// may live up to <see cref="MaxValidityLimit"/>.)
    /// </summary>
    public TimeSpan MaxValidity { get; set; } = TimeSpan.FromMinutes(5);

    /// <summary>The largest <see cref="MaxValidity"/> accepted at startup: 24 hours.</summary>
    public static readonly TimeSpan MaxValidityLimit = TimeSpan.FromHours(24);

    /// <summary>
    /// Require a <c>nonce</c> (checked once against the replay cache). Default <see langword="false"/>: the draft
    /// recommends one but does not require it; a nonce that is present is always checked.
    /// </summary>
    public bool RequireNonce { get; set; }
}
