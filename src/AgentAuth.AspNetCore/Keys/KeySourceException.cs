namespace AgentAuth.AspNetCore;

/// <summary>A remote key source could not produce a usable document. <see cref="Outcome"/> feeds the fetch metric.</summary>
internal sealed class KeySourceException : Exception
{
    public KeySourceException(string outcome, string message, Exception? inner = null)
        : base(message, inner)
    {
        Outcome = outcome;
    }

    public KeySourceException()
        : this(JwksFetchOutcomes.Error, "The key source failed.")
    {
    }

    public KeySourceException(string message)
        : this(JwksFetchOutcomes.Error, message)
    {
    }

    public KeySourceException(string message, Exception inner)
        : this(JwksFetchOutcomes.Error, message, inner)
    {
    }

    /// <summary>A short, stable outcome name (see <see cref="JwksFetchOutcomes"/>).</summary>
    public string Outcome { get; }
}
