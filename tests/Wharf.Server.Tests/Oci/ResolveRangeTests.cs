using Wharf.Server.Oci;

namespace Wharf.Server.Tests.Oci;

/// <summary>RFC 9110 section 14 single byte ranges against a 1000-byte blob.</summary>
public class ResolveRangeTests
{
    private const long Length = 1000;

    [Theory]
    [InlineData("bytes=0-499", 0, 500)]
    [InlineData("bytes=500-999", 500, 500)]
    [InlineData("bytes=0-0", 0, 1)]
    [InlineData("bytes=999-999", 999, 1)]
    [InlineData("bytes=500-", 500, 500)]
    [InlineData("bytes=0-", 0, 1000)]
    [InlineData("bytes=-500", 500, 500)]
    [InlineData("bytes=-1", 999, 1)]
    [InlineData("bytes=-1000", 0, 1000)]
    [InlineData("bytes=-5000", 0, 1000)] // a suffix longer than the blob is the whole blob
    [InlineData("bytes=900-5000", 900, 100)] // a last-pos beyond the end is clamped
    [InlineData("BYTES=1-2", 1, 2)] // range units are case-insensitive
    [InlineData("bytes= 10 - 19 ", 10, 10)]
    public void Resolves_a_satisfiable_range(string header, long offset, long count)
    {
        Assert.Equal((offset, count), OciHttp.ResolveRange(header, Length, out bool satisfiable));
        Assert.True(satisfiable);
    }

    [Theory]
    [InlineData("bytes=1000-")]
    [InlineData("bytes=1000-1000")]
    [InlineData("bytes=5000-6000")]
    [InlineData("bytes=-0")]
    public void Refuses_an_unsatisfiable_range(string header)
    {
        Assert.Null(OciHttp.ResolveRange(header, Length, out bool satisfiable));
        Assert.False(satisfiable);
    }

    [Theory]
    [InlineData("bytes=0-")]
    [InlineData("bytes=-1")]
    public void Nothing_in_an_empty_blob_is_satisfiable(string header)
    {
        Assert.Null(OciHttp.ResolveRange(header, 0, out bool satisfiable));
        Assert.False(satisfiable);
    }

    [Theory]
    [InlineData(null)]
    [InlineData("")]
    [InlineData("bytes=0-1,5-6")] // several ranges: the server may send everything instead
    [InlineData("bytes=-1, 0-0")]
    [InlineData("items=0-1")]
    [InlineData("0-1")]
    [InlineData("bytes=")]
    [InlineData("bytes=-")]
    [InlineData("bytes=5")]
    [InlineData("bytes=9-3")] // last-pos before first-pos is invalid and ignored
    [InlineData("bytes=a-b")]
    [InlineData("bytes=--5")]
    public void Ignores_what_it_does_not_serve(string? header)
    {
        Assert.Null(OciHttp.ResolveRange(header, Length, out bool satisfiable));
        Assert.True(satisfiable);
    }
}
