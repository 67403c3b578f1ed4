namespace AgentAuth.AspNetCore.Tests.Replay;

public sealed class Sha256KeyTests
{
    [Fact]
    public void Equal_values_hash_equal_and_different_values_do_not()
    {
        Assert.Equal(Sha256Key.Compute("a.b.c"), Sha256Key.Compute("a.b.c"));
        Assert.NotEqual(Sha256Key.Compute("a.b.c"), Sha256Key.Compute("a.b.d"));
        // Past the stack buffer the value is encoded into a pooled array.
        Assert.Equal(Sha256Key.Compute(new string('x', 10_000)), Sha256Key.Compute(new string('x', 10_000)));
        Assert.NotEqual(Sha256Key.Compute(new string('x', 10_000)), Sha256Key.Compute(new string('x', 9_999) + "y"));
    }
}
