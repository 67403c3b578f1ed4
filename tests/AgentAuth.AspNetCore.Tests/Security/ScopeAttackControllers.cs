using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Mvc;

namespace AgentAuth.AspNetCore.Tests.Security.ScopeBinding
{
    /// <summary>An MVC controller without <c>[ApiController]</c>: simple parameters bind from the form before the route.</summary>
    [Route("mvc")]
    [NonController] // discovered only by the apps of ScopeAttackTests
    public sealed class ItemsController : ControllerBase
    {
        [HttpPost("items/{id}")]
        [RequireScope("write:items:{id}")]
        public IActionResult Act(string id) => Content("acted-on:" + id);

        // The scope comes from a named policy, which the application model cannot see.
        [HttpPost("policy-items/{id}")]
        [Authorize(Policy = "WriteItem")]
        public IActionResult ActByPolicy(string id) => Content("acted-on:" + id);
    }
}

namespace AgentAuth.AspNetCore.Tests.Security.ScopeBindingRefused
{
    /// <summary>A placeholder-named parameter explicitly bound from the form: refused when the endpoints are built.</summary>
    [Route("mvc")]
    [NonController] // discovered only by the apps of ScopeAttackTests
    public sealed class FormItemsController : ControllerBase
    {
        [HttpPost("form-items/{id}")]
        [RequireScope("write:items:{id}")]
        public IActionResult Act([FromForm] string id) => Content("acted-on:" + id);
    }
}

namespace AgentAuth.AspNetCore.Tests.Security.ScopeBindingConvention
{
    /// <summary>No authorization attribute: the scope comes from <c>MapControllers().RequireScope(...)</c>.</summary>
    [Route("mvc")]
    [NonController] // discovered only by the apps of ScopeAttackTests
    public sealed class ConventionItemsController : ControllerBase
    {
        [HttpPost("convention-items/{id}")]
        public IActionResult Act(string id) => Content("acted-on:" + id);
    }
}
