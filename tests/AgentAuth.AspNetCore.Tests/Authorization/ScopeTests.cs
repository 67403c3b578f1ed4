using AgentAuth.AspNetCore;
using FsCheck;
using FsCheck.Fluent;

namespace AgentAuth.AspNetCore.Tests.Authorization;

/// <summary>The <see cref="Scope"/> value type: parsing, messages, equality, and properties over generated input.</summary>
public sealed class ScopeTests
{
    [Fact]
    public void Parse_splits_at_the_first_two_colons()
    {
        var scope = Scope.Parse("read:data:a:b");

        Assert.Equal("read", scope.Action);
        Assert.Equal("data", scope.Resource);
        Assert.Equal("a:b", scope.Identifier);
        Assert.Equal("read:data:a:b", scope.Value);
        Assert.Equal("read:data:a:b", scope.ToString());
        Assert.False(scope.IsWildcard);
        Assert.True(Scope.Parse("write:reports:*").IsWildcard);
    }

    public static TheoryData<string, string> BadScopes() => new()
    {
        { "", "it is empty" },
        { "read", "does not have three ':'-separated parts" },
        { "read:Customers", "does not have three ':'-separated parts" },
        { ":Customers:*", "the action is empty" },
        { "read::*", "the resource is empty" },
        { "read:Customers:", "the identifier is empty" },
        { "read:data: x", "outside the RFC 6749 scope-token set" },
        { "read:data:\"x\"", "outside the RFC 6749 scope-token set" },
        { "read:data:a\\b", "outside the RFC 6749 scope-token set" },
        { "read:data:\u00e9", "outside the RFC 6749 scope-token set" },
        { "read:data:\n", "outside the RFC 6749 scope-token set" },
    };

    [Theory]
    [MemberData(nameof(BadScopes))]
    public void Parse_names_the_bad_scope_and_why(string value, string reason)
    {
        var error = Assert.Throws<FormatException>(() => Scope.Parse(value));

        Assert.Contains($"'{value}'", error.Message, StringComparison.Ordinal);
        Assert.Contains(reason, error.Message, StringComparison.Ordinal);
        Assert.False(Scope.TryParse(value, out var parsed));
        Assert.Equal(default, parsed);
        Assert.False(Scope.TryParse(value.AsSpan(), out _));
        Assert.False(Scope.IsValid(value));
    }

    [Fact]
    public void Parse_of_null_throws_and_TryParse_of_null_is_false()
    {
        Assert.Throws<ArgumentNullException>(() => Scope.Parse(null!));
        Assert.False(Scope.TryParse((string?)null, out _));
    }

    [Fact]
    public void Equality_is_ordinal_and_default_covers_nothing()
    {
        Assert.Equal(Scope.Parse("read:data:x"), Scope.Parse("read:data:x"));
        Assert.True(Scope.Parse("read:data:x") == Scope.Parse("read:data:x"));
        Assert.True(Scope.Parse("read:data:x") != Scope.Parse("Read:data:x"));
        Assert.Equal(Scope.Parse("read:data:x").GetHashCode(), Scope.Parse("read:data:x").GetHashCode());
        Assert.False(default(Scope).Covers(Scope.Parse("read:data:x")));
        Assert.False(Scope.Parse("read:data:*").Covers(default));
        Assert.Equal(string.Empty, default(Scope).Value);
    }

    private static readonly Gen<string> s_part = Gen.Elements("read", "data", "*", "a", "A", "x:y", "q3");

    private static readonly Gen<string> s_scopeText = Gen.Zip(s_part, Gen.Zip(s_part, s_part), (a, bc) => $"{a}:{bc.Item1}:{bc.Item2}");

    private static readonly Gen<string> s_candidate =
        Gen.ListOf(Gen.Elements(':', 'a', 'b', '*', ' ', '"', '\\', 'é', '{', '}')).Select(chars => new string(chars.ToArray()));

    [Fact]
    public void Parsing_never_throws_and_all_entry_points_agree() =>
        Prop.ForAll(Arb.From(s_candidate), value =>
        {
            var byString = Scope.TryParse(value, out var a);
            var bySpan = Scope.TryParse(value.AsSpan(), out var b);
            return byString == bySpan
                && byString == Scope.IsValid(value)
                && a == b
                && (!byString || string.Concat(a.Action, ":", a.Resource, ":", a.Identifier) == value);
        }).QuickCheckThrowOnFailure();

    [Fact]
    public void Coverage_matches_its_definition_for_generated_scopes() =>
        Prop.ForAll(
            Arb.From(Gen.Zip(s_scopeText, s_scopeText)),
            pair =>
            {
                var (granted, required) = pair;
                if (!Scope.TryParse(granted, out var g) || !Scope.TryParse(required, out var r))
                {
                    return true;
                }
                var expected = g.Action == r.Action && g.Resource == r.Resource && (g.Identifier == "*" || g.Identifier == r.Identifier);
                var pattern = ScopePattern.Create(required);
                return g.Covers(r) == expected
                    && pattern.IsCoveredBy(granted, r.Identifier) == expected
                    && g.Covers(g);
            }).QuickCheckThrowOnFailure();
}
