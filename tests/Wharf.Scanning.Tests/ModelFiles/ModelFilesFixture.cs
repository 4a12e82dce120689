using System.Diagnostics;

namespace Wharf.Scanning.Tests.ModelFiles;

/// <summary>
/// Runs make_models.py once with Debian's /usr/bin/python3 (where python3-torch, -sklearn, -joblib, -numpy,
/// -h5py and -onnx install) into a temporary folder shared by every test that needs real model files.
/// </summary>
public static class ModelFilesFixture
{
    private const string Python = "/usr/bin/python3";
    private static readonly Lazy<string?> MissingReason = new(FindMissing);
    private static readonly Lazy<string> Folder = new(Make);

    /// <summary>Null when the real files can be made; otherwise why not (shown as the skip reason).</summary>
    public static string? Missing => MissingReason.Value;

    public static string PathOf(string name) => Path.Combine(Folder.Value, name);

    private static string? FindMissing()
    {
        if (!File.Exists(Python)) return $"{Python} is missing; install python3-torch python3-sklearn python3-joblib python3-numpy python3-h5py python3-onnx";
        var (code, output) = Run("-c \"import torch, sklearn, joblib, numpy, h5py, onnx\"");
        return code == 0 ? null : $"{Python} lacks a module ({output.Trim().Split('\n')[^1]}); apt-get install python3-torch python3-sklearn python3-joblib python3-numpy python3-h5py python3-onnx";
    }

    private static string Make()
    {
        var folder = Path.Combine(Path.GetTempPath(), "wharf-model-files-" + Guid.NewGuid().ToString("N"));
        var script = Path.Combine(AppContext.BaseDirectory, "ModelFiles", "make_models.py");
        var (code, output) = Run($"\"{script}\" \"{folder}\"");
        if (code != 0) throw new InvalidOperationException($"make_models.py failed: {output}");
        AppDomain.CurrentDomain.ProcessExit += (_, _) => { try { Directory.Delete(folder, recursive: true); } catch (IOException) { } };
        return folder;
    }

    private static (int Code, string Output) Run(string arguments)
    {
        var start = new ProcessStartInfo(Python, arguments) { RedirectStandardOutput = true, RedirectStandardError = true };
        using var process = Process.Start(start)!;
        var stderr = process.StandardError.ReadToEndAsync();
        var stdout = process.StandardOutput.ReadToEnd();
        process.WaitForExit();
        return (process.ExitCode, stdout + stderr.Result);
    }
}

/// <summary>A fact over the real model files: skipped, with the reason, where /usr/bin/python3 cannot make them.</summary>
public sealed class ModelFilesFactAttribute : FactAttribute
{
    public ModelFilesFactAttribute()
    {
        if (ModelFilesFixture.Missing is { } reason) Skip = reason;
    }
}

public sealed class ModelFilesTheoryAttribute : TheoryAttribute
{
    public ModelFilesTheoryAttribute()
    {
        if (ModelFilesFixture.Missing is { } reason) Skip = reason;
    }
}
