namespace AgentAuth.HttpSignatures.Tests.Messages;

/// <summary>The authority the adapter reports is the one HttpClient writes in <c>Host</c> (issue 23 C4).</summary>
public sealed class HttpRequestMessageAdapterIdnTests
{
    [Theory]
    [InlineData("https://Bücher.Example/a", "xn--bcher-kva.example")]
    [InlineData("https://bücher.example:8443/a", "xn--bcher-kva.example:8443")]
    [InlineData("http://bücher.example:80/a", "xn--bcher-kva.example")]
    [InlineData("http://[::1]:5000/a", "[::1]:5000")]
    [InlineData("http://127.0.0.1/a", "127.0.0.1")]
    [InlineData("https://api.example.com:443/a", "api.example.com")]
    public void Authority_is_the_wire_host_idn_with_a_non_default_port(string uri, string expected)
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, uri);

        Assert.Equal(expected, new HttpRequestMessageAdapter(request).Authority);
    }

    [Fact]
    public void Target_uri_of_an_idn_host_is_ascii()
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, "https://bücher.example/p?q=1");

        var signatureBase = Signatures.BaseTestHelper.Build(new HttpRequestMessageAdapter(request), "sig=(\"@target-uri\" \"@authority\")");

        Assert.StartsWith("\"@target-uri\": https://xn--bcher-kva.example/p?q=1\n\"@authority\": xn--bcher-kva.example\n", signatureBase, StringComparison.Ordinal);
    }
}
