namespace Wharf.Scanning.ModelFiles;

internal sealed record PickleFinding(ScanStatus Severity, string Rule, string Message, long Offset);

/// <summary>One rule over one pickle's trace (fickling's shape): each is small, named and testable alone.</summary>
internal interface IPickleAnalysis
{
    string Rule { get; }

    IEnumerable<PickleFinding> Analyze(PickleTrace trace, LoaderProfile profile);
}

internal static class PickleAnalyses
{
    /// <summary>In this order: "always dangerous" first, then the allow list, then the shape of the stream.</summary>
    public static IReadOnlyList<IPickleAnalysis> All { get; } =
    [
        new UnsafeImports(), new UnlistedImports(), new DynamicCalls(), new MethodCallsOnGlobals(), new BuildOnGlobals(),
        new ExtensionCodes(), new PersistentIds(), new StreamIntegrity(),
    ];

    public static IEnumerable<PickleFinding> Run(PickleTrace trace, LoaderProfile profile) =>
        All.SelectMany(a => a.Analyze(trace, profile));

    internal static string Describe(PickleValue value) => value switch
    {
        PyGlobal g => g.FullName,
        PyObject o => $"the result of calling {Describe(o.Callee)}",
        PyPersistent => "a persistent_load object",
        PyExtension e => $"extension code {e.Code}",
        _ => value.GetType().Name,
    };
}

/// <summary>An import of a callable that can run code, checked before any allow list.</summary>
internal sealed class UnsafeImports : IPickleAnalysis
{
    public string Rule => "unsafe-import";

    public IEnumerable<PickleFinding> Analyze(PickleTrace trace, LoaderProfile profile)
    {
        foreach (var g in trace.Imports)
            if (CallableRules.WhyUnsafe(g.Module, g.Name) is { } why)
                yield return new(ScanStatus.Unsafe, Rule, $"imports {g.FullName}: {why}", g.Offset);
    }
}

/// <summary>An import the loader profile does not list as data: legitimate code perhaps, but it needs trust.</summary>
internal sealed class UnlistedImports : IPickleAnalysis
{
    public string Rule => "unlisted-import";

    public IEnumerable<PickleFinding> Analyze(PickleTrace trace, LoaderProfile profile)
    {
        foreach (var g in trace.Imports)
            if (CallableRules.WhyUnsafe(g.Module, g.Name) is null && !profile.Allows(g.Module, g.Name))
                yield return new(ScanStatus.Suspicious, Rule, $"imports {g.FullName}, which the {profile.Name} loader profile does not allow", g.Offset);
    }
}

/// <summary>A call of something that is not an imported name: the result of another call (getattr(...)(...)).</summary>
internal sealed class DynamicCalls : IPickleAnalysis
{
    public string Rule => "dynamic-call";

    public IEnumerable<PickleFinding> Analyze(PickleTrace trace, LoaderProfile profile)
    {
        foreach (var call in trace.Calls.Where(c => c.Site is "REDUCE" or "OBJ" or "NEWOBJ" or "NEWOBJ_EX" or "INST"))
        {
            var severity = call.Callee switch
            {
                PyGlobal => (ScanStatus?)null,
                // Legacy torch.save: persistent id ('module', cls, file, source) loads to cls, itself an import judged above.
                PyPersistent { Id: PyTuple { Items: [PyStr { Value: "module" }, PyGlobal, ..] } } when profile == LoaderProfiles.TorchWeights => null,
                PyObject or PyExtension => ScanStatus.Unsafe,
                _ => ScanStatus.Suspicious,
            };
            if (severity is { } s)
                yield return new(s, Rule, $"{call.Site} calls {PickleAnalyses.Describe(call.Callee)}", call.Offset);
        }
    }
}

/// <summary>APPEND/SETITEM/ADDITEMS on an imported module, class or function: the loader calls its methods.</summary>
internal sealed class MethodCallsOnGlobals : IPickleAnalysis
{
    public string Rule => "method-call-on-global";

    public IEnumerable<PickleFinding> Analyze(PickleTrace trace, LoaderProfile profile)
    {
        foreach (var call in trace.Calls.Where(c => c.Site is "append" or "extend" or "__setitem__" or "add"))
            if (call.Callee is PyGlobal or PyExtension)
                yield return new(ScanStatus.Unsafe, Rule, $"calls {PickleAnalyses.Describe(call.Callee)}.{call.Site}", call.Offset);
            else if (call.Callee is PyPersistent)
                yield return new(ScanStatus.Suspicious, Rule, $"calls {call.Site} of a persistent_load object", call.Offset);
    }
}

/// <summary>BUILD on an imported object sets attributes of a module or class (or calls its __setstate__).</summary>
internal sealed class BuildOnGlobals : IPickleAnalysis
{
    public string Rule => "build-on-global";

    public IEnumerable<PickleFinding> Analyze(PickleTrace trace, LoaderProfile profile)
    {
        foreach (var build in trace.Builds)
            if (build.Target is PyGlobal or PyExtension)
                yield return new(ScanStatus.Unsafe, Rule, $"BUILD sets the state of {PickleAnalyses.Describe(build.Target)}", build.Offset);
    }
}

/// <summary>EXT1/2/4 name an object through copyreg's registry, which is the loader's: it cannot be judged here.</summary>
internal sealed class ExtensionCodes : IPickleAnalysis
{
    public string Rule => "extension-code";

    public IEnumerable<PickleFinding> Analyze(PickleTrace trace, LoaderProfile profile) =>
        trace.Extensions.Select(e => new PickleFinding(ScanStatus.Unsafe, Rule, $"EXT code {e.Code} imports an object through copyreg's extension registry", e.Offset));
}

/// <summary>Persistent ids are the loader's: torch's are storages (and, for legacy files, module sources).</summary>
internal sealed class PersistentIds : IPickleAnalysis
{
    public string Rule => "persistent-id";

    public IEnumerable<PickleFinding> Analyze(PickleTrace trace, LoaderProfile profile)
    {
        foreach (var (id, offset) in trace.PersistentIds)
        {
            var kind = id is PyTuple { Items: [PyStr s, ..] } ? s.Value : id is PyTuple { Items: [PyBytes b, ..] } ? System.Text.Encoding.ASCII.GetString(b.Head) : null;
            if (profile == LoaderProfiles.TorchWeights && kind is "storage" or "module") continue;
            yield return new(ScanStatus.Suspicious, Rule, $"persistent id{(kind is null ? "" : $" '{kind}'")} needs the {profile.Name} loader's persistent_load", offset);
        }
    }
}

/// <summary>Fail closed: a stream that breaks, stops early, disagrees with its FRAMEs or exceeds the limits is never clean.</summary>
internal sealed class StreamIntegrity : IPickleAnalysis
{
    public string Rule => "stream-integrity";

    public IEnumerable<PickleFinding> Analyze(PickleTrace trace, LoaderProfile profile)
    {
        foreach (var p in trace.Problems)
        {
            var (severity, what) = p.Kind switch
            {
                StreamProblemKind.Truncated => (ScanStatus.Suspicious, "the pickle stops early"),
                StreamProblemKind.Malformed => (ScanStatus.Suspicious, "the pickle does not parse"),
                StreamProblemKind.FrameMismatch => (ScanStatus.Suspicious, "FRAME length disagrees with the opcodes"),
                StreamProblemKind.LimitExceeded => (ScanStatus.Suspicious, "the pickle exceeds the scan limits"),
                StreamProblemKind.DynamicName => (ScanStatus.Unsafe, "an import whose name is computed"),
                _ => (ScanStatus.Suspicious, "out-of-band data"),
            };
            yield return new(severity, Rule, $"{what}: {p.Message}", p.Offset);
        }
    }
}
