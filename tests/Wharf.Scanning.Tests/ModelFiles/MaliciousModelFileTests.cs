using Wharf.Scanning.ModelFiles;

namespace Wharf.Scanning.Tests.ModelFiles;

/// <summary>
/// Malicious files built the way the known scanner bypasses build them (make_models.py): each must come out
/// unsafe, naming the exact callable (or rule) that makes it so, and at the place it hides.
/// </summary>
public sealed class MaliciousModelFileTests
{
    [ModelFilesTheory]
    [InlineData("evil_reduce_p0.pkl", ModelFormat.Pickle, "posix.system", "offset 0")]
    [InlineData("evil_reduce_p1.pkl", ModelFormat.Pickle, "posix.system", "offset 0")]
    [InlineData("evil_reduce_p2.pkl", ModelFormat.Pickle, "posix.system", "offset 2")]
    [InlineData("evil_reduce_p3.pkl", ModelFormat.Pickle, "posix.system", "offset 2")]
    [InlineData("evil_reduce_p4.pkl", ModelFormat.Pickle, "posix.system", "offset 28")]
    [InlineData("evil_reduce_p5.pkl", ModelFormat.Pickle, "posix.system", "offset 28")]
    [InlineData("evil_inst.pkl", ModelFormat.Pickle, "os.system", "offset 15")]
    [InlineData("evil_obj.pkl", ModelFormat.Pickle, "os.system", "offset 1")]
    [InlineData("evil_stack_global_memo.pkl", ModelFormat.Pickle, "os.system", "offset 29")]
    [InlineData("evil_nested.pkl", ModelFormat.Pickle, "posix.system", "offset 16, nested pickle, offset 2")]
    [InlineData("evil_before_break.pkl", ModelFormat.Pickle, "os.system", "offset 0")]
    [InlineData("evil_frame_mismatch.pkl", ModelFormat.Pickle, "posix.system", "offset 26")]
    [InlineData("evil_pkgutil.pkl", ModelFormat.Pickle, "pkgutil.resolve_name", "offset 0")]
    [InlineData("evil_timeit.pkl", ModelFormat.Pickle, "timeit.timeit", "offset 0")]
    [InlineData("evil_ensurepip.pkl", ModelFormat.Pickle, "ensurepip._run_pip", "offset 0")]
    [InlineData("evil_getattr.pkl", ModelFormat.Pickle, "builtins.getattr", "offset 0")]
    [InlineData("evil_second_pickle.pkl", ModelFormat.Pickle, "posix.system", "offset 22")]
    [InlineData("evil_torch.pt", ModelFormat.PyTorchZip, "posix.system", "evil_torch/data.pkl, offset 501")]
    [InlineData("evil_torch_legacy.pt", ModelFormat.PyTorchLegacy, "posix.system", "offset 153")]
    [InlineData("evil_torch_member.pt", ModelFormat.PyTorchZip, "posix.system", "archive/data/99, offset 2")]
    [InlineData("evil_torch_badcrc.pt", ModelFormat.PyTorchZip, "posix.system", "archive/extra.bin, offset 2")]
    [InlineData("evil_object_array.npy", ModelFormat.Numpy, "posix.system", "offset 276")]
    [InlineData("evil_joblib_xz.joblib", ModelFormat.Joblib, "posix.system", "(Xz content), offset 902")]
    [InlineData("evil_wrapped.tar", ModelFormat.Tar, "posix.system", "models/weights.bin, offset 28")]
    [InlineData("evil_wrapped.gz", ModelFormat.Joblib, "posix.system", "(Gzip content), offset 28")]
    [InlineData("evil_wrapped.7z", ModelFormat.SevenZip, "posix.system", "payload.bin, offset 28")]
    public async Task Malicious_pickles_are_unsafe_and_name_the_callable(string file, ModelFormat format, string callable, string location)
    {
        var report = await Scans.FileAsync(file);
        var described = Scans.Describe(report);
        Assert.True(report.Format == format, described);
        Assert.True(report.Status == ScanStatus.Unsafe, described);
        Assert.Contains(callable, report.Imports);
        Assert.Contains(report.Findings, f => f is { Severity: ScanStatus.Unsafe, Rule: "unsafe-import" }
            && f.Message.StartsWith($"imports {callable}:", StringComparison.Ordinal) && f.Location == location);
    }

    [ModelFilesTheory]
    [InlineData("evil_keras_lambda.h5", ModelFormat.Hdf5, "keras-lambda", "Keras Lambda layer runs a stored Python function", "model_config")]
    [InlineData("evil_lambda.keras", ModelFormat.Keras, "keras-lambda", "Keras Lambda layer runs a stored Python function", "config.json")]
    [InlineData("evil_external.onnx", ModelFormat.Onnx, "onnx-external-data", "external data location '../../etc/passwd' leaves the model's folder", "")]
    [InlineData("evil.gguf", ModelFormat.Gguf, "gguf-chat-template", "tokenizer.chat_template reaches Python internals ('__init__'): template injection", "")]
    [InlineData("evil_zip_traversal.zip", ModelFormat.Zip, "zip-member", "zip member has a name that leaves the archive's folder", "../../outside.pkl")]
    public async Task Beyond_pickle_the_format_rules_find_the_payload(string file, ModelFormat format, string rule, string message, string location)
    {
        var report = await Scans.FileAsync(file);
        Assert.True(report.Format == format && report.Status == ScanStatus.Unsafe, Scans.Describe(report));
        Assert.Contains(new ModelFileFinding(ScanStatus.Unsafe, rule, message, location), report.Findings);
    }

    [ModelFilesFact]
    public async Task Stream_breaks_are_findings_beside_the_payload_they_follow()
    {
        var broken = await Scans.FileAsync("evil_before_break.pkl");
        Assert.Contains(new ModelFileFinding(ScanStatus.Suspicious, "stream-integrity", "the pickle does not parse: invalid load key, '\\xff' at offset 28", "offset 29"), broken.Findings);
        var framed = await Scans.FileAsync("evil_frame_mismatch.pkl");
        Assert.Contains(new ModelFileFinding(ScanStatus.Suspicious, "stream-integrity", "FRAME length disagrees with the opcodes: an opcode reads 3 bytes past the end of its FRAME", "offset 13"), framed.Findings);
        var crc = await Scans.FileAsync("evil_torch_badcrc.pt");
        Assert.Contains(crc.Findings, f => f is { Rule: "zip-member", Location: "archive/extra.bin" } && f.Message.StartsWith("zip member has a bad CRC-32", StringComparison.Ordinal));
    }
}
