using System.Net;
using System.Net.Sockets;
using Microsoft.Extensions.DependencyInjection;

namespace AgentAuth.AspNetCore;

/// <summary>
/// The named <see cref="HttpClient"/> for fetches whose URL a request chose (agent metadata, key directories): like the
/// backchannel (no redirects, no client-wide timeout), and its connections go only to public addresses. The check is
/// made on the addresses DNS returns at connect time, so a name that resolves to an internal address (or is rebound to
/// one after a first check) is refused, not only literal IPs.
/// </summary>
internal static class DiscoveryBackchannel
{
    /// <summary>The <c>IHttpClientFactory</c> client name.</summary>
    public const string HttpClientName = "AgentAuth.Discovery";

    public static IServiceCollection AddAgentAuthDiscoveryBackchannel(this IServiceCollection services)
    {
        services.AddHttpClient(HttpClientName, static client =>
            {
                client.Timeout = Timeout.InfiniteTimeSpan;
                client.DefaultRequestHeaders.UserAgent.Add(AgentAuthBackchannel.UserAgent);
            })
            .ConfigurePrimaryHttpMessageHandler(static () => new SocketsHttpHandler
            {
                AllowAutoRedirect = false,
                AutomaticDecompression = DecompressionMethods.None,
                PooledConnectionLifetime = TimeSpan.FromMinutes(5),
                UseProxy = false,
                ConnectCallback = ConnectToPublicAddressAsync,
            });
        return services;
    }

    /// <summary>Resolves the host and connects to the first of its addresses, refusing the connection when any address is not public.</summary>
    internal static async ValueTask<Stream> ConnectToPublicAddressAsync(SocketsHttpConnectionContext context, CancellationToken cancellationToken)
    {
        var host = context.DnsEndPoint.Host;
        if (NetworkAddresses.IsLocalName(host))
        {
            throw new HttpRequestException(HttpRequestError.ConnectionError, "discovery fetches do not connect to local names");
        }
        var addresses = IPAddress.TryParse(host, out var literal)
            ? [literal]
            : await Dns.GetHostAddressesAsync(host, cancellationToken).ConfigureAwait(false);
        if (addresses.Length == 0)
        {
            throw new HttpRequestException(HttpRequestError.NameResolutionError, "the host has no address");
        }
        foreach (var address in addresses)
        {
            // All or nothing: a name with one internal address could be made to use it.
            if (!NetworkAddresses.IsPublic(address))
            {
                throw new HttpRequestException(HttpRequestError.ConnectionError, "discovery fetches do not connect to non-public addresses");
            }
        }
        var socket = new Socket(SocketType.Stream, ProtocolType.Tcp) { NoDelay = true };
        try
        {
            await socket.ConnectAsync(addresses, context.DnsEndPoint.Port, cancellationToken).ConfigureAwait(false);
            return new NetworkStream(socket, ownsSocket: true);
        }
        catch
        {
            socket.Dispose();
            throw;
        }
    }
}
