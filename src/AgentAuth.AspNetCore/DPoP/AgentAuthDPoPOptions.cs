namespace AgentAuth.AspNetCore;

/// <summary>
/// Options for RFC 9449 DPoP proofs presented with <c>Authorization: DPoP &lt;token&gt;</c>.
/// </summary>
/// <remarks>
/// A proof is accepted while <c>now - ProofLifetime &lt;= iat &lt;= now + ClockSkew</c>. With the defaults a
/// proof is fresh for five minutes after its <c>iat</c> and may claim an <c>iat</c> up to 60 seconds in the
/// future (a client clock running ahead). Its <c>jti</c> is remembered until <c>iat + ProofLifetime + ClockSkew</c>,
/// the last moment the same proof could still pass the time check.
/// </remarks>
public sealed class AgentAuthDPoPOptions
{
    /// <summary>The algorithms accepted by default: <c>EdDSA</c>, <c>Ed25519</c>, <c>ES256</c>, <c>ES384</c>, <c>PS256</c>, <c>RS256</c>.</summary>
    public static IReadOnlyList<string> DefaultAllowedAlgorithms { get; } = ["EdDSA", "Ed25519", "ES256", "ES384", "PS256", "RS256"];

    /// <summary>Whether the scheme accepts DPoP-bound tokens at all. Default <see langword="true"/>.</summary>
    public bool Enabled { get; set; } = true;

    /// <summary>
    /// The JWS <c>alg</c> values a proof may use, also advertised in the <c>algs</c> challenge parameter.
    /// Only asymmetric algorithms are possible: <c>none</c> and <c>HS*</c> are always rejected. The list starts with
    /// <see cref="DefaultAllowedAlgorithms"/>; clear it before adding to restrict it (configuration binding appends).
    /// </summary>
    public IList<string> AllowedAlgorithms { get; } = new List<string>(DefaultAllowedAlgorithms);

    /// <summary>How long after its <c>iat</c> a proof is accepted. Default 5 minutes; between 1 second and 1 hour.</summary>
    public TimeSpan ProofLifetime { get; set; } = TimeSpan.FromMinutes(5);

    /// <summary>
    /// How far in the future a proof's <c>iat</c> (or a nonce's issue time) may lie, for clocks that run ahead.
    /// Default 60 seconds; between 0 and 5 minutes.
    /// </summary>
    public TimeSpan ClockSkew { get; set; } = TimeSpan.FromSeconds(60);

    /// <summary>
    /// Whether every proof must carry a <c>nonce</c> issued by this server (RFC 9449 §9). A proof without a valid,
    /// fresh nonce gets <c>401 use_dpop_nonce</c> with a new nonce in <c>DPoP-Nonce</c>. Default <see langword="false"/>.
    /// Nonces are stateless (ASP.NET Core Data Protection); share the key ring between instances.
    /// </summary>
    public bool RequireNonce { get; set; }

    /// <summary>
    /// How long a server nonce stays valid. Once half of it has passed, a successful response carries a fresh
    /// nonce in <c>DPoP-Nonce</c>. Default 5 minutes; between 1 second and 1 day.
    /// </summary>
    public TimeSpan NonceLifetime { get; set; } = TimeSpan.FromMinutes(5);

    /// <summary>The longest <c>DPoP</c> header value accepted, in characters. Default 4096; between 256 and 65536.</summary>
    public int MaxProofLength { get; set; } = 4096;

    /// <summary>
    /// Whether each proof's <c>jti</c> is recorded in the <see cref="IReplayCache"/> so a proof is accepted once.
    /// Default <see langword="true"/>. Turn it off only when another layer already rejects replays.
    /// </summary>
    public bool EnableReplayDetection { get; set; } = true;

    /// <summary>
    /// Adds a message for every invalid setting to <paramref name="errors"/>. Each message names the option
    /// to change, prefixed with <paramref name="prefix"/> (for example <c>AgentAuthOptions.DPoP</c>).
    /// </summary>
    internal void Validate(ICollection<string> errors, string prefix = "AgentAuthOptions.DPoP")
    {
        ArgumentNullException.ThrowIfNull(errors);
        if (!Enabled)
        {
            return;
        }

        if (AllowedAlgorithms.Count == 0)
        {
            errors.Add($"{prefix}.AllowedAlgorithms must list at least one algorithm, for example ES256.");
        }
        foreach (var alg in AllowedAlgorithms)
        {
            if (!DPoPAlgorithms.IsSupported(alg))
            {
                errors.Add($"{prefix}.AllowedAlgorithms contains '{alg}', which is not an asymmetric JWS algorithm this scheme verifies. Use some of: {DPoPAlgorithms.SupportedList}.");
            }
        }
        if (ProofLifetime < TimeSpan.FromSeconds(1) || ProofLifetime > TimeSpan.FromHours(1))
        {
            errors.Add($"{prefix}.ProofLifetime must be between 1 second and 1 hour (was {ProofLifetime}).");
        }
        if (ClockSkew < TimeSpan.Zero || ClockSkew > TimeSpan.FromMinutes(5))
        {
            errors.Add($"{prefix}.ClockSkew must be between 0 and 5 minutes (was {ClockSkew}).");
        }
        if (NonceLifetime < TimeSpan.FromSeconds(1) || NonceLifetime > TimeSpan.FromDays(1))
        {
            errors.Add($"{prefix}.NonceLifetime must be between 1 second and 1 day (was {NonceLifetime}).");
        }
        if (MaxProofLength < 256 || MaxProofLength > 65536)
        {
            errors.Add($"{prefix}.MaxProofLength must be between 256 and 65536 characters (was {MaxProofLength}).");
        }
    }
}
