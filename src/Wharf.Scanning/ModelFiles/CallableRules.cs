namespace Wharf.Scanning.ModelFiles;

/// <summary>
/// The "always dangerous" judgement, checked before any allow list (as modelaudit does): a callable that can
/// run code, import code, touch files, processes or the network, or reach Python's internals. This list only
/// separates <i>unsafe</i> from <i>suspicious</i>; what is safe is decided by allow lists alone, so a name this
/// list forgets is still a finding.
/// </summary>
internal static class CallableRules
{
    /// <summary>Modules any of whose attributes is judged unsafe (top-level names and dotted prefixes).</summary>
    private static readonly HashSet<string> UnsafeModules = new(StringComparer.Ordinal)
    {
        "os", "posix", "nt", "posixpath", "ntpath", "subprocess", "_posixsubprocess", "sys", "builtins", "__builtin__",
        "importlib", "imp", "_imp", "zipimport", "pkgutil", "runpy", "pty", "socket", "_socket", "socketserver", "ssl",
        "select", "selectors", "shutil", "ctypes", "_ctypes", "cffi", "marshal", "types", "functools", "_functools",
        "operator", "_operator", "itertools", "pickle", "_pickle", "pickletools", "copyreg", "copy_reg", "shelve", "dill",
        "cloudpickle", "webbrowser", "timeit", "ensurepip", "pip", "setuptools", "distutils", "venv", "code", "codeop",
        "asyncio", "_asyncio", "multiprocessing", "concurrent", "threading", "_thread", "signal", "_signal", "io", "_io",
        "codecs", "tempfile", "glob", "fileinput", "mmap", "fcntl", "resource", "inspect", "gc", "site", "sysconfig",
        "linecache", "bdb", "pdb", "trace", "profile", "cProfile", "doctest", "pydoc", "idlelib", "tkinter", "turtle",
        "cmd", "platform", "getpass", "pwd", "grp", "http", "urllib", "urllib2", "httplib", "requests", "httpx", "aiohttp",
        "urllib3", "ftplib", "smtplib", "telnetlib", "poplib", "imaplib", "nntplib", "xmlrpc", "xmlrpclib", "sqlite3",
        "dbm", "zipfile", "tarfile", "logging.config", "commands", "popen2", "yaml", "jinja2", "mako", "joblib.load",
        "numpy.load", "numpy.lib.npyio", "numpy.testing", "numpy.f2py", "numpy.distutils", "numpy.ctypeslib",
        "pandas.read_pickle", "pandas.io.pickle", "torch.load", "torch.hub", "torch.jit", "torch.package", "torch._C",
        "torch.ops", "torch._ops", "torch.classes", "torch.library", "torch.serialization.load",
        "torch.storage._load_from_bytes", "torch._dynamo", "torch.utils.cpp_extension", "keras.models.load_model",
        "tensorflow.io", "tensorflow.keras.models.load_model", "IPython", "nbformat", "_winapi", "winreg", "msvcrt",
        "uuid._get_command_stdout", "_bootlocale", "__main__.__builtins__", "sklearn.utils._joblib.load",
        "torch.serialization", "torch._inductor", "torch.fx", "torch.compiler", "torch.distributed", "torch.multiprocessing",
        "torch.utils.cpp_extension", "torch.testing", "lib2to3", "_osx_support", "_aix_support", "_sitebuiltins",
        "pathlib", "mailcap", "pipes", "pkg_resources", "importlib_metadata", "numpy.lib.format", "pandas.io",
        "pandas.eval", "pandas.core.computation", "pandas.read_csv", "pandas.read_parquet", "pandas.read_json",
        "xmlrpc", "ctypes.util", "nturl2path", "smtpd", "cgi", "cgitb", "wsgiref", "asynchat", "asyncore",
    };

    /// <summary>Final names that run, import or load code wherever they live (a module this list does not know).</summary>
    private static readonly HashSet<string> UnsafeNames = new(StringComparer.Ordinal)
    {
        "system", "popen", "popen2", "popen3", "exec", "execfile", "eval", "compile", "getattr", "setattr", "delattr",
        "__import__", "import_module", "load", "loads", "load_module", "spawn", "spawnl", "spawnv", "spawnve", "execv",
        "execve", "execvp", "execl", "execlp", "fork", "forkpty", "startfile", "check_output", "check_call", "Popen",
        "getoutput", "getstatusoutput", "run_path", "run_module", "resolve_name", "open", "breakpoint", "input",
        "globals", "locals", "vars", "attrgetter", "itemgetter", "methodcaller", "partial", "urlopen", "urlretrieve",
    };

    /// <summary>Members of an unsafe module that only rebuild data, kept out of <i>unsafe</i> (the allow list still judges them).</summary>
    private static readonly HashSet<string> DataExceptions = new(StringComparer.Ordinal)
    {
        "copyreg._reconstructor", "copyreg.__newobj__", "copyreg.__newobj_ex__", "codecs.encode", "_codecs.encode",
        "builtins.set", "builtins.frozenset", "builtins.bytearray", "builtins.bytes", "builtins.complex", "builtins.slice",
        "builtins.range", "builtins.int", "builtins.float", "builtins.bool", "builtins.str", "builtins.list",
        "builtins.dict", "builtins.tuple", "builtins.object", "builtins.Ellipsis", "builtins.NotImplemented",
        "types.SimpleNamespace", "torch.serialization._get_layout", "pathlib.Path", "pathlib.PosixPath",
        "pathlib.WindowsPath", "pathlib.PurePath", "pathlib.PurePosixPath", "pathlib.PureWindowsPath",
    };

    /// <summary>Modules that, reached as an attribute of another module, can only mean indirection.</summary>
    private static readonly HashSet<string> ReachableModules = new(StringComparer.Ordinal)
    {
        "os", "posix", "nt", "subprocess", "sys", "builtins", "__builtin__", "__builtins__", "importlib", "pickle",
        "_pickle", "marshal", "ctypes", "shutil", "socket", "pty", "runpy", "pkgutil", "webbrowser", "timeit",
        "ensurepip", "pip", "dill", "operator", "functools", "asyncio", "multiprocessing",
    };

    /// <summary>Null when nothing marks the name unsafe; otherwise why it can run code.</summary>
    public static string? WhyUnsafe(string module, string name)
    {
        var full = module + "." + name;
        if (DataExceptions.Contains(full)) return null;
        var parts = full.Split('.');
        // Any prefix: "os", "os.path", "torch.hub", "numpy.load"…
        for (var i = 1; i <= parts.Length; i++)
            if (UnsafeModules.Contains(string.Join('.', parts, 0, i)))
                return $"{string.Join('.', parts, 0, i)} can run code, import code or reach files and processes";
        // Through attributes (protocol 4 qualnames): torch.serialization.os.system reaches os.
        var moduleParts = module.Split('.').Length;
        for (var i = 1; i < parts.Length; i++)
        {
            if (ReachableModules.Contains(parts[i]) || (i >= moduleParts && IsDunder(parts[i])))
                return $"reaches {parts[i]} through attribute access";
        }
        if (UnsafeNames.Contains(parts[^1])) return $"{parts[^1]} runs, imports or loads code";
        return null;
    }

    private static bool IsDunder(string part) => part.Length > 4 && part.StartsWith("__", StringComparison.Ordinal) && part.EndsWith("__", StringComparison.Ordinal);
}
