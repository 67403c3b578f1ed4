using System.Text.Json.Serialization;

namespace AgentAuth.Demo;

[JsonSerializable(typeof(TokenRequest))]
[JsonSerializable(typeof(TokenResponse))]
internal sealed partial class DemoJsonContext : JsonSerializerContext;
