namespace AgentAuth.AspNetCore;

/// <summary>Why a string is not an <c>action:resource:identifier</c> scope.</summary>
internal enum ScopeSyntaxError
{
    None,
    Empty,
    InvalidCharacter,
    TooFewParts,
    EmptyAction,
    EmptyResource,
    EmptyIdentifier,
}
