using AgentAuth.AspNetCore;
using Microsoft.AspNetCore.Mvc;
using ResourceApi.Data;

namespace ResourceApi.Controllers;

/// <summary>The same <c>data</c> resource family as the minimal-API endpoints, as an MVC controller under <c>/mvc/data</c>.</summary>
[ApiController]
[Route("mvc/data")]
public sealed class RecordsController : ControllerBase
{
    private readonly DataStore _store;

    /// <summary>Creates the controller.</summary>
    public RecordsController(DataStore store) => _store = store;

    /// <summary>All records; needs <c>read:data:*</c>.</summary>
    [HttpGet]
    [RequireScope("read:data:*")]
    public IReadOnlyList<DataItem> List() => _store.List();

    /// <summary>One record; needs <c>read:data:{id}</c> (or <c>read:data:*</c>).</summary>
    [HttpGet("{id}")]
    [RequireScope("read:data:{id}")]
    public ActionResult<DataItem> Get(string id) => _store.TryGet(id, out var item) ? item! : NotFound();

    /// <summary>Adds a record; needs <c>write:data:*</c> and a signed <c>Content-Digest</c>.</summary>
    [HttpPost]
    [RequireScope("write:data:*")]
    public ActionResult<DataItem> Create(DataItemInput input)
    {
        if (string.IsNullOrWhiteSpace(input.Name))
        {
            ModelState.AddModelError("name", "A name is required.");
            return ValidationProblem(ModelState);
        }
        var item = _store.Add(input.Name, input.Value);
        return Created("/mvc/data/" + item.Id, item);
    }
}
