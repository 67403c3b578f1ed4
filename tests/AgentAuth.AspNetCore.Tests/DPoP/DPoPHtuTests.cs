using AgentAuth.AspNetCore;

namespace AgentAuth.AspNetCore.Tests.DPoP;

public sealed class DPoPHtuTests
{
    [Theory]
    [InlineData("HTTPS://Server.Example.COM:443/a/./b/../token?x=1#frag", "https://server.example.com/a/token")]
    [InlineData("https://h.test/%7Euser", "https://h.test/~user")]
    [InlineData("https://h.test:443/x", "https://h.test/x")]
    [InlineData("http://h.test:80/x", "http://h.test/x")]
    [InlineData("http://h.test:443/x", "http://h.test:443/x")]
    [InlineData("https://h.test:80/x", "https://h.test:80/x")]
    [InlineData("https://h.test:08443/x", "https://h.test:8443/x")]
    [InlineData("https://h.test:/x", "https://h.test/x")]
    [InlineData("https://h.test", "https://h.test/")]
    [InlineData("https://h.test?q", "https://h.test/")]
    [InlineData("https://h.test/a%2fb", "https://h.test/a%2Fb")]
    [InlineData("https://h.test/%41%2D%2e%5F%7e", "https://h.test/A-._~")]
    [InlineData("https://h.test/a/%2E%2E/b", "https://h.test/b")]
    [InlineData("https://h.test/a/b/..", "https://h.test/a/")]
    [InlineData("https://h.test/a/b/.", "https://h.test/a/b/")]
    [InlineData("https://h.test/../../a", "https://h.test/a")]
    [InlineData("https://h.test/a//../b", "https://h.test/a/b")]
    [InlineData("https://h.test/a|b", "https://h.test/a%7Cb")]
    [InlineData("https://h.test/caf\u00e9", "https://h.test/caf%C3%A9")]
    [InlineData("https://[2001:DB8::1]:443/x", "https://[2001:db8::1]/x")]
    [InlineData("https://[2001:db8::1]:8443/x", "https://[2001:db8::1]:8443/x")]
    [InlineData("https://EX%41MPLE.test/x", "https://example.test/x")]
    public void Normalizes_per_rfc3986_section_6(string input, string expected)
    {
        var buffer = new char[HttpUriNormalizer.MaxNormalizedLength(input.Length)];
        Assert.True(HttpUriNormalizer.TryNormalize(input, buffer, out var written));
        Assert.Equal(expected, new string(buffer, 0, written));
    }

    [Theory]
    [InlineData("ftp://h.test/x")]
    [InlineData("urn:x:y")]
    [InlineData("https:/h.test/x")]
    [InlineData("//h.test/x")]
    [InlineData("https://user@h.test/x")]
    [InlineData("https:///x")]
    [InlineData("https://h.test:99999/x")]
    [InlineData("https://h.test:8a/x")]
    [InlineData("https://h.test/%zz")]
    [InlineData("https://h.test/%4")]
    [InlineData("https://h.test/a\r\nb")]
    [InlineData("https://h.t est/x")]
    [InlineData("https://[2001:db8::1/x")]
    [InlineData("https://[]/x")]
    [InlineData("https://a:b:80/x")]
    public void Rejects_what_is_not_an_absolute_http_uri(string input)
    {
        var buffer = new char[HttpUriNormalizer.MaxNormalizedLength(input.Length)];
        Assert.False(HttpUriNormalizer.TryNormalize(input, buffer, out _));
    }

    [Fact]
    public void Rejects_a_lone_surrogate()
    {
        var input = "https://h.test/" + '\ud800' + "x";
        Assert.False(HttpUriNormalizer.TryNormalize(input, new char[HttpUriNormalizer.MaxNormalizedLength(input.Length)], out _));
        var trailing = "https://h.test/" + '\udc00';
        Assert.False(HttpUriNormalizer.TryNormalize(trailing, new char[HttpUriNormalizer.MaxNormalizedLength(trailing.Length)], out _));
    }

    [Fact]
    public void Rejects_a_destination_that_may_be_too_small()
    {
        Assert.False(HttpUriNormalizer.TryNormalize("https://h.test/x", new char[10], out _));
    }

    [Theory]
    [InlineData("https://server.example.com/a/token", "HTTPS://Server.Example.COM:443", "/a/./b/../token?x=1")]
    [InlineData("HTTPS://Server.Example.COM:443/a/./b/../token?x=1#frag", "https://server.example.com", "/a/token")]
    [InlineData("https://h.test/%7Euser", "https://h.test", "/~user?q=1")]
    [InlineData("https://h.test/~user", "https://h.test", "/%7Euser")]
    [InlineData("https://h.test:443/x", "https://h.test", "/x")]
    [InlineData("https://h.test/x", "https://h.test:443", "/x")]
    [InlineData("https://h.test/", "https://h.test", "")]
    [InlineData("https://h.test:8443/api/items", "https://h.test:8443", "/api/items?page=2")]
    [InlineData("https://resource.example.org/protectedresource", "https://resource.example.org", "/protectedresource")]
    public void Matches_equivalent_uris(string htu, string origin, string rawTarget)
    {
        Assert.True(DPoPHtu.Matches(htu, origin, rawTarget));
    }

    [Theory]
    [InlineData("http://h.test/x", "https://h.test", "/x")]          // scheme differs
    [InlineData("https://h.test/X", "https://h.test", "/x")]         // path is case-sensitive
    [InlineData("https://h.test/x", "https://h.test:8443", "/x")]    // port differs
    [InlineData("https://other.test/x", "https://h.test", "/x")]     // host differs
    [InlineData("https://h.test/x/", "https://h.test", "/x")]        // trailing slash is significant
    [InlineData("https://h.test/a%2Fb", "https://h.test", "/a/b")]   // an encoded slash is not a slash
    [InlineData("https://h.test/other", "https://h.test", "/x")]
    [InlineData("not a uri", "https://h.test", "/x")]
    [InlineData("https://h.test/x", "https://h.test", "/%zz")]       // a broken request target matches nothing
    [InlineData("https://h.test/x", "https://h.test", "*")]          // asterisk-form
    [InlineData("https://h.test/x", "https://h.test", "http://internal:8080/x?q=/y")] // absolute-form (issue 14 F1): refused, not reduced to its path
    [InlineData("https://h.test/", "https://h.test", "http://internal:8080?q=/y")]
    [InlineData("https://h.test/x", "https://h.test", "https://h.test/x")]
    [InlineData("https://h.test/x", "https://h.test", "x")]
    public void Rejects_different_uris(string htu, string origin, string rawTarget)
    {
        Assert.False(DPoPHtu.Matches(htu, origin, rawTarget));
    }

    [Fact]
    public void Long_uris_use_pooled_buffers_and_still_compare()
    {
        var path = "/" + new string('a', 3000);
        Assert.True(DPoPHtu.Matches("https://h.test" + path, "https://h.test", path + "?q"));
        Assert.False(DPoPHtu.Matches("https://h.test" + path + "b", "https://h.test", path));
    }
}
