using AgentAuth.Client;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Http;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;

namespace Microsoft.Extensions.DependencyInjection;

/// <summary>Adds <see cref="AgentAuthSigningHandler"/> to a client built by <c>IHttpClientFactory</c>.</summary>
public static class AgentAuthHttpClientBuilderExtensions
{
    /// <summary>
    /// Signs the client's requests. The options are named after the client, so several clients can sign with different keys.
    /// Credentials go only to <see cref="AgentAuthSigningOptions.AllowedOrigins"/>, by default the origin of the client's
    /// <c>BaseAddress</c>. The signing handler follows redirects itself and turns off <c>AllowAutoRedirect</c> on the
    /// primary <see cref="SocketsHttpHandler"/> or <see cref="HttpClientHandler"/>, whichever is configured.
    /// </summary>
    /// <param name="builder">The client builder (<c>services.AddHttpClient("agent")</c>).</param>
    /// <param name="configure">Sets the key, token and signature options.</param>
    /// <returns>The builder, for chaining.</returns>
    public static IHttpClientBuilder AddAgentAuthSigning(this IHttpClientBuilder builder, Action<AgentAuthSigningOptions> configure)
    {
        ArgumentNullException.ThrowIfNull(builder);
        ArgumentNullException.ThrowIfNull(configure);
        // Validated when the host starts (and again when the options are first read without a host).
        builder.Services.AddOptions<AgentAuthSigningOptions>(builder.Name).Configure(configure).ValidateOnStart();
        return AddHandler(builder);
    }

    /// <summary>
    /// Signs the client's requests with options bound from <paramref name="configuration"/> (keys named as the
    /// <see cref="AgentAuthSigningOptions"/> properties: <c>KeyId</c>, <c>Jwk</c>, <c>PrivateKeyPem</c>, <c>Ed25519PrivateKey</c>,
    /// <c>Label</c>, <c>Tag</c>, <c>CoveredComponents</c>, <c>Lifetime</c>, <c>IncludeNonce</c>, <c>AccessToken</c>, <c>UseDPoP</c>,
    /// <c>AllowedOrigins</c>, <c>MaxRedirects</c>, …). Credentials and redirects as in the other overload.
    /// </summary>
    /// <param name="builder">The client builder.</param>
    /// <param name="configuration">The configuration section, for example <c>configuration.GetSection("AgentAuth:Client")</c>.</param>
    /// <param name="configure">Optional further configuration applied after binding (for example a token provider).</param>
    /// <returns>The builder, for chaining.</returns>
    public static IHttpClientBuilder AddAgentAuthSigning(this IHttpClientBuilder builder, IConfiguration configuration, Action<AgentAuthSigningOptions>? configure = null)
    {
        ArgumentNullException.ThrowIfNull(builder);
        ArgumentNullException.ThrowIfNull(configuration);
        var options = builder.Services.AddOptions<AgentAuthSigningOptions>(builder.Name)
            // Compiled by the configuration binding source generator (see the project file): trimming and AOT safe.
            .Configure(o => configuration.Bind(o))
            .ValidateOnStart();
        if (configure is not null)
        {
            options.Configure(configure);
        }
        return AddHandler(builder);
    }

    private static IHttpClientBuilder AddHandler(IHttpClientBuilder builder)
    {
        var name = builder.Name;
        builder.Services.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<AgentAuthSigningOptions>, AgentAuthSigningOptionsValidator>());
        // The signing handler follows redirects itself, so that credentials never follow one to another origin. Post-configured
        // so it runs after every primary handler the application sets (ConfigurePrimaryHttpMessageHandler, UseSocketsHttpHandler).
        builder.Services.PostConfigure<HttpClientFactoryOptions>(name, factory =>
            factory.HttpMessageHandlerBuilderActions.Add(handlers => RedirectPolicy.DisableAutoRedirect(handlers.PrimaryHandler)));
        return builder.AddHttpMessageHandler(services =>
        {
            var options = services.GetRequiredService<IOptionsMonitor<AgentAuthSigningOptions>>().Get(name);
            if (options.TimeProvider is null && services.GetService<TimeProvider>() is { } timeProvider)
            {
                options.TimeProvider = timeProvider;
            }
            return new AgentAuthSigningHandler(options, BaseAddress(services, name), services.GetService<ILoggerFactory>()?.CreateLogger<AgentAuthSigningHandler>());
        });
    }

    /// <summary>
    /// The <c>BaseAddress</c> the named client's configuration (<c>AddHttpClient(name, c => c.BaseAddress = …)</c>,
    /// <c>ConfigureHttpClient</c>) gives it, asked of the factory when the handler first sends (by then the factory has built
    /// this pipeline, so asking builds nothing again); <see langword="null"/> when the client has no configuration to apply.
    /// </summary>
    private static Func<Uri?>? BaseAddress(IServiceProvider services, string name)
    {
        if (services.GetRequiredService<IOptionsMonitor<HttpClientFactoryOptions>>().Get(name).HttpClientActions.Count == 0)
        {
            return null;
        }
        var factory = services.GetRequiredService<IHttpClientFactory>();
        return () =>
        {
            using var client = factory.CreateClient(name);
            return client.BaseAddress;
        };
    }
}
