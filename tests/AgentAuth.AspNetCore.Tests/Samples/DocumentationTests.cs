using System.Collections;
using System.Net;
using System.Reflection;
using System.Security.Cryptography;
using System.Text.Json;
using System.Text.RegularExpressions;
using AgentAuth.Client;
using AgentAuth.Demo;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.Extensions.DependencyInjection;

namespace AgentAuth.AspNetCore.Tests.Samples;

/// <summary>
/// docs/configuration.md, samples/ResourceApi/appsettings.json and the option classes name the same keys; the snippets of
/// docs/getting-started.md and README.md are the compiled code of samples/Demo/QuickStart.cs, and that code works.
/// </summary>
public sealed partial class DocumentationTests
{
    private const string Prefix = "Authentication:Schemes:AgentAuth:";

    [GeneratedRegex(@"^\| `(Authentication:Schemes:AgentAuth:[A-Za-z0-9:]+)` \|", RegexOptions.Multiline)]
    private static partial Regex SchemeKeyRow();

    [GeneratedRegex(@"^\| `([A-Za-z0-9]+)` \|", RegexOptions.Multiline)]
    private static partial Regex ClientKeyRow();

    private static string ConfigurationDoc => SampleFiles.Read("docs/configuration.md");

    private static SortedSet<string> DocumentedSchemeKeys() =>
        new(SchemeKeyRow().Matches(ConfigurationDoc).Select(m => m.Groups[1].Value), StringComparer.Ordinal);

    [Fact]
    public void Every_documented_key_is_in_the_sample_appsettings_and_every_sample_key_is_documented()
    {
        using var appsettings = JsonDocument.Parse(SampleFiles.Read("samples/ResourceApi/appsettings.json"));
        var sampleKeys = new SortedSet<string>(StringComparer.Ordinal);
        Flatten(appsettings.RootElement, string.Empty, sampleKeys);
        sampleKeys.RemoveWhere(k => !k.StartsWith(Prefix, StringComparison.Ordinal));
        var documented = DocumentedSchemeKeys();

        Assert.NotEmpty(documented);
        Assert.Empty(documented.Except(sampleKeys));
        Assert.Empty(sampleKeys.Except(documented));
    }

    [Fact]
    public void Every_bindable_scheme_option_is_documented_and_nothing_else()
    {
        var optionKeys = new SortedSet<string>(StringComparer.Ordinal);
        Walk(typeof(AgentAuthOptions), Prefix, optionKeys);
        var documented = DocumentedSchemeKeys();

        Assert.Empty(optionKeys.Except(documented));
        Assert.Empty(documented.Except(optionKeys));
    }

    [Fact]
    public void Every_bindable_client_option_is_documented()
    {
        var documented = new SortedSet<string>(ClientKeyRow().Matches(ConfigurationDoc).Select(m => m.Groups[1].Value), StringComparer.Ordinal);
        var bindable = typeof(AgentAuthSigningOptions).GetProperties(BindingFlags.Public | BindingFlags.Instance)
            .Where(p => IsScalar(p.PropertyType) || IsScalarList(p.PropertyType))
            .Select(p => p.Name)
            .ToHashSet(StringComparer.Ordinal);

        Assert.Empty(bindable.Except(documented));
        Assert.Empty(documented.Except(bindable));
    }

    [Theory]
    [InlineData("protect-api")]
    [InlineData("call-api")]
    public void Getting_started_snippets_are_the_compiled_quick_start_code(string snippet)
    {
        var code = Region(SampleFiles.Read("samples/Demo/QuickStart.cs"), snippet);
        var doc = SampleFiles.Read("docs/getting-started.md").ReplaceLineEndings("\n");

        Assert.Contains("```csharp\n" + code + "\n```", doc);
    }

    [Theory]
    [InlineData("protect-api")]
    [InlineData("call-api")]
    public void Readme_quick_start_snippets_are_the_compiled_quick_start_code(string snippet)
    {
        var code = Region(SampleFiles.Read("samples/Demo/QuickStart.cs"), snippet);
        var readme = SampleFiles.Read("README.md").ReplaceLineEndings("\n");

        Assert.Contains("```csharp\n" + code + "\n```", readme);
    }

    [Fact]
    public async Task Quick_start_api_and_agent_work_together()
    {
        using var ecdsa = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var p = ecdsa.ExportParameters(includePrivateParameters: true);
        static string B64(byte[]? data) => System.Buffers.Text.Base64Url.EncodeToString(data);
        var privateJwk = $"{{\"kty\":\"EC\",\"crv\":\"P-256\",\"x\":\"{B64(p.Q.X)}\",\"y\":\"{B64(p.Q.Y)}\",\"d\":\"{B64(p.D)}\",\"kid\":\"agent-1\"}}";
        var publicJwks = $"{{\"keys\":[{{\"kty\":\"EC\",\"crv\":\"P-256\",\"x\":\"{B64(p.Q.X)}\",\"y\":\"{B64(p.Q.Y)}\",\"kid\":\"agent-1\"}}]}}";

        await using var app = QuickStart.ProtectApi(
        [
            "--urls", "http://127.0.0.1:0",
            "--contentRoot", AppContext.BaseDirectory,
            "--Logging:LogLevel:Default", "Warning",
            "--Authentication:Schemes:AgentAuth:AgentKeys:JsonWebKeySet", publicJwks,
        ]);
        await app.StartAsync();
        var url = new Uri(app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First());

        using var response = await QuickStart.CallApiAsync(url, privateJwk, token: null);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("agent-1", await response.Content.ReadAsStringAsync());
        await app.StopAsync();
    }

    private static string Region(string source, string name)
    {
        var lines = source.ReplaceLineEndings("\n").Split('\n');
        var start = Array.FindIndex(lines, l => l.Trim() == "// snippet: " + name);
        var end = Array.FindIndex(lines, start + 1, l => l.Trim() == "// end-snippet");
        Assert.True(start >= 0 && end > start, "snippet " + name + " not found");
        var body = lines[(start + 1)..end];
        var indent = body.Where(l => l.Trim().Length > 0).Min(l => l.Length - l.TrimStart().Length);
        return string.Join("\n", body.Select(l => l.Length >= indent ? l[indent..] : l.TrimStart()));
    }

    private static void Flatten(JsonElement element, string path, ISet<string> keys)
    {
        switch (element.ValueKind)
        {
            case JsonValueKind.Object:
                foreach (var property in element.EnumerateObject())
                {
                    Flatten(property.Value, path.Length == 0 ? property.Name : path + ":" + property.Name, keys);
                }
                break;
            case JsonValueKind.Array when element.EnumerateArray().Any(e => e.ValueKind == JsonValueKind.Object):
                var index = 0;
                foreach (var item in element.EnumerateArray())
                {
                    Flatten(item, path + ":" + index++, keys);
                }
                break;
            default:
                keys.Add(path);
                break;
        }
    }

    private static void Walk(Type type, string path, ISet<string> keys)
    {
        var flags = BindingFlags.Public | BindingFlags.Instance | (type == typeof(AgentAuthOptions) ? BindingFlags.DeclaredOnly : 0);
        foreach (var property in type.GetProperties(flags))
        {
            var key = path + property.Name;
            var propertyType = property.PropertyType;
            if (IsScalar(propertyType) || IsScalarList(propertyType))
            {
                keys.Add(key);
            }
            else if (propertyType.IsGenericType && propertyType.GetGenericTypeDefinition() == typeof(IList<>)
                && propertyType.GetGenericArguments()[0].Namespace == typeof(AgentAuthOptions).Namespace)
            {
                Walk(propertyType.GetGenericArguments()[0], key + ":0:", keys);
            }
            else if (propertyType.Namespace == typeof(AgentAuthOptions).Namespace && propertyType.IsClass && propertyType != typeof(AgentAuthEvents))
            {
                Walk(propertyType, key + ":", keys);
            }
        }
    }

    private static bool IsScalar(Type type)
    {
        type = Nullable.GetUnderlyingType(type) ?? type;
        return type.IsPrimitive || type.IsEnum || type == typeof(string) || type == typeof(TimeSpan);
    }

    private static bool IsScalarList(Type type) =>
        type.IsGenericType && typeof(IEnumerable).IsAssignableFrom(type) && IsScalar(type.GetGenericArguments()[0]);
}
