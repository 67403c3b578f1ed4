namespace AgentAuth.AspNetCore;

/// <summary>Why a route placeholder could not be resolved; every value means the pattern fails closed.</summary>
internal enum PlaceholderFailure
{
    None,
    NoHttpContext,
    Missing,
    Empty,
    InvalidCharacter,

    /// <summary>With several placeholders, the value contains a character of a literal next to it (the split would be ambiguous).</summary>
    AmbiguousValue,

    /// <summary>The MVC action parameter named like the placeholder is not bound from the route (it could receive another value).</summary>
    NotRouteBound,
}
