using System.Text;
using AgentAuth.HttpSignatures;
using AgentAuth.HttpSignatures.Cryptography;
using AgentAuth.HttpSignatures.Digests;

namespace AgentAuth.AspNetCore.Tests.Security;

/// <summary>
/// An HTTP request as the attacker controls it: method, authority, raw target, ordered header lines and body. It is an
/// <see cref="IHttpMessage"/> so the library's own signer signs exactly what is later sent, and it is cheap to copy and mutate.
/// </summary>
internal sealed class TestRequest : IHttpMessage
{
    public string Method { get; set; } = "GET";

    public string Scheme { get; set; } = "https";

    public string Authority { get; set; } = SecurityApp.Authority;

    /// <summary>The raw request target (origin form), as it would appear on the request line.</summary>
    public string Target { get; set; } = "/data";

    public List<KeyValuePair<string, string>> Headers { get; } = [];

    public byte[]? Body { get; set; }

    string IHttpMessage.RequestTarget => Target;

    int? IHttpMessage.StatusCode => null;

    IHttpMessage? IHttpMessage.RelatedRequest => null;

    public static TestRequest Get(string target = "/data") => new() { Target = target };

    public static TestRequest Post(string target, string body, string contentType = "application/json")
    {
        var request = new TestRequest { Method = "POST", Target = target, Body = Encoding.UTF8.GetBytes(body) };
        request.Set("content-type", contentType);
        request.Set("content-digest", ContentDigest.Compute(request.Body, DigestAlgorithm.Sha256));
        return request;
    }

    public TestRequest Clone()
    {
        var copy = new TestRequest { Method = Method, Scheme = Scheme, Authority = Authority, Target = Target, Body = Body };
        copy.Headers.AddRange(Headers);
        return copy;
    }

    /// <summary>Replaces every line of <paramref name="name"/> with one line.</summary>
    public TestRequest Set(string name, string value)
    {
        Remove(name);
        Headers.Add(new(name, value));
        return this;
    }

    /// <summary>Adds one more field line.</summary>
    public TestRequest Add(string name, string value)
    {
        Headers.Add(new(name, value));
        return this;
    }

    public TestRequest Remove(string name)
    {
        Headers.RemoveAll(h => string.Equals(h.Key, name, StringComparison.OrdinalIgnoreCase));
        return this;
    }

    public string? Header(string name)
    {
        foreach (var header in Headers)
        {
            if (string.Equals(header.Key, name, StringComparison.OrdinalIgnoreCase))
            {
                return header.Value;
            }
        }
        return null;
    }

    /// <summary>Signs with RFC 9421 and sets <c>Signature-Input</c> and <c>Signature</c> (replacing earlier ones).</summary>
    public TestRequest Sign(SignatureKey key, SignatureParameters? parameters = null, string label = "sig1", params SignatureComponent[] components)
    {
        if (components.Length == 0)
        {
            components = DefaultComponents(this);
        }
        parameters ??= new SignatureParameters { Created = SecurityApp.Now };
        parameters.Created ??= SecurityApp.Now;
        var headers = new HttpMessageSigner().Sign(this, label, components, parameters, key);
        Set("signature-input", headers.SignatureInput);
        Set("signature", headers.Signature);
        return this;
    }

    /// <summary>What the default policy needs: method, authority, path, the query when there is one, the digest (and content type) when there is a body, the token when there is one.</summary>
    public static SignatureComponent[] DefaultComponents(TestRequest request)
    {
        var list = new List<SignatureComponent> { SignatureComponent.Method, SignatureComponent.Authority, SignatureComponent.Path };
        if (request.Target.Contains('?', StringComparison.Ordinal))
        {
            list.Add(SignatureComponent.Query);
        }
        if (request.Body is { Length: > 0 })
        {
            list.Add(SignatureComponent.Field("content-digest"));
            if (request.Header("content-type") is not null)
            {
                // A body's media type is covered with its digest (issue 14).
                list.Add(SignatureComponent.Field("content-type"));
            }
        }
        if (request.Header("authorization") is not null)
        {
            list.Add(SignatureComponent.Field("authorization"));
        }
        return [.. list];
    }

    public bool TryGetFieldLines(string lowerCaseName, bool trailers, out FieldLines lines)
    {
        if (trailers)
        {
            lines = default;
            return false;
        }
        List<string>? values = null;
        foreach (var header in Headers)
        {
            if (string.Equals(header.Key, lowerCaseName, StringComparison.OrdinalIgnoreCase))
            {
                (values ??= []).Add(header.Value);
            }
        }
        if (values is null)
        {
            lines = default;
            return false;
        }
        lines = values.Count == 1 ? new FieldLines(values[0]) : new FieldLines([.. values]);
        return true;
    }

    /// <summary>The request as an <see cref="HttpRequestMessage"/> against a real server at <paramref name="baseAddress"/> (Host is kept).</summary>
    public HttpRequestMessage ToHttpRequestMessage(string baseAddress)
    {
        var message = new HttpRequestMessage(new HttpMethod(Method), new Uri(baseAddress.TrimEnd('/') + Target));
        message.Headers.Host = Authority;
        if (Body is not null)
        {
            message.Content = new ByteArrayContent(Body);
        }
        foreach (var header in Headers)
        {
            if (!message.Headers.TryAddWithoutValidation(header.Key, header.Value))
            {
                message.Content ??= new ByteArrayContent([]);
                message.Content.Headers.TryAddWithoutValidation(header.Key, header.Value);
            }
        }
        return message;
    }
}
