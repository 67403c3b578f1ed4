using AgentAuth.HttpSignatures;
using AgentAuth.HttpSignatures.Cryptography;
using Microsoft.AspNetCore.DataProtection;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace AgentAuth.AspNetCore;

/// <summary>
/// Completes a scheme's options: applies the defaults of empty lists (so configuration binding replaces defaults instead
/// of appending to them) and builds the <see cref="AgentAuthRuntime"/>: verifiers, key caches, token validator, challenge text.
/// </summary>
internal sealed class AgentAuthPostConfigureOptions : IPostConfigureOptions<AgentAuthOptions>
{
    internal static readonly string[] DefaultRequiredComponents = ["@method", "@authority", "@path"];

    internal static readonly string[] DefaultSignatureAlgorithms =
    [
        HttpSignatureAlgorithms.Ed25519, HttpSignatureAlgorithms.EcdsaP256Sha256, HttpSignatureAlgorithms.EcdsaP384Sha384,
        HttpSignatureAlgorithms.RsaPssSha512, HttpSignatureAlgorithms.RsaV15Sha256,
    ];

    private readonly IServiceProvider _services;

    public AgentAuthPostConfigureOptions(IServiceProvider services)
    {
        _services = services;
    }

    /// <summary>
    /// <see cref="AgentAuthOptions.IncludeErrorDetails"/> when not set: descriptions help a developer and an attacker
    /// alike, so only the <c>Development</c> environment shows them.
    /// </summary>
    internal static bool DefaultIncludeErrorDetails(IServiceProvider services) =>
        services.GetService<IHostEnvironment>()?.IsDevelopment() ?? false;

    public void PostConfigure(string? name, AgentAuthOptions options)
    {
        ApplyDefaults(options);

        // An invalid configuration is reported by AgentAuthOptionsValidator at startup; don't fail here with a less useful message.
        if (new AgentAuthOptionsValidator().Validate(name, options).Failed)
        {
            return;
        }

        var timeProvider = _services.GetService<TimeProvider>() ?? TimeProvider.System;
        options.TimeProvider ??= timeProvider;
        var loggerFactory = _services.GetRequiredService<ILoggerFactory>();
        WarnIfLongSignatureWindowWithoutNonce(name, options.Signatures, loggerFactory);
        if (CreateRuntime(options, timeProvider, loggerFactory) is { } runtime)
        {
            options.Runtime = runtime;
        }
    }

    /// <summary>The defaults that depend on the environment or on other options: error details, bound-token schemes, request binding, algorithms.</summary>
    private void ApplyDefaults(AgentAuthOptions options)
    {
        options.IncludeErrorDetails ??= DefaultIncludeErrorDetails(_services);
        if (options.BoundTokenSchemes.Count == 0)
        {
            options.BoundTokenSchemes.Add("Bearer");
        }
        var policy = options.Signatures;
        AddRequestBindingComponents(policy.RequiredComponents);
        if (policy.AllowedAlgorithms.Count == 0)
        {
            foreach (var algorithm in DefaultSignatureAlgorithms)
            {
                policy.AllowedAlgorithms.Add(algorithm);
            }
        }
    }

    private static void WarnIfLongSignatureWindowWithoutNonce(string? name, HttpSignaturePolicyOptions policy, ILoggerFactory loggerFactory)
    {
        if (policy.MaxAge > LongMaxAgeWithoutNonce && !policy.RequireNonce)
        {
            loggerFactory.CreateLogger<AgentAuthPostConfigureOptions>().LongSignatureWindowWithoutNonce(name ?? string.Empty, policy.MaxAge);
        }
    }

    /// <summary>What the handler runs on: verifiers, key sources, token and DPoP validators, challenges; null when <see cref="AgentAuthOptions.PublicOrigin"/> does not parse (the validator reports it).</summary>
    private AgentAuthRuntime? CreateRuntime(AgentAuthOptions options, TimeProvider timeProvider, ILoggerFactory loggerFactory)
    {
        var policy = options.Signatures;
        var keySources = new KeySourceFactory(options, _services.GetService<IHttpClientFactory>(), timeProvider, loggerFactory,
            new JwksMetrics(_services.GetService<System.Diagnostics.Metrics.IMeterFactory>()));
        var replayCache = _services.GetRequiredService<IReplayCache>();

        HttpMessageSignatureVerifier CreateVerifier(bool hasBody, bool hasContentType, bool hasToken)
        {
            var requireDigest = hasBody && policy.RequireContentDigestForBody;
            return new HttpMessageSignatureVerifier(
                CreateVerifierOptions(options, requireDigest, requireDigest && hasContentType && policy.RequireContentTypeForBody, hasToken),
                timeProvider);
        }

        var selection = policy.Label is not null ? SignatureSelection.ByLabel(policy.Label)
            : policy.Tag is not null ? SignatureSelection.ByTag(policy.Tag)
            : SignatureSelection.OnlySignature;

        var dpopEnabled = options.DPoP.Enabled && options.Issuers.Count > 0;
        var dpop = dpopEnabled
            ? new DPoPProofValidator(replayCache, new DPoPNonceService(_services.GetRequiredService<IDataProtectionProvider>()), timeProvider)
            : null;

        PublicOrigin? origin = null;
        if (options.PublicOrigin is not null && !PublicOrigin.TryParse(options.PublicOrigin, out origin))
        {
            return null;
        }

        return new AgentAuthRuntime(
            CreateVerifier,
            selection,
            keySources.CreateAgentKeys(),
            new AgentTokenValidator(options, keySources, loggerFactory.CreateLogger("AgentAuth.AspNetCore.Tokens"),
                _services.GetService<IRevocationStore>(), new IntrospectionMetrics(_services.GetService<System.Diagnostics.Metrics.IMeterFactory>()),
                _services.GetService<Microsoft.Extensions.Caching.Distributed.IDistributedCache>()),
            dpop,
            replayCache,
            _services.GetRequiredService<AgentAuthMetrics>(),
            CreateChallengeTemplates(options, dpopEnabled),
            origin,
            [.. options.BoundTokenSchemes]);
    }

    private static ChallengeTemplates CreateChallengeTemplates(AgentAuthOptions options, bool dpopEnabled)
    {
        var policy = options.Signatures;
        return new ChallengeTemplates(
            signatures: options.AllowSignatureOnly || options.Issuers.Count > 0,
            bearer: options.Issuers.Count > 0,
            dpopAlgorithms: dpopEnabled ? string.Join(' ', options.DPoP.AllowedAlgorithms) : null,
            realm: options.Realm,
            acceptSignature: ChallengeTemplates.FormatAcceptSignature(policy.Label ?? "sig1", policy.RequiredComponents, policy.RequireCreated, policy.RequireNonce, policy.Tag),
            acceptSignatureAlgorithms: string.Join(", ", policy.AllowedAlgorithms));
    }

    /// <summary>
    /// Puts <c>@method</c>, <c>@authority</c> and <c>@path</c> in front of the configured components unless they (or
    /// <c>@target-uri</c>, or <c>@request-target</c> for the path) are already listed: configured components add to the
    /// request binding, never replace it, or a signature made for one request would verify for another.
    /// </summary>
    internal static void AddRequestBindingComponents(IList<string> components)
    {
        var coversTarget = components.Contains("@target-uri");
        var insertAt = 0;
        foreach (var component in DefaultRequiredComponents)
        {
            var covered = components.Contains(component)
                || (component is "@authority" && coversTarget)
                || (component is "@path" && (coversTarget || components.Contains("@request-target")));
            if (!covered)
            {
                components.Insert(insertAt++, component);
            }
        }
    }

    /// <summary>Above this window without nonces a startup warning is logged (a captured request replays for that long).</summary>
    internal static readonly TimeSpan LongMaxAgeWithoutNonce = TimeSpan.FromMinutes(5);

    /// <summary>
    /// A required component named in options, read by <see cref="SignatureComponent.TryParse"/> (the one component-identifier
    /// parser); <see cref="AgentAuthOptionsValidator"/> has already refused entries that do not parse.
    /// </summary>
    internal static SignatureComponent ToComponent(string name) =>
        SignatureComponent.TryParse(name, out var component, out var error)
            ? component
            : throw new InvalidOperationException("Signatures.RequiredComponents contains '" + name + "': " + error);

    private static HttpSignatureVerifierOptions CreateVerifierOptions(AgentAuthOptions options, bool requireDigest, bool requireContentType, bool requireAuthorization)
    {
        var policy = options.Signatures;
        var verifier = new HttpSignatureVerifierOptions
        {
            RequireQueryWhenPresent = policy.RequireQueryCoverage,
            // A signature that carries a token needs created whatever the policy says: without it the signature is
            // accepted until the token's exp, far longer than its nonce is remembered (created + MaxAge + skew).
            RequireCreated = policy.RequireCreated || requireAuthorization,
            MaxAge = policy.MaxAge,
            ClockSkew = options.ClockSkew,
            // A signature that carries a token must be single use (created + nonce, RFC 9421 §7.2.2), or a
            // captured request would replay the token's authority for the whole signature window.
            RequireNonce = policy.RequireNonce || requireAuthorization,
            AllowHmac = policy.AllowedAlgorithms.Contains(HttpSignatureAlgorithms.HmacSha256),
            MaxSignatures = policy.Limits.MaxSignatures,
            MaxComponents = policy.Limits.MaxComponents,
            MaxParameters = policy.Limits.MaxParameters,
            MaxHeaderLength = policy.Limits.MaxHeaderLength,
            MaxSignatureBaseLength = policy.Limits.MaxSignatureBaseLength,
            MaxStructuredFieldLength = policy.Limits.MaxStructuredFieldLength,
        };
        foreach (var component in policy.RequiredComponents)
        {
            AddOnce(verifier.RequiredComponents, ToComponent(component));
        }
        // Configured components may already name these; listing one twice would repeat it in required_input.
        if (requireDigest)
        {
            AddOnce(verifier.RequiredComponents, SignatureComponent.Field("content-digest"));
        }
        if (requireContentType)
        {
            AddOnce(verifier.RequiredComponents, SignatureComponent.Field("content-type"));
        }
        if (requireAuthorization)
        {
            AddOnce(verifier.RequiredComponents, SignatureComponent.Field("authorization"));
        }
        verifier.AllowedAlgorithms.Clear();
        foreach (var algorithm in policy.AllowedAlgorithms)
        {
            verifier.AllowedAlgorithms.Add(algorithm);
        }
        return verifier;
    }

    private static void AddOnce(IList<SignatureComponent> components, SignatureComponent component)
    {
        if (!components.Contains(component))
        {
            components.Add(component);
        }
    }
}
