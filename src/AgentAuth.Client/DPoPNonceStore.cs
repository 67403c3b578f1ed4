using System.Collections.Concurrent;
using System.Net;
using Microsoft.Extensions.Logging;

namespace AgentAuth.Client;

/// <summary>
/// The DPoP nonces servers handed this handler (RFC 9449 §8, §9), one per origin: a nonce is only ever sent back to the
/// origin that issued it, only a well-formed nonce is kept, and a refusal that brings no new nonce drops the old one, so
/// one misbehaving server cannot jam the proofs sent to another, nor one bad nonce every later request.
/// </summary>
internal sealed class DPoPNonceStore
{
    /// <summary>The longest nonce kept; AgentAuth servers issue far shorter ones and refuse proofs with longer.</summary>
    public const int MaxNonceLength = 512;

    /// <summary>How many origins keep a nonce at once; a handler talks to a handful, an attacker could name many.</summary>
    public const int MaxOrigins = 64;

    private readonly ConcurrentDictionary<RequestOrigin, string> _nonces = new();
    private readonly ILogger _logger;

    public DPoPNonceStore(ILogger logger) => _logger = logger;

    public string? Get(RequestOrigin origin) => _nonces.TryGetValue(origin, out var nonce) ? nonce : null;

    /// <summary>
    /// Takes the nonce of a response to a DPoP request this handler sent to <paramref name="origin"/> with
    /// <paramref name="sent"/> in its proof. Returns the new well-formed nonce, or <see langword="null"/> when there is none.
    /// </summary>
    public string? Observe(RequestOrigin origin, HttpResponseMessage response, string? sent)
    {
        var fresh = Read(response, out var malformed);
        if (malformed.Present)
        {
            _logger.MalformedDPoPNonce(origin.ToString(), malformed.Length, malformed.Count);
        }
        if (fresh is not null)
        {
            if (!_nonces.ContainsKey(origin) && _nonces.Count >= MaxOrigins)
            {
                // Full: make room by forgetting one origin; at worst it costs that origin one use_dpop_nonce round trip.
                foreach (var entry in _nonces)
                {
                    _nonces.TryRemove(entry.Key, out _);
                    break;
                }
            }
            _nonces[origin] = fresh;
            return fresh;
        }
        if (sent is not null && IsRefusal(response.StatusCode))
        {
            // The server refused the proof and offered no replacement: the nonce is stale or was never good. Forget it
            // (only if nobody stored a newer one meanwhile) so the next request earns a fresh use_dpop_nonce challenge.
            if (_nonces.TryRemove(new KeyValuePair<RequestOrigin, string>(origin, sent)))
            {
                _logger.DPoPNonceDropped(origin.ToString(), (int)response.StatusCode);
            }
        }
        return null;
    }

    private static bool IsRefusal(HttpStatusCode status) => status is HttpStatusCode.Unauthorized or HttpStatusCode.BadRequest;

    /// <summary>The single <c>DPoP-Nonce</c> value of the response when it is a nonce (RFC 9449 §8.1: <c>1*NQCHAR</c>), bounded in length.</summary>
    internal static string? Read(HttpResponseMessage response, out (bool Present, int Length, int Count) malformed)
    {
        malformed = default;
        if (!response.Headers.NonValidated.TryGetValues("DPoP-Nonce", out var values) || values.Count == 0)
        {
            return null;
        }
        var value = values.ToString();
        if (values.Count == 1 && IsNonce(value))
        {
            return value;
        }
        malformed = (true, value.Length, values.Count);
        return null;
    }

    internal static bool IsNonce(ReadOnlySpan<char> value)
    {
        if (value.IsEmpty || value.Length > MaxNonceLength)
        {
            return false;
        }
        foreach (var c in value)
        {
            // NQCHAR = %x21 / %x23-5B / %x5D-7E (RFC 9449 §8.1, from RFC 6749 Appendix A): visible ASCII except '"' and '\'.
            if (c is < '\x21' or > '\x7E' or '"' or '\\')
            {
                return false;
            }
        }
        return true;
    }
}
