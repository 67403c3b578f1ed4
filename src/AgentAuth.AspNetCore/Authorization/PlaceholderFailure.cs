namespace AgentAuth.AspNetCore;

/// <summary>Why a route placeholder could not be resolved; every value means the pattern fails closed.</summary>
internal enum PlaceholderFailure
{
    None,
    NoHttpContext,
    Missing,
    Empty,
    InvalidCharacter,
}
