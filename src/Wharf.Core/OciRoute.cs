namespace Wharf.Core;

public enum OciEndpoint
{
    Base,
    Catalog,
    TagsList,
    Manifest,
    Blob,
    UploadStart,
    Upload,
    Referrers,
}

/// <summary>
/// The /v2 route table. Repository names contain slashes, so a path is matched from its end: the last
/// fixed segments say which endpoint it is, and everything before them is the name.
/// </summary>
public readonly record struct OciRoute(OciEndpoint Endpoint, string Name = "", string Reference = "")
{
    private static readonly (string Marker, OciEndpoint Endpoint, bool HasReference)[] Table =
    [
        ("/tags/list", OciEndpoint.TagsList, false),
        ("/blobs/uploads/", OciEndpoint.UploadStart, false),
        ("/blobs/uploads/", OciEndpoint.Upload, true),
        ("/manifests/", OciEndpoint.Manifest, true),
        ("/referrers/", OciEndpoint.Referrers, true),
        ("/blobs/", OciEndpoint.Blob, true),
    ];

    /// <summary>Matches a path below /v2/ (without that prefix). Returns false for paths the spec does not define.</summary>
    public static bool TryMatch(string path, out OciRoute route)
    {
        route = default;
        if (path.Length == 0) { route = new OciRoute(OciEndpoint.Base); return true; }
        if (path is "_catalog") { route = new OciRoute(OciEndpoint.Catalog); return true; }

        foreach (var (marker, endpoint, hasReference) in Table)
        {
            if (!hasReference)
            {
                if (path.EndsWith(marker, StringComparison.Ordinal) && path.Length > marker.Length)
                {
                    route = new OciRoute(endpoint, path[..^marker.Length]);
                    return true;
                }
                continue;
            }
            int at = path.LastIndexOf(marker, StringComparison.Ordinal);
            if (at <= 0) continue;
            var reference = path[(at + marker.Length)..];
            if (reference.Length == 0 || reference.Contains('/')) continue;
            route = new OciRoute(endpoint, path[..at], reference);
            return true;
        }
        return false;
    }
}
