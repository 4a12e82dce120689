namespace Wharf.Scanning.ModelFiles;

/// <summary>
/// joblib's NumpyUnpickler: after the BUILD of a <c>NumpyArrayWrapper</c> it reads the array straight from the
/// stream, between two opcodes: raw bytes (after an alignment padding byte) for numbers, or a whole nested
/// pickle for an object array. The machine must read them the same way to stay in step with the loader.
/// </summary>
internal sealed class JoblibArrays(ScanSession session, string location, int depth)
{
    public void AfterBuild(PickleBuild build, PickleInput input, PickleTrace trace)
    {
        if (build.Target is not PyObject { Callee: PyGlobal { Name: "NumpyArrayWrapper" } wrapper }
            || !wrapper.Module.EndsWith("joblib.numpy_pickle", StringComparison.Ordinal)) return;
        var state = Dict(build.State);
        var shape = state.GetValueOrDefault("shape") as PyTuple ?? throw new PickleMalformedException("NumpyArrayWrapper without a shape");
        long count = 1;
        foreach (var dimension in shape.Items) count = checked(count * Integer(dimension));
        var (itemSize, hasObject) = Dtype(state.GetValueOrDefault("dtype"));
        if (hasObject)
        {
            // pickle.load(file_handle): a pickle of its own, inside this one, judged by the same profile.
            var nested = PickleMachine.Run(input, session.LimitsForNested);
            session.Record(nested, location, depth, LoaderProfiles.Joblib);
            if (!nested.Completed) throw new PickleMalformedException("the object array's pickle is broken");
            return;
        }
        if (state.ContainsKey("numpy_array_alignment_bytes"))
        {
            var padding = input.ReadByte();
            if (padding > 0) input.Read(padding);
        }
        input.ReadBytes(checked(count * itemSize), keep: 0);
    }

    private static Dictionary<string, PickleValue> Dict(PickleValue state)
    {
        var dict = new Dictionary<string, PickleValue>(StringComparer.Ordinal);
        if (state is PyContainer { Kind: "dict" } c)
            for (var i = 0; i + 1 < c.Items.Count; i += 2)
                if (c.Items[i] is PyStr key) dict[key.Value] = c.Items[i + 1];
        return dict;
    }

    private static long Integer(PickleValue value) => value switch
    {
        PyScalar { Value: int i } => i,
        PyScalar { Value: System.Numerics.BigInteger b } => (long)b, // OverflowException: the machine reports a broken stream
        _ => throw new PickleMalformedException("NumpyArrayWrapper shape is not integers"),
    };

    /// <summary>
    /// Item size and whether objects are inside, from <c>numpy.dtype(code, align, copy)</c> and its BUILD state
    /// <c>(version, byteorder, subarray, names, fields, elsize, alignment, flags)</c>.
    /// </summary>
    private static (long ItemSize, bool HasObject) Dtype(PickleValue? dtype)
    {
        if (dtype is not PyObject { Arguments: PyTuple { Items: [PyStr code, ..] } } d)
            throw new PickleMalformedException("NumpyArrayWrapper dtype is not a numpy.dtype");
        var state = d.State as PyTuple;
        var fields = state is { Items.Length: >= 5 } ? state.Items[4] : null;
        var hasObject = code.Value.StartsWith('O') || ContainsObjectDtype(fields);
        if (state is { Items.Length: >= 6 } && state.Items[5] is PyScalar { Value: int or System.Numerics.BigInteger })
        {
            var elsize = Integer(state.Items[5]);
            if (elsize > 0) return (elsize, hasObject);
        }
        var digits = new string(code.Value.SkipWhile(c => !char.IsDigit(c)).TakeWhile(char.IsDigit).ToArray());
        return long.TryParse(digits, System.Globalization.CultureInfo.InvariantCulture, out var size) && size > 0
            ? (code.Value.StartsWith('U') ? size * 4 : size, hasObject)
            : throw new PickleMalformedException($"cannot tell the item size of dtype '{code.Value}'");
    }

    private static bool ContainsObjectDtype(PickleValue? value) => value switch
    {
        PyObject { Arguments: PyTuple { Items: [PyStr code, ..] } } o => code.Value.StartsWith('O') || ContainsObjectDtype(o.State),
        PyContainer c => c.Items.Any(ContainsObjectDtype),
        PyTuple t => t.Items.Any(ContainsObjectDtype),
        _ => false,
    };
}
