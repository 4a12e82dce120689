using Wharf.Scanning.ModelFiles;

namespace Wharf.Scanning.Tests.ModelFiles;

/// <summary>
/// Files written by torch, numpy, scikit-learn/joblib, h5py and onnx themselves (make_models.py): benign ones
/// come out safe (torch, numpy, data) or suspicious (estimators and whole modules: code that needs trust),
/// never unsafe, each with exactly the imports the real pickles name.
/// </summary>
public sealed class RealModelFileTests
{
    private const string Tensor = "collections.OrderedDict, torch._utils._rebuild_tensor_v2, torch.FloatStorage";
    private const string Module = "torch.nn.modules.container.Sequential, collections.OrderedDict, builtins.set, torch.nn.modules.linear.Linear, torch._utils._rebuild_parameter, torch._utils._rebuild_tensor_v2, torch.FloatStorage, torch.nn.modules.activation.ReLU";
    private const string Logistic = "sklearn.linear_model._logistic.LogisticRegression, joblib.numpy_pickle.NumpyArrayWrapper, numpy.ndarray, numpy.dtype";

    [ModelFilesTheory]
    [InlineData("benign_torch_state_dict.pt", ModelFormat.PyTorchZip, ScanStatus.Safe, Tensor)]
    [InlineData("benign_torch_state_dict_legacy.pt", ModelFormat.PyTorchLegacy, ScanStatus.Safe, Tensor)]
    [InlineData("benign_torch_state_dict_legacy_p4.pt", ModelFormat.PyTorchLegacy, ScanStatus.Safe, Tensor)]
    [InlineData("benign_torch_checkpoint.pt", ModelFormat.PyTorchZip, ScanStatus.Safe, Tensor + ", torch.Size, torch.HalfStorage")]
    [InlineData("benign_torch_module.pt", ModelFormat.PyTorchZip, ScanStatus.Suspicious, Module)]
    [InlineData("benign_torch_module_legacy.pt", ModelFormat.PyTorchLegacy, ScanStatus.Suspicious, Module)]
    [InlineData("benign_array.npy", ModelFormat.Numpy, ScanStatus.Safe, "")]
    [InlineData("benign_object_array.npy", ModelFormat.Numpy, ScanStatus.Safe, "numpy.core.multiarray._reconstruct, numpy.ndarray, numpy.dtype")]
    [InlineData("benign_arrays.npz", ModelFormat.NumpyZip, ScanStatus.Safe, "")]
    [InlineData("benign_arrays_compressed.npz", ModelFormat.NumpyZip, ScanStatus.Safe, "")]
    [InlineData("benign_numpy_pickle.pkl", ModelFormat.Pickle, ScanStatus.Safe, "numpy.core.multiarray._reconstruct, numpy.ndarray, numpy.dtype, numpy.core.multiarray.scalar")]
    [InlineData("benign_sklearn.joblib", ModelFormat.Joblib, ScanStatus.Suspicious, Logistic)]
    [InlineData("benign_sklearn_zlib.joblib", ModelFormat.Joblib, ScanStatus.Suspicious, Logistic)]
    [InlineData("benign_sklearn_gzip.joblib", ModelFormat.Joblib, ScanStatus.Suspicious, Logistic)]
    [InlineData("benign_sklearn_bz2.joblib", ModelFormat.Joblib, ScanStatus.Suspicious, Logistic)]
    [InlineData("benign_sklearn_xz.joblib", ModelFormat.Joblib, ScanStatus.Suspicious, Logistic)]
    [InlineData("benign_sklearn_lzma.joblib", ModelFormat.Joblib, ScanStatus.Suspicious, Logistic)]
    [InlineData("benign_sklearn_tree.joblib", ModelFormat.Joblib, ScanStatus.Suspicious, "sklearn.tree._classes.DecisionTreeClassifier, joblib.numpy_pickle.NumpyArrayWrapper, numpy.ndarray, numpy.dtype, numpy.core.multiarray.scalar, sklearn.tree._tree.Tree")]
    [InlineData("benign_data_p0.pkl", ModelFormat.Pickle, ScanStatus.Safe, "_codecs.encode, builtins.set, builtins.frozenset, builtins.complex, builtins.bytearray, collections.OrderedDict, builtins.slice, builtins.range")]
    [InlineData("benign_data_p1.pkl", ModelFormat.Pickle, ScanStatus.Safe, "_codecs.encode, builtins.set, builtins.frozenset, builtins.complex, builtins.bytearray, collections.OrderedDict, builtins.slice, builtins.range")]
    [InlineData("benign_data_p2.pkl", ModelFormat.Pickle, ScanStatus.Safe, "_codecs.encode, builtins.set, builtins.frozenset, builtins.complex, builtins.bytearray, collections.OrderedDict, builtins.slice, builtins.range")]
    [InlineData("benign_data_p3.pkl", ModelFormat.Pickle, ScanStatus.Safe, "builtins.set, builtins.frozenset, builtins.complex, builtins.bytearray, collections.OrderedDict, builtins.slice, builtins.range")]
    [InlineData("benign_data_p4.pkl", ModelFormat.Pickle, ScanStatus.Safe, "builtins.complex, builtins.bytearray, collections.OrderedDict, builtins.slice, builtins.range")]
    [InlineData("benign_data_p5.pkl", ModelFormat.Pickle, ScanStatus.Safe, "builtins.complex, collections.OrderedDict, builtins.slice, builtins.range")]
    [InlineData("benign.safetensors", ModelFormat.Safetensors, ScanStatus.Safe, "")]
    [InlineData("benign.gguf", ModelFormat.Gguf, ScanStatus.Safe, "")]
    [InlineData("benign.onnx", ModelFormat.Onnx, ScanStatus.Safe, "")]
    [InlineData("benign.tflite", ModelFormat.TfLite, ScanStatus.Safe, "")]
    [InlineData("benign_keras.h5", ModelFormat.Hdf5, ScanStatus.Safe, "")]
    public async Task Benign_files_are_safe_or_suspicious_with_their_exact_imports(string file, ModelFormat format, ScanStatus status, string imports)
    {
        var report = await Scans.FileAsync(file);
        var described = Scans.Describe(report);
        Assert.True(report.Format == format, described);
        Assert.True(report.Status == status, described);
        Assert.Equal(imports, string.Join(", ", report.Imports));
        Assert.DoesNotContain(report.Findings, f => f.Severity == ScanStatus.Unsafe);
        // Suspicious only because of the classes they name, never because the stream looked broken.
        Assert.All(report.Findings, f => Assert.Equal("unlisted-import", f.Rule));
    }

    [ModelFilesFact]
    public async Task A_forward_only_stream_gives_the_same_report_as_a_seekable_file()
    {
        foreach (var file in new[] { "benign_torch_state_dict.pt", "benign_keras.h5", "benign_arrays.npz", "benign_sklearn_xz.joblib", "evil_torch_member.pt" })
        {
            var seekable = await Scans.FileAsync(file);
            var forward = Scans.ForwardOnly(await File.ReadAllBytesAsync(ModelFilesFixture.PathOf(file)));
            Assert.Equal(Scans.Describe(seekable).Replace(file, "test", StringComparison.Ordinal), Scans.Describe(forward));
        }
    }
}
