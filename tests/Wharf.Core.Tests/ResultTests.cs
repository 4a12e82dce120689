namespace Wharf.Core.Tests;

public class ResultTests
{
    [Fact]
    public void A_value_is_ok()
    {
        Result<int> result = 42;
        Assert.True(result.Ok);
        Assert.Null(result.Error);
        Assert.Equal(42, result.Value);
    }

    [Fact]
    public void An_error_has_no_value()
    {
        Result<int> result = OciErrors.ManifestInvalid("nope");
        Assert.False(result.Ok);
        Assert.Equal(OciErrorCode.ManifestInvalid, result.Error.Code);
        var e = Assert.Throws<InvalidOperationException>(() => result.Value);
        Assert.Contains("nope", e.Message);
    }
}
