using System.Net.Http.Headers;
using Microsoft.Extensions.DependencyInjection;

namespace AgentAuth.AspNetCore;

/// <summary>The named <see cref="HttpClient"/> used for JWKS and discovery requests.</summary>
internal static class AgentAuthBackchannel
{
    /// <summary>The <c>IHttpClientFactory</c> client name.</summary>
    public const string HttpClientName = "AgentAuth.Backchannel";

    /// <summary><c>AgentAuth.AspNetCore/&lt;version&gt;</c>.</summary>
    public static ProductInfoHeaderValue UserAgent { get; } = new("AgentAuth.AspNetCore", Version());

    /// <summary>
    /// Registers the named client: no automatic redirects (a key set must come from the configured URL; a redirect
    /// could lead to an internal address), and no client-wide timeout, because each request carries its own
    /// <see cref="JwksCacheOptions.BackchannelTimeout"/> driven by the scheme's <see cref="TimeProvider"/>.
    /// </summary>
    public static IServiceCollection AddAgentAuthBackchannel(this IServiceCollection services)
    {
        services.AddHttpClient(HttpClientName, static client =>
            {
                client.Timeout = Timeout.InfiniteTimeSpan;
                client.DefaultRequestHeaders.UserAgent.Add(UserAgent);
            })
            .ConfigurePrimaryHttpMessageHandler(static () => new SocketsHttpHandler
            {
                AllowAutoRedirect = false,
                AutomaticDecompression = System.Net.DecompressionMethods.None,
                PooledConnectionLifetime = TimeSpan.FromMinutes(5),
            });
        return services;
    }

    /// <summary>The client for one scheme: its <see cref="AgentAuthOptions.BackchannelHttpHandler"/> when set, else the named client.</summary>
    public static HttpClient CreateClient(AgentAuthOptions options, IHttpClientFactory? factory)
    {
        if (options.BackchannelHttpHandler is { } handler)
        {
            var client = new HttpClient(handler, disposeHandler: false) { Timeout = Timeout.InfiniteTimeSpan };
            client.DefaultRequestHeaders.UserAgent.Add(UserAgent);
            return client;
        }
        if (factory is null)
        {
            throw new InvalidOperationException(
                "AgentAuth needs IHttpClientFactory for remote key sources: call services.AddHttpClient() or set AgentAuthOptions.BackchannelHttpHandler.");
        }
        return factory.CreateClient(HttpClientName);
    }

    private static string Version()
    {
        var version = typeof(AgentAuthBackchannel).Assembly.GetName().Version;
        return version is null ? "0.0.0" : version.ToString(3);
    }
}
