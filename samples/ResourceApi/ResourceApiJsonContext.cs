using System.Text.Json;
using System.Text.Json.Serialization;
using ResourceApi.Data;

namespace ResourceApi;

/// <summary>
/// Source-generated JSON for every type the minimal-API endpoints read or write, so the sample needs no reflection-based
/// serialization and runs as a native AOT executable (<c>dotnet publish -r linux-x64 -p:PublishAot=true</c>).
/// </summary>
[JsonSourceGenerationOptions(JsonSerializerDefaults.Web)]
[JsonSerializable(typeof(HealthStatus))]
[JsonSerializable(typeof(WhoAmI))]
[JsonSerializable(typeof(DataItem))]
[JsonSerializable(typeof(IReadOnlyList<DataItem>))]
[JsonSerializable(typeof(DataItemInput))]
internal sealed partial class ResourceApiJsonContext : JsonSerializerContext;

/// <summary>What <c>GET /health</c> returns.</summary>
/// <param name="Status">Always <c>ok</c> while the process answers.</param>
public sealed record HealthStatus(string Status);
