namespace Wharf.Integration.Tests.Infrastructure;

/// <summary>
/// Which blob store the servers the tests start use. By default each keeps blobs in its data folder; with
/// <c>WHARF_TEST_STORAGE=s3</c> each uses the test S3 endpoint (<c>WHARF_TEST_S3_*</c>, from scripts/swift.sh) under
/// a key prefix of its own, so servers never see each other's blobs. A test that configures storage itself keeps
/// its own choice. What a run leaves in the bucket goes when scripts/swift.sh stops.
/// </summary>
public static class TestStorage
{
    public const string Variable = "WHARF_TEST_STORAGE";
    public const string EndpointVariable = "WHARF_TEST_S3_ENDPOINT";

    public static bool UsesS3 => string.Equals(Environment.GetEnvironmentVariable(Variable), "s3", StringComparison.OrdinalIgnoreCase);

    public static bool S3Available => !string.IsNullOrWhiteSpace(Environment.GetEnvironmentVariable(EndpointVariable));

    public static WharfOptions Apply(WharfOptions options)
    {
        if (!UsesS3 || options.Environment.ContainsKey("WHARF__STORAGE__KIND")) return options;
        var environment = new Dictionary<string, string>(options.Environment);
        foreach (var (key, value) in S3Environment()) environment[key] = value;
        return options with { Environment = environment };
    }

    /// <summary>Server settings for the test S3 endpoint, the strict dialect Swift's s3api needs, and a fresh prefix.</summary>
    public static Dictionary<string, string> S3Environment()
    {
        string endpoint = Environment.GetEnvironmentVariable(EndpointVariable) is { Length: > 0 } value ? value
            : throw new InvalidOperationException($"{EndpointVariable} is not set: run eval \"$(scripts/swift.sh start)\", or ./test, which does.");
        string Get(string name, string fallback) => Environment.GetEnvironmentVariable(name) is { Length: > 0 } v ? v : fallback;
        return new Dictionary<string, string>
        {
            ["WHARF__STORAGE__KIND"] = "s3",
            ["WHARF__STORAGE__S3__ENDPOINT"] = endpoint,
            ["WHARF__STORAGE__S3__BUCKET"] = Get("WHARF_TEST_S3_BUCKET", "wharf-test"),
            ["WHARF__STORAGE__S3__REGION"] = Get("WHARF_TEST_S3_REGION", "us-east-1"),
            ["WHARF__STORAGE__S3__ACCESSKEY"] = Get("WHARF_TEST_S3_ACCESS_KEY", "test:tester"),
            ["WHARF__STORAGE__S3__SECRETKEY"] = Get("WHARF_TEST_S3_SECRET_KEY", "testing"),
            ["WHARF__STORAGE__S3__FORCEPATHSTYLE"] = "true",
            ["WHARF__STORAGE__S3__DISABLECHUNKENCODING"] = "true",
            ["WHARF__STORAGE__S3__PREFIX"] = "e2e/" + Guid.NewGuid().ToString("N"),
        };
    }
}

/// <summary>A fact that needs the test S3 endpoint: skipped locally when it is not set, failing in CI (CI=true).</summary>
[AttributeUsage(AttributeTargets.Method, AllowMultiple = false)]
public sealed class S3FactAttribute : FactAttribute
{
    public S3FactAttribute()
    {
        if (!TestStorage.S3Available && !Prerequisites.IsCi)
            Skip = $"needs {TestStorage.EndpointVariable} (not set): run ./test, or eval \"$(scripts/swift.sh start)\" first. In CI (CI=true) this test fails instead.";
    }
}
