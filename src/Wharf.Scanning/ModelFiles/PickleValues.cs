namespace Wharf.Scanning.ModelFiles;

/// <summary>
/// What the pickle machine holds on its stack and in its memo. Values carry only what the analyses need:
/// strings (names can be built from them), byte strings (a pickle can hide inside one), which callable made
/// an object, and container items (an object array's elements are themselves values).
/// </summary>
internal abstract class PickleValue
{
    /// <summary>What the value costs the machine's memory budget, roughly in bytes.</summary>
    public virtual long Cost => 16;
}

/// <summary>An object found by GLOBAL, STACK_GLOBAL or INST: <c>module.qualname</c> as CPython's find_class sees it.</summary>
internal sealed class PyGlobal(string module, string name, long offset) : PickleValue
{
    public string Module { get; } = module;
    public string Name { get; } = name;
    public long Offset { get; } = offset;
    public string FullName => Module + "." + Name;
}

/// <summary>The object a call site returns: we know what was called, never what it returned.</summary>
internal sealed class PyObject(PickleValue callee, string site, PickleValue? arguments = null) : PickleValue
{
    public PickleValue Callee { get; } = callee;
    public string Site { get; } = site;
    public PickleValue? Arguments { get; } = arguments;

    /// <summary>The state the last BUILD gave it (a numpy dtype's byte order and item size live there).</summary>
    public PickleValue? State { get; set; }
}

internal sealed class PyStr(string value) : PickleValue
{
    public string Value { get; } = value;
    public override long Cost => 16 + 2L * Value.Length;
}

/// <summary>A byte string; <see cref="Content"/> is null when it was too large to keep (only its length and head remain).</summary>
internal sealed class PyBytes(byte[]? content, long length, byte[] head) : PickleValue
{
    public byte[]? Content { get; } = content;
    public long Length { get; } = length;
    public byte[] Head { get; } = head;
    public override long Cost => 16 + (Content?.Length ?? Head.Length);
}

/// <summary>int, float, bool or None: the analyses never need their value, only that they are data.</summary>
internal sealed class PyScalar(object? value) : PickleValue
{
    public object? Value { get; } = value;
    public static PyScalar None { get; } = new(null);
}

internal sealed class PyTuple(PickleValue[] items) : PickleValue
{
    public PickleValue[] Items { get; } = items;
    public override long Cost => 16 + 8L * Items.Length;
}

/// <summary>list, dict, set or frozenset; a dict keeps keys and values in one list, alternating.</summary>
internal sealed class PyContainer(string kind) : PickleValue
{
    public string Kind { get; } = kind;
    public List<PickleValue> Items { get; } = [];
    public override long Cost => 16 + 8L * Items.Count;
}

/// <summary>What <c>persistent_load(pid)</c> returns; the loader (torch, joblib) decides what that is.</summary>
internal sealed class PyPersistent(PickleValue id) : PickleValue
{
    public PickleValue Id { get; } = id;
}

/// <summary>An object named by EXT1/2/4 through copyreg's extension registry, which lives in the loader's process.</summary>
internal sealed class PyExtension(int code) : PickleValue
{
    public int Code { get; } = code;
}

/// <summary>A protocol 5 out-of-band buffer (NEXT_BUFFER): data the loader supplies, not the stream.</summary>
internal sealed class PyBuffer : PickleValue
{
    public static PyBuffer Instance { get; } = new();
}
