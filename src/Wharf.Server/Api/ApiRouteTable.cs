namespace Wharf.Server.Api;

/// <summary>
/// Every /api/v1 endpoint, as rows the modules add from their MapX(): the one place a path is matched, so no
/// module's routes depend on another's order. Where two templates fit one path (…/versions/tags could be the
/// version "tags" or the tags of a repository named …/versions), the one that fixes more segments after the
/// repository name wins, as /v2 matches its actions from the right.
/// </summary>
public sealed class ApiRouteTable
{
    private readonly List<CompiledRoute> _routes = [];
    private readonly Lock _lock = new();

    /// <summary>The rows, in the order they were added.</summary>
    public IReadOnlyList<ApiRoute> Routes
    {
        get { lock (_lock) return _routes.Select(r => r.Route).ToList(); }
    }

    public void Add(ApiRoute route)
    {
        var compiled = CompiledRoute.Compile(route);
        lock (_lock)
        {
            if (_routes.Any(r => r.Route.Method == route.Method && r.Shape == compiled.Shape))
                throw new InvalidOperationException($"{route.Method} /api/v1/{route.Template} is mapped twice");
            _routes.Add(compiled);
        }
    }

    /// <summary>
    /// The row for <paramref name="path"/> (under /api/v1/, no leading slash) and <paramref name="method"/>, and the
    /// values of its parameters; when the path fits rows of other methods only, their methods instead.
    /// </summary>
    public ApiMatch Match(string path, string method)
    {
        var segments = path.Split('/');
        CompiledRoute[] routes;
        lock (_lock) routes = [.. _routes];
        var fits = routes
            .Select(r => (Route: r, Values: r.TryMatch(segments)))
            .Where(m => m.Values is not null)
            .ToList();
        if (fits.Count == 0) return new ApiMatch(null, null, []);
        var best = fits.Where(f => f.Route.Route.Method == method).OrderByDescending(f => f.Route.Rank).FirstOrDefault();
        return best.Route is null
            ? new ApiMatch(null, null, fits.Select(f => f.Route.Route.Method).Distinct().ToArray())
            : new ApiMatch(best.Route.Route, best.Values, []);
    }

    /// <summary>A template split into segments: literals, one-segment parameters, and at most one repository name.</summary>
    private sealed record CompiledRoute(ApiRoute Route, string[] Segments, int RepositoryAt, string Shape, (int, int) Rank)
    {
        public static CompiledRoute Compile(ApiRoute route)
        {
            var segments = route.Template.Split('/');
            int at = Array.IndexOf(segments, "{" + ApiRoute.Repository + "}");
            if (at >= 0 && Array.LastIndexOf(segments, segments[at]) != at)
                throw new ArgumentException($"{route.Template}: a template names the repository once", nameof(route));
            if (segments.Any(s => s.Length == 0))
                throw new ArgumentException($"{route.Template}: empty segment", nameof(route));
            int literals = segments.Count(s => !IsParameter(s));
            int after = at < 0 ? segments.Length : segments.Length - at - 1;
            string shape = string.Join('/', segments.Select(s => IsParameter(s) ? (s == segments.ElementAtOrDefault(at) ? "{**}" : "{}") : s));
            return new CompiledRoute(route, segments, at, shape, (after, literals));
        }

        public Dictionary<string, string>? TryMatch(string[] path)
        {
            if (RepositoryAt < 0 ? path.Length != Segments.Length : path.Length < Segments.Length) return null;
            var values = new Dictionary<string, string>(StringComparer.Ordinal);
            int tail = Segments.Length - RepositoryAt - 1;
            for (int i = 0; i < Segments.Length; i++)
            {
                if (i == RepositoryAt) continue;
                // Segments after the repository name are matched from the right.
                string actual = RepositoryAt >= 0 && i > RepositoryAt ? path[path.Length - (Segments.Length - i)] : path[i];
                if (!Fits(Segments[i], actual, values)) return null;
            }
            if (RepositoryAt >= 0)
            {
                var name = path[RepositoryAt..(path.Length - tail)];
                if (name.Any(s => s.Length == 0)) return null;
                values[ApiRoute.Repository] = string.Join('/', name);
            }
            return values;
        }

        private static bool Fits(string template, string actual, Dictionary<string, string> values)
        {
            if (!IsParameter(template)) return string.Equals(template, actual, StringComparison.Ordinal);
            if (actual.Length == 0) return false;
            values[template[1..^1]] = actual;
            return true;
        }

        private static bool IsParameter(string segment) => segment.Length > 2 && segment[0] == '{' && segment[^1] == '}';
    }
}

/// <summary>What <see cref="ApiRouteTable.Match"/> found: a row and its values, or the methods the path allows.</summary>
public sealed record ApiMatch(ApiRoute? Route, IReadOnlyDictionary<string, string>? Values, IReadOnlyList<string> Allowed);
