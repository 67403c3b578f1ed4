using AgentAuth.Client;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;

namespace Microsoft.Extensions.DependencyInjection;

/// <summary>Adds <see cref="AgentAuthSigningHandler"/> to a client built by <c>IHttpClientFactory</c>.</summary>
public static class AgentAuthHttpClientBuilderExtensions
{
    /// <summary>
    /// Signs the client's requests. The options are named after the client, so several clients can sign with different keys.
    /// </summary>
    /// <param name="builder">The client builder (<c>services.AddHttpClient("agent")</c>).</param>
    /// <param name="configure">Sets the key, token and signature options.</param>
    /// <returns>The builder, for chaining.</returns>
    public static IHttpClientBuilder AddAgentAuthSigning(this IHttpClientBuilder builder, Action<AgentAuthSigningOptions> configure)
    {
        ArgumentNullException.ThrowIfNull(builder);
        ArgumentNullException.ThrowIfNull(configure);
        builder.Services.AddOptions<AgentAuthSigningOptions>(builder.Name).Configure(configure);
        return AddHandler(builder);
    }

    /// <summary>
    /// Signs the client's requests with options bound from <paramref name="configuration"/> (keys named as the
    /// <see cref="AgentAuthSigningOptions"/> properties: <c>KeyId</c>, <c>Jwk</c>, <c>PrivateKeyPem</c>, <c>Ed25519PrivateKey</c>,
    /// <c>Label</c>, <c>Tag</c>, <c>CoveredComponents</c>, <c>Lifetime</c>, <c>IncludeNonce</c>, <c>AccessToken</c>, <c>UseDPoP</c>, …).
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
            .Configure(o => configuration.Bind(o));
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
        return builder.AddHttpMessageHandler(services =>
        {
            var options = services.GetRequiredService<IOptionsMonitor<AgentAuthSigningOptions>>().Get(name);
            if (options.TimeProvider is null && services.GetService<TimeProvider>() is { } timeProvider)
            {
                options.TimeProvider = timeProvider;
            }
            return new AgentAuthSigningHandler(options);
        });
    }
}
