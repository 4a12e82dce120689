using System.CommandLine;
using System.Text.Json;
using Wharf.Client.ModelPack;

namespace Wharf.Cli;

/// <summary><c>wharf pull REF DIR</c>: rebuilds a model directory from a ModelPack artifact, verifying every file.</summary>
internal static class PullCommand
{
    public static Command Create()
    {
        var reference = new Argument<string>("REF") { Description = "What to pull: HOST[:PORT]/REPOSITORY[:TAG|@DIGEST]" };
        var directory = new Argument<string>("DIR") { Description = "Where to write the files (created if missing)" };
        var flags = new RegistryFlags();
        var parallel = new Option<int>("--parallel") { Description = "Files downloaded at once", DefaultValueFactory = _ => 4 };
        var quiet = new Option<bool>("--quiet", "-q") { Description = "No progress output" };
        var json = new Option<bool>("--json") { Description = "Print the result as JSON" };
        var force = new Option<bool>("--force") { Description = "Replace files in DIR whose bytes differ from the artifact's (edited locally, another version)" };
        var command = new Command("pull", "Pull a model artifact into a directory (every path checked, every digest verified)")
        {
            reference, directory, parallel, quiet, json, force,
        };
        flags.AddTo(command);
        command.SetAction((result, ct) => CliRun.GuardAsync(async () =>
        {
            var source = CliRun.ParseReference(result.GetValue(reference)!);
            string target = result.GetValue(directory)!;
            using var client = flags.CreateClient(result, source.Registry);
            bool asJson = result.GetValue(json);
            var pulled = await ConsoleProgress.RunAsync(result.GetValue(quiet) || asJson, progress =>
                new ModelPackPuller(client, progress, Math.Clamp(result.GetValue(parallel), 1, 32), result.GetValue(force)).PullAsync(source, target, ct));
            if (asJson)
            {
                Console.WriteLine(JsonSerializer.Serialize(new Dictionary<string, object>
                {
                    ["reference"] = source.ToString(),
                    ["digest"] = pulled.ManifestDigest.ToString(),
                    ["files"] = pulled.Files,
                    ["downloaded"] = pulled.Downloaded,
                    ["present"] = pulled.AlreadyPresent,
                    ["bytesReceived"] = pulled.BytesReceived,
                    ["totalBytes"] = pulled.TotalBytes,
                }));
                return 0;
            }
            Console.WriteLine($"pulled {source} ({pulled.ManifestDigest}) into {target}");
            Console.WriteLine($"  {pulled.Files} files verified: {pulled.Downloaded} downloaded, {pulled.AlreadyPresent} already there; "
                + $"received {CliRun.Bytes(pulled.BytesReceived)} of {CliRun.Bytes(pulled.TotalBytes)}");
            return 0;
        }));
        return command;
    }
}
