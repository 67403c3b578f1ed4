using System.Net.Http.Headers;
using System.Text;
using AgentAuth.AspNetCore.Tests.Tokens;
using AgentAuth.HttpSignatures;
using AgentAuth.HttpSignatures.Cryptography;
using AgentAuth.HttpSignatures.Digests;

namespace AgentAuth.AspNetCore.Tests.Handler;

/// <summary>
/// An agent that signs <see cref="HttpRequestMessage"/>s with the core <see cref="HttpMessageSigner"/>. By default it covers what the
/// handler requires: <c>@method @authority @path</c>, <c>@query</c> when there is a query, <c>content-digest</c> (added) and
/// <c>content-type</c> when there is a body, and <c>authorization</c> when the request carries a token.
/// </summary>
internal sealed class TestAgent : IDisposable
{
    public TestAgent(SignatureKey key, TimeProvider time)
    {
        Key = key;
        Time = time;
    }

    public SignatureKey Key { get; }

    public TimeProvider Time { get; }

    /// <summary>Leave out the nonce that signatures of token-carrying requests otherwise get.</summary>
    public bool SkipNonce { get; set; }

    public static TestAgent Ed25519(TimeProvider time, string keyId = "agent-ed") => new(SignatureKey.GenerateEd25519(keyId), time);

    /// <summary>The agent's public key as an inline JWKS, for <see cref="AgentKeyOptions.JsonWebKeySet"/>.</summary>
    public string Jwks => TestTokens.Jwks(TestTokens.PublicJwk(Key, alg: null));

    public static HttpRequestMessage Request(HttpMethod method, string url, string? body = null, string? token = null)
    {
        var request = new HttpRequestMessage(method, url);
        if (body is not null)
        {
            request.Content = new StringContent(body, Encoding.UTF8, "application/json");
        }
        if (token is not null)
        {
            request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", token);
        }
        return request;
    }

    /// <summary>The components the handler requires for <paramref name="request"/>.</summary>
    public static List<SignatureComponent> DefaultComponents(HttpRequestMessage request)
    {
        var components = new List<SignatureComponent> { SignatureComponent.Method, SignatureComponent.Authority, SignatureComponent.Path };
        if (!string.IsNullOrEmpty(request.RequestUri!.Query))
        {
            components.Add(SignatureComponent.Query);
        }
        if (request.Content is not null)
        {
            components.Add(SignatureComponent.Field("content-digest"));
            if (request.Content.Headers.ContentType is not null)
            {
                // The handler requires the media type of a body to be covered with its digest (issue 14).
                components.Add(SignatureComponent.Field("content-type"));
            }
        }
        if (request.Headers.Authorization is not null)
        {
            components.Add(SignatureComponent.Field("authorization"));
        }
        return components;
    }

    /// <summary>Adds <c>Content-Digest</c> (sha-256 of the content bytes) unless present.</summary>
    public static void AddContentDigest(HttpRequestMessage request)
    {
        if (request.Content is null || request.Headers.Contains("Content-Digest"))
        {
            return;
        }
        var bytes = request.Content.ReadAsByteArrayAsync().GetAwaiter().GetResult();
        request.Headers.TryAddWithoutValidation("Content-Digest", ContentDigest.Compute(bytes, DigestAlgorithm.Sha256));
    }

    /// <summary>Signs <paramref name="request"/> and adds (appends to) its <c>Signature-Input</c> and <c>Signature</c> headers.</summary>
    public HttpRequestMessage Sign(HttpRequestMessage request, IReadOnlyList<SignatureComponent>? components = null,
        Action<SignatureParameters>? parameters = null, string label = "sig1", SignatureKey? key = null)
    {
        AddContentDigest(request);
        var p = new SignatureParameters();
        parameters?.Invoke(p);
        if (p.Created is null && !p.OmitCreated)
        {
            p.Created = Time.GetUtcNow();
        }
        if (p.Nonce is null && request.Headers.Authorization is not null && !SkipNonce)
        {
            // A signature that carries a token must be single use.
            p.Nonce = Convert.ToBase64String(System.Security.Cryptography.RandomNumberGenerator.GetBytes(16)).TrimEnd('=');
        }
        var headers = new HttpMessageSigner(Time).Sign(new HttpRequestMessageAdapter(request), label, components ?? DefaultComponents(request), p, key ?? Key);
        request.Headers.TryAddWithoutValidation("Signature-Input", headers.SignatureInput);
        request.Headers.TryAddWithoutValidation("Signature", headers.Signature);
        return request;
    }

    public void Dispose() => Key.Dispose();
}
