using Wharf.Scanning.ModelFiles;

namespace Wharf.Scanning.Tests.ModelFiles;

/// <summary>The pickle machine and each analysis alone, on pickles written byte by byte.</summary>
public sealed class PickleMachineTests
{
    private static PickleTrace Run(byte[] pickle, ScanLimits? limits = null) =>
        PickleMachine.Run(new PickleInput(new MemoryStream(pickle)), limits ?? ScanLimits.Default);

    private static byte[] B(string literal) => Scans.Py(literal);

    [Fact]
    public void Python_2_names_are_read_as_CPython_maps_them()
    {
        var trace = Run(B(@"c__builtin__\neval\n(S'1+1'\ntR."));
        Assert.Equal("builtins.eval", Assert.Single(trace.Imports).FullName);
        var finding = Assert.Single(new UnsafeImports().Analyze(trace, LoaderProfiles.Pickle));
        Assert.Equal(ScanStatus.Unsafe, finding.Severity);
    }

    [Fact]
    public void A_qualname_that_walks_through_a_module_attribute_is_unsafe()
    {
        // torch._utils imports os; protocol 4 resolves "os.system" on it as a dotted qualname.
        var trace = Run(B(@"\x80\x04\x8c\x0ctorch._utils\x8c\x09os.system\x93\x8c\x02id\x85R."));
        var finding = Assert.Single(new UnsafeImports().Analyze(trace, LoaderProfiles.TorchWeights));
        Assert.Equal("imports torch._utils.os.system: reaches os through attribute access", finding.Message);
    }

    [Fact]
    public void A_dunder_in_a_qualname_is_unsafe_even_on_an_allowed_function()
    {
        var trace = Run(B(@"\x80\x04\x8c\x0ctorch._utils\x8c\x1e_rebuild_tensor_v2.__globals__\x93."));
        Assert.Equal(ScanStatus.Unsafe, Assert.Single(new UnsafeImports().Analyze(trace, LoaderProfiles.TorchWeights)).Severity);
    }

    [Fact]
    public void The_memo_starts_empty_for_each_pickle_so_a_second_cannot_reach_the_first_ones()
    {
        var report = Scans.Bytes(B(@"\x80\x02X\x02\x00\x00\x00osq\x00X\x06\x00\x00\x00systemq\x01\x86.\x80\x04Nh\x00h\x01\x93."));
        Assert.Empty(report.Imports);
        Assert.Equal(ScanStatus.Suspicious, report.Status);
        Assert.Contains(report.Findings, f => f.Message == "the pickle does not parse: memo value 0 not found");
    }

    [Fact]
    public void Extension_codes_are_unsafe_because_their_callable_is_the_loaders()
    {
        var trace = Run(B(@"\x80\x02\x82\x01)R."));
        Assert.Equal("EXT code 1 imports an object through copyreg's extension registry", Assert.Single(new ExtensionCodes().Analyze(trace, LoaderProfiles.Pickle)).Message);
        Assert.Equal("REDUCE calls extension code 1", Assert.Single(new DynamicCalls().Analyze(trace, LoaderProfiles.Pickle)).Message);
    }

    [Fact]
    public void Build_and_method_calls_on_an_imported_class_are_unsafe_even_when_the_class_is_allowed()
    {
        var build = Run(B(@"ccollections\nOrderedDict\n}b."));
        Assert.Empty(new UnlistedImports().Analyze(build, LoaderProfiles.Pickle));
        Assert.Equal("BUILD sets the state of collections.OrderedDict", Assert.Single(new BuildOnGlobals().Analyze(build, LoaderProfiles.Pickle)).Message);
        var append = Run(B(@"ccollections\nOrderedDict\nK\x01a."));
        Assert.Equal("calls collections.OrderedDict.append", Assert.Single(new MethodCallsOnGlobals().Analyze(append, LoaderProfiles.Pickle)).Message);
    }

    [Fact]
    public void Persistent_ids_are_only_data_for_the_torch_profile_and_its_storages()
    {
        var storage = Run(B(@"\x80\x02(X\x07\x00\x00\x00storagectorch\nFloatStorage\nX\x01\x00\x00\x000X\x03\x00\x00\x00cpuK\x04tQ."));
        Assert.Empty(new PersistentIds().Analyze(storage, LoaderProfiles.TorchWeights));
        Assert.Equal(ScanStatus.Suspicious, Assert.Single(new PersistentIds().Analyze(storage, LoaderProfiles.Pickle)).Severity);
        Assert.Equal(ScanStatus.Suspicious, Assert.Single(new PersistentIds().Analyze(Run(B(@"Pfoo\n.")), LoaderProfiles.TorchWeights)).Severity);
    }

    [Fact]
    public void Unknown_classes_are_suspicious_through_every_call_site()
    {
        foreach (var pickle in new[] { @"\x80\x04\x8c\x03foo\x8c\x03Bar\x93)}\x92.", @"\x80\x02cfoo\nBar\n)\x81.", @"(ifoo\nBar\n.", @"(cfoo\nBar\no." })
        {
            var trace = Run(B(pickle));
            Assert.True(trace.Completed, pickle);
            var finding = Assert.Single(new UnlistedImports().Analyze(trace, LoaderProfiles.Pickle));
            Assert.Equal("imports foo.Bar, which the pickle loader profile does not allow", finding.Message);
        }
    }

    [Fact]
    public void Frames_that_disagree_with_their_opcodes_are_findings_however_they_disagree()
    {
        // A FRAME begins before the current one ends; STOP comes before the frame's end; a frame longer than the file.
        var early = Run(B(@"\x80\x04\x95\x14\x00\x00\x00\x00\x00\x00\x00N\x95\x01\x00\x00\x00\x00\x00\x00\x00N.NNNNNNNN"));
        Assert.Contains(early.Problems, p => p.Kind == StreamProblemKind.FrameMismatch && p.Message == "a FRAME begins 10 bytes before the end of the current frame");
        var stop = Run(B(@"\x80\x04\x95\x05\x00\x00\x00\x00\x00\x00\x00N.NNN"));
        Assert.Contains(stop.Problems, p => p.Kind == StreamProblemKind.FrameMismatch && p.Message == "STOP 3 bytes before the end of its FRAME");
        var longer = Run(B(@"\x80\x04\x95\xff\x00\x00\x00\x00\x00\x00\x00N."));
        Assert.Equal(StreamProblemKind.Truncated, Assert.Single(longer.Problems).Kind);
        Assert.All(new[] { early, stop, longer }, t => Assert.NotEmpty(new StreamIntegrity().Analyze(t, LoaderProfiles.Pickle)));
    }

    [Fact]
    public void Truncated_streams_trailing_bytes_and_limits_are_never_clean()
    {
        var truncated = Scans.Bytes(B(@"\x80\x02cos\nsystem\n"));
        Assert.Equal(ScanStatus.Unsafe, truncated.Status);
        Assert.Contains(truncated.Findings, f => f.Rule == "stream-integrity" && f.Message.StartsWith("the pickle stops early", StringComparison.Ordinal));
        var trailing = Scans.Bytes(B(@"\x80\x02N.\xff\xfe\x00garbage"));
        Assert.Equal(new ModelFileFinding(ScanStatus.Suspicious, "trailing-bytes", "bytes after STOP that are not a pickle", "offset 4"), Assert.Single(trailing.Findings));
        var limited = Scans.Bytes(B(@"\x80\x02" + new string('N', 50) + "."), ScanLimits.Default with { MaxPickleOpcodes = 10 });
        Assert.Equal("the pickle exceeds the scan limits: more than 10 opcodes", Assert.Single(limited.Findings).Message);
        var memory = Scans.Bytes(B(@"\x80\x02" + string.Concat(Enumerable.Repeat(@"X\x10\x00\x00\x00" + new string('a', 16), 100)) + "."), ScanLimits.Default with { MaxPickleMemory = 1000 });
        Assert.StartsWith("the pickle exceeds the scan limits: more than 1000 bytes held", Assert.Single(memory.Findings).Message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_call_on_the_result_of_a_call_is_unsafe()
    {
        var trace = Run(B(@"cfoo\nfactory\n)R)R."));
        Assert.Equal("REDUCE calls the result of calling foo.factory", Assert.Single(new DynamicCalls().Analyze(trace, LoaderProfiles.Pickle)).Message);
    }
}
