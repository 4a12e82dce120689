using Microsoft.AspNetCore.Http;

namespace Wharf.Server.Oci;

/// <summary>GET and HEAD /v2/: an empty JSON object, which tells a client this is a registry it may talk to.</summary>
internal static class BaseHandler
{
    public static Task GetAsync(OciRequest request)
    {
        var response = request.Context.Response;
        response.ContentType = "application/json";
        response.ContentLength = 2;
        return HttpMethods.IsHead(request.Context.Request.Method) ? Task.CompletedTask : response.WriteAsync("{}");
    }
}
