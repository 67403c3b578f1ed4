using AgentAuth.AspNetCore;
using AgentAuth.HttpSignatures;
using AgentAuth.HttpSignatures.Cryptography;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Features;

namespace AgentAuth.Benchmarks.Infrastructure;

/// <summary>
/// A request as Kestrel would hand it to the pipeline: an <see cref="IHttpRequestFeature"/> with method, scheme, raw target
/// and parsed headers. The feature is built once per scenario and shared by every measured request (Kestrel also reuses its
/// per-connection header storage). Measured requests run on a <see cref="ConnectionContext"/> (the context reused per
/// connection, as Kestrel does) or on a fresh <see cref="DefaultHttpContext"/> each (<see cref="CreateContext"/>); each gets
/// its own DI scope either way.
/// </summary>
public sealed class RequestTemplate
{
    private ConnectionContext? _idleConnection;

    private RequestTemplate(HttpRequestFeature feature) => Feature = feature;

    /// <summary>Takes this request's connection (a new one when another caller holds it, so concurrent use stays correct).</summary>
    internal ConnectionContext RentConnection() => Interlocked.Exchange(ref _idleConnection, null) ?? new ConnectionContext(Feature);

    /// <summary>Gives the connection back for the next request.</summary>
    internal void ReturnConnection(ConnectionContext connection) => Volatile.Write(ref _idleConnection, connection);

    /// <summary>The request feature to install in a fresh context.</summary>
    public HttpRequestFeature Feature { get; }

    /// <summary>Creates a request. <paramref name="rawTarget"/> is the origin-form target exactly as sent.</summary>
    public static RequestTemplate Create(string method, string scheme, string host, string rawTarget, params (string Name, string Value)[] headers)
    {
        var query = rawTarget.IndexOf('?', StringComparison.Ordinal);
        var feature = new HttpRequestFeature
        {
            Protocol = "HTTP/1.1",
            Method = method,
            Scheme = scheme,
            RawTarget = rawTarget,
            Path = Uri.UnescapeDataString(query < 0 ? rawTarget : rawTarget[..query]),
            QueryString = query < 0 ? string.Empty : rawTarget[query..],
            Headers = new HeaderDictionary { ["Host"] = host },
        };
        foreach (var (name, value) in headers)
        {
            feature.Headers.Append(name, value);
        }
        return new RequestTemplate(feature);
    }

    /// <summary>A context over this request, as the hosting layer would create it.</summary>
    public DefaultHttpContext CreateContext(IServiceProvider? requestServices = null)
    {
        var context = new DefaultHttpContext();
        context.Features.Set<IHttpRequestFeature>(Feature);
        if (requestServices is not null)
        {
            context.RequestServices = requestServices;
        }
        return context;
    }

    /// <summary>The production RFC 9421 view of this request (the adapter the handler uses).</summary>
    internal AspNetCoreHttpMessage AsMessage()
    {
        var message = new AspNetCoreHttpMessage();
        message.Reset(CreateContext().Request, origin: null);
        return message;
    }

    /// <summary>Signs the request with <paramref name="key"/> and adds <c>Signature-Input</c> and <c>Signature</c>.</summary>
    public RequestTemplate Sign(SignatureKey key, string label, IReadOnlyList<SignatureComponent> components, SignatureParameters parameters)
    {
        var signed = new HttpMessageSigner().Sign(AsMessage(), label, components, parameters, key);
        Feature.Headers.Append("Signature-Input", signed.SignatureInput);
        Feature.Headers.Append("Signature", signed.Signature);
        return this;
    }
}
