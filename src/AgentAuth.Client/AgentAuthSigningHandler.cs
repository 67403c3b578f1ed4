using System.Net;
using System.Net.Http.Headers;
using System.Runtime.CompilerServices;
using System.Security.Cryptography;
using AgentAuth.HttpSignatures;
using AgentAuth.HttpSignatures.Cryptography;
using AgentAuth.HttpSignatures.Digests;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

namespace AgentAuth.Client;

/// <summary>
/// Signs every outgoing request for an AgentAuth-protected API: an RFC 9421 HTTP message signature (with
/// <c>Content-Digest</c> for bodies and the key-bound token in <c>Authorization</c>), or, with
/// <see cref="AgentAuthSigningOptions.UseDPoP"/>, a DPoP-bound token with a fresh RFC 9449 proof. Credentials go only to
/// <see cref="AgentAuthSigningOptions.AllowedOrigins"/>; redirects are followed here (the transport's own following is turned
/// off), re-signed while they stay on the request's origin and stripped of every credential once they leave it.
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
    private readonly DPoPNonceStore _nonces;
    private readonly ILogger _logger;
    private readonly Func<Uri?>? _baseAddress;
    // The configured AllowedOrigins; or, when none are configured, the origin of the factory client's BaseAddress, read on
    // first use (null until then); empty when neither exists.
    private RequestOrigin[]? _allowedOrigins;
    private readonly Lock _innerCheckGate = new();
    private StrongBox<RequestOrigin>? _firstOrigin;
    private volatile bool _innerChecked;

    /// <summary>Creates the handler; the options are read once.</summary>
    /// <param name="options">The signing options (validated here).</param>
    /// <exception cref="InvalidOperationException">The options are invalid; the message names the option to set.</exception>
    public AgentAuthSigningHandler(AgentAuthSigningOptions options)
        : this(options, baseAddress: null, logger: null)
    {
    }

    /// <summary>
    /// Creates the handler for a factory client; <paramref name="baseAddress"/> gives that client's configured <c>BaseAddress</c>
    /// (asked once, on the first request, when <see cref="AgentAuthSigningOptions.AllowedOrigins"/> is empty).
    /// </summary>
    internal AgentAuthSigningHandler(AgentAuthSigningOptions options, Func<Uri?>? baseAddress, ILogger? logger)
    {
        ArgumentNullException.ThrowIfNull(options);
        var errors = AgentAuthSigningOptionsValidator.Validate(options);
        if (errors.Count > 0)
        {
            throw new InvalidOperationException(string.Join(" ", errors));
        }
        _options = options;
        _logger = logger ?? NullLogger.Instance;
        _nonces = new DPoPNonceStore(_logger);
        _timeProvider = options.TimeProvider ?? TimeProvider.System;
        _signer = new HttpMessageSigner(_timeProvider);
        _components = ParseComponents(options.CoveredComponents);
        _baseAddress = baseAddress;
        _allowedOrigins = options.AllowedOrigins.Count > 0 || baseAddress is null ? ParseOrigins(options.AllowedOrigins) : null;
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
        if (request.RequestUri is not { IsAbsoluteUri: true } uri)
        {
            throw new InvalidOperationException("AgentAuthSigningHandler needs an absolute request URI; set HttpClient.BaseAddress.");
        }
        if (uri.UserInfo.Length > 0)
        {
            // A password in the URI would be copied into the signed, loggable DPoP htu (the URI itself is not repeated here).
            throw new InvalidOperationException("AgentAuthSigningHandler refuses request URIs with user-info ('user:password@host'); send credentials in headers instead.");
        }
        EnsureTransportDoesNotRedirect();
        if (request.Content is not null)
        {
            // Kept re-sendable: for the one DPoP nonce retry and for 307/308 redirects.
            await request.Content.LoadIntoBufferAsync(cancellationToken).ConfigureAwait(false);
        }

        var origin = RequestOrigin.Of(uri);
        var withCredentials = IsAllowed(origin);
        if (!withCredentials && _logger.IsEnabled(LogLevel.Information))
        {
            _logger.CredentialsWithheld(origin.ToString());
        }
        string? token = null;
        if (withCredentials)
        {
            token = _options.AccessToken;
            if (token is null && _options.AccessTokenProvider is { } provider)
            {
                token = await provider(request, cancellationToken).ConfigureAwait(false);
            }
            if (_dpop is not null && token is null)
            {
                // A DPoP proof without its token would only earn a 401; say why here instead.
                throw new InvalidOperationException("AgentAuthSigningOptions.UseDPoP is set but AccessTokenProvider returned no token.");
            }
        }

        for (var redirects = 0; ; redirects++)
        {
            var response = !withCredentials
                ? await base.SendAsync(request, cancellationToken).ConfigureAwait(false)
                : _dpop is not null
                    ? await SendWithDPoPAsync(request, token!, origin, cancellationToken).ConfigureAwait(false)
                    : await SendSignedAsync(request, token, cancellationToken).ConfigureAwait(false);
            if (!RedirectPolicy.IsRedirect(response.StatusCode))
            {
                return response;
            }
            if (redirects >= _options.MaxRedirects || !RedirectPolicy.TryGetTarget(request, response, out var target, out var changeToGet))
            {
                _logger.RedirectNotFollowed((int)response.StatusCode, redirects, _options.MaxRedirects);
                return response;
            }
            response.Dispose();
            RedirectPolicy.Apply(request, target, changeToGet);
            var targetOrigin = RequestOrigin.Of(target);
            if (withCredentials && targetOrigin != origin)
            {
                // Another origin: nothing that proves or carries this agent's identity goes there, on this hop or any later one.
                withCredentials = false;
                RemoveCredentials(request);
                _logger.RedirectLeftOrigin((int)response.StatusCode, origin.ToString(), targetOrigin.ToString());
            }
        }
    }

    private bool IsAllowed(RequestOrigin origin)
    {
        var allowedOrigins = Volatile.Read(ref _allowedOrigins) ?? ResolveBaseAddressOrigin();
        if (allowedOrigins.Length > 0)
        {
            foreach (var allowed in allowedOrigins)
            {
                if (allowed == origin)
                {
                    return true;
                }
            }
            return false;
        }
        // Neither AllowedOrigins nor a BaseAddress: the first origin this handler is used for is the only one it signs for.
        var first = Volatile.Read(ref _firstOrigin);
        if (first is null)
        {
            Interlocked.CompareExchange(ref _firstOrigin, new StrongBox<RequestOrigin>(origin), null);
            first = Volatile.Read(ref _firstOrigin)!;
        }
        return first.Value == origin;
    }

    private void EnsureTransportDoesNotRedirect()
    {
        if (_innerChecked)
        {
            return;
        }
        lock (_innerCheckGate)
        {
            if (!_innerChecked)
            {
                RedirectPolicy.DisableAutoRedirect(InnerHandler);
                _innerChecked = true;
            }
        }
    }

    private static void RemoveCredentials(HttpRequestMessage request)
    {
        var headers = request.Headers;
        headers.Authorization = null;
        headers.Remove("Signature");
        headers.Remove("Signature-Input");
        headers.Remove("DPoP");
    }

    private async Task<HttpResponseMessage> SendSignedAsync(HttpRequestMessage request, string? token, CancellationToken cancellationToken)
    {
        await SignAsync(request, token, cancellationToken).ConfigureAwait(false);
        return await base.SendAsync(request, cancellationToken).ConfigureAwait(false);
    }

    private async Task<HttpResponseMessage> SendWithDPoPAsync(HttpRequestMessage request, string token, RequestOrigin origin, CancellationToken cancellationToken)
    {
        request.Headers.Authorization = new AuthenticationHeaderValue("DPoP", token);
        var sent = _nonces.Get(origin);
        SetProof(request, token, sent);
        var response = await base.SendAsync(request, cancellationToken).ConfigureAwait(false);
        // The latest nonce of this origin rides on its later proofs too (RFC 9449 §8.2), whatever the status.
        var fresh = _nonces.Observe(origin, response, sent);
        if (fresh is null || string.Equals(fresh, sent, StringComparison.Ordinal)
            || response.StatusCode != HttpStatusCode.Unauthorized || !IsUseDPoPNonce(response))
        {
            return response;
        }

        // RFC 9449 §8: the server wants a (new) nonce; send the request once more with it.
        response.Dispose();
        SetProof(request, token, fresh);
        response = await base.SendAsync(request, cancellationToken).ConfigureAwait(false);
        _nonces.Observe(origin, response, fresh);
        return response;
    }

    private void SetProof(HttpRequestMessage request, string token, string? nonce)
    {
        var uri = request.RequestUri!;
        // htu (RFC 9449 §4.2): scheme, the authority as sent in Host (IDN host, port only when not the default) and
        // path; never user-info, query or fragment.
        var htu = string.Concat(uri.Scheme, "://", new HttpRequestMessageAdapter(request).Authority, uri.AbsolutePath);
        var proof = _dpop!.Create(request.Method.Method, htu, token, nonce, _timeProvider.GetUtcNow());
        request.Headers.Remove("DPoP");
        request.Headers.TryAddWithoutValidation("DPoP", proof);
    }

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

    // Once per handler: every caller that races here computes the same answer, and the first one stored is kept.
    private RequestOrigin[] ResolveBaseAddressOrigin()
    {
        RequestOrigin[] origins = _baseAddress?.Invoke() is { IsAbsoluteUri: true } address ? [RequestOrigin.Of(address)] : [];
        return Interlocked.CompareExchange(ref _allowedOrigins, origins, null) ?? origins;
    }

    private static RequestOrigin[] ParseOrigins(IList<string> configured)
    {
        if (configured.Count == 0)
        {
            return [];
        }
        var origins = new RequestOrigin[configured.Count];
        for (var i = 0; i < configured.Count; i++)
        {
            if (!RequestOrigin.TryParse(configured[i], out origins[i], out var error))
            {
                throw new InvalidOperationException("AgentAuthSigningOptions.AllowedOrigins[" + i + "]: " + error);
            }
        }
        return origins;
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
