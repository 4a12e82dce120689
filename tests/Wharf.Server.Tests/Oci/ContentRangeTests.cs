using Wharf.Server.Oci;

namespace Wharf.Server.Tests.Oci;

/// <summary>A chunk's Content-Range on PATCH/PUT, and the Range an upload reports.</summary>
public class ContentRangeTests
{
    [Theory]
    [InlineData("0-99", 0, 99)]
    [InlineData("100-199", 100, 199)]
    [InlineData("bytes 0-99/100", 0, 99)]
    [InlineData("bytes 5-9/*", 5, 9)]
    [InlineData("bytes=0-0", 0, 0)]
    [InlineData("  7-7  ", 7, 7)]
    public void Parses_a_chunk_range(string header, long start, long end)
    {
        Assert.True(OciHttp.TryParseContentRange(header, null, out var range));
        Assert.Equal((start, end), range);
    }

    [Theory]
    [InlineData(null)]
    [InlineData("")]
    [InlineData("   ")]
    public void No_header_is_no_range(string? header)
    {
        Assert.True(OciHttp.TryParseContentRange(header, null, out var range));
        Assert.Null(range);
    }

    [Theory]
    [InlineData("-5")]
    [InlineData("5-")]
    [InlineData("9-3")]
    [InlineData("a-b")]
    [InlineData("bytes */100")]
    [InlineData("0-99999999999999999999")]
    [InlineData("10")]
    public void Refuses_a_malformed_range(string header)
    {
        Assert.False(OciHttp.TryParseContentRange(header, null, out var range));
        Assert.Null(range);
    }

    [Theory]
    [InlineData("0-99", 100L, true)]
    [InlineData("0-99", 50L, false)]
    [InlineData("1000-1999", 500L, false)]
    [InlineData("0-99", null, true)] // chunked transfer: the length is not known up front
    public void A_range_must_span_the_body_it_comes_with(string header, long? contentLength, bool valid) =>
        Assert.Equal(valid, OciHttp.TryParseContentRange(header, contentLength, out _));

    [Theory]
    [InlineData(0, "0-0")]
    [InlineData(1, "0-0")]
    [InlineData(100, "0-99")]
    [InlineData(5_000_000_000, "0-4999999999")]
    public void An_upload_reports_its_last_offset(long size, string expected) => Assert.Equal(expected, OciHttp.UploadRange(size));
}
