using System.Collections.Concurrent;
using System.Globalization;

namespace ResourceApi.Data;

/// <summary>An in-memory store with a few seeded records.</summary>
public sealed class DataStore
{
    private readonly ConcurrentDictionary<string, DataItem> _items = new(StringComparer.Ordinal);
    private int _next = 3;

    /// <summary>Creates the store with records <c>1</c> and <c>2</c>.</summary>
    public DataStore()
    {
        _items["1"] = new DataItem("1", "alpha", "first record");
        _items["2"] = new DataItem("2", "beta", "second record");
    }

    /// <summary>All records, by id.</summary>
    public IReadOnlyList<DataItem> List() => _items.Values.OrderBy(i => i.Id, StringComparer.Ordinal).ToArray();

    /// <summary>One record.</summary>
    public bool TryGet(string id, out DataItem? item) => _items.TryGetValue(id, out item);

    /// <summary>Adds a record with the next id.</summary>
    public DataItem Add(string name, string? value)
    {
        var id = Interlocked.Increment(ref _next).ToString(CultureInfo.InvariantCulture);
        var item = new DataItem(id, name, value);
        _items[id] = item;
        return item;
    }
}
