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
        _connectionFeatures = [typeof(IHttpRequestFeature), typeof(IHttpResponseFeature), typeof(IHttpResponseBodyFeature), typeof(IHttpRequestLifetimeFeature)];
    }

    private readonly Type[] _connectionFeatures;
    private readonly List<Type> _added = new(8);

    /// <summary>Starts a request on this connection (what <c>DefaultHttpContextFactory.Initialize</c> does).</summary>
    public DefaultHttpContext Begin(IServiceScopeFactory scopes)
    {
        _context.Initialize(_features);
        _context.ServiceScopeFactory = scopes;
        return _context;
    }

    /// <summary>Ends the request: disposes its service scope and removes every feature the request added.</summary>
    public async ValueTask EndAsync()
    {
        if (_features.Get<IServiceProvidersFeature>() is IAsyncDisposable requestServices)
        {
            await requestServices.DisposeAsync();
        }
        // Kestrel resets its feature collection between requests: whatever a request added (request services, items,
        // authentication features, a handler's own per-request state such as OpenIddict's transaction) is gone for the next.
        _added.Clear();
        foreach (var (type, _) in _features)
        {
            if (Array.IndexOf(_connectionFeatures, type) < 0)
            {
                _added.Add(type);
            }
        }
        foreach (var type in _added)
        {
            _features[type] = null;
        }
        _context.Uninitialize();
    }
}
