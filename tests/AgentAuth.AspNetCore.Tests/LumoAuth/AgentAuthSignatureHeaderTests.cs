using FsCheck;
using FsCheck.Fluent;

namespace AgentAuth.AspNetCore.Tests.LumoAuth;

/// <summary>The quick-start <c>Agent-Auth</c> parser: the issue's shape parses; everything looser is refused; garbage never throws.</summary>
public sealed class AgentAuthSignatureHeaderTests
{
    private const string Signature = "ZvW//E5/iUjErfVsKXkYD3Xg2nyXRBGZC5/Tq31U0lS/zUrPEUea5uy0BuEcLW7A1rSiVxiC77IwmXedbVwWBg==";
    private const string Valid = "sig1=:" + Signature + ":; label=\"sig1\"; alg=\"ed25519\"; keyid=\"https://my-agent.example.com#key-1\"; created=1765000000; covered=\"@method @target-uri\"";

    [Fact]
    public void The_quick_start_shape_parses()
    {
        Assert.True(AgentAuthSignatureHeader.TryParse(Valid, 32, out var header, out var error), error);
        Assert.Equal("sig1", header.Label);
        Assert.Equal("ed25519", header.Algorithm);
        Assert.Equal("https://my-agent.example.com", header.AgentId);
        Assert.Equal("key-1", header.Kid);
        Assert.Equal(1765000000, header.Created);
        Assert.Equal(["@method", "@target-uri"], header.Covered);
        Assert.Equal(64, header.SignatureBytes.Length);
        Assert.Equal("sig1=(\"@method\" \"@target-uri\");created=1765000000;keyid=\"https://my-agent.example.com#key-1\";alg=\"ed25519\"", header.ToSignatureInput());
        Assert.Equal("sig1=:" + Signature.TrimEnd('=') + ":", header.ToSignature());
    }

    [Fact]
    public void Body_lines_and_compact_spacing_parse()
    {
        var value = "sig1=:" + Signature + ":;keyid=\"https://a.example/agents/7#k\";created=1;covered=\"@method @target-uri content-type content-digest\"";
        Assert.True(AgentAuthSignatureHeader.TryParse(value, 32, out var header, out var error), error);
        Assert.Equal(["@method", "@target-uri", "content-type", "content-digest"], header.Covered);
        Assert.Null(header.Algorithm);
        Assert.Equal("https://a.example/agents/7", header.AgentId);
    }

    [Theory]
    [InlineData("")]
    [InlineData("agent_token=eyJ.eyJ.sig")]
    [InlineData("sig1=:" + Signature + ":; label=\"sig2\"; keyid=\"https://a.example#k\"; created=1; covered=\"@method\"")]
    [InlineData("sig1=:" + Signature + ":; keyid=\"https://a.example#k\"; created=1")]
    [InlineData("sig1=:" + Signature + ":; keyid=\"https://a.example#k\"; covered=\"@method\"")]
    [InlineData("sig1=:" + Signature + ":; created=1; covered=\"@method\"")]
    [InlineData("sig1=:" + Signature + ":; keyid=\"http://a.example#k\"; created=1; covered=\"@method\"")]
    [InlineData("sig1=:" + Signature + ":; keyid=\"https://a.example\"; created=1; covered=\"@method\"")]
    [InlineData("sig1=:" + Signature + ":; keyid=\"https://a.example#\"; created=1; covered=\"@method\"")]
    [InlineData("sig1=:" + Signature + ":; keyid=\"https://a.example?x=1#k\"; created=1; covered=\"@method\"")]
    [InlineData("sig1=:" + Signature + ":; keyid=\"https://a.example#k#j\"; created=1; covered=\"@method\"")]
    [InlineData("sig1=:" + Signature + ":; keyid=\" https://a.example#k\"; created=1; covered=\"@method\"")]
    [InlineData("sig1=:" + Signature + ":; keyid=\"https:\\\\a.example#k\"; created=1; covered=\"@method\"")]
    [InlineData("sig1=:" + Signature + ":; keyid=\"HTTPS://a.example#k\"; created=1; covered=\"@method\"")]
    [InlineData("sig1=:" + Signature + ":; keyid=\"https://a.example/x y#k\"; created=1; covered=\"@method\"")]
    [InlineData("sig1=:" + Signature + ":; keyid=\"https://a.example#k\"; created=-1; covered=\"@method\"")]
    [InlineData("sig1=:" + Signature + ":; keyid=\"https://a.example#k\"; created=1; covered=\"@method @method\"")]
    [InlineData("sig1=:" + Signature + ":; keyid=\"https://a.example#k\"; created=1; covered=\"@method  @target-uri\"")]
    [InlineData("sig1=:" + Signature + ":; keyid=\"https://a.example#k\"; created=1; covered=\"@Method\"")]
    [InlineData("sig1=:" + Signature + ":; keyid=\"https://a.example#k\"; created=1; covered=\"\\\"@method\\\";sf\"")]
    [InlineData("sig1=:" + Signature + ":; keyid=\"https://a.example#k\"; created=1; covered=\"@method signature\"")]
    [InlineData("sig1=:" + Signature + ":; keyid=\"https://a.example#k\"; created=1; covered=\"@method agent-auth\"")]
    [InlineData("sig1=:" + Signature + ":; keyid=\"https://a.example#k\"; created=1; covered=\"@method\"; expires=2")]
    [InlineData("sig1=:" + Signature + ":; keyid=\"https://a.example#k\"; keyid=\"https://a.example#k\"; created=1; covered=\"@method\"")]
    [InlineData("sig1=:" + Signature + ":; keyid=\"https://a.example#k\"; created=1; covered=\"@method\", sig2=:" + Signature + ":")]
    [InlineData("sig1=:ZvW-_E5:; keyid=\"https://a.example#k\"; created=1; covered=\"@method\"")]
    [InlineData("sig1=:Zv=W:; keyid=\"https://a.example#k\"; created=1; covered=\"@method\"")]
    [InlineData("sig1=\"" + Signature + "\"; keyid=\"https://a.example#k\"; created=1; covered=\"@method\"")]
    [InlineData("Sig1=:" + Signature + ":; keyid=\"https://a.example#k\"; created=1; covered=\"@method\"")]
    [InlineData("sig1=:" + Signature + ": ; keyid=\"https://a.example#k\"; created=1; covered=\"@method\"")]
    [InlineData("sig1=:" + Signature + ":; keyid=\"https://a.example#k\"; created=1; covered=\"@method\u00e9\"")]
    [InlineData("sig1=:" + Signature + ":; keyid=\"https://a.example#k\"; created=1234567890123456; covered=\"@method\"")]
    public void Anything_looser_is_refused(string value)
    {
        Assert.False(AgentAuthSignatureHeader.TryParse(value, 32, out var header, out var error));
        Assert.Null(header);
        Assert.False(string.IsNullOrEmpty(error));
    }

    [Fact]
    public void More_covered_components_than_the_limit_are_refused() =>
        Assert.False(AgentAuthSignatureHeader.TryParse(Valid, 1, out _, out _));

    [Fact]
    public void A_header_longer_than_the_limit_is_refused() =>
        Assert.False(AgentAuthSignatureHeader.TryParse(Valid + new string(' ', AgentAuthSignatureHeader.MaxLength), 32, out _, out _));

    [Fact]
    public void Garbage_never_throws()
    {
        var alphabet = "sig1=:;\"\\ ,#@-_+/=abcdefghijklmnopqrstuvwxyzABCZ0123456789é\t\r\n\0".ToCharArray();
        var garbage = Gen.Choose(0, 200).SelectMany(length => Gen.ArrayOf(Gen.Elements(alphabet), length)).Select(chars => new string(chars));
        Prop.ForAll(garbage.ToArbitrary(), value =>
        {
            _ = AgentAuthSignatureHeader.TryParse(value, 32, out var header, out var error);
            Assert.True(header is not null ^ error is not null);
        }).Check(Config.QuickThrowOnFailure.WithMaxTest(2000));
    }

    [Fact]
    public void Edits_of_the_valid_header_never_throw_and_parse_only_to_checked_values()
    {
        var edits =
            from position in Gen.Choose(0, Valid.Length - 1)
            from length in Gen.Choose(0, 8)
            from insert in Gen.Elements("", "\"", "\\", ";", ",", ":", "=", " ", "#", "-1", "99999999999999999", "é", "\"x\"", "; a=1")
            select (position, length, insert);
        Prop.ForAll(edits.ToArbitrary(), edit =>
        {
            var (position, length, insert) = edit;
            var value = Valid[..position] + insert + Valid[Math.Min(Valid.Length, position + length)..];
            if (AgentAuthSignatureHeader.TryParse(value, 32, out var header, out _))
            {
                // Whatever parses is rebuilt only from checked parts: a label, a byte sequence, an https agent and a kid.
                Assert.StartsWith("https://", header.AgentId, StringComparison.Ordinal);
                Assert.NotEmpty(header.Kid);
                Assert.NotEmpty(header.Covered);
                Assert.StartsWith(header.Label + "=(", header.ToSignatureInput(), StringComparison.Ordinal);
            }
        }).Check(Config.QuickThrowOnFailure.WithMaxTest(20000));
    }
}
