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
            if (runtime.AAuthResource is { SigningKey: { } key } aauth)
            {
                loggerFactory.CreateLogger<AAuthResource>().AAuthResourceKeyLoaded(name ?? string.Empty, aauth.Issuer, key.KeyId, key.Algorithm, aauth.PreviousKeyCount);
            }
            if (runtime.LumoAuthProfile is { } lumoAuth)
            {
                loggerFactory.CreateLogger<AgentAuthPostConfigureOptions>().ProfileEnabled(name ?? string.Empty, lumoAuth.Issuer, options.LumoAuth.Agents.Count);
            }
            if (runtime.WebBots is not null && loggerFactory.CreateLogger("AgentAuth.AspNetCore.WebBotAuth") is { } webBotLogger && webBotLogger.IsEnabled(LogLevel.Information))
            {
                var directories = options.WebBotAuth.Directories;
                WebBotLog.Enabled(webBotLogger, name ?? string.Empty,
                    directories.AllowAnyHttpsOrigin ? "any HTTPS origin" : string.Join(", ", directories.AllowedOrigins), options.WebBotAuth.MaxValidity);
            }
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

    /// <summary>
    /// The registered <see cref="IRevocationStore"/>, required: without one every revocation would be ignored silently.
    /// AddAgentAuth registers the in-memory store (TryAdd, so an application's own registration replaces it); only removing
    /// every registration gets here, and the host then fails to start (options are built at startup) with this message.
    /// </summary>
    private IRevocationStore RequiredRevocationStore() =>
        _services.GetService<IRevocationStore>() ?? throw new InvalidOperationException(
            "No IRevocationStore is registered. AddAgentAuth registers the in-memory store; register a shared one (PostgreSQL, Redis) or your own "
            + "instead of removing it: the scheme never runs without a revocation check.");

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

        var webBots = CreateWebBots(options, keySources, timeProvider, replayCache, loggerFactory);
        var runtime = new AgentAuthRuntime(
            CreateVerifier,
            selection,
            keySources.CreateAgentKeys(),
            new AgentTokenValidator(options, keySources, loggerFactory.CreateLogger("AgentAuth.AspNetCore.Tokens"),
                RequiredRevocationStore(), new IntrospectionMetrics(_services.GetService<System.Diagnostics.Metrics.IMeterFactory>()),
                _services.GetService<Microsoft.Extensions.Caching.Distributed.IDistributedCache>()),
            dpop,
            replayCache,
            _services.GetRequiredService<AgentAuthMetrics>(),
            CreateChallengeTemplates(options, dpopEnabled, AAuthResource.Create(options, timeProvider)),
            origin,
            [.. options.BoundTokenSchemes],
            options.LumoAuth.Enabled ? CreateLumoAuthProfile(options, keySources, timeProvider) : null,
            loggerFactory.CreateLogger("AgentAuth.AspNetCore.LumoAuth"))
        {
            WebBots = webBots,
        };
        if (options.AAuth.AnySchemeEnabled)
        {
            runtime.SignatureKeys = new SignatureKeyAuthenticator(runtime, options, (hasBody, hasContentType) =>
            {
                var requireDigest = hasBody && policy.RequireContentDigestForBody;
                var verifierOptions = CreateVerifierOptions(options, requireDigest, requireDigest && hasContentType && policy.RequireContentTypeForBody, false);
                // draft-hardt-httpbis-signature-key-08 §7.8: the signature covers the key it introduces.
                AddOnce(verifierOptions.RequiredComponents, SignatureComponent.Field("signature-key"));
                // The key decides the algorithm (§3.3): the verifier allows the RFC 9421 forms of the accepted JOSE algorithms.
                verifierOptions.AllowedAlgorithms.Clear();
                foreach (var algorithm in AAuthAcceptance.Create(options.AAuth).Rfc9421Algorithms())
                {
                    verifierOptions.AllowedAlgorithms.Add(algorithm);
                }
                return new HttpMessageSignatureVerifier(verifierOptions, timeProvider);
            }, loggerFactory.CreateLogger("AgentAuth.AspNetCore.AAuth"),
            options.AAuth.AllowJwksUri || options.AAuth.AllowJwks || options.AAuth.DiscoverAgentTokenIssuers ? keySources.CreateDiscovery(options.AAuth.Discovery) : null);
        }
        return runtime;
    }

    /// <summary>
    /// The LumoAuth profile's verifiers and agent keys. The SDK verifier is the scheme's token verifier plus the SDK's two
    /// deviations; the quick-start verifier reads covered lines only, so it requires <c>@method</c> and <c>@target-uri</c>
    /// (and both body lines with a body), <c>created</c>, and Ed25519 (deterministic and, with S &lt; L, not malleable: the
    /// signature value is its replay key). It needs no nonce: the signature value is single use for the token's lifetime.
    /// </summary>
    private static LumoAuthProfile CreateLumoAuthProfile(AgentAuthOptions options, KeySourceFactory keySources, TimeProvider timeProvider)
    {
        var policy = options.Signatures;
        HttpMessageSignatureVerifier CreateSdkVerifier(bool hasBody, bool hasContentType)
        {
            var requireDigest = hasBody && policy.RequireContentDigestForBody;
            var verifier = CreateVerifierOptions(options, requireDigest, requireDigest && hasContentType && policy.RequireContentTypeForBody, requireAuthorization: true);
            verifier.AcceptBase64UrlSignature = true;
            verifier.AbsentFieldsSignedAsEmpty.Add("signature-key");
            return new HttpMessageSignatureVerifier(verifier, timeProvider);
        }
        HttpMessageSignatureVerifier CreateAgentAuthVerifier(bool hasBody, bool hasContentType)
        {
            var verifier = CreateVerifierOptions(options, requireDigest: hasBody, requireContentType: hasBody && hasContentType, requireAuthorization: false);
            AddOnce(verifier.RequiredComponents, SignatureComponent.Method);
            AddOnce(verifier.RequiredComponents, SignatureComponent.TargetUri);
            verifier.RequireCreated = true;
            verifier.RequireNonce = false;
            verifier.OmitSignatureParamsLine = true;
            verifier.AllowHmac = false;
            verifier.AllowedAlgorithms.Clear();
            verifier.AllowedAlgorithms.Add(HttpSignatureAlgorithms.Ed25519);
            return new HttpMessageSignatureVerifier(verifier, timeProvider);
        }
        return new LumoAuthProfile(options.LumoAuth.Issuer!, keySources.CreateLumoAuthAgentKeys(), CreateAgentAuthVerifier, CreateSdkVerifier);
    }

    /// <summary>The Web Bot Auth mode when <see cref="AgentAuthOptions.WebBotAuth"/> is on: its verifiers (<see cref="WebBotAuthProfile"/>) and directories.</summary>
    private static WebBotAuthenticator? CreateWebBots(AgentAuthOptions options, KeySourceFactory keySources, TimeProvider timeProvider, IReplayCache replayCache, ILoggerFactory loggerFactory)
    {
        var webBots = options.WebBotAuth;
        if (!webBots.Enabled)
        {
            return null;
        }
        var policy = options.Signatures;
        var logger = loggerFactory.CreateLogger("AgentAuth.AspNetCore.WebBotAuth");
        var directories = new WebBotDirectories(
            keySources.CreateDiscovery(webBots.Directories),
            new HttpMessageSignatureVerifier(WebBotAuthProfile.CreateDirectoryVerifierOptions(options), timeProvider),
            options.Jwks.MaxKeys,
            logger);
        return new WebBotAuthenticator((hasBody, hasContentType) =>
        {
            var requireDigest = hasBody && policy.RequireContentDigestForBody;
            return new HttpMessageSignatureVerifier(
                WebBotAuthProfile.CreateRequestVerifierOptions(options, requireDigest, requireDigest && hasContentType && policy.RequireContentTypeForBody),
                timeProvider);
        }, directories, replayCache);
    }

    /// <summary>A scheme whose only signed requests are web bots' (no agent keys, no issuers).</summary>
    private static bool IsWebBotsOnly(AgentAuthOptions options) =>
        options.WebBotAuth.Enabled && options.Issuers.Count == 0 && options.AgentKeys.JsonWebKeySet is null
        && options.AgentKeys.JwksFile is null && options.AgentKeys.JwksUri is null;

    private static ChallengeTemplates CreateChallengeTemplates(AgentAuthOptions options, bool dpopEnabled, AAuthResource? aauthResource)
    {
        var policy = options.Signatures;
        return new ChallengeTemplates(
            signatures: options.AllowSignatureOnly || options.Issuers.Count > 0,
            bearer: options.Issuers.Count > 0,
            dpopAlgorithms: dpopEnabled ? string.Join(' ', options.DPoP.AllowedAlgorithms) : null,
            realm: options.Realm,
            acceptSignature: IsWebBotsOnly(options)
                ? WebBotAuthProfile.AcceptSignature(options.WebBotAuth.RequireNonce)
                : ChallengeTemplates.FormatAcceptSignature(policy.Label ?? "sig1", policy.RequiredComponents, policy.RequireCreated, policy.RequireNonce, policy.Tag),
            acceptSignatureAlgorithms: string.Join(", ", policy.AllowedAlgorithms))
        {
            AAuthResource = aauthResource,
            SignatureKeyAcceptance = options.AAuth.AnySchemeEnabled ? AAuthAcceptance.Create(options.AAuth) : null,
        };
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
