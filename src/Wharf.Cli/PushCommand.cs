using System.CommandLine;
using System.Globalization;
using System.Text.Json;
using Wharf.Client.ModelPack;

namespace Wharf.Cli;

/// <summary><c>wharf push DIR REF</c>: packs a model directory as a CNCF ModelPack artifact and pushes it.</summary>
internal static class PushCommand
{
    public static Command Create()
    {
        var directory = new Argument<string>("DIR") { Description = "The model directory" };
        var reference = new Argument<string>("REF") { Description = "Where to push: HOST[:PORT]/REPOSITORY[:TAG]" };
        var flags = new RegistryFlags();
        var name = new Option<string?>("--name") { Description = "Model name (default: the repository's last segment)" };
        var version = new Option<string?>("--version") { Description = "Model version (default: the tag)" };
        var architecture = new Option<string?>("--architecture") { Description = "e.g. transformer, LlamaForCausalLM (default: config.json architectures)" };
        var format = new Option<string?>("--format") { Description = "e.g. safetensors, gguf, onnx, pytorch (default: from the weight files)" };
        var paramSize = new Option<string?>("--param-size") { Description = "Parameter count, e.g. 7B, 350M" };
        var precision = new Option<string?>("--precision") { Description = "e.g. bf16, fp16, int8 (default: config.json torch_dtype)" };
        var quantization = new Option<string?>("--quantization") { Description = "e.g. awq, gptq, q4_k_m" };
        var license = new Option<string?>("--license") { Description = "SPDX license expression (default: README front matter license:)" };
        var description = new Option<string?>("--description") { Description = "One-line description" };
        var sourceUrl = new Option<string?>("--source-url") { Description = "Where the model's source lives" };
        var created = new Option<string?>("--created") { Description = "Creation time, RFC 3339 (never taken from the clock, so pushes stay reproducible)" };
        var trainingRun = new Option<string?>("--training-run") { Description = "URI of the training run (org.wharf.training.run)" };
        var sourceCommit = new Option<string?>("--source-commit") { Description = "Commit of the training code (org.wharf.source.commit)" };
        var baseModel = new Option<string?>("--base-model") { Description = "Reference of the model this one was fine-tuned from" };
        var datasets = new Option<string[]>("--dataset-digest") { Description = "Digest of a dataset used (repeatable)", AllowMultipleArgumentsPerToken = false };
        var metrics = new Option<string[]>("--metric") { Description = "NAME=VALUE evaluation metric (repeatable)" };
        var annotations = new Option<string[]>("--annotation") { Description = "KEY=VALUE manifest annotation (repeatable)" };
        var mountFrom = new Option<string[]>("--mount-from") { Description = "Another repository of the same registry to link existing blobs from (repeatable; the --base-model's repository is tried too)" };
        var parallel = new Option<int>("--parallel") { Description = "Blobs uploaded at once", DefaultValueFactory = _ => 4 };
        var chunkSize = new Option<string?>("--chunk-size") { Description = "Size of one upload chunk, e.g. 64MiB (also the most an interruption costs)" };
        var limitRate = new Option<string?>("--limit-rate") { Description = "Upload bandwidth cap, e.g. 10MiB (per second)" };
        var quiet = new Option<bool>("--quiet", "-q") { Description = "No progress output" };
        var json = new Option<bool>("--json") { Description = "Print the result as JSON" };

        var command = new Command("push", "Pack a model directory as a CNCF ModelPack artifact and push it")
        {
            directory, reference, name, version, architecture, format, paramSize, precision, quantization, license, description,
            sourceUrl, created, trainingRun, sourceCommit, baseModel, datasets, metrics, annotations, mountFrom, parallel, chunkSize, limitRate, quiet, json,
        };
        flags.AddTo(command);
        command.SetAction((result, ct) => CliRun.GuardAsync(async () =>
        {
            var target = CliRun.ParseReference(result.GetValue(reference)!);
            if (target.Tag is null && target.Digest is null)
            {
                // As docker does: a push names something, never leaves an untagged manifest nobody can find.
                target = target with { Tag = "latest" };
                Console.Error.WriteLine($"no tag given: pushing {target.Registry}/{target.Repository}:latest");
            }
            var options = new ModelPackOptions
            {
                Name = result.GetValue(name),
                Version = result.GetValue(version),
                Architecture = result.GetValue(architecture),
                Format = result.GetValue(format),
                ParamSize = result.GetValue(paramSize),
                Precision = result.GetValue(precision),
                Quantization = result.GetValue(quantization),
                License = result.GetValue(license),
                Description = result.GetValue(description),
                SourceUrl = result.GetValue(sourceUrl),
                Created = result.GetValue(created) is { } c ? DateTimeOffset.Parse(c, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal) : null,
                TrainingRun = result.GetValue(trainingRun),
                SourceCommit = result.GetValue(sourceCommit),
                BaseModel = result.GetValue(baseModel),
                DatasetDigests = result.GetValue(datasets) ?? [],
                Metrics = Pairs(result.GetValue(metrics), "--metric"),
                Annotations = Pairs(result.GetValue(annotations), "--annotation"),
            };
            long chunk = Sizes.Parse(result.GetValue(chunkSize), "--chunk-size") ?? 64L * 1024 * 1024;
            long rate = Sizes.Parse(result.GetValue(limitRate), "--limit-rate") ?? 0;
            int parallelism = Math.Clamp(result.GetValue(parallel), 1, 32);
            using var client = flags.CreateClient(result, target.Registry, o => o with
            {
                ChunkSize = chunk,
                MonolithicLimit = Math.Min(o.MonolithicLimit, chunk),
                UploadBytesPerSecond = rate,
            });
            bool asJson = result.GetValue(json);
            var pushed = await ConsoleProgress.RunAsync(result.GetValue(quiet) || asJson, progress =>
                new ModelPackPusher(client, progress, parallelism, mountFrom: result.GetValue(mountFrom)).PushAsync(result.GetValue(directory)!, target, options, ct));

            if (asJson)
            {
                Console.WriteLine(JsonSerializer.Serialize(new Dictionary<string, object>
                {
                    ["reference"] = target.ToString(),
                    ["digest"] = pushed.ManifestDigest.ToString(),
                    ["blobs"] = pushed.Blobs,
                    ["uploaded"] = pushed.Uploaded,
                    ["existed"] = pushed.Existed,
                    ["mounted"] = pushed.Mounted,
                    ["resumed"] = pushed.Resumed,
                    ["bytesSent"] = pushed.BytesSent,
                    ["totalBytes"] = pushed.TotalBytes,
                }));
                return 0;
            }
            Console.WriteLine($"pushed {target.Registry}/{target.Repository}{(target.Tag is null ? "" : ":" + target.Tag)}@{pushed.ManifestDigest}");
            Console.WriteLine($"  {pushed.Blobs} blobs: {pushed.Uploaded} uploaded ({pushed.Resumed} resumed), {pushed.Existed} already present, {pushed.Mounted} mounted; "
                + $"sent {CliRun.Bytes(pushed.BytesSent)} of {CliRun.Bytes(pushed.TotalBytes)}");
            return 0;
        }));
        return command;
    }

    internal static IReadOnlyList<KeyValuePair<string, string>> Pairs(string[]? values, string flag)
    {
        var pairs = new List<KeyValuePair<string, string>>();
        foreach (string value in values ?? [])
        {
            int eq = value.IndexOf('=');
            if (eq <= 0) throw new ArgumentException($"{flag} '{value}' must be KEY=VALUE");
            pairs.Add(new(value[..eq].Trim(), value[(eq + 1)..].Trim()));
        }
        return pairs;
    }
}

/// <summary>Sizes as people write them: 1048576, 64MiB, 64MB, 512k.</summary>
internal static class Sizes
{
    public static long? Parse(string? text, string flag)
    {
        if (string.IsNullOrWhiteSpace(text)) return null;
        string t = text.Trim();
        int split = 0;
        while (split < t.Length && (char.IsAsciiDigit(t[split]) || t[split] == '.')) split++;
        if (!double.TryParse(t[..split], NumberStyles.Float, CultureInfo.InvariantCulture, out double number) || number <= 0)
            throw new ArgumentException($"{flag} '{text}' is not a size (e.g. 64MiB)");
        long unit = t[split..].Trim().ToLowerInvariant() switch
        {
            "" or "b" => 1,
            "k" or "kb" or "kib" => 1024,
            "m" or "mb" or "mib" => 1024 * 1024,
            "g" or "gb" or "gib" => 1024L * 1024 * 1024,
            _ => throw new ArgumentException($"{flag} '{text}' has an unknown unit (use B, KiB, MiB or GiB)"),
        };
        return (long)(number * unit);
    }
}
