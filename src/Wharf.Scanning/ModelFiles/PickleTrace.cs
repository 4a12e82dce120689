namespace Wharf.Scanning.ModelFiles;

/// <summary>Why a pickle stream is not a clean, complete program.</summary>
internal enum StreamProblemKind
{
    Malformed,
    Truncated,
    FrameMismatch,
    LimitExceeded,
    DynamicName,
    OutOfBandBuffer,
}

internal sealed record StreamProblem(StreamProblemKind Kind, string Message, long Offset);

/// <summary>A call site: REDUCE, INST, OBJ, NEWOBJ, NEWOBJ_EX, or a method the loader calls (append, extend, __setitem__, add).</summary>
internal sealed record PickleCall(string Site, PickleValue Callee, PickleValue? Arguments, long Offset);

internal sealed record PickleBuild(PickleValue Target, PickleValue State, long Offset);

/// <summary>
/// Everything one run of the pickle machine saw, in order: what each analysis judges. The machine only
/// records; it never decides what is dangerous.
/// </summary>
internal sealed class PickleTrace(long startOffset)
{
    public long StartOffset { get; } = startOffset;
    public int Protocol { get; set; }
    public List<PyGlobal> Imports { get; } = [];
    public List<PickleCall> Calls { get; } = [];
    public List<PickleBuild> Builds { get; } = [];
    public List<(PickleValue Id, long Offset)> PersistentIds { get; } = [];
    public List<(int Code, long Offset)> Extensions { get; } = [];
    public List<StreamProblem> Problems { get; } = [];

    /// <summary>Byte strings and strings whose first bytes look like a pickle: a pickle inside a pickle.</summary>
    public List<(byte[] Content, long Offset)> NestedPickles { get; } = [];

    /// <summary>Byte strings that look like a pickle but were too large to keep.</summary>
    public List<(long Length, long Offset)> OversizedNestedPickles { get; } = [];

    /// <summary>The value STOP returned; null when the stream never reached STOP.</summary>
    public PickleValue? Result { get; set; }

    public long EndOffset { get; set; }

    public long Opcodes { get; set; }

    public bool Completed => Result is not null;
}
