using System.Net;
using System.Net.Http.Headers;
using System.Security.Cryptography;
using AgentAuth.HttpSignatures;
using AgentAuth.HttpSignatures.Cryptography;
using AgentAuth.HttpSignatures.Digests;

namespace AgentAuth.Client;

/// <summary>
/// Signs every outgoing request for an AgentAuth-protected API: an RFC 9421 HTTP message signature (with
/// <c>Content-Digest</c> for bodies and the key-bound token in <c>Authorization</c>), or, with
/// <see cref="AgentAuthSigningOptions.UseDPoP"/>, a DPoP-bound token with a fresh RFC 9449 proof.
/// Thread-safe; one instance serves concurrent requests.
/// </summary>
public sealed class AgentAuthSigningHandler : DelegatingHandler
{
    private static readonly HttpRequestOptionsKey<bool> s_signedKey = new("AgentAuth.Client.Signed");

    private readonly AgentAuthSigningOptions _options;
    private readonly SignatureKey _key;
    private readonly bool _ownsKey;
    private readonly TimeProvider _timeProvider;
    private readonly HttpMessageSigner _signer;
    private readonly SignatureComponent[]? _components;
    private readonly string _keyId;
    private readonly DPoPProofWriter? _dpop;
    private string? _dpopNonce;

    /// <summary>Creates the handler; the options are read once.</summary>
    /// <param name="options">The signing options (validated here).</param>
    /// <exception cref="InvalidOperationException">The options are invalid; the message names the option to set.</exception>
    public AgentAuthSigningHandler(AgentAuthSigningOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        var errors = AgentAuthSigningOptionsValidator.Validate(options);
        if (errors.Count > 0)
        {
            throw new InvalidOperationException(string.Join(" ", errors));
        }
        _options = options;
        _timeProvider = options.TimeProvider ?? TimeProvider.System;
        _signer = new HttpMessageSigner(_timeProvider);
        _components = ParseComponents(options.CoveredComponents);
        _key = SigningKeyLoader.Load(options, out _ownsKey);
        try
        {
            _keyId = !string.IsNullOrEmpty(options.KeyId) ? options.KeyId : _key.KeyId ?? _key.Thumbprint;
            _dpop = options.UseDPoP ? new DPoPProofWriter(_key, string.IsNullOrWhiteSpace(options.DPoPAlgorithm) ? null : options.DPoPAlgorithm) : null;
        }
        catch
        {
            if (_ownsKey)
            {
                _key.Dispose();
            }
            throw;
        }
    }

    /// <summary>Creates the handler with an inner handler.</summary>
    /// <param name="options">The signing options (validated here).</param>
    /// <param name="innerHandler">The handler that sends the signed request.</param>
    public AgentAuthSigningHandler(AgentAuthSigningOptions options, HttpMessageHandler innerHandler)
        : this(options)
    {
        InnerHandler = innerHandler;
    }

    /// <summary>The <c>keyid</c> this handler sends.</summary>
    public string KeyId => _keyId;

    /// <summary>The RFC 7638 thumbprint of the signing key (the <c>cnf.jkt</c> a token bound to it carries).</summary>
    public string KeyThumbprint => _key.Thumbprint;

    /// <inheritdoc />
    protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(request);
        if (request.RequestUri is not { IsAbsoluteUri: true })
        {
            throw new InvalidOperationException("AgentAuthSigningHandler needs an absolute request URI; set HttpClient.BaseAddress.");
        }

        var token = _options.AccessToken;
        if (token is null && _options.AccessTokenProvider is { } provider)
        {
            token = await provider(request, cancellationToken).ConfigureAwait(false);
        }

        if (_dpop is not null)
        {
            // A DPoP proof without its token would only earn a 401; say why here instead.
            return await SendWithDPoPAsync(request, token ?? throw new InvalidOperationException(
                "AgentAuthSigningOptions.UseDPoP is set but AccessTokenProvider returned no token."), cancellationToken).ConfigureAwait(false);
        }

        await SignAsync(request, token, cancellationToken).ConfigureAwait(false);
        return await base.SendAsync(request, cancellationToken).ConfigureAwait(false);
    }

    private async Task<HttpResponseMessage> SendWithDPoPAsync(HttpRequestMessage request, string token, CancellationToken cancellationToken)
    {
        if (request.Content is not null)
        {
            // Kept re-sendable for the one nonce retry.
            await request.Content.LoadIntoBufferAsync(cancellationToken).ConfigureAwait(false);
        }
        request.Headers.Authorization = new AuthenticationHeaderValue("DPoP", token);
        SetProof(request, token);
        var response = await base.SendAsync(request, cancellationToken).ConfigureAwait(false);
        var nonce = ReadNonce(response);
        if (nonce is null)
        {
            return response;
        }
        // The latest nonce rides on later proofs too (RFC 9449 §8.2), whatever the status.
        Volatile.Write(ref _dpopNonce, nonce);
        if (response.StatusCode != HttpStatusCode.Unauthorized || !IsUseDPoPNonce(response))
        {
            return response;
        }

        // RFC 9449 §8: the server wants a nonce; send the request once more with it.
        response.Dispose();
        SetProof(request, token);
        return await base.SendAsync(request, cancellationToken).ConfigureAwait(false);
    }

    private void SetProof(HttpRequestMessage request, string token)
    {
        var proof = _dpop!.Create(request.Method.Method, request.RequestUri!, token, Volatile.Read(ref _dpopNonce), _timeProvider.GetUtcNow());
        request.Headers.Remove("DPoP");
        request.Headers.TryAddWithoutValidation("DPoP", proof);
    }

    private static string? ReadNonce(HttpResponseMessage response) =>
        response.Headers.TryGetValues("DPoP-Nonce", out var values) ? values.FirstOrDefault() : null;

    private static bool IsUseDPoPNonce(HttpResponseMessage response)
    {
        foreach (var challenge in response.Headers.WwwAuthenticate)
        {
            if (string.Equals(challenge.Scheme, "DPoP", StringComparison.OrdinalIgnoreCase)
                && challenge.Parameter is { } parameter
                && parameter.Contains("error=\"use_dpop_nonce\"", StringComparison.Ordinal))
            {
                return true;
            }
        }
        return false;
    }

    private async Task SignAsync(HttpRequestMessage request, string? token, CancellationToken cancellationToken)
    {
        var headers = request.Headers;
        if (request.Options.TryGetValue(s_signedKey, out _))
        {
            // Sent again (a retry policy): replace our previous signature instead of adding a second one.
            headers.Remove("Signature-Input");
            headers.Remove("Signature");
        }
        if (token is not null)
        {
            headers.Authorization = new AuthenticationHeaderValue(_options.TokenScheme, token);
        }

        var content = request.Content;
        if (content is not null)
        {
            await content.LoadIntoBufferAsync(cancellationToken).ConfigureAwait(false);
            var stream = await content.ReadAsStreamAsync(cancellationToken).ConfigureAwait(false);
            var digest = await ContentDigest.ComputeAsync(stream, _options.ContentDigestAlgorithm, cancellationToken).ConfigureAwait(false);
            if (stream.CanSeek)
            {
                stream.Position = 0;
            }
            content.Headers.Remove(ContentDigest.FieldName);
            content.Headers.TryAddWithoutValidation(ContentDigest.FieldName, digest);
        }

        var message = new HttpRequestMessageAdapter(request);
        var components = SelectComponents(message);
        var now = _timeProvider.GetUtcNow();
        var parameters = new SignatureParameters
        {
            Created = now,
            Expires = _options.Lifetime > TimeSpan.Zero ? now + _options.Lifetime : null,
            KeyId = _keyId,
            Nonce = _options.IncludeNonce ? NewNonce() : null,
            Tag = string.IsNullOrEmpty(_options.Tag) ? null : _options.Tag,
        };
        var signature = _signer.Sign(message, _options.Label, components, parameters, _key);

        headers.TryGetValues("Signature-Input", out var existingInput);
        headers.TryGetValues("Signature", out var existingSignature);
        var input = signature.AppendSignatureInputTo(existingInput is null ? null : string.Join(", ", existingInput));
        var value = signature.AppendSignatureTo(existingSignature is null ? null : string.Join(", ", existingSignature));
        headers.Remove("Signature-Input");
        headers.Remove("Signature");
        headers.TryAddWithoutValidation("Signature-Input", input);
        headers.TryAddWithoutValidation("Signature", value);
        request.Options.Set(s_signedKey, true);
    }

    private List<SignatureComponent> SelectComponents(HttpRequestMessageAdapter message)
    {
        var selected = new List<SignatureComponent>(6);
        if (_components is null)
        {
            selected.Add(SignatureComponent.Method);
            selected.Add(SignatureComponent.TargetUri);
            AddIfPresent(selected, message, SignatureComponent.Field("authorization"));
            AddIfPresent(selected, message, SignatureComponent.Field("content-digest"));
            AddContentType(selected, message);
            return selected;
        }
        foreach (var component in _components)
        {
            if (component.IsDerived)
            {
                selected.Add(component);
            }
            else
            {
                AddIfPresent(selected, message, component);
            }
        }
        // The token and the body are always bound to the signature, whatever the list says: an uncovered token or digest protects nothing.
        var authorization = SignatureComponent.Field("authorization");
        if (!selected.Contains(authorization))
        {
            AddIfPresent(selected, message, authorization);
        }
        var digest = SignatureComponent.Field("content-digest");
        if (!selected.Contains(digest))
        {
            AddIfPresent(selected, message, digest);
        }
        AddContentType(selected, message);
        return selected;
    }

    // The digest covers the body's bytes, not their media type: with a body, content-type is signed too (servers require it).
    private static void AddContentType(List<SignatureComponent> selected, HttpRequestMessageAdapter message)
    {
        var contentType = SignatureComponent.Field("content-type");
        if (selected.Contains(SignatureComponent.Field("content-digest")) && !selected.Contains(contentType))
        {
            AddIfPresent(selected, message, contentType);
        }
    }

    private static void AddIfPresent(List<SignatureComponent> selected, HttpRequestMessageAdapter message, SignatureComponent field)
    {
        if (message.TryGetFieldLines(field.Name, trailers: false, out _))
        {
            selected.Add(field);
        }
    }

    private static string NewNonce()
    {
        Span<byte> random = stackalloc byte[16];
        RandomNumberGenerator.Fill(random);
        return System.Buffers.Text.Base64Url.EncodeToString(random);
    }

    private static SignatureComponent[]? ParseComponents(IList<string> configured)
    {
        if (configured.Count == 0)
        {
            return null;
        }
        var components = new SignatureComponent[configured.Count];
        for (var i = 0; i < configured.Count; i++)
        {
            if (!CoveredComponents.TryParse(configured[i], out components[i], out var error))
            {
                throw new InvalidOperationException("AgentAuthSigningOptions.CoveredComponents[" + i + "]: " + error);
            }
        }
        return components;
    }

    /// <inheritdoc />
    protected override void Dispose(bool disposing)
    {
        if (disposing && _ownsKey)
        {
            _key.Dispose();
        }
        base.Dispose(disposing);
    }
}
