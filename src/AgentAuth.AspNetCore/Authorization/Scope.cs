using System.Diagnostics;
using System.Diagnostics.CodeAnalysis;

namespace AgentAuth.AspNetCore;

/// <summary>
/// An <c>action:resource:identifier</c> scope such as <c>read:data:*</c> or <c>write:reports:q3</c>.
/// </summary>
/// <remarks>
/// <para>
/// Grammar: RFC 6749 §3.3 scope-token characters only (printable ASCII except space, <c>"</c> and <c>\</c>),
/// split at the first two colons into three non-empty parts, so the identifier may itself contain <c>:</c>
/// (<c>read:data:a:b</c> has the identifier <c>a:b</c>), as AgentWrit brokers do. Comparison is ordinal
/// (case-sensitive).
/// </para>
/// <para>
/// Coverage (<see cref="Covers(Scope)"/>): a granted scope covers a required one when action and resource are
/// equal and the granted identifier is <c>*</c> or equal to the required identifier. <c>*</c> is a wildcard only
/// as the whole identifier of a granted scope; everywhere else it is a literal character.
/// </para>
/// </remarks>
[DebuggerDisplay("{Value,nq}")]
public readonly struct Scope : IEquatable<Scope>
{
    /// <summary>The identifier that grants every identifier of an action and resource.</summary>
    public const string Wildcard = "*";

    private readonly string? _value;
    private readonly string? _action;
    private readonly string? _resource;
    private readonly string? _identifier;

    private Scope(string value, int actionEnd, int resourceEnd)
    {
        _value = value;
        _action = value[..actionEnd];
        _resource = value[(actionEnd + 1)..resourceEnd];
        _identifier = value[(resourceEnd + 1)..];
    }

    /// <summary>The whole scope, for example <c>read:data:*</c>; empty for <see langword="default"/>.</summary>
    public string Value => _value ?? string.Empty;

    /// <summary>The action part, for example <c>read</c>.</summary>
    public string Action => _action ?? string.Empty;

    /// <summary>The resource part, for example <c>data</c>.</summary>
    public string Resource => _resource ?? string.Empty;

    /// <summary>The identifier part (everything after the second colon), for example <c>*</c> or <c>q3</c>.</summary>
    public string Identifier => _identifier ?? string.Empty;

    /// <summary>Whether the identifier is the wildcard <c>*</c>.</summary>
    public bool IsWildcard => _identifier is Wildcard;

    /// <summary>
    /// Parses developer-supplied input and throws when it is not a valid scope. Use
    /// <see cref="TryParse(string?, out Scope)"/> for untrusted input.
    /// </summary>
    /// <param name="value">The scope text.</param>
    /// <returns>The parsed scope.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="value"/> is <see langword="null"/>.</exception>
    /// <exception cref="FormatException"><paramref name="value"/> is not a valid scope; the message names it and says why.</exception>
    public static Scope Parse(string value)
    {
        ArgumentNullException.ThrowIfNull(value);
        var error = ScopeSyntax.TrySplit(value, out var actionEnd, out var resourceEnd);
        if (error != ScopeSyntaxError.None)
        {
            throw new FormatException(FormatError(value, error));
        }
        return new Scope(value, actionEnd, resourceEnd);
    }

    /// <summary>Parses untrusted input without throwing.</summary>
    /// <param name="value">The scope text; <see langword="null"/> is rejected.</param>
    /// <param name="scope">The parsed scope, or <see langword="default"/>.</param>
    /// <returns><see langword="true"/> when <paramref name="value"/> is a valid scope.</returns>
    public static bool TryParse([NotNullWhen(true)] string? value, out Scope scope)
    {
        if (value is not null && ScopeSyntax.TrySplit(value, out var actionEnd, out var resourceEnd) == ScopeSyntaxError.None)
        {
            scope = new Scope(value, actionEnd, resourceEnd);
            return true;
        }
        scope = default;
        return false;
    }

    /// <summary>Parses untrusted input without throwing.</summary>
    /// <param name="value">The scope text.</param>
    /// <param name="scope">The parsed scope, or <see langword="default"/>.</param>
    /// <returns><see langword="true"/> when <paramref name="value"/> is a valid scope.</returns>
    public static bool TryParse(ReadOnlySpan<char> value, out Scope scope)
    {
        if (ScopeSyntax.TrySplit(value, out var actionEnd, out var resourceEnd) == ScopeSyntaxError.None)
        {
            scope = new Scope(value.ToString(), actionEnd, resourceEnd);
            return true;
        }
        scope = default;
        return false;
    }

    /// <summary>Whether <paramref name="value"/> is a valid scope. Does not allocate.</summary>
    /// <param name="value">The scope text.</param>
    /// <returns><see langword="true"/> when <paramref name="value"/> is a valid scope.</returns>
    public static bool IsValid(ReadOnlySpan<char> value) => ScopeSyntax.TrySplit(value, out _, out _) == ScopeSyntaxError.None;

    /// <summary>
    /// Whether this (granted) scope covers <paramref name="required"/>: action and resource are equal and this
    /// identifier is <c>*</c> or equal to the required identifier. A required <c>*</c> is covered only by a granted <c>*</c>.
    /// </summary>
    /// <param name="required">The scope an operation needs.</param>
    /// <returns><see langword="true"/> when this scope grants <paramref name="required"/>; <see langword="false"/> when either is <see langword="default"/>.</returns>
    public bool Covers(Scope required) =>
        _value is not null
        && required._value is not null
        && string.Equals(_action, required._action, StringComparison.Ordinal)
        && string.Equals(_resource, required._resource, StringComparison.Ordinal)
        && (IsWildcard || string.Equals(_identifier, required._identifier, StringComparison.Ordinal));

    /// <inheritdoc/>
    public bool Equals(Scope other) => string.Equals(_value, other._value, StringComparison.Ordinal);

    /// <inheritdoc/>
    public override bool Equals(object? obj) => obj is Scope other && Equals(other);

    /// <inheritdoc/>
    public override int GetHashCode() => _value is null ? 0 : StringComparer.Ordinal.GetHashCode(_value);

    /// <summary>The scope text (<see cref="Value"/>).</summary>
    /// <returns>The scope text.</returns>
    public override string ToString() => Value;

    /// <summary>Ordinal equality.</summary>
    /// <param name="left">The first scope.</param>
    /// <param name="right">The second scope.</param>
    /// <returns>Whether both have the same text.</returns>
    public static bool operator ==(Scope left, Scope right) => left.Equals(right);

    /// <summary>Ordinal inequality.</summary>
    /// <param name="left">The first scope.</param>
    /// <param name="right">The second scope.</param>
    /// <returns>Whether the texts differ.</returns>
    public static bool operator !=(Scope left, Scope right) => !left.Equals(right);

    internal static string FormatError(string value, ScopeSyntaxError error) =>
        $"'{value}' is not a valid action:resource:identifier scope: {ScopeSyntax.Describe(error)}.";
}
