using System.Globalization;
using System.Text;

namespace Wharf.Scanning.ModelFiles;

/// <summary>
/// Python's own spellings: the Python 2 → 3 name mapping CPython applies to protocol 0–2 pickles
/// (Lib/_compat_pickle.py: <c>__builtin__.eval</c> is <c>builtins.eval</c>, <c>commands</c> is
/// <c>subprocess</c>), and the literal escapes of the STRING and UNICODE opcodes.
/// </summary>
internal static class PythonNames
{
    private static readonly Dictionary<string, string> Modules = new(StringComparer.Ordinal)
    {
        ["__builtin__"] = "builtins", ["copy_reg"] = "copyreg", ["cPickle"] = "pickle", ["commands"] = "subprocess",
        ["Queue"] = "queue", ["SocketServer"] = "socketserver", ["ConfigParser"] = "configparser", ["repr"] = "reprlib",
        ["_winreg"] = "winreg", ["thread"] = "_thread", ["dummy_thread"] = "_dummy_thread", ["httplib"] = "http.client",
        ["urllib2"] = "urllib.request", ["urlparse"] = "urllib.parse", ["xmlrpclib"] = "xmlrpc.client",
        ["SimpleXMLRPCServer"] = "xmlrpc.server", ["BaseHTTPServer"] = "http.server", ["SimpleHTTPServer"] = "http.server",
        ["CGIHTTPServer"] = "http.server", ["Cookie"] = "http.cookies", ["cookielib"] = "http.cookiejar",
        ["StringIO"] = "io", ["cStringIO"] = "io", ["UserDict"] = "collections", ["UserList"] = "collections",
        ["UserString"] = "collections", ["anydbm"] = "dbm", ["whichdb"] = "dbm", ["_abcoll"] = "collections.abc",
        ["exceptions"] = "builtins", ["robotparser"] = "urllib.robotparser", ["test.test_support"] = "test.support",
    };

    private static readonly Dictionary<(string, string), (string, string)> Names = new()
    {
        [("__builtin__", "xrange")] = ("builtins", "range"), [("__builtin__", "reduce")] = ("functools", "reduce"),
        [("__builtin__", "intern")] = ("sys", "intern"), [("__builtin__", "unichr")] = ("builtins", "chr"),
        [("__builtin__", "unicode")] = ("builtins", "str"), [("__builtin__", "long")] = ("builtins", "int"),
        [("__builtin__", "basestring")] = ("builtins", "str"), [("itertools", "izip")] = ("builtins", "zip"),
        [("itertools", "imap")] = ("builtins", "map"), [("itertools", "ifilter")] = ("builtins", "filter"),
        [("urllib", "urlopen")] = ("urllib.request", "urlopen"), [("urllib", "urlretrieve")] = ("urllib.request", "urlretrieve"),
        [("urllib", "quote")] = ("urllib.parse", "quote"), [("urllib", "unquote")] = ("urllib.parse", "unquote"),
        [("whichdb", "whichdb")] = ("dbm", "whichdb"), [("socket", "_socketobject")] = ("socket", "SocketType"),
    };

    public static (string Module, string Name) FromPython2(string module, string name)
    {
        if (Names.TryGetValue((module, name), out var mapped)) return mapped;
        return (Modules.TryGetValue(module, out var m) ? m : module, name);
    }

    /// <summary>The body of a protocol 0 STRING: Python's string-literal escapes.</summary>
    public static string UnescapeStringLiteral(string body)
    {
        if (!body.Contains('\\')) return body;
        var sb = new StringBuilder(body.Length);
        for (var i = 0; i < body.Length; i++)
        {
            if (body[i] != '\\' || i + 1 == body.Length) { sb.Append(body[i]); continue; }
            var c = body[++i];
            switch (c)
            {
                case 'n': sb.Append('\n'); break;
                case 'r': sb.Append('\r'); break;
                case 't': sb.Append('\t'); break;
                case 'a': sb.Append('\a'); break;
                case 'b': sb.Append('\b'); break;
                case 'f': sb.Append('\f'); break;
                case 'v': sb.Append('\v'); break;
                case '\n': break;
                case 'x' when i + 2 < body.Length && TryHex(body.AsSpan(i + 1, 2), out var x):
                    sb.Append((char)x); i += 2; break;
                case >= '0' and <= '7':
                    var n = 0; var digits = 0;
                    while (digits < 3 && i < body.Length && body[i] is >= '0' and <= '7') { n = n * 8 + (body[i] - '0'); i++; digits++; }
                    i--; sb.Append((char)(n & 0xFF)); break;
                default: sb.Append(c); break; // \\ \' \" and unknown escapes keep the character
            }
        }
        return sb.ToString();
    }

    /// <summary>The body of a protocol 0 UNICODE: raw-unicode-escape, where only \uXXXX and \UXXXXXXXX are escapes.</summary>
    public static string UnescapeRawUnicode(string line)
    {
        if (!line.Contains('\\')) return line;
        var sb = new StringBuilder(line.Length);
        for (var i = 0; i < line.Length; i++)
        {
            var width = i + 1 < line.Length && line[i] == '\\' ? line[i + 1] switch { 'u' => 4, 'U' => 8, _ => 0 } : 0;
            if (width > 0 && i + 2 + width <= line.Length && TryHex(line.AsSpan(i + 2, width), out var cp) && cp <= 0x10FFFF)
            {
                sb.Append(cp is >= 0xD800 and <= 0xDFFF ? ((char)cp).ToString() : char.ConvertFromUtf32(cp));
                i += 1 + width;
            }
            else sb.Append(line[i]);
        }
        return sb.ToString();
    }

    private static bool TryHex(ReadOnlySpan<char> digits, out int value) =>
        int.TryParse(digits, NumberStyles.AllowHexSpecifier, CultureInfo.InvariantCulture, out value);
}
