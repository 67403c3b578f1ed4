using System.Collections.Concurrent;
using AgentAuth.HttpSignatures.Cryptography;
using Microsoft.Extensions.Logging;

namespace AgentAuth.AspNetCore;

/// <summary>A key conveyed in <c>Signature-Key</c>, the identity its scheme gives it, and until when it may be used.</summary>
internal sealed record ConveyedKey(SignatureKey Key, AAuthIdentity Identity, DateTimeOffset NotAfter);

/// <summary>
/// Keys conveyed inline (<c>hwk</c>) or by a self-issued delegation (<c>jkt-jwt</c>), by the exact parameter text they
/// came from: that text determines the key, so a returning agent's request is looked up by a span of its header and
/// parses, imports and allocates nothing. Bounded: when full it starts over (the keys are cheap to make again).
/// </summary>
internal sealed class ConveyedKeyCache
{
    private readonly ConcurrentDictionary<string, ConveyedKey> _entries = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, ConveyedKey>.AlternateLookup<ReadOnlySpan<char>> _lookup;
    private readonly int _capacity;
    private readonly string _name;
    private readonly ILogger _logger;

    public ConveyedKeyCache(string name, int capacity, ILogger logger)
    {
        _name = name;
        _capacity = capacity;
        _logger = logger;
        _lookup = _entries.GetAlternateLookup<ReadOnlySpan<char>>();
    }

    public bool TryGet(ReadOnlySpan<char> parameters, out ConveyedKey? entry) => _lookup.TryGetValue(parameters, out entry);

    public void Add(ReadOnlySpan<char> parameters, ConveyedKey entry)
    {
        // Count takes every lock, so it is read on a miss only.
        if (_entries.Count >= _capacity)
        {
            AAuthLog.KeyCacheFull(_logger, _name, _capacity);
            _entries.Clear();
        }
        _entries[parameters.ToString()] = entry;
    }

    public void Remove(ReadOnlySpan<char> parameters) => _lookup.TryRemove(parameters, out _);
}
