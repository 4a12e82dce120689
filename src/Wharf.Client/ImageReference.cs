using System.Diagnostics.CodeAnalysis;
using System.Net;
using Wharf.Core;

namespace Wharf.Client;

/// <summary>
/// <c>registry[:port]/repository[:tag][@digest]</c>. The registry part is required: the first path segment is the
/// registry when it has a dot, a colon or is <c>localhost</c> (Docker's rule), and Wharf has no default registry.
/// </summary>
public sealed record ImageReference(string Registry, string Repository, string? Tag, Digest? Digest)
{
    /// <summary>What to ask the registry for: the digest when there is one (it pins), else the tag, else "latest".</summary>
    public string Reference => Digest?.ToString() ?? Tag ?? "latest";

    public override string ToString() =>
        $"{Registry}/{Repository}{(Tag is null ? "" : ":" + Tag)}{(Digest is null ? "" : "@" + Digest)}";

    public ImageReference WithDigest(Digest digest) => this with { Tag = null, Digest = digest };

    public static ImageReference Parse(string text) =>
        TryParse(text, out var reference, out var error) ? reference : throw new FormatException(error);

    public static bool TryParse(string text, [NotNullWhen(true)] out ImageReference? reference, [NotNullWhen(false)] out string? error)
    {
        reference = null;
        if (!TrySplitRegistry(text, out var registry, out var rest, out error)) return false;
        if (rest.Length == 0)
        {
            error = $"'{text}' names a registry but no repository";
            return false;
        }
        Digest? digest = null;
        int at = rest.IndexOf('@');
        if (at >= 0)
        {
            if (!Core.Digest.TryParse(rest[(at + 1)..], out var d))
            {
                error = $"'{rest[(at + 1)..]}' is not a valid digest (sha256:<64 hex> or sha512:<128 hex>)";
                return false;
            }
            digest = d;
            rest = rest[..at];
        }
        string? tag = null;
        int colon = rest.LastIndexOf(':');
        if (colon >= 0 && colon > rest.LastIndexOf('/'))
        {
            tag = rest[(colon + 1)..];
            rest = rest[..colon];
            if (!Core.Reference.IsValidTag(tag))
            {
                error = $"'{tag}' is not a valid tag ([A-Za-z0-9_][A-Za-z0-9._-]{{0,127}})";
                return false;
            }
        }
        if (!Core.Reference.IsValidName(rest))
        {
            error = $"'{rest}' is not a valid repository name (lowercase components separated by '/')";
            return false;
        }
        reference = new ImageReference(registry, rest, tag, digest);
        return true;
    }

    /// <summary>Splits <c>registry/rest</c>; <paramref name="rest"/> is empty when the text names only a registry.</summary>
    public static bool TrySplitRegistry(string text, out string registry, out string rest, [NotNullWhen(false)] out string? error)
    {
        registry = "";
        rest = "";
        error = null;
        text = text.Trim();
        foreach (var scheme in new[] { "https://", "http://", "oci://" })
        {
            if (text.StartsWith(scheme, StringComparison.OrdinalIgnoreCase)) text = text[scheme.Length..];
        }
        int slash = text.IndexOf('/');
        string first = slash < 0 ? text : text[..slash];
        if (!LooksLikeRegistry(first))
        {
            error = $"'{text}' has no registry host: write it as HOST[:PORT]/REPOSITORY[:TAG], e.g. localhost:5000/team/model:v1";
            return false;
        }
        registry = first;
        rest = slash < 0 ? "" : text[(slash + 1)..].TrimEnd('/');
        return true;
    }

    private static bool LooksLikeRegistry(string segment) =>
        segment.Length > 0 && (segment.Contains('.') || segment.Contains(':') || segment.StartsWith('[')
            || segment.Equals("localhost", StringComparison.OrdinalIgnoreCase));

    /// <summary>
    /// Like docker: a registry on the loopback interface is spoken to in plain HTTP without being told; anything
    /// else uses HTTPS unless the caller opts into plain HTTP.
    /// </summary>
    public static bool IsLoopback(string registry)
    {
        string host = HostOf(registry);
        if (host.Equals("localhost", StringComparison.OrdinalIgnoreCase)) return true;
        return IPAddress.TryParse(host, out var address) && IPAddress.IsLoopback(address);
    }

    /// <summary>The host without its port (and without IPv6 brackets).</summary>
    public static string HostOf(string registry)
    {
        if (registry.StartsWith('['))
        {
            int close = registry.IndexOf(']');
            return close < 0 ? registry : registry[1..close];
        }
        int colon = registry.LastIndexOf(':');
        return colon < 0 ? registry : registry[..colon];
    }
}
