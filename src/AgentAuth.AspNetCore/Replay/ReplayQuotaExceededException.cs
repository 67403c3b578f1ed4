namespace AgentAuth.AspNetCore;

/// <summary>
/// Thrown by an <see cref="IReplayCache"/> that caps the unexpired values of one key (its partition) when that key's quota is
/// used up. Only the key that filled its quota is refused: the scheme answers it 429 <c>replay_quota_exceeded</c> with
/// <c>Retry-After</c>, while other keys keep being served. The value was not recorded (the request is not accepted unchecked).
/// </summary>
public sealed class ReplayQuotaExceededException : Exception
{
    /// <summary>Creates the exception.</summary>
    public ReplayQuotaExceededException()
    {
    }

    /// <summary>Creates the exception with a message.</summary>
    /// <param name="message">What was refused.</param>
    public ReplayQuotaExceededException(string message) : base(message)
    {
    }

    /// <summary>Creates the exception with a message and an inner exception.</summary>
    /// <param name="message">What was refused.</param>
    /// <param name="innerException">The cause.</param>
    public ReplayQuotaExceededException(string message, Exception innerException) : base(message, innerException)
    {
    }

    /// <summary>Creates the exception with a message and the time after which the key's oldest value expires.</summary>
    /// <param name="message">What was refused.</param>
    /// <param name="retryAfter">When the key is likely to have room again.</param>
    public ReplayQuotaExceededException(string message, TimeSpan retryAfter) : base(message)
    {
        RetryAfter = retryAfter;
    }

    /// <summary>When the key is likely to have room again (its earliest value expires); sent as <c>Retry-After</c>.</summary>
    public TimeSpan? RetryAfter { get; }
}
