namespace Wharf.Client.Auth;

/// <summary>
/// One <c>WWW-Authenticate</c> challenge: its scheme and parameters, e.g.
/// <c>Bearer realm="https://auth/token",service="registry",scope="repository:team/model:pull,push"</c>.
/// </summary>
public sealed record AuthChallenge(string Scheme, IReadOnlyDictionary<string, string> Parameters)
{
    public string? this[string name] => Parameters.TryGetValue(name, out var value) ? value : null;

    public bool IsBearer => Scheme.Equals("Bearer", StringComparison.OrdinalIgnoreCase);
    public bool IsBasic => Scheme.Equals("Basic", StringComparison.OrdinalIgnoreCase);

    /// <summary>Parses one header value (quoted strings may contain commas and escaped quotes).</summary>
    public static AuthChallenge? Parse(string header)
    {
        header = header.Trim();
        int space = header.IndexOf(' ');
        string scheme = space < 0 ? header : header[..space];
        if (scheme.Length == 0) return null;
        var parameters = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase);
        int i = space < 0 ? header.Length : space + 1;
        while (i < header.Length)
        {
            while (i < header.Length && (header[i] == ' ' || header[i] == ',')) i++;
            int eq = header.IndexOf('=', i);
            if (eq < 0) break;
            string name = header[i..eq].Trim();
            i = eq + 1;
            var value = new System.Text.StringBuilder();
            if (i < header.Length && header[i] == '"')
            {
                for (i++; i < header.Length && header[i] != '"'; i++)
                {
                    if (header[i] == '\\' && i + 1 < header.Length) i++;
                    value.Append(header[i]);
                }
                i++; // closing quote
            }
            else
            {
                for (; i < header.Length && header[i] != ','; i++) value.Append(header[i]);
            }
            if (name.Length > 0) parameters[name] = value.ToString().Trim();
        }
        return new AuthChallenge(scheme, parameters);
    }
}
