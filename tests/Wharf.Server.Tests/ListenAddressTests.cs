using System.Net;

namespace Wharf.Server.Tests;

public class ListenAddressTests
{
    [Theory]
    [InlineData("127.0.0.1:5000", "127.0.0.1", 5000)]
    [InlineData("10.1.2.3:80", "10.1.2.3", 80)]
    [InlineData("localhost:5001", "127.0.0.1", 5001)]
    [InlineData(":5000", "0.0.0.0", 5000)]
    [InlineData("*:5000", "0.0.0.0", 5000)]
    [InlineData("0.0.0.0:443", "0.0.0.0", 443)]
    [InlineData("[::1]:5000", "::1", 5000)]
    [InlineData("[::]:5000", "::", 5000)]
    [InlineData("127.0.0.1:0", "127.0.0.1", 0)]
    [InlineData("5000", "127.0.0.1", 5000)]
    [InlineData("0", "127.0.0.1", 0)]
    [InlineData("65535", "127.0.0.1", 65535)]
    public void Parses_every_documented_form(string value, string address, int port) =>
        Assert.Equal(new IPEndPoint(IPAddress.Parse(address), port), ListenAddress.Parse(value));

    [Fact]
    public void A_bare_port_stays_on_loopback() => Assert.True(IPAddress.IsLoopback(ListenAddress.Parse("8080").Address));

    [Theory]
    [InlineData("")]
    [InlineData("abc")]
    [InlineData("127.0.0.1")]
    [InlineData("127.0.0.1:")]
    [InlineData("127.0.0.1:http")]
    [InlineData("127.0.0.1:65536")]
    [InlineData("127.0.0.1:-1")]
    [InlineData("registry.example.com:5000")]
    [InlineData("[::1]")]
    [InlineData("65536")]
    [InlineData("-1")]
    public void Bad_input_is_a_format_error(string value) => Assert.Throws<FormatException>(() => ListenAddress.Parse(value));
}
