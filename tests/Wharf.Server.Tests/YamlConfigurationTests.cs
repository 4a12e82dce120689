using Microsoft.Extensions.Configuration;

namespace Wharf.Server.Tests;

public sealed class YamlConfigurationTests : IDisposable
{
    private readonly TempDirectory _dir = new();

    public void Dispose() => _dir.Dispose();

    private static IConfigurationRoot Load(string path, bool optional) =>
        new ConfigurationBuilder().Add(new YamlConfigurationSource(path, optional)).Build();

    [Fact]
    public void Nested_mappings_become_section_keys()
    {
        var config = Load(_dir.File("wharf.yaml", """
            listen: 0.0.0.0:5000
            limits:
              maxManifestBytes: 1024
              nested:
                deeper: yes
            storage:
              kind: filesystem
            """), optional: false);

        Assert.Equal("0.0.0.0:5000", config["Listen"]);
        Assert.Equal("1024", config["Limits:MaxManifestBytes"]); // keys are case-insensitive
        Assert.Equal("yes", config["limits:nested:deeper"]);
        Assert.Equal("filesystem", config.GetSection("Storage")["Kind"]);
        Assert.Null(config["limits"]);
    }

    [Fact]
    public void Sequences_become_indexed_keys()
    {
        var config = Load(_dir.File("wharf.yaml", """
            mirrors:
              - https://a.example
              - url: https://b.example
                priority: 2
            empty: []
            """), optional: false);

        Assert.Equal("https://a.example", config["mirrors:0"]);
        Assert.Equal("https://b.example", config["mirrors:1:url"]);
        Assert.Equal("2", config["mirrors:1:priority"]);
        Assert.Equal(["0", "1"], config.GetSection("mirrors").GetChildren().Select(c => c.Key).Order());
    }

    [Fact]
    public void Quoted_and_block_scalars_keep_their_text()
    {
        var config = Load(_dir.File("wharf.yaml", """
            c: |
              line
            a: "5000"
            b: 'x: y'
            e: "~"
            """), optional: false);
        Assert.Equal("5000", config["a"]);
        Assert.Equal("x: y", config["b"]);
        Assert.Equal("line\n", config["c"]);
        Assert.Equal("~", config["e"]); // quoted, it is text
    }

    [Fact]
    public void Yaml_null_is_no_value_so_the_default_applies()
    {
        var config = Load(_dir.File("wharf.yaml", """
            storage:
              kind: filesystem
              path: ~
            metadata:
              path:
            log:
              format: null
            """), optional: false);
        Assert.Null(config["storage:path"]);
        Assert.Null(config["metadata:path"]);
        Assert.Null(config["log:format"]);
        var settings = WharfSettings.From(config);
        Assert.Equal(Path.GetFullPath(settings.Data), settings.BlobRoot);
        Assert.Equal("text", settings.LogFormat);
    }

    [Fact]
    public void An_empty_file_is_no_settings() =>
        Assert.Empty(Load(_dir.File("wharf.yaml", ""), optional: false).AsEnumerable());

    [Fact]
    public void A_missing_optional_file_is_no_settings() =>
        Assert.Empty(Load(Path.Combine(_dir.Path, "absent.yaml"), optional: true).AsEnumerable());

    [Fact]
    public void A_missing_required_file_is_an_error()
    {
        var path = Path.Combine(_dir.Path, "absent.yaml");
        var error = Assert.Throws<FileNotFoundException>(() => Load(path, optional: false));
        Assert.Equal(path, error.FileName);
    }
}
