using System.Text;
using System.Text.Json.Nodes;
using Microsoft.Extensions.Time.Testing;
using Wharf.Core.Policy;
using Wharf.Core.Registry;
using Wharf.Metadata.Sql;
using Wharf.Metadata.Sqlite;
using Wharf.Storage.FileSystem;

namespace Wharf.Core.Tests.Policy;

/// <summary>A clock the test moves by hand.</summary>
/// <summary>
/// The registry rules with versioning policy, over the real default stores (filesystem + SQLite) in a temp
/// directory, on a clock the test moves by hand.
/// </summary>
public abstract class PolicyHarness : IAsyncLifetime
{
    protected const string Repo = "team/model";
    protected static readonly DateTimeOffset T0 = new(2026, 1, 1, 0, 0, 0, TimeSpan.Zero);

    private readonly string _root = Path.Combine(Path.GetTempPath(), "wharf-policy-" + Guid.NewGuid().ToString("N"));
    private SqlDatabase? _database;
    private SqlMetadataStore? _sqlite;

    protected static CancellationToken Ct => CancellationToken.None;

    internal FakeTimeProvider Time { get; } = new(T0);

    protected IMetadataStore Metadata => _sqlite!;
    protected IPolicyStore Store => _sqlite!;
    protected UploadService Uploads { get; private set; } = null!;
    protected ManifestService Manifests { get; private set; } = null!;
    protected PolicyService Policies { get; private set; } = null!;
    protected PromotionService Promotions { get; private set; } = null!;
    protected RetentionService Retention { get; private set; } = null!;

    public async Task InitializeAsync()
    {
        var blobs = new FileSystemBlobStore(_root);
        _sqlite = new SqlMetadataStore(_database = SqliteMetadata.Open(Path.Combine(_root, "wharf.db"), Time));
        await _sqlite.MigrateAsync(Ct);
        var limits = new RegistryLimits();
        Uploads = new UploadService(blobs, Metadata, new UploadHashes(), new UploadLeases(_sqlite, Time), limits, Time);
        Policies = new PolicyService(Store, PromotionConditions.BuiltIn);
        Manifests = new ManifestService(Metadata, limits, Time, Policies);
        Promotions = new PromotionService(Metadata, Store, Policies, PromotionConditions.BuiltIn);
        Retention = new RetentionService(Metadata, Policies, Time);
    }

    public Task DisposeAsync()
    {
        _database?.Dispose();
        Directory.Delete(_root, recursive: true);
        return Task.CompletedTask;
    }

    protected async Task SetPolicyAsync(PolicyScope scope, VersioningPolicy policy)
    {
        var stored = await Policies.PutAsync(scope, policy, Ct);
        Assert.True(stored.Ok, stored.Problem?.Message);
    }

    protected static ManifestReference Tag(string tag) => new(tag, null);

    protected static ManifestReference At(Digest digest) => new(null, digest);

    /// <summary>An image manifest with one layer holding <paramref name="seed"/>, its blobs pushed into <paramref name="repository"/>.</summary>
    protected async Task<byte[]> ImageAsync(string seed, string repository = Repo, string? subject = null)
    {
        var config = await PushBlobAsync(repository, "{}"u8.ToArray());
        var layer = await PushBlobAsync(repository, Encoding.UTF8.GetBytes(seed));
        var manifest = new JsonObject
        {
            ["schemaVersion"] = 2,
            ["mediaType"] = MediaTypes.OciManifest,
            ["config"] = Descriptor(MediaTypes.OciConfig, config, 2),
            ["layers"] = new JsonArray(Descriptor(MediaTypes.OciLayerTarGzip, layer, seed.Length)),
        };
        if (subject is not null) manifest["subject"] = Descriptor(MediaTypes.OciManifest, Digest.Parse(subject), 100);
        return Encoding.UTF8.GetBytes(manifest.ToJsonString());
    }

    protected static byte[] Index(params Digest[] children) => Encoding.UTF8.GetBytes(new JsonObject
    {
        ["schemaVersion"] = 2,
        ["mediaType"] = MediaTypes.OciIndex,
        ["manifests"] = new JsonArray([.. children.Select(c => (JsonNode)Descriptor(MediaTypes.OciManifest, c, 100))]),
    }.ToJsonString());

    /// <summary>Puts the manifest (asserting success) and returns its digest.</summary>
    protected async Task<Digest> PutAsync(ManifestReference reference, byte[] content, string repository = Repo)
    {
        var stored = await Manifests.PutAsync(repository, reference, content, null, Ct);
        Assert.True(stored.Ok, stored.Error?.Message);
        return stored.Value.Digest;
    }

    /// <summary>Pushes an image tagged <paramref name="tag"/> and returns its digest.</summary>
    protected async Task<Digest> PushTaggedAsync(string tag, string? seed = null, string repository = Repo) =>
        await PutAsync(Tag(tag), await ImageAsync(seed ?? tag, repository), repository);

    private async Task<Digest> PushBlobAsync(string repository, byte[] blob)
    {
        var digest = Digest.Compute(blob);
        var result = await Uploads.PutMonolithicAsync(repository, digest, new MemoryStream(blob), Ct);
        Assert.True(result.Ok, result.Error?.Message);
        return digest;
    }

    private static JsonObject Descriptor(string mediaType, Digest digest, long size) =>
        new() { ["mediaType"] = mediaType, ["digest"] = digest.ToString(), ["size"] = size };
}
