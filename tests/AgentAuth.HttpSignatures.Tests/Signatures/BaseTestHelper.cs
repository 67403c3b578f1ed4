using System.Text;
using AgentAuth.HttpSignatures;

namespace AgentAuth.HttpSignatures.Tests.Signatures;

/// <summary>Builds signature bases through the internal builder for tests.</summary>
internal static class BaseTestHelper
{
    public static StructuredFieldTypes TypesWithExampleDict { get; } =
        new(StructuredFieldTypes.Known.Append(new("example-dict", StructuredFieldType.Dictionary)));

    public static bool TryParseInput(string signatureInput, string? label, out SignatureParametersView view, out ComponentError? componentError, out string? reason)
    {
        var ok = SignatureInputParser.TryParse(signatureInput, SignatureInputLimits.Default, label,
            static (l, v) => l is null || v.LabelSpan.SequenceEqual(l), out view, out var matches, out _, out componentError, out reason);
        return ok && matches > 0;
    }

    public static string Build(IHttpMessage message, string signatureInput, string? label = null, StructuredFieldTypes? types = null)
    {
        Assert.True(TryParseInput(signatureInput, label, out var view, out var ce, out var reason), reason + " " + ce);
        Assert.True(TryBuild(message, view, types, out var result, out var error), "base failed: " + error);
        return result!;
    }

    public static bool TryBuild(IHttpMessage message, SignatureParametersView view, StructuredFieldTypes? types, out string? result, out ComponentError error)
    {
        var writer = new SignatureBaseWriter(1024, SignatureBaseBuilder.DefaultMaxLength);
        try
        {
            var ok = SignatureBaseBuilder.TryBuild(ref writer, message, view, types ?? StructuredFieldTypes.Default, out error, out _);
            result = ok ? Encoding.ASCII.GetString(writer.Written) : null;
            return ok;
        }
        finally
        {
            writer.Dispose();
        }
    }
}
