using Wharf.Core.Registry;

namespace Wharf.Core.Tests.Registry;

public sealed class UploadLimitTests : RegistryHarness
{
    protected override RegistryLimits Limits => new() { MaxBlobBytes = 100 };

    [Fact]
    public async Task A_blob_over_MaxBlobBytes_ends_its_session_and_stores_nothing()
    {
        var session = await Uploads.StartAsync("team/model", Ct);
        Assert.True((await Uploads.AppendAsync("team/model", session.Id, 0, Body(Bytes(60)), Ct)).Ok);
        var over = await Uploads.AppendAsync("team/model", session.Id, 60, Body(Bytes(41)), Ct);
        AssertError(over, OciErrorCode.SizeInvalid);
        await AssertNothingVisibleAsync("team/model", session.Id);
    }

    [Fact]
    public async Task A_blob_of_exactly_MaxBlobBytes_is_stored()
    {
        var blob = Bytes(100);
        Assert.True((await Uploads.PutMonolithicAsync("team/model", Digest.Compute(blob), Body(blob), Ct)).Ok);
    }
}
