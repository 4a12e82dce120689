using Wharf.Integration.Tests.Infrastructure;
using Xunit.Abstractions;

namespace Wharf.Integration.Tests.Cli;

/// <summary>The CLI tells the truth: what it did when a tag was left out, and why it refused what it refused.</summary>
public sealed class CliTruthTests(ServerFixture fixture, ITestOutputHelper output) : ServerTest(fixture, output), IClassFixture<ServerFixture>
{
    [Fact]
    public async Task A_push_without_a_tag_tags_latest_and_says_so()
    {
        using var dir = new TempDirectory();
        using var cli = new WharfCli(Output);
        string model = ModelDirs.Create(dir.Sub("model"));
        string repo = NewRepo("notag");

        var pushed = await cli.RunAsync("push", model, $"{Server.HostPort}/{repo}", "--quiet");
        Assert.Contains($"no tag given: pushing {Server.HostPort}/{repo}:latest", pushed.StdErr, StringComparison.Ordinal);
        var tags = await cli.RunAsync("ls", $"{Server.HostPort}/{repo}");
        Assert.Equal("latest", tags.StdOut.Trim());
    }

    [Fact]
    public async Task A_file_given_as_the_directory_is_not_a_directory()
    {
        using var dir = new TempDirectory();
        using var cli = new WharfCli(Output);
        string model = ModelDirs.Create(dir.Sub("model"));
        string file = Path.Combine(model, "config.json");

        var refused = await cli.TryRunAsync("push", file, $"{Server.HostPort}/{NewRepo("file")}:v1");
        Assert.Equal(1, refused.ExitCode);
        Assert.Equal($"error: '{file}' is a file, not a directory: give the model directory that holds it", refused.StdErr.Trim());
    }

    [Fact]
    public async Task A_Git_LFS_pointer_is_refused_with_what_to_run()
    {
        using var dir = new TempDirectory();
        using var cli = new WharfCli(Output);
        string model = ModelDirs.Create(dir.Sub("model"));
        File.WriteAllText(Path.Combine(model, "model.safetensors"),
            "version https://git-lfs.github.com/spec/v1\noid sha256:4d7a214614ab2935c943f9e0ff69d22eadbb8f32b1258daaa5e2ca24d17e2393\nsize 4\n");
        string repo = NewRepo("lfs");

        var refused = await cli.TryRunAsync("push", model, $"{Server.HostPort}/{repo}:v1");
        Assert.Equal(1, refused.ExitCode);
        Assert.Contains("model.safetensors is a Git LFS pointer, not the file itself; run git lfs pull", refused.StdErr, StringComparison.Ordinal);
        using var tags = await Http.GetAsync($"v2/{repo}/tags/list");
        Assert.Equal(System.Net.HttpStatusCode.NotFound, tags.StatusCode);
    }

    [Fact]
    public async Task A_Hugging_Face_cache_snapshot_pushes_its_real_files()
    {
        // The layout huggingface_hub writes: snapshots/REV/FILE are relative links to ../../blobs/HASH.
        using var dir = new TempDirectory();
        using var cli = new WharfCli(Output);
        string plain = ModelDirs.Create(dir.Sub("plain"));
        string cache = dir.Sub("models--team--tiny");
        string blobs = Directory.CreateDirectory(Path.Combine(cache, "blobs")).FullName;
        string snapshot = Directory.CreateDirectory(Path.Combine(cache, "snapshots", "0123abcd")).FullName;
        foreach (var (relative, hash) in ModelDirs.Snapshot(plain))
        {
            File.Copy(Path.Combine(plain, relative), Path.Combine(blobs, hash), overwrite: true);
            string link = Path.Combine(snapshot, relative);
            Directory.CreateDirectory(Path.GetDirectoryName(link)!);
            string up = string.Concat(Enumerable.Repeat("../", relative.Count(c => c == '/') + 2));
            File.CreateSymbolicLink(link, $"{up}blobs/{hash}");
        }
        string repo = $"{Server.HostPort}/{NewRepo("hfcache")}";

        var fromCache = await cli.JsonAsync("push", snapshot, $"{repo}:v1", "--json");
        var fromPlain = await cli.JsonAsync("push", plain, $"{repo}:v1", "--json");
        // Same files, same flags, same tag: the same artifact, byte for byte.
        Assert.Equal(fromPlain["digest"]!.GetValue<string>(), fromCache["digest"]!.GetValue<string>());
        Assert.Equal(0, fromPlain["uploaded"]!.GetValue<int>());
        await cli.RunAsync("pull", $"{repo}:v1", dir.Sub("copy"), "--quiet");
        Assert.Equal(ModelDirs.Snapshot(plain), ModelDirs.Snapshot(Path.Combine(dir.Path, "copy")));
    }

    [Fact]
    public async Task A_second_pull_into_the_same_directory_is_refused_clearly()
    {
        using var dir = new TempDirectory();
        using var cli = new WharfCli(Output);
        string model = ModelDirs.Create(dir.Sub("model"));
        string reference = $"{Server.HostPort}/{NewRepo("pulllock")}:v1";
        await cli.RunAsync("push", model, reference, "--quiet");
        string copy = dir.Sub("copy");

        // The first pull's lock, held here so the overlap is certain rather than a matter of timing.
        using (new FileStream(Path.Combine(copy, ".wharf-pull.lock"), FileMode.OpenOrCreate, FileAccess.ReadWrite, FileShare.None))
        {
            var second = await cli.TryRunAsync("pull", reference, copy);
            Assert.Equal(1, second.ExitCode);
            Assert.Contains($"another wharf pull is writing into {copy}", second.StdErr, StringComparison.Ordinal);
            Assert.Single(Directory.GetFileSystemEntries(copy));
        }
        await cli.RunAsync("pull", reference, copy, "--quiet");
        Assert.Equal(ModelDirs.Snapshot(model), ModelDirs.Snapshot(copy));
    }
}
