namespace ResourceApi.Data;

/// <summary>The body of <c>POST /data</c>.</summary>
/// <param name="Name">A name (required).</param>
/// <param name="Value">A value.</param>
public sealed record DataItemInput(string? Name, string? Value);
