using System.Diagnostics.CodeAnalysis;

namespace AgentAuth.AspNetCore;

/// <summary>
/// Supplies the values of <c>{name}</c> scope placeholders when authorization runs against a resource other than the
/// request (whose route values are used): for example an MCP tool call, whose placeholders take the tool's arguments.
/// Register implementations as singletons; the scope handler asks each in turn.
/// </summary>
/// <remarks>Values are checked like route values: a missing, empty or non-scope-character value fails the pattern closed.</remarks>
public interface IScopePlaceholderSource
{
    /// <summary>Reads the placeholder values carried by <paramref name="resource"/>.</summary>
    /// <param name="resource">The resource passed to <c>IAuthorizationService.AuthorizeAsync</c>.</param>
    /// <param name="values">
    /// The values placeholders resolve from (a name it lacks fails closed); or <see langword="null"/> when the resource
    /// stands for every value, as a listing does: a placeholder pattern is then met by any granted scope of its action
    /// and resource, to decide what is shown, never what may be called.
    /// </param>
    /// <returns><see langword="false"/> when this source does not know <paramref name="resource"/>.</returns>
    bool TryGetValues(object resource, out IReadOnlyDictionary<string, object?>? values);
}
