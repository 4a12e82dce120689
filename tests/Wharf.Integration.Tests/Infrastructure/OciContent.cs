using System.Formats.Tar;
using System.IO.Compression;
using System.Runtime.InteropServices;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace Wharf.Integration.Tests.Infrastructure;

public static class MediaType
{
    public const string OciManifest = "application/vnd.oci.image.manifest.v1+json";
    public const string OciIndex = "application/vnd.oci.image.index.v1+json";
    public const string OciConfig = "application/vnd.oci.image.config.v1+json";
    public const string OciEmpty = "application/vnd.oci.empty.v1+json";
    public const string OciLayerGzip = "application/vnd.oci.image.layer.v1.tar+gzip";
    public const string OciLayerTar = "application/vnd.oci.image.layer.v1.tar";
    public const string DockerManifest = "application/vnd.docker.distribution.manifest.v2+json";
    public const string DockerManifestList = "application/vnd.docker.distribution.manifest.list.v2+json";
    public const string DockerConfig = "application/vnd.docker.container.image.v1+json";
    public const string DockerLayer = "application/vnd.docker.image.rootfs.diff.tar.gzip";
    public const string OctetStream = "application/octet-stream";
}

public static class Digests
{
    public static string Sha256(ReadOnlySpan<byte> data) => "sha256:" + Convert.ToHexStringLower(SHA256.HashData(data));

    public static string Sha512(ReadOnlySpan<byte> data) => "sha512:" + Convert.ToHexStringLower(SHA512.HashData(data));

    public static async Task<string> Sha256Async(Stream stream, CancellationToken cancellationToken = default) =>
        "sha256:" + Convert.ToHexStringLower(await SHA256.HashDataAsync(stream, cancellationToken));

    /// <summary>A well-formed sha256 digest of nothing that was ever pushed.</summary>
    public static string Unknown() => Sha256(RandomNumberGenerator.GetBytes(32));

    public static string Hex(string digest) => digest[(digest.IndexOf(':') + 1)..];
}

/// <summary>Bytes with the media type they are pushed under.</summary>
public sealed record Blob(string MediaType, byte[] Data)
{
    public string Digest { get; } = Digests.Sha256(Data);
    public long Size => Data.LongLength;

    public JsonObject Descriptor(Action<JsonObject>? extend = null)
    {
        var descriptor = new JsonObject { ["mediaType"] = MediaType, ["digest"] = Digest, ["size"] = Size };
        extend?.Invoke(descriptor);
        return descriptor;
    }

    public static Blob Random(int size, string mediaType = Infrastructure.MediaType.OctetStream) =>
        new(mediaType, RandomNumberGenerator.GetBytes(size));

    public static Blob Json(JsonNode node, string mediaType) => new(mediaType, OciJson.Bytes(node));

    /// <summary>The OCI empty descriptor's blob, <c>{}</c>.</summary>
    public static Blob Empty { get; } = new(Infrastructure.MediaType.OciEmpty, "{}"u8.ToArray());
}

/// <summary>A layer tarball, gzip-compressed, with the files it holds (to check what a client unpacked).</summary>
public sealed record Layer(Blob Blob, string DiffId, IReadOnlyDictionary<string, byte[]> Files);

/// <summary>A manifest (image, artifact or index) with everything it references.</summary>
public sealed class TestImage
{
    public required Blob Manifest { get; init; }
    public Blob? Config { get; init; }
    public IReadOnlyList<Layer> Layers { get; init; } = [];
    public IReadOnlyList<Blob> ExtraBlobs { get; init; } = [];
    public IReadOnlyList<TestImage> Children { get; init; } = [];
    public string? Platform { get; init; }

    public string Digest => Manifest.Digest;
    public string MediaType => Manifest.MediaType;

    /// <summary>Every blob (not manifest) this image and its children reference.</summary>
    public IEnumerable<Blob> AllBlobs()
    {
        if (Config is not null) yield return Config;
        foreach (var layer in Layers) yield return layer.Blob;
        foreach (var blob in ExtraBlobs) yield return blob;
        foreach (var child in Children)
            foreach (var blob in child.AllBlobs()) yield return blob;
    }

    /// <summary>Every manifest: children first, then this one.</summary>
    public IEnumerable<Blob> AllManifests()
    {
        foreach (var child in Children)
            foreach (var manifest in child.AllManifests()) yield return manifest;
        yield return Manifest;
    }

    public JsonObject Descriptor(Action<JsonObject>? extend = null) => Manifest.Descriptor(extend);
}

public static class OciJson
{
    private static readonly JsonSerializerOptions Compact = new() { WriteIndented = false };

    public static byte[] Bytes(JsonNode node) => Encoding.UTF8.GetBytes(node.ToJsonString(Compact));

    public static JsonNode Parse(byte[] data) => JsonNode.Parse(data) ?? throw new InvalidDataException("JSON null");
}

/// <summary>Generates images, indexes and artifacts with random content.</summary>
public static class Images
{
    public static string HostArchitecture => RuntimeInformation.OSArchitecture switch
    {
        Architecture.X64 => "amd64",
        Architecture.Arm64 => "arm64",
        Architecture.Arm => "arm",
        Architecture.S390x => "s390x",
        Architecture.Ppc64le => "ppc64le",
        _ => "amd64",
    };

    /// <summary>A runnable-looking OCI (or Docker schema 2) image: gzip tar layers, a config whose diff_ids match.</summary>
    public static TestImage Random(int layers = 2, string? architecture = null, bool docker = false,
        int maxFileBytes = 48 * 1024, IDictionary<string, string>? annotations = null)
    {
        architecture ??= HostArchitecture;
        var layerList = Enumerable.Range(0, layers).Select(i => RandomLayer(i, maxFileBytes, docker)).ToList();
        var config = new JsonObject
        {
            ["created"] = "2024-01-01T00:00:00Z",
            ["architecture"] = architecture,
            ["os"] = "linux",
            ["config"] = new JsonObject
            {
                ["Env"] = new JsonArray("PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin"),
                ["Cmd"] = new JsonArray("/bin/true"),
                ["Labels"] = new JsonObject { ["wharf.test.nonce"] = Guid.NewGuid().ToString("N") },
            },
            ["rootfs"] = new JsonObject
            {
                ["type"] = "layers",
                ["diff_ids"] = new JsonArray(layerList.Select(l => (JsonNode)JsonValue.Create(l.DiffId)!).ToArray()),
            },
        };
        var configBlob = Blob.Json(config, docker ? MediaType.DockerConfig : MediaType.OciConfig);
        string manifestType = docker ? MediaType.DockerManifest : MediaType.OciManifest;
        var manifest = new JsonObject
        {
            ["schemaVersion"] = 2,
            ["mediaType"] = manifestType,
            ["config"] = configBlob.Descriptor(),
            ["layers"] = new JsonArray(layerList.Select(l => (JsonNode)l.Blob.Descriptor()).ToArray()),
        };
        if (annotations is not null && !docker) manifest["annotations"] = Annotations(annotations);
        return new TestImage
        {
            Manifest = Blob.Json(manifest, manifestType),
            Config = configBlob,
            Layers = layerList,
            Platform = architecture,
        };
    }

    /// <summary>A multi-architecture OCI image index (or Docker manifest list) over one image per architecture.</summary>
    public static TestImage Index(IEnumerable<string>? architectures = null, int layers = 2, bool docker = false)
    {
        architectures ??= [HostArchitecture, HostArchitecture == "arm64" ? "amd64" : "arm64"];
        var children = architectures.Select(a => Random(layers, a, docker)).ToList();
        string indexType = docker ? MediaType.DockerManifestList : MediaType.OciIndex;
        var index = new JsonObject
        {
            ["schemaVersion"] = 2,
            ["mediaType"] = indexType,
            ["manifests"] = new JsonArray(children.Select(c => (JsonNode)c.Descriptor(d =>
                d["platform"] = new JsonObject { ["architecture"] = c.Platform, ["os"] = "linux" })).ToArray()),
        };
        return new TestImage { Manifest = Blob.Json(index, indexType), Children = children };
    }

    /// <summary>
    /// An artifact manifest attached to <paramref name="subject"/>: the empty config (or <paramref name="configMediaType"/>
    /// with a small JSON config) and one layer.
    /// </summary>
    public static TestImage Artifact(JsonObject? subject, string? artifactType, IDictionary<string, string>? annotations = null,
        string? configMediaType = null)
    {
        var config = configMediaType is null
            ? Blob.Empty
            : Blob.Json(new JsonObject { ["nonce"] = Guid.NewGuid().ToString("N") }, configMediaType);
        var layer = new Blob("application/vnd.example.data.v1", RandomNumberGenerator.GetBytes(512));
        var manifest = new JsonObject
        {
            ["schemaVersion"] = 2,
            ["mediaType"] = MediaType.OciManifest,
        };
        if (artifactType is not null) manifest["artifactType"] = artifactType;
        manifest["config"] = config.Descriptor();
        manifest["layers"] = new JsonArray(layer.Descriptor());
        if (subject is not null) manifest["subject"] = subject.DeepClone();
        if (annotations is not null) manifest["annotations"] = Annotations(annotations);
        return new TestImage { Manifest = Blob.Json(manifest, MediaType.OciManifest), ExtraBlobs = [config, layer] };
    }

    /// <summary>An image index that is itself a referrer (an index with a subject).</summary>
    public static TestImage IndexReferrer(JsonObject subject, TestImage child, string? artifactType, IDictionary<string, string>? annotations = null)
    {
        var index = new JsonObject { ["schemaVersion"] = 2, ["mediaType"] = MediaType.OciIndex };
        if (artifactType is not null) index["artifactType"] = artifactType;
        index["manifests"] = new JsonArray(child.Descriptor());
        index["subject"] = subject.DeepClone();
        if (annotations is not null) index["annotations"] = Annotations(annotations);
        return new TestImage { Manifest = Blob.Json(index, MediaType.OciIndex), Children = [child] };
    }

    public static JsonObject Annotations(IDictionary<string, string> annotations)
    {
        var node = new JsonObject();
        foreach (var (key, value) in annotations) node[key] = value;
        return node;
    }

    public static Layer RandomLayer(int index, int maxFileBytes = 48 * 1024, bool docker = false)
    {
        var files = new SortedDictionary<string, byte[]>(StringComparer.Ordinal);
        string dir = $"wharf-e2e/layer{index}-{Guid.NewGuid():N}"[..34];
        int count = System.Security.Cryptography.RandomNumberGenerator.GetInt32(2, 5);
        for (int i = 0; i < count; i++)
            files[$"{dir}/file{i}.bin"] = RandomNumberGenerator.GetBytes(RandomNumberGenerator.GetInt32(1, maxFileBytes));

        using var tar = new MemoryStream();
        using (var writer = new TarWriter(tar, TarEntryFormat.Pax, leaveOpen: true))
        {
            var mtime = new DateTimeOffset(2024, 1, 1, 0, 0, 0, TimeSpan.Zero);
            foreach (string part in new[] { "wharf-e2e", dir })
            {
                writer.WriteEntry(new PaxTarEntry(TarEntryType.Directory, part + "/")
                {
                    Mode = UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute | UnixFileMode.GroupRead
                        | UnixFileMode.GroupExecute | UnixFileMode.OtherRead | UnixFileMode.OtherExecute,
                    ModificationTime = mtime,
                });
            }
            foreach (var (path, content) in files)
            {
                writer.WriteEntry(new PaxTarEntry(TarEntryType.RegularFile, path)
                {
                    Mode = UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.GroupRead | UnixFileMode.OtherRead,
                    ModificationTime = mtime,
                    DataStream = new MemoryStream(content),
                });
            }
        }
        byte[] tarBytes = tar.ToArray();
        using var gz = new MemoryStream();
        using (var gzip = new GZipStream(gz, CompressionLevel.Fastest, leaveOpen: true)) gzip.Write(tarBytes);
        var blob = new Blob(docker ? MediaType.DockerLayer : MediaType.OciLayerGzip, gz.ToArray());
        return new Layer(blob, Digests.Sha256(tarBytes), files);
    }
}
