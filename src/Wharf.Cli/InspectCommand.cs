using System.CommandLine;
using System.Text.Encodings.Web;
using System.Text.Json;
using Wharf.Client.ModelPack;
using Wharf.Core;

namespace Wharf.Cli;

/// <summary><c>wharf inspect REF</c>: the manifest, config fields, files and annotations of an artifact.</summary>
internal static class InspectCommand
{
    public static Command Create()
    {
        var reference = new Argument<string>("REF") { Description = "HOST[:PORT]/REPOSITORY[:TAG|@DIGEST]" };
        var flags = new RegistryFlags();
        var json = new Option<bool>("--json") { Description = "Print as JSON" };
        var command = new Command("inspect", "Show an artifact: manifest, config, files, annotations, attachments") { reference, json };
        flags.AddTo(command);
        command.SetAction((result, ct) => CliRun.GuardAsync(async () =>
        {
            var target = CliRun.ParseReference(result.GetValue(reference)!);
            using var client = flags.CreateClient(result, target.Registry);
            var summary = await ArtifactSummary.ReadAsync(client, target, ct);
            var referrers = await client.ListReferrersAsync(target.Repository, summary.Digest, ct: ct);
            if (result.GetValue(json))
            {
                Console.WriteLine(JsonSerializer.Serialize(new Dictionary<string, object?>
                {
                    ["reference"] = summary.Reference,
                    ["digest"] = summary.Digest.ToString(),
                    ["mediaType"] = summary.MediaType,
                    ["artifactType"] = summary.ArtifactType,
                    ["config"] = summary.Config is { } c ? new { mediaType = c.MediaType, digest = c.Digest.ToString(), size = c.Size } : null,
                    ["configFields"] = summary.ConfigFields,
                    ["files"] = summary.Files.Select(f => new { path = f.Path, mediaType = f.MediaType, digest = f.Digest.ToString(), size = f.Size }),
                    ["annotations"] = summary.Annotations,
                    ["subject"] = summary.Subject?.Digest.ToString(),
                    ["referrers"] = referrers.Select(r => new { digest = r.Digest.ToString(), artifactType = r.ArtifactType, annotations = r.Annotations }),
                }, new JsonSerializerOptions { WriteIndented = true, Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping }));
                return 0;
            }
            Console.WriteLine($"{summary.Reference}");
            Console.WriteLine($"  digest        {summary.Digest}");
            Console.WriteLine($"  media type    {summary.MediaType}");
            if (summary.ArtifactType is not null) Console.WriteLine($"  artifact type {summary.ArtifactType}");
            if (summary.Subject is { } subject) Console.WriteLine($"  subject       {subject.Digest}");
            if (summary.ConfigFields.Count > 0)
            {
                Console.WriteLine("config:");
                foreach (var (key, value) in summary.ConfigFields) Console.WriteLine($"  {key} = {value}");
            }
            Console.WriteLine($"files ({summary.Files.Count}, {CliRun.Bytes(summary.TotalSize)}):");
            foreach (var file in summary.Files)
                Console.WriteLine($"  {file.Path,-40} {CliRun.Bytes(file.Size),10}  {Kind(file.MediaType),-14} {CliRun.Short(file.Digest)}");
            if (summary.Annotations.Count > 0)
            {
                Console.WriteLine("annotations:");
                foreach (var (key, value) in summary.Annotations) Console.WriteLine($"  {key} = {value}");
            }
            if (referrers.Count > 0)
            {
                Console.WriteLine($"attachments ({referrers.Count}):");
                foreach (var r in referrers)
                    Console.WriteLine($"  {Attachments.KindOf(r.ArtifactType) ?? r.ArtifactType ?? "?",-10} {r.Digest}");
            }
            return 0;
        }));
        return command;
    }

    /// <summary>"weight", "doc", … for ModelPack layers; the media type otherwise.</summary>
    internal static string Kind(string mediaType)
    {
        const string prefix = ModelMediaTypes.ModelPackPrefix;
        if (!mediaType.StartsWith(prefix, StringComparison.Ordinal)) return mediaType;
        string rest = mediaType[prefix.Length..];
        int v1 = rest.IndexOf(".v1", StringComparison.Ordinal);
        return v1 < 0 ? rest : rest[..v1];
    }
}
