using System.Buffers;
using System.Buffers.Binary;
using Microsoft.Extensions.Caching.Distributed;
using System.Collections.Concurrent;
using System.Net;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;
using Microsoft.Extensions.Logging;

namespace AgentAuth.AspNetCore;

/// <summary>
/// Asks one issuer's introspection (RFC 7662) or validation endpoint about tokens. Rules:
/// <list type="bullet">
/// <item>only the configured endpoint, or the <c>introspection_endpoint</c> of the issuer's own discovery document, is
/// called; HTTPS unless the issuer allows HTTP metadata; no redirects (the backchannel client follows none, and a 3xx is a
/// failure); the answer is read up to <see cref="TokenIntrospectionOptions.MaxResponseBytes"/> within
/// <see cref="TokenIntrospectionOptions.Timeout"/>;</item>
/// <item>answers are cached by the token's SHA-256 (<see cref="Sha256Key"/>), so the cache never holds a token: an active
/// one until the earlier of its <c>exp</c> and <see cref="TokenIntrospectionOptions.CacheDuration"/>, an inactive one for
/// <see cref="TokenIntrospectionOptions.InactiveCacheDuration"/>; a failure is not cached;</item>
/// <item>single-flight: concurrent requests with the same uncached token share one call, which no single request's
/// cancellation can abort for the others;</item>
/// <item>nothing a remote endpoint sends makes this throw: a failure is <see cref="IntrospectionStatus.Unavailable"/> (503).</item>
/// </list>
/// </summary>
internal sealed class TokenIntrospector
{
    private static readonly MediaTypeWithQualityHeaderValue s_json = new("application/json");

    private readonly TokenIssuerOptions _issuer;
    private readonly TokenIntrospectionOptions _options;
    private readonly string[] _audiences;
    private readonly string[] _scopeClaims;
    private readonly Func<HttpClient> _client;
    private readonly BackchannelDocumentReader? _metadataReader;
    private readonly TimeProvider _timeProvider;
    private readonly TimeSpan _clockSkew;
    private readonly ILogger _logger;
    private readonly IntrospectionMetrics _metrics;
    private readonly int _sizeLimit;
    private readonly ConcurrentDictionary<Sha256Key, CacheEntry> _cache = new();
    private readonly ConcurrentDictionary<Sha256Key, Task<IntrospectionResult>> _inFlight = new();
    private readonly IDistributedCache? _shared;
    private readonly Lock _endpointGate = new();
    private Task<Uri?>? _endpointLookup;
    private Uri? _endpoint;
    private ClientAssertionSigner? _assertions;
    private int _sweeping;

    public TokenIntrospector(
        TokenIssuerOptions issuer, IList<string> defaultAudiences, IList<string> scopeClaims, TimeSpan clockSkew, Func<HttpClient> client, BackchannelDocumentReader? metadataReader,
        TimeProvider timeProvider, ILogger logger, IntrospectionMetrics metrics, int sizeLimit, IDistributedCache? sharedCache = null)
    {
        _shared = issuer.Introspection.UseDistributedCache ? sharedCache : null;
        _issuer = issuer;
        _options = issuer.Introspection;
        _audiences = issuer.Audiences.Count > 0 ? [.. issuer.Audiences] : [.. defaultAudiences];
        _scopeClaims = [.. scopeClaims];
        _clockSkew = clockSkew;
        _client = client;
        _metadataReader = metadataReader;
        _timeProvider = timeProvider;
        _logger = logger;
        _metrics = metrics;
        _sizeLimit = Math.Max(16, sizeLimit);
        if (!string.IsNullOrWhiteSpace(_options.Endpoint))
        {
            _endpoint = new Uri(_options.Endpoint, UriKind.Absolute);
        }
    }

    public TokenIntrospectionOptions Options => _options;

    /// <summary>Whether a locally validated JWT must also be checked here.</summary>
    public bool Checks(bool hasJti) => _options.EffectiveJwts switch
    {
        TokenIntrospectionJwtPolicy.Always => true,
        TokenIntrospectionJwtPolicy.WhenJtiPresent => hasJti,
        _ => false,
    };

    internal int CachedCount => _cache.Count;

    /// <summary>The answer for <paramref name="token"/>: cached, joined to a call in flight, or from one new call.</summary>
    public ValueTask<IntrospectionResult> IntrospectAsync(string token, CancellationToken cancellationToken)
    {
        var key = Sha256Key.Compute(token);
        if (TryGetCached(key, out var cached))
        {
            return new(cached);
        }
        return JoinOrCallAsync(key, token, cancellationToken);
    }

    private async ValueTask<IntrospectionResult> JoinOrCallAsync(Sha256Key key, string token, CancellationToken cancellationToken)
    {
        var owner = new TaskCompletionSource<IntrospectionResult>(TaskCreationOptions.RunContinuationsAsynchronously);
        var shared = _inFlight.GetOrAdd(key, owner.Task);
        if (shared != owner.Task)
        {
            return await shared.WaitAsync(cancellationToken).ConfigureAwait(false);
        }
        try
        {
            // A call that finished between the cache check and GetOrAdd left its answer in the cache.
            if (!TryGetCached(key, out var result))
            {
                var fromShared = _shared is null ? null : await ReadSharedAsync(token).ConfigureAwait(false);
                if (fromShared is { } answer)
                {
                    result = answer.Result;
                    Remember(key, result, answer.Until);
                }
                else
                {
                    result = await CallAsync(token).ConfigureAwait(false);
                    var until = Remember(key, result, null);
                    if (_shared is not null && until is { } trustedUntil)
                    {
                        await WriteSharedAsync(token, result, trustedUntil).ConfigureAwait(false);
                    }
                }
            }
            owner.SetResult(result);
            return result;
        }
        catch (Exception ex)
        {
            // CallAsync does not throw; this only keeps waiters from hanging if something unforeseen does.
            owner.TrySetException(ex);
            throw;
        }
        finally
        {
            _inFlight.TryRemove(new KeyValuePair<Sha256Key, Task<IntrospectionResult>>(key, owner.Task));
        }
    }

    private bool TryGetCached(Sha256Key key, out IntrospectionResult result)
    {
        if (_cache.TryGetValue(key, out var entry))
        {
            if (_timeProvider.GetUtcNow().UtcTicks < entry.ExpiresTicks)
            {
                result = entry.Result;
                return true;
            }
            _cache.TryRemove(new KeyValuePair<Sha256Key, CacheEntry>(key, entry));
        }
        result = null!;
        return false;
    }

    /// <summary>Caches an answer; returns until when (or <see langword="null"/> when it is not cached). <paramref name="sharedUntil"/> caps it for an answer from the shared cache.</summary>
    private DateTimeOffset? Remember(Sha256Key key, IntrospectionResult result, DateTimeOffset? sharedUntil)
    {
        var now = _timeProvider.GetUtcNow();
        DateTimeOffset until;
        switch (result.Status)
        {
            case IntrospectionStatus.Active:
                until = now + _options.CacheDuration;
                if (result.Expires is { } exp && exp < until)
                {
                    until = exp;
                }
                break;
            case IntrospectionStatus.Inactive:
                until = now + _options.InactiveCacheDuration;
                break;
            default:
                // An outage is not remembered: the next request asks again (single-flight keeps that to one call at a time).
                return null;
        }
        if (sharedUntil is { } cap && cap < until)
        {
            until = cap;
        }
        if (until <= now)
        {
            return null;
        }
        if (_cache.Count >= _sizeLimit)
        {
            MakeRoom(now.UtcTicks);
        }
        _cache[key] = new CacheEntry(result, until.UtcTicks);
        return until;
    }

    private string SharedKey(string token)
    {
        Span<byte> digest = stackalloc byte[Sha256Key.Size];
        Sha256Key.Compute(token, digest);
        // Never the token itself: a shared cache is readable by whoever operates it.
        return string.Concat("agentauth:introspection:", System.Buffers.Text.Base64Url.EncodeToString(digest), ":", _issuer.Issuer);
    }

    /// <summary>An answer another instance stored: [status][trusted-until ticks][answer], re-read and re-checked on this clock.</summary>
    private async ValueTask<(IntrospectionResult Result, DateTimeOffset Until)?> ReadSharedAsync(string token)
    {
        byte[]? value;
        try
        {
            using var timeout = new CancellationTokenSource(_options.Timeout, _timeProvider);
            value = await _shared!.GetAsync(SharedKey(token), timeout.Token).ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is not OutOfMemoryException)
        {
            IntrospectionLog.SharedCacheFailed(_logger, _issuer.Issuer, ex.GetType().Name);
            return null;
        }
        if (value is null || value.Length < 9 || value[0] > 1)
        {
            return null;
        }
        var until = new DateTimeOffset(Math.Clamp(BinaryPrimitives.ReadInt64LittleEndian(value.AsSpan(1, 8)), 0, DateTimeOffset.MaxValue.UtcTicks), TimeSpan.Zero);
        var now = _timeProvider.GetUtcNow();
        if (until <= now)
        {
            return null;
        }
        if (value[0] == 0)
        {
            return (IntrospectionResult.Inactive("the issuer says the token is not active (shared cache)"), until);
        }
        var result = IntrospectionAnswerReader.TryRead(value.AsSpan(9), _options, _issuer.Issuer, _audiences, _scopeClaims, now, _clockSkew, out _);
        return result is { Status: IntrospectionStatus.Active } ? (result, until) : null;
    }

    private async ValueTask WriteSharedAsync(string token, IntrospectionResult result, DateTimeOffset until)
    {
        var answer = result.Status == IntrospectionStatus.Active ? result.Answer : [];
        if (answer is null)
        {
            return;
        }
        var value = new byte[9 + answer.Length];
        value[0] = result.Status == IntrospectionStatus.Active ? (byte)1 : (byte)0;
        BinaryPrimitives.WriteInt64LittleEndian(value.AsSpan(1, 8), until.UtcTicks);
        answer.CopyTo(value.AsSpan(9));
        // Relative: the cache's own clock need not agree with this instance's; the entry's bound travels in the value.
        var lifetime = until - _timeProvider.GetUtcNow();
        if (lifetime <= TimeSpan.Zero)
        {
            return;
        }
        try
        {
            using var timeout = new CancellationTokenSource(_options.Timeout, _timeProvider);
            await _shared!.SetAsync(SharedKey(token), value, new DistributedCacheEntryOptions { AbsoluteExpirationRelativeToNow = lifetime }, timeout.Token).ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is not OutOfMemoryException)
        {
            IntrospectionLog.SharedCacheFailed(_logger, _issuer.Issuer, ex.GetType().Name);
        }
    }

    /// <summary>Expires the cached answer for the token at once (its revocation was recorded here).</summary>
    public void Forget(string token) => _cache.TryRemove(Sha256Key.Compute(token), out _);

    private void MakeRoom(long nowTicks)
    {
        if (Interlocked.Exchange(ref _sweeping, 1) == 1)
        {
            return;
        }
        try
        {
            foreach (var pair in _cache)
            {
                if (pair.Value.ExpiresTicks <= nowTicks)
                {
                    _cache.TryRemove(pair);
                }
            }
            // Dropping a live answer only costs a new call later, never an accept: evict until a tenth is free.
            var target = _sizeLimit - Math.Max(1, _sizeLimit / 10);
            foreach (var pair in _cache)
            {
                if (_cache.Count <= target)
                {
                    break;
                }
                _cache.TryRemove(pair);
            }
        }
        finally
        {
            Volatile.Write(ref _sweeping, 0);
        }
    }

    private async Task<IntrospectionResult> CallAsync(string token)
    {
        var endpoint = await ResolveEndpointAsync().ConfigureAwait(false);
        if (endpoint is null)
        {
            return Failed("(discovery)", "no_endpoint", "the issuer's metadata names no usable introspection_endpoint");
        }
        var endpointText = endpoint.GetLeftPart(UriPartial.Path);
        if (!string.Equals(endpoint.Scheme, Uri.UriSchemeHttps, StringComparison.OrdinalIgnoreCase) && _issuer.RequireHttpsMetadata)
        {
            return Failed(endpointText, "invalid_endpoint", "the introspection endpoint must use https");
        }

        using var timeout = new CancellationTokenSource(_options.Timeout, _timeProvider);
        try
        {
            using var request = CreateRequest(endpoint, token);
            var client = _client();
            using var response = await client.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, timeout.Token).ConfigureAwait(false);
            var status = (int)response.StatusCode;
            var validationShape = _options.Format != TokenIntrospectionFormat.Rfc7662;
            // RFC 7662 §2.2 answers 200 for inactive tokens too; a broker validation endpoint may answer 4xx with valid:false.
            if (status != (int)HttpStatusCode.OK && !(validationShape && status is >= 400 and < 500))
            {
                return Failed(endpointText, "http_error", status is >= 300 and < 400
                    ? $"the endpoint answered HTTP {status} (redirects are not followed)"
                    : $"the endpoint answered HTTP {status}");
            }
            if (response.Content.Headers.ContentLength is { } length && length > _options.MaxResponseBytes)
            {
                return Failed(endpointText, "invalid_response", $"the answer is larger than {_options.MaxResponseBytes} bytes (MaxResponseBytes)");
            }
            var stream = await response.Content.ReadAsStreamAsync(timeout.Token).ConfigureAwait(false);
            byte[]? body;
            await using (stream.ConfigureAwait(false))
            {
                body = await ReadBoundedAsync(stream, _options.MaxResponseBytes, timeout.Token).ConfigureAwait(false);
            }
            if (body is null)
            {
                return Failed(endpointText, "invalid_response", $"the answer is larger than {_options.MaxResponseBytes} bytes (MaxResponseBytes)");
            }
            var result = IntrospectionAnswerReader.TryRead(body, _options, _issuer.Issuer, _audiences, _scopeClaims, _timeProvider.GetUtcNow(), _clockSkew, out var garbage);
            if (result is null || (status != (int)HttpStatusCode.OK && result.Status == IntrospectionStatus.Active))
            {
                return Failed(endpointText, "invalid_response", garbage ?? $"an HTTP {status} answer claims the token is valid");
            }
            if (result.Status == IntrospectionStatus.Active)
            {
                _metrics.Called("active");
                result.Answer = body;
            }
            else
            {
                _metrics.Called("inactive");
                IntrospectionLog.TokenInactive(_logger, _issuer.Issuer, result.Reason!);
            }
            return result;
        }
        catch (OperationCanceledException) when (timeout.IsCancellationRequested)
        {
            return Failed(endpointText, "timeout", $"no answer within {_options.Timeout.TotalSeconds:0.###} s (Timeout)");
        }
        catch (HttpRequestException ex)
        {
            return Failed(endpointText, "unreachable", ex.HttpRequestError.ToString());
        }
        catch (Exception ex) when (ex is IOException or InvalidOperationException or System.Security.Cryptography.CryptographicException)
        {
            return Failed(endpointText, "unreachable", ex.GetType().Name);
        }
    }

    private HttpRequestMessage CreateRequest(Uri endpoint, string token)
    {
        var request = new HttpRequestMessage(HttpMethod.Post, endpoint);
        request.Headers.Accept.Add(s_json);
        var form = new List<KeyValuePair<string, string>>(6);
        var auth = _options.ClientAuthentication;
        if (_options.Format == TokenIntrospectionFormat.Rfc7662)
        {
            form.Add(new("token", token));
            form.Add(new("token_type_hint", "access_token"));
        }
        switch (auth)
        {
            case TokenIntrospectionClientAuthentication.ClientSecretBasic:
                // RFC 6749 §2.3.1: id and secret are form-urlencoded before Basic encoding.
                var credentials = string.Concat(Uri.EscapeDataString(_options.ClientId!), ":", Uri.EscapeDataString(_options.ClientSecret!));
                request.Headers.Authorization = new AuthenticationHeaderValue("Basic", Convert.ToBase64String(Encoding.UTF8.GetBytes(credentials)));
                break;
            case TokenIntrospectionClientAuthentication.ClientSecretPost:
                form.Add(new("client_id", _options.ClientId!));
                form.Add(new("client_secret", _options.ClientSecret!));
                break;
            case TokenIntrospectionClientAuthentication.PrivateKeyJwt:
                _assertions ??= ClientAssertionSigner.TryCreate(_options, endpoint.GetLeftPart(UriPartial.Path), _timeProvider, out _);
                form.Add(new("client_id", _options.ClientId!));
                form.Add(new("client_assertion_type", "urn:ietf:params:oauth:client-assertion-type:jwt-bearer"));
                form.Add(new("client_assertion", _assertions!.CreateAssertion()));
                break;
        }
        if (_options.Format == TokenIntrospectionFormat.Rfc7662)
        {
            request.Content = new FormUrlEncodedContent(form);
        }
        else
        {
            var member = _options.Format == TokenIntrospectionFormat.AgentWrit ? "token" : _options.TokenMember;
            var buffer = new ArrayBufferWriter<byte>(token.Length + 64);
            using (var writer = new Utf8JsonWriter(buffer))
            {
                writer.WriteStartObject();
                writer.WriteString(member, token);
                // A validation endpoint takes JSON; client credentials, when configured for it, travel as members too.
                foreach (var pair in form)
                {
                    writer.WriteString(pair.Key, pair.Value);
                }
                writer.WriteEndObject();
            }
            var content = new ByteArrayContent(buffer.WrittenSpan.ToArray());
            content.Headers.ContentType = new MediaTypeHeaderValue("application/json");
            request.Content = content;
        }
        return request;
    }

    private ValueTask<Uri?> ResolveEndpointAsync()
    {
        if (Volatile.Read(ref _endpoint) is { } known)
        {
            return new(known);
        }
        if (_metadataReader is null)
        {
            return new((Uri?)null);
        }
        Task<Uri?> lookup;
        lock (_endpointGate)
        {
            // One metadata read at a time; a failed read is not remembered, so the next call tries again.
            lookup = _endpointLookup is { IsCompleted: false } running ? running : (_endpointLookup = ReadEndpointFromMetadataAsync());
        }
        return new(lookup);
    }

    private async Task<Uri?> ReadEndpointFromMetadataAsync()
    {
        var metadata = !string.IsNullOrWhiteSpace(_issuer.MetadataAddress) ? _issuer.MetadataAddress! : DiscoveryKeySource.MetadataAddressOf(_issuer.Authority!);
        byte[] document;
        try
        {
            document = await _metadataReader!.ReadAsync(new Uri(metadata, UriKind.Absolute), _issuer.RequireHttpsMetadata, CancellationToken.None).ConfigureAwait(false);
        }
        catch (KeySourceException)
        {
            return null;
        }
        if (TryReadEndpoint(document, _issuer.Issuer, _issuer.RequireHttpsMetadata, out var endpoint))
        {
            Volatile.Write(ref _endpoint, endpoint);
        }
        return endpoint;
    }

    /// <summary>RFC 8414 §2/§3.3: the metadata's <c>issuer</c> must be this issuer; <c>introspection_endpoint</c> an absolute (HTTPS) URL.</summary>
    internal static bool TryReadEndpoint(byte[] document, string issuer, bool requireHttps, out Uri? endpoint)
    {
        endpoint = null;
        try
        {
            using var json = JsonDocument.Parse(document);
            var root = json.RootElement;
            if (root.ValueKind != JsonValueKind.Object
                || !root.TryGetProperty("issuer", out var iss) || iss.ValueKind != JsonValueKind.String || !iss.ValueEquals(issuer)
                || !root.TryGetProperty("introspection_endpoint", out var value) || value.ValueKind != JsonValueKind.String
                || !Uri.TryCreate(value.GetString(), UriKind.Absolute, out var uri)
                || (requireHttps && uri.Scheme != Uri.UriSchemeHttps)
                || (uri.Scheme != Uri.UriSchemeHttps && uri.Scheme != Uri.UriSchemeHttp))
            {
                return false;
            }
            endpoint = uri;
            return true;
        }
        catch (JsonException)
        {
            return false;
        }
    }

    private static async ValueTask<byte[]?> ReadBoundedAsync(Stream stream, int maxBytes, CancellationToken cancellationToken)
    {
        // Read at most maxBytes + 1: one byte more than allowed proves the answer is too large without buffering the rest.
        var buffer = ArrayPool<byte>.Shared.Rent(Math.Min(maxBytes + 1, 16 * 1024));
        var total = 0;
        try
        {
            while (true)
            {
                if (total == buffer.Length)
                {
                    var larger = ArrayPool<byte>.Shared.Rent(Math.Min(maxBytes + 1, buffer.Length * 2));
                    buffer.AsSpan(0, total).CopyTo(larger);
                    ArrayPool<byte>.Shared.Return(buffer);
                    buffer = larger;
                }
                var read = await stream.ReadAsync(buffer.AsMemory(total, Math.Min(buffer.Length, maxBytes + 1) - total), cancellationToken).ConfigureAwait(false);
                if (read == 0)
                {
                    return buffer.AsSpan(0, total).ToArray();
                }
                total += read;
                if (total > maxBytes)
                {
                    return null;
                }
            }
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(buffer);
        }
    }

    private IntrospectionResult Failed(string endpoint, string outcome, string reason)
    {
        _metrics.Called(outcome);
        IntrospectionLog.IntrospectionFailed(_logger, endpoint, _issuer.Issuer, outcome, reason);
        return IntrospectionResult.Unavailable("The token could not be checked with its issuer; retry shortly.");
    }

    private sealed record CacheEntry(IntrospectionResult Result, long ExpiresTicks);
}
