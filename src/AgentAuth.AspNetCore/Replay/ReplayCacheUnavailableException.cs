namespace AgentAuth.AspNetCore;

/// <summary>Thrown by an <see cref="IReplayCache"/> that cannot reach its store. The scheme answers 503 and never accepts an unchecked value.</summary>
public sealed class ReplayCacheUnavailableException : Exception
{
    /// <summary>Creates the exception.</summary>
    public ReplayCacheUnavailableException()
    {
    }

    /// <summary>Creates the exception with a message.</summary>
    /// <param name="message">What failed.</param>
    public ReplayCacheUnavailableException(string message) : base(message)
    {
    }

    /// <summary>Creates the exception with a message and the store's own exception.</summary>
    /// <param name="message">What failed.</param>
    /// <param name="innerException">The store's exception.</param>
    public ReplayCacheUnavailableException(string message, Exception innerException) : base(message, innerException)
    {
    }
}
