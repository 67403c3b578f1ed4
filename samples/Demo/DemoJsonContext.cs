using System.Text.Json.Serialization;

namespace AgentAuth.Demo;

[JsonSerializable(typeof(TokenRequest))]
[JsonSerializable(typeof(TokenResponse))]
[JsonSerializable(typeof(Dictionary<string, string>))]
internal sealed partial class DemoJsonContext : JsonSerializerContext;
