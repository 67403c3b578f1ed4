using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.Extensions.DependencyInjection;

namespace AgentAuth.Benchmarks.Infrastructure;

/// <summary>
/// One keep-alive connection as Kestrel runs it: the connection's features and one <see cref="DefaultHttpContext"/> that
/// the hosting layer re-initializes for every request (Kestrel's <c>IHostContextContainer</c>), with the request's
/// services created on first use by <c>RequestServicesFeature</c> and disposed when the request ends, and the features a
/// request added removed again (Kestrel resets its feature collection between requests).
/// </summary>
internal sealed class ConnectionContext
{
    private readonly FeatureCollection _features = new();
    private readonly DefaultHttpContext _context;

    public ConnectionContext(IHttpRequestFeature request)
    {
        // What Kestrel's connection object provides itself: request, response, response body and request lifetime.
        _features.Set(request);
        _features.Set<IHttpResponseFeature>(new HttpResponseFeature());
        _features.Set<IHttpResponseBodyFeature>(new StreamResponseBodyFeature(Stream.Null));
        _features.Set<IHttpRequestLifetimeFeature>(new HttpRequestLifetimeFeature());
        _context = new DefaultHttpContext(_features);
    }

    /// <summary>Starts a request on this connection (what <c>DefaultHttpContextFactory.Initialize</c> does).</summary>
    public DefaultHttpContext Begin(IServiceScopeFactory scopes)
    {
        _context.Initialize(_features);
        _context.ServiceScopeFactory = scopes;
        return _context;
    }

    /// <summary>Ends the request: disposes its service scope and forgets what the request added.</summary>
    public async ValueTask EndAsync()
    {
        if (_features.Get<IServiceProvidersFeature>() is IAsyncDisposable requestServices)
        {
            await requestServices.DisposeAsync();
        }
        _features.Set<IServiceProvidersFeature>(null);
        _context.Uninitialize();
    }
}
