namespace Wharf.Scanning.ModelFiles;

/// <summary>
/// What a loader accepts as data: the allow list a pickle is judged against. Anything a pickle imports that
/// its profile does not list is a finding; safe means every import is listed here.
/// </summary>
internal sealed class LoaderProfile(string name, HashSet<string> allowed, Func<string, string, bool>? pattern = null)
{
    public string Name { get; } = name;

    public bool Allows(string module, string qualname) =>
        allowed.Contains(module + "." + qualname) || (pattern?.Invoke(module, qualname) ?? false);
}

internal static class LoaderProfiles
{
    /// <summary>Plain containers and builtins that only hold data (what protocol 0–5 write for data).</summary>
    private static readonly string[] Data =
    [
        "builtins.set", "builtins.frozenset", "builtins.bytearray", "builtins.bytes", "builtins.complex", "builtins.slice",
        "builtins.range", "builtins.int", "builtins.float", "builtins.bool", "builtins.str", "builtins.list",
        "builtins.dict", "builtins.tuple", "builtins.object", "builtins.Ellipsis", "builtins.NotImplemented",
        "_codecs.encode", "collections.OrderedDict", "collections.defaultdict", "collections.deque", "collections.Counter",
        "datetime.datetime", "datetime.date", "datetime.time", "datetime.timedelta", "datetime.timezone",
        "decimal.Decimal", "fractions.Fraction", "uuid.UUID",
    ];

    /// <summary>numpy array and scalar reconstruction (numpy 1's numpy.core and numpy 2's numpy._core).</summary>
    private static readonly string[] Numpy =
    [
        "numpy.core.multiarray._reconstruct", "numpy._core.multiarray._reconstruct", "numpy.ndarray", "numpy.dtype",
        "numpy.core.multiarray.scalar", "numpy._core.multiarray.scalar", "numpy.core.numeric._frombuffer",
        "numpy._core.numeric._frombuffer", "numpy.ma.core._mareconstruct", "numpy._core.ma.core._mareconstruct",
        "numpy.ma.core.MaskedArray", "numpy.matrix", "numpy.core.defmatrix.matrix", "numpy.matrixlib.defmatrix.matrix",
    ];

    /// <summary>
    /// torch.load(weights_only=True): torch/_weights_only_unpickler.py's _get_allowed_globals (tensor rebuild
    /// helpers, Parameter, Size, layouts, dtypes, storages) across torch 1.13–2.x.
    /// </summary>
    private static readonly string[] Torch =
    [
        "torch.nn.parameter.Parameter", "torch.serialization._get_layout", "torch.Size", "torch.Tensor", "torch.device",
        "torch._utils._rebuild_parameter", "torch._utils._rebuild_parameter_with_state", "torch._utils._rebuild_tensor",
        "torch._utils._rebuild_tensor_v2", "torch._utils._rebuild_tensor_v3", "torch._utils._rebuild_sparse_tensor",
        "torch._utils._rebuild_meta_tensor_no_storage", "torch._utils._rebuild_sparse_csr_tensor",
        "torch._utils._rebuild_nested_tensor", "torch._utils._rebuild_qtensor", "torch._utils._rebuild_wrapper_subclass",
        "torch._utils._rebuild_device_tensor_from_cpu_tensor", "torch._utils._rebuild_device_tensor_from_numpy",
        "torch._tensor._rebuild_from_type_v2", "torch.storage.UntypedStorage", "torch.storage.TypedStorage",
        "torch.strided", "torch.sparse_coo", "torch.sparse_csr", "torch.sparse_csc", "torch.sparse_bsr", "torch.sparse_bsc",
        "torch._mkldnn", "torch.per_tensor_affine", "torch.per_channel_affine", "torch.per_tensor_symmetric",
        "torch.per_channel_symmetric", "torch.per_channel_affine_float_qparams",
    ];

    private static readonly string[] JoblibWrappers =
        ["joblib.numpy_pickle.NumpyArrayWrapper", "sklearn.externals.joblib.numpy_pickle.NumpyArrayWrapper"];

    private static readonly HashSet<string> TorchDtypes = new(StringComparer.Ordinal)
    {
        "float16", "float32", "float64", "bfloat16", "half", "float", "double", "complex32", "complex64", "complex128",
        "cfloat", "cdouble", "int8", "int16", "int32", "int64", "uint8", "uint16", "uint32", "uint64", "bool", "short",
        "int", "long", "quint8", "qint8", "qint32", "quint4x2", "quint2x4", "float8_e4m3fn", "float8_e5m2",
        "float8_e4m3fnuz", "float8_e5m2fnuz", "bits8", "bits16",
    };

    /// <summary>A pickle of unknown loader: joblib's array wrapper is data too (its arrays are read the way joblib reads them).</summary>
    public static LoaderProfile Pickle { get; } = new("pickle", [.. Data, .. Numpy, .. JoblibWrappers], IsNumpyDtypeClass);

    public static LoaderProfile NumpyObjectArray { get; } = new("numpy", [.. Data, .. Numpy], IsNumpyDtypeClass);

    public static LoaderProfile Joblib { get; } = new("joblib",
        [.. Data, .. Numpy, .. JoblibWrappers],
        IsNumpyDtypeClass);

    public static LoaderProfile TorchWeights { get; } = new("torch", [.. Data, .. Numpy, .. Torch], IsTorchType);

    /// <summary>torch.FloatStorage, torch.cuda.HalfStorage…, torch.float32…, and numpy 2's dtype classes.</summary>
    private static bool IsTorchType(string module, string name) =>
        ((module is "torch" or "torch.cuda") && name.EndsWith("Storage", StringComparison.Ordinal) && !name.Contains('.'))
        || (module == "torch" && TorchDtypes.Contains(name))
        || IsNumpyDtypeClass(module, name);

    private static bool IsNumpyDtypeClass(string module, string name) =>
        module == "numpy.dtypes" && name.EndsWith("DType", StringComparison.Ordinal) && !name.Contains('.');
}
