using System.Buffers.Binary;
using System.Text;
using System.Text.RegularExpressions;

namespace Wharf.Scanning.ModelFiles;

/// <summary>Pickle streams: one or several pickles, legacy torch.save, numpy's object arrays, pickles in pickles.</summary>
internal sealed partial class ScanSession
{
    private const int MaxPicklesPerStream = 1000;

    /// <summary>
    /// Every pickle in the stream, one after another (a second pickle after the first is loaded by whoever
    /// calls pickle.load twice); bytes after a STOP that are no pickle are a finding.
    /// </summary>
    /// <param name="sniffedByProbe">No PROTO at the start: bytes that only ran a few opcodes and import nothing
    /// cannot call anything, so they are data that looks like protocol 0, not a finding.</param>
    private void ScanPickleStream(Stream stream, string location, int depth, LoaderProfile profile, long offset, bool sniffedByProbe = false)
    {
        var input = new PickleInput(stream, offset);
        for (var n = 0; n < MaxPicklesPerStream; n++)
        {
            var trace = PickleMachine.Run(input, Limits, new JoblibArrays(this, location, depth).AfterBuild);
            if (n == 0 && sniffedByProbe && trace.Imports.Count == 0 && trace.Extensions.Count == 0 && trace.PersistentIds.Count == 0) return;
            Record(trace, location, depth, profile);
            if (!trace.Completed || input.AtEnd()) return;
            if (!ModelFileSniffer.LooksLikePickle(input.Peek(ModelFileSniffer.HeadLength)))
            {
                Add(ScanStatus.Suspicious, "trailing-bytes", "bytes after STOP that are not a pickle", At(location, input.Position));
                return;
            }
        }
        Add(ScanStatus.Suspicious, "scan-limit", $"more than {MaxPicklesPerStream} pickles in one stream", location);
    }

    /// <summary>
    /// Legacy torch.save: magic number, protocol version, sys info, the object, the storage keys, then raw
    /// storage bytes that torch.load reads directly (never unpickled, so not scanned as pickles).
    /// </summary>
    private void ScanLegacyTorch(Stream stream, string location, int depth)
    {
        var input = new PickleInput(stream);
        for (var n = 0; n < 5; n++)
        {
            if (n > 0 && input.AtEnd())
            {
                Add(ScanStatus.Suspicious, "stream-integrity", $"legacy torch.save file ends after {n} of its 5 pickles", At(location, input.Position));
                return;
            }
            if (!RunPickle(input, location, depth, LoaderProfiles.TorchWeights).Completed) return;
        }
    }

    private PickleTrace RunPickle(PickleInput input, string location, int depth, LoaderProfile profile)
    {
        var joblib = new JoblibArrays(this, location, depth);
        var trace = PickleMachine.Run(input, Limits, joblib.AfterBuild);
        Record(trace, location, depth, profile);
        return trace;
    }

    /// <summary>Imports into the report's list, analyses into findings, and nested pickles scanned in turn.</summary>
    internal void Record(PickleTrace trace, string location, int depth, LoaderProfile profile)
    {
        foreach (var import in trace.Imports) AddImport(import.FullName);
        foreach (var f in PickleAnalyses.Run(trace, profile)) Add(f.Severity, f.Rule, f.Message, At(location, f.Offset));
        foreach (var (length, offset) in trace.OversizedNestedPickles)
            Add(ScanStatus.Suspicious, "nested-pickle", $"a {length}-byte string that starts like a pickle is too large to scan", At(location, offset));
        foreach (var (content, offset) in trace.NestedPickles)
        {
            if (depth + 1 > Limits.MaxDepth) { Add(ScanStatus.Suspicious, "scan-limit", "pickle nested too deep", At(location, offset)); continue; }
            var nested = PickleMachine.Run(new PickleInput(new MemoryStream(content)), Limits);
            // A byte string that only starts like a pickle is data; one that runs as a pickle is judged as one.
            if (nested.Imports.Count == 0 && nested.Calls.Count == 0) continue;
            Record(nested, $"{At(location, offset)}, nested pickle", depth + 1, profile);
        }
    }

    /// <summary>
    /// .npy: magic, version, a Python-literal header. An array whose dtype holds objects ('O') is stored as a
    /// pickle after the header (np.load(allow_pickle=True) runs it); any other array is raw numbers.
    /// </summary>
    private void ScanNpy(Stream stream, string location, int depth)
    {
        var fixedPart = new byte[10];
        stream.ReadExactly(fixedPart);
        var major = fixedPart[6];
        int headerLength;
        long offset;
        if (major == 1) { headerLength = BinaryPrimitives.ReadUInt16LittleEndian(fixedPart.AsSpan(8)); offset = 10; }
        else if (major is 2 or 3)
        {
            var rest = new byte[2];
            stream.ReadExactly(rest);
            headerLength = checked((int)BinaryPrimitives.ReadUInt32LittleEndian([.. fixedPart.AsSpan(8, 2), .. rest]));
            offset = 12;
        }
        else throw new InvalidDataException($"unknown .npy version {major}");
        if (headerLength > Limits.MaxHeaderBytes) throw new ScanLimitException($".npy header of {headerLength} bytes");
        var header = new byte[headerLength];
        stream.ReadExactly(header);
        var text = (major == 3 ? Encoding.UTF8 : Encoding.Latin1).GetString(header);
        var descr = NpyDescr().Match(text);
        if (!descr.Success || !text.Contains("'shape'", StringComparison.Ordinal))
        {
            Add(ScanStatus.Suspicious, "unreadable", ".npy header does not parse", location);
            return;
        }
        if (NpyObjectType().IsMatch(descr.Groups[1].Value))
            ScanPickleStream(stream, location, depth, LoaderProfiles.NumpyObjectArray, offset + headerLength);
    }

    [GeneratedRegex(@"'descr'\s*:\s*(.+?)\s*,\s*'(?:fortran_order|shape)'", RegexOptions.Singleline)]
    private static partial Regex NpyDescr();

    /// <summary>A type string of kind 'O' anywhere in the descr (a plain dtype or a field of a structured one).</summary>
    [GeneratedRegex(@"'[<>|=]?O\d*'")]
    private static partial Regex NpyObjectType();
}
