using System.Text;
using System.Text.Json;
using PureHDF;

namespace Wharf.Scanning.ModelFiles;

/// <summary>
/// Keras models are configurations that name classes and functions to import: a <c>Lambda</c> layer carries
/// marshalled Python bytecode, a serialized function names any <c>module.function</c>, and a class from
/// outside Keras's own modules runs that module's code on import. Read from a .keras zip's config.json or a
/// .h5 file's <c>model_config</c> (and <c>training_config</c>) attribute.
/// </summary>
internal static class KerasConfig
{
    /// <summary>Keras 2 (.h5) configs name classes without modules: these are Keras's own.</summary>
    private static readonly HashSet<string> KerasClasses = new(StringComparer.Ordinal)
    {
        "Sequential", "Functional", "Model", "InputLayer", "Dense", "EinsumDense", "Conv1D", "Conv2D", "Conv3D",
        "Conv1DTranspose", "Conv2DTranspose", "Conv3DTranspose", "SeparableConv1D", "SeparableConv2D", "DepthwiseConv1D",
        "DepthwiseConv2D", "MaxPooling1D", "MaxPooling2D", "MaxPooling3D", "AveragePooling1D", "AveragePooling2D",
        "AveragePooling3D", "GlobalAveragePooling1D", "GlobalAveragePooling2D", "GlobalAveragePooling3D",
        "GlobalMaxPooling1D", "GlobalMaxPooling2D", "GlobalMaxPooling3D", "Flatten", "Reshape", "Dropout",
        "SpatialDropout1D", "SpatialDropout2D", "SpatialDropout3D", "BatchNormalization", "LayerNormalization",
        "GroupNormalization", "UnitNormalization", "Activation", "ReLU", "LeakyReLU", "PReLU", "ELU", "Softmax",
        "ThresholdedReLU", "Embedding", "LSTM", "GRU", "SimpleRNN", "LSTMCell", "GRUCell", "SimpleRNNCell", "RNN",
        "StackedRNNCells", "ConvLSTM1D", "ConvLSTM2D", "ConvLSTM3D", "Bidirectional", "TimeDistributed", "Concatenate",
        "Add", "Multiply", "Subtract", "Average", "Maximum", "Minimum", "Dot", "ZeroPadding1D", "ZeroPadding2D",
        "ZeroPadding3D", "Cropping1D", "Cropping2D", "Cropping3D", "UpSampling1D", "UpSampling2D", "UpSampling3D",
        "Permute", "RepeatVector", "Masking", "GaussianNoise", "GaussianDropout", "AlphaDropout", "ActivityRegularization",
        "MultiHeadAttention", "Attention", "AdditiveAttention", "GroupQueryAttention", "Rescaling", "Normalization",
        "Resizing", "CenterCrop", "RandomFlip", "RandomRotation", "RandomZoom", "RandomContrast", "RandomTranslation",
        "RandomCrop", "RandomBrightness", "TextVectorization", "StringLookup", "IntegerLookup", "CategoryEncoding",
        "Hashing", "Discretization", "Identity", "GlorotUniform", "GlorotNormal", "HeNormal", "HeUniform", "Zeros", "Ones",
        "Constant", "RandomNormal", "RandomUniform", "TruncatedNormal", "Orthogonal", "VarianceScaling", "LecunNormal",
        "LecunUniform", "L1", "L2", "L1L2", "OrthogonalRegularizer", "MaxNorm", "MinMaxNorm", "NonNeg", "UnitNorm",
        "Adam", "SGD", "RMSprop", "AdamW", "Adagrad", "Adadelta", "Adamax", "Nadam", "Ftrl", "Lion", "DTypePolicy",
        "Policy", "FloatDTypePolicy", "QuantizedDTypePolicy", "ExponentialDecay", "PiecewiseConstantDecay",
        "PolynomialDecay", "InverseTimeDecay", "CosineDecay", "CosineDecayRestarts", "__tensor__", "__numpy__",
        "__bytes__", "__typespec__", "__ellipsis__", "__slice__", "__tuple__",
    };

    public static void CheckJson(byte[] json, ScanSession session, string location)
    {
        using var document = JsonDocument.Parse(json, new JsonDocumentOptions { MaxDepth = 256 });
        Walk(document.RootElement, session, location);
    }

    public static void CheckHdf5(Stream stream, ScanSession session, string location)
    {
        var configs = new List<(string Name, string Text)>();
        try
        {
            using var file = H5File.Open(stream, leaveOpen: true);
            foreach (var name in new[] { "model_config", "training_config" })
                if (file.AttributeExists(name)) configs.Add((name, ReadText(file.Attribute(name))));
        }
        catch (Exception e) when (e is not OperationCanceledException and not OutOfMemoryException)
        {
            // PureHDF reports a malformed file with plain Exceptions; a file we cannot read is not vouched for.
            throw new InvalidDataException($"HDF5: {e.Message}", e);
        }
        foreach (var (name, text) in configs)
            CheckJson(Encoding.UTF8.GetBytes(text), session, location.Length == 0 ? name : $"{location}, {name}");
    }

    /// <summary>h5py writes both str and bytes (Keras 2's way) attributes as variable-length strings; numpy arrays of them as arrays.</summary>
    private static string ReadText(IH5Attribute attribute)
    {
        if (attribute.Type.Class is not (H5DataTypeClass.String or H5DataTypeClass.VariableLength))
            return Encoding.UTF8.GetString(attribute.Read<byte[]>());
        return attribute.Space.Dimensions.Length == 0 ? attribute.Read<string>() : attribute.Read<string[]>()[0];
    }

    private static void Walk(JsonElement element, ScanSession session, string location)
    {
        if (element.ValueKind == JsonValueKind.Array)
        {
            foreach (var item in element.EnumerateArray()) Walk(item, session, location);
            return;
        }
        if (element.ValueKind != JsonValueKind.Object) return;
        if (element.TryGetProperty("class_name", out var cls) && cls.ValueKind == JsonValueKind.String)
            Judge(element, cls.GetString()!, session, location);
        foreach (var property in element.EnumerateObject()) Walk(property.Value, session, location);
    }

    private static void Judge(JsonElement obj, string className, ScanSession session, string location)
    {
        var module = obj.TryGetProperty("module", out var m) && m.ValueKind == JsonValueKind.String ? m.GetString()! : null;
        if (className is "Lambda" or "__lambda__" or "TFOpLambda" or "SlicingOpLambda")
        {
            var severity = className is "TFOpLambda" or "SlicingOpLambda" ? ScanStatus.Suspicious : ScanStatus.Unsafe;
            session.Add(severity, "keras-lambda", $"Keras {className} layer runs a stored Python function", location);
            return;
        }
        if (className == "function" && module is not null)
        {
            // A serialized function: the callable is module + config (its name).
            var name = obj.TryGetProperty("config", out var c) && c.ValueKind == JsonValueKind.String ? c.GetString()! : "";
            if (CallableRules.WhyUnsafe(module, name) is { } why) session.Add(ScanStatus.Unsafe, "keras-object", $"Keras config calls {module}.{name}: {why}", location);
            else if (!IsKerasModule(module)) session.Add(ScanStatus.Suspicious, "keras-object", $"Keras config calls {module}.{name}, outside Keras", location);
            return;
        }
        if (module is not null && !IsKerasModule(module))
        {
            var why = CallableRules.WhyUnsafe(module, className);
            session.Add(why is null ? ScanStatus.Suspicious : ScanStatus.Unsafe, "keras-object",
                $"Keras config imports {module}.{className}{(why is null ? ", outside Keras: it needs trust" : $": {why}")}", location);
        }
        else if (module is null && !KerasClasses.Contains(className) && obj.TryGetProperty("config", out _))
            session.Add(ScanStatus.Suspicious, "keras-object", $"Keras config uses the custom class {className}", location);
    }

    private static bool IsKerasModule(string module) =>
        module is "keras" or "tf_keras" || module.StartsWith("keras.", StringComparison.Ordinal)
        || module.StartsWith("tf_keras.", StringComparison.Ordinal) || module.StartsWith("tensorflow.keras", StringComparison.Ordinal);
}
