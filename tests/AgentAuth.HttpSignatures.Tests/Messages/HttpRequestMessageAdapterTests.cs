using System.Net.Http.Headers;
using System.Text;

namespace AgentAuth.HttpSignatures.Tests.Messages;

public sealed class HttpRequestMessageAdapterTests
{
    [Fact]
    public void Exposes_request_and_content_headers_and_the_wire_target()
    {
        var request = new HttpRequestMessage(HttpMethod.Post, "https://API.example.com:443/a/b?x=1&y=%2F")
        {
            Content = new StringContent("{}", Encoding.UTF8),
        };
        request.Content.Headers.ContentType = MediaTypeHeaderValue.Parse("application/json");
        request.Headers.TryAddWithoutValidation("X-Multi", ["a", "b"]);
        var message = new HttpRequestMessageAdapter(request);

        Assert.Equal("POST", message.Method);
        Assert.Equal("https", message.Scheme);
        Assert.Equal("api.example.com", message.Authority);
        Assert.Equal("/a/b?x=1&y=%2F", message.RequestTarget);
        Assert.Null(message.StatusCode);
        Assert.Null(message.RelatedRequest);
        Assert.True(message.TryGetFieldLines("content-type", false, out var contentType));
        Assert.Equal("application/json", contentType[0]);
        Assert.True(message.TryGetFieldLines("x-multi", false, out var multi));
        Assert.Equal(2, multi.Count);
        Assert.True(message.TryGetFieldLines("host", false, out var host));
        Assert.Equal("api.example.com", host[0]);
        Assert.False(message.TryGetFieldLines("x-multi", true, out _));

        var signatureBase = Signatures.BaseTestHelper.Build(message, "sig=(\"@method\" \"@target-uri\" \"x-multi\" \"@query-param\";name=\"y\")");
        Assert.StartsWith("\"@method\": POST\n\"@target-uri\": https://api.example.com/a/b?x=1&y=%2F\n\"x-multi\": a, b\n\"@query-param\";name=\"y\": %2F\n", signatureBase, StringComparison.Ordinal);
    }

    [Fact]
    public void Host_header_overrides_the_uri_authority()
    {
        var request = new HttpRequestMessage(HttpMethod.Get, "https://10.0.0.1/");
        request.Headers.Host = "Service.Example:8443";
        var message = new HttpRequestMessageAdapter(request);
        Assert.Equal("Service.Example:8443", message.Authority);
        Assert.StartsWith("\"@authority\": service.example:8443\n", Signatures.BaseTestHelper.Build(message, "sig=(\"@authority\")"), StringComparison.Ordinal);
    }

    [Fact]
    public void Relative_uris_are_refused() =>
        Assert.Throws<ArgumentException>(() => new HttpRequestMessageAdapter(new HttpRequestMessage(HttpMethod.Get, "/relative")));

    [Fact]
    public void Response_adapter_links_the_request_and_reads_trailers()
    {
        var request = new HttpRequestMessage(HttpMethod.Get, "https://example.com/r");
        var response = new HttpResponseMessage(System.Net.HttpStatusCode.Created) { RequestMessage = request, Content = new StringContent("x") };
        response.TrailingHeaders.TryAddWithoutValidation("Expires", "later");
        var message = new HttpResponseMessageAdapter(response);
        Assert.Equal(201, message.StatusCode);
        Assert.NotNull(message.RelatedRequest);
        Assert.True(message.TryGetFieldLines("expires", true, out var trailer));
        Assert.Equal("later", trailer[0]);
        var signatureBase = Signatures.BaseTestHelper.Build(message, "sig=(\"@status\" \"@method\";req \"expires\";tr)");
        Assert.StartsWith("\"@status\": 201\n\"@method\";req: GET\n\"expires\";tr: later\n", signatureBase, StringComparison.Ordinal);
    }

    [Fact]
    public void Field_lines_wrap_one_string_or_an_array_without_copying()
    {
        var array = new[] { "a", "b" };
        var many = new FieldLines(array);
        Assert.Equal(2, many.Count);
        Assert.Same(array[1], many[1]);
        var one = new FieldLines("x");
        Assert.Equal(1, one.Count);
        Assert.Throws<ArgumentOutOfRangeException>(() => one[1]);
        Assert.Equal(0, default(FieldLines).Count);
    }
}
