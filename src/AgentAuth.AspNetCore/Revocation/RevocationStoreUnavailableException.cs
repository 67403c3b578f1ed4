namespace AgentAuth.AspNetCore;

/// <summary>Thrown by an <see cref="IRevocationStore"/> that cannot reach its store. The scheme answers 503 and never accepts an unchecked token.</summary>
public sealed class RevocationStoreUnavailableException : Exception
{
    /// <summary>Creates the exception.</summary>
    public RevocationStoreUnavailableException()
    {
    }

    /// <summary>Creates the exception with a message.</summary>
    /// <param name="message">What failed.</param>
    public RevocationStoreUnavailableException(string message) : base(message)
    {
    }

    /// <summary>Creates the exception with a message and the store's own exception.</summary>
    /// <param name="message">What failed.</param>
    /// <param name="innerException">The store's exception.</param>
    public RevocationStoreUnavailableException(string message, Exception innerException) : base(message, innerException)
    {
    }
}
