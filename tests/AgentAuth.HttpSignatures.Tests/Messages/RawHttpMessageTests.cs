namespace AgentAuth.HttpSignatures.Tests.Messages;

public sealed class RawHttpMessageTests
{
    [Fact]
    public void Request_line_headers_and_body_are_parsed_raw()
    {
        Assert.True(RawHttpMessage.TryParse("POST /a%2Db?x=%41 HTTP/1.1\r\nHost: Example.COM:8443\r\nX-A: 1\r\nx-a:  2 \r\n\r\nbody", out var message));
        Assert.Equal("POST", message!.Method);
        Assert.Equal("/a%2Db?x=%41", message.RequestTarget);
        Assert.Equal("Example.COM:8443", message.Authority);
        Assert.Equal("https", message.Scheme);
        Assert.Null(message.StatusCode);
        Assert.True(message.TryGetFieldLines("x-a", false, out var lines));
        Assert.Equal(2, lines.Count);
        Assert.Equal(" 1", lines[0]);
        Assert.Equal("  2 ", lines[1]);
        Assert.Equal("body"u8.ToArray(), message.Body);
        Assert.False(message.TryGetFieldLines("x-a", true, out _));
        Assert.False(message.TryGetFieldLines("missing", false, out _));
    }

    [Fact]
    public void Obs_fold_is_kept_for_the_base_builder_to_replace()
    {
        Assert.True(RawHttpMessage.TryParse("GET / HTTP/1.1\nX: a\n   b\n\tc\n\n", out var message));
        Assert.True(message!.TryGetFieldLines("x", false, out var lines));
        Assert.Equal(1, lines.Count);
        Assert.Equal(" a\n   b\n\tc", lines[0]);
        var signatureBase = Signatures.BaseTestHelper.Build(message, "sig=(\"x\")");
        Assert.StartsWith("\"x\": a b c\n", signatureBase, StringComparison.Ordinal);
    }

    [Fact]
    public void Chunked_response_exposes_trailers_and_the_related_request()
    {
        Assert.True(RawHttpMessage.TryParse("GET /r HTTP/1.1\nHost: h\n\n", out var request));
        Assert.True(RawHttpMessage.TryParse("HTTP/1.1 503 Unavailable\nTransfer-Encoding: chunked\n\n3\nabc\n0\nExpires: soon\n", "https", request, out var response));
        Assert.Equal(503, response!.StatusCode);
        Assert.Same(request, response.RelatedRequest);
        Assert.Equal("abc"u8.ToArray(), response.Body);
        Assert.True(response.TryGetFieldLines("expires", true, out var trailer));
        Assert.Equal(" soon", trailer[0]);
        Assert.False(response.TryGetFieldLines("expires", false, out _));
    }

    [Theory]
    [InlineData("CONNECT example.com:443 HTTP/1.1\n\n", "example.com:443")]
    [InlineData("GET https://Proxy.Example/p HTTP/1.1\n\n", "proxy.example")]
    [InlineData("OPTIONS * HTTP/1.1\nHost: h\n\n", "h")]
    public void Authority_comes_from_host_or_the_target_form(string text, string authority)
    {
        Assert.True(RawHttpMessage.TryParse(text, out var message));
        Assert.Equal(authority, message!.Authority);
    }

    [Theory]
    [InlineData("")]
    [InlineData("GET /\n\n")]
    [InlineData("GET / HTTP/1.1\n folded-first\n\n")]
    [InlineData("GET / HTTP/1.1\nNo colon\n\n")]
    [InlineData("GET / HTTP/1.1\nBad Name: x\n\n")]
    [InlineData("HTTP/1.1 abc OK\n\n")]
    public void Malformed_messages_are_refused(string text) =>
        Assert.False(RawHttpMessage.TryParse(text, out _));
}
