namespace AgentAuth.AspNetCore;

/// <summary>What the <c>Authorization</c> header carries, as far as this scheme is concerned.</summary>
internal enum CredentialKind
{
    /// <summary>No Authorization header, or one for a scheme this handler does not own (left to other handlers).</summary>
    None,

    /// <summary>A token under one of <see cref="AgentAuthOptions.BoundTokenSchemes"/> (default <c>Bearer</c>).</summary>
    Token,

    /// <summary>A DPoP-bound token (<c>Authorization: DPoP</c>).</summary>
    DPoP,
}
