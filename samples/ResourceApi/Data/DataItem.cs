namespace ResourceApi.Data;

/// <summary>A stored record.</summary>
/// <param name="Id">The identifier (the last part of the <c>read:data:{id}</c> scope).</param>
/// <param name="Name">A name.</param>
/// <param name="Value">A value.</param>
public sealed record DataItem(string Id, string Name, string? Value);
