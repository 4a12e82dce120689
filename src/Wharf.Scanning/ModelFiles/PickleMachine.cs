namespace Wharf.Scanning.ModelFiles;

/// <summary>
/// Emulates CPython's Unpickler over one pickle (up to its STOP): the real stack, mark stack and memo, every
/// opcode of protocols 0–5. Nothing is imported or called; each import, call site, BUILD, persistent id and
/// extension code is recorded in a <see cref="PickleTrace"/> for the analyses. Bounded by opcode and memory
/// limits. A stream that breaks keeps everything recorded before the break, so a payload ahead of a broken
/// tail is still seen.
/// </summary>
internal sealed partial class PickleMachine
{
    private readonly PickleInput _input;
    private readonly ScanLimits _limits;
    private readonly PickleTrace _trace;
    private readonly List<PickleValue> _stack = [];
    private readonly List<int> _marks = [];
    private readonly Dictionary<long, PickleValue> _memo = [];
    private long _memory;
    private long _steps;

    /// <summary>Called after each BUILD; joblib reads array bytes from the stream there (see <see cref="JoblibArrays"/>).</summary>
    private readonly Action<PickleBuild, PickleInput, PickleTrace>? _afterBuild;

    private PickleMachine(PickleInput input, ScanLimits limits, Action<PickleBuild, PickleInput, PickleTrace>? afterBuild)
    {
        _input = input;
        _limits = limits;
        _afterBuild = afterBuild;
        _trace = new PickleTrace(input.Position);
    }

    /// <summary>
    /// Runs one pickle from the input's position to its STOP (or to where it breaks). The memo starts empty,
    /// as for each new Unpickler in CPython, so a second pickle cannot reach the first one's memo.
    /// </summary>
    public static PickleTrace Run(PickleInput input, ScanLimits limits, Action<PickleBuild, PickleInput, PickleTrace>? afterBuild = null)
    {
        var machine = new PickleMachine(input, limits, afterBuild);
        var problems = input.FrameProblems.Count;
        try
        {
            machine.Execute();
        }
        catch (PickleTruncatedException e)
        {
            machine._trace.Problems.Add(new StreamProblem(StreamProblemKind.Truncated, e.Message, input.Position));
        }
        catch (PickleMalformedException e)
        {
            machine._trace.Problems.Add(new StreamProblem(StreamProblemKind.Malformed, e.Message, input.Position));
        }
        catch (PickleLimitException e)
        {
            machine._trace.Problems.Add(new StreamProblem(StreamProblemKind.LimitExceeded, e.Message, input.Position));
        }
        catch (Exception e) when (e is OverflowException or InvalidCastException or ArgumentException or FormatException)
        {
            // Values no real pickle holds (a 2**70-element array, a length past 2 GB): the stream is broken
            // here, and what was recorded before this point must still be judged.
            machine._trace.Problems.Add(new StreamProblem(StreamProblemKind.Malformed, e.Message, input.Position));
        }
        foreach (var (offset, message) in input.FrameProblems.Skip(problems))
            machine._trace.Problems.Add(new StreamProblem(StreamProblemKind.FrameMismatch, message, offset));
        machine._trace.EndOffset = input.Position;
        machine._trace.Opcodes = machine._steps;
        return machine._trace;
    }

    private void Execute()
    {
        while (true)
        {
            if (++_steps > _limits.MaxPickleOpcodes) throw new PickleLimitException($"more than {_limits.MaxPickleOpcodes} opcodes");
            var offset = _input.Position;
            var opcode = _input.ReadByte();
            if (opcode == (byte)'.')
            {
                _input.EndPickle();
                _trace.Result = Pop();
                return;
            }
            Step(opcode, offset);
        }
    }

    private void Push(PickleValue value)
    {
        _memory += value.Cost;
        if (_memory > _limits.MaxPickleMemory) throw new PickleLimitException($"more than {_limits.MaxPickleMemory} bytes held");
        _stack.Add(value);
    }

    private PickleValue Pop()
    {
        var floor = _marks.Count > 0 ? _marks[^1] : 0;
        if (_stack.Count <= floor) throw new PickleMalformedException("unpickling stack underflow");
        var value = _stack[^1];
        _stack.RemoveAt(_stack.Count - 1);
        return value;
    }

    private PickleValue Top()
    {
        var floor = _marks.Count > 0 ? _marks[^1] : 0;
        if (_stack.Count <= floor) throw new PickleMalformedException("unpickling stack underflow");
        return _stack[^1];
    }

    /// <summary>The items above the last MARK, which is removed (CPython's pop_mark).</summary>
    private PickleValue[] PopMark()
    {
        if (_marks.Count == 0) throw new PickleMalformedException("could not find MARK");
        var mark = _marks[^1];
        _marks.RemoveAt(_marks.Count - 1);
        var items = _stack.GetRange(mark, _stack.Count - mark).ToArray();
        _stack.RemoveRange(mark, _stack.Count - mark);
        return items;
    }

    private void Memoize(long index)
    {
        if (index < 0) throw new PickleMalformedException("negative memo index");
        var value = Top();
        _memo[index] = value;
        _memory += 16;
        if (_memory > _limits.MaxPickleMemory) throw new PickleLimitException($"more than {_limits.MaxPickleMemory} bytes held");
    }

    private void PushMemo(long index) =>
        Push(_memo.TryGetValue(index, out var value) ? value : throw new PickleMalformedException($"memo value {index} not found"));

    /// <summary>find_class: protocol 0–2 pickles are read with Python 2 names mapped to Python 3's, as CPython does.</summary>
    private PyGlobal Import(string module, string name, long offset)
    {
        (module, name) = PythonNames.FromPython2(module, name);
        var global = new PyGlobal(module, name, offset);
        _trace.Imports.Add(global);
        return global;
    }

    private PyObject Call(string site, PickleValue callee, PickleValue? arguments, long offset)
    {
        _trace.Calls.Add(new PickleCall(site, callee, arguments, offset));
        return new PyObject(callee, site, arguments);
    }

    /// <summary>Strings and byte strings that start like a pickle are kept for a nested scan.</summary>
    private void NoteNested(byte[]? content, byte[] head, long length, long offset)
    {
        if (length < 4 || !ModelFileSniffer.LooksLikePickle(head)) return;
        if (content is null) _trace.OversizedNestedPickles.Add((length, offset));
        else if (_trace.NestedPickles.Count < 1000) _trace.NestedPickles.Add((content, offset));
    }

    private PyBytes Bytes(long length, long offset)
    {
        if (length < 0) throw new PickleMalformedException("negative byte count");
        var (content, head) = _input.ReadBytes(length, _limits.MaxNestedPickleBytes);
        NoteNested(content, head, length, offset);
        return new PyBytes(content, length, head);
    }

    private PyStr Text(long length, long offset)
    {
        if (length < 0) throw new PickleMalformedException("negative string length");
        var (content, head) = _input.ReadBytes(length, _limits.MaxNestedPickleBytes);
        NoteNested(content, head, length, offset);
        return new PyStr(System.Text.Encoding.UTF8.GetString(content ?? head));
    }
}

internal sealed class PickleLimitException(string message) : Exception(message);
