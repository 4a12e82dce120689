using Wharf.Scanning.Tests.Layers;
using Wharf.Scanning.Vulnerabilities;

namespace Wharf.Scanning.Tests.Vulnerabilities;

/// <summary>The real shared OSV data (PyPA advisories and OpenSSF malicious packages), loaded once for the tests that match against it.</summary>
public sealed class SharedOsvDatabase
{
    public OsvDatabase Database { get; } = OsvDatabase.Load(TestData.OsvDirectory);
}

[CollectionDefinition(Name)]
public sealed class SharedOsvCollection : ICollectionFixture<SharedOsvDatabase>
{
    public const string Name = "shared OSV data";
}
