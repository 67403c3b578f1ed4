namespace Microsoft.AspNetCore.Builder;

/// <summary>Adds what the AgentAuth scheme needs to the request pipeline.</summary>
public static class AgentAuthApplicationBuilderExtensions
{
    /// <summary>
    /// Adds authentication and authorization in the right order for AgentAuth. Call it after <c>UseRouting</c> (when you call it)
    /// and after <c>UseForwardedHeaders</c>, and before any request-decompression middleware: <c>Content-Digest</c> covers the
    /// encoded bytes. The handler buffers a request body itself, only when it must check the body's digest, so endpoints can still read it.
    /// </summary>
    /// <param name="app">The application builder.</param>
    /// <returns>The application builder, for chaining.</returns>
    public static IApplicationBuilder UseAgentAuth(this IApplicationBuilder app)
    {
        ArgumentNullException.ThrowIfNull(app);
        app.UseAuthentication();
        app.UseAuthorization();
        return app;
    }
}
