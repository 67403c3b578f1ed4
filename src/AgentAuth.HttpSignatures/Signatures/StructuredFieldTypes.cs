using System.Collections.Frozen;

namespace AgentAuth.HttpSignatures;

/// <summary>
/// Which fields are structured and of what type: RFC 9421 §2.1.1 says <c>sf</c> is only meaningful when the
/// verifier knows the type, so unknown fields are an error rather than a guess.
/// </summary>
internal sealed class StructuredFieldTypes
{
    /// <summary>Registered structured fields (IANA HTTP Field Name registry "Structured Type" column) this library meets.</summary>
    public static IEnumerable<KeyValuePair<string, StructuredFieldType>> Known { get; } =
    [
        new("accept-ch", StructuredFieldType.List),
        new("accept-signature", StructuredFieldType.Dictionary),
        new("cache-status", StructuredFieldType.List),
        new("cdn-cache-control", StructuredFieldType.Dictionary),
        new("client-cert", StructuredFieldType.Item),
        new("client-cert-chain", StructuredFieldType.List),
        new("content-digest", StructuredFieldType.Dictionary),
        new("priority", StructuredFieldType.Dictionary),
        new("proxy-status", StructuredFieldType.List),
        new("repr-digest", StructuredFieldType.Dictionary),
        new("signature", StructuredFieldType.Dictionary),
        new("signature-input", StructuredFieldType.Dictionary),
        new("signature-key", StructuredFieldType.Dictionary),
        new("want-content-digest", StructuredFieldType.Dictionary),
        new("want-repr-digest", StructuredFieldType.Dictionary),
    ];

    /// <summary>The registered types without a length limit (the signer canonicalizes only fields its application chose).</summary>
    public static StructuredFieldTypes Default { get; } = new(Known);

    private readonly FrozenDictionary<string, StructuredFieldType> _types;

    public StructuredFieldTypes(IEnumerable<KeyValuePair<string, StructuredFieldType>> types, int maxFieldLength = int.MaxValue)
    {
        _types = types.ToFrozenDictionary(StringComparer.Ordinal);
        MaxFieldLength = maxFieldLength;
    }

    /// <summary>The longest field value (lines joined) the <c>sf</c>/<c>key</c> paths canonicalize; longer ones are refused unread.</summary>
    public int MaxFieldLength { get; }

    public bool TryGet(string lowerCaseName, out StructuredFieldType type) => _types.TryGetValue(lowerCaseName, out type);
}
