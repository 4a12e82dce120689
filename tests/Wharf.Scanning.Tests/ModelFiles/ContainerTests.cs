using System.IO.Compression;
using Wharf.Scanning.ModelFiles;

namespace Wharf.Scanning.Tests.ModelFiles;

/// <summary>Zip, gzip and nesting: header checks, bombs and the limits, on archives built here.</summary>
public sealed class ContainerTests
{
    private static readonly byte[] Payload = Scans.Latin1("cos\nsystem\n(S'echo pwned'\ntR.");

    private static byte[] Zip(params (string Name, byte[] Content, CompressionLevel Level)[] members)
    {
        var buffer = new MemoryStream();
        using (var zip = new ZipArchive(buffer, ZipArchiveMode.Create, leaveOpen: true))
            foreach (var (name, content, level) in members)
            {
                using var entry = zip.CreateEntry(name, level).Open();
                entry.Write(content);
            }
        return buffer.ToArray();
    }

    private static byte[] Gzip(byte[] content)
    {
        var buffer = new MemoryStream();
        using (var gzip = new GZipStream(buffer, CompressionLevel.Optimal, leaveOpen: true)) gzip.Write(content);
        return buffer.ToArray();
    }

    [Fact]
    public void A_member_whose_local_header_names_another_file_is_unsafe()
    {
        var zip = Zip(("model/data.pkl", Scans.Py(@"\x80\x02}q\x00."), CompressionLevel.NoCompression), ("model/data/0", Payload, CompressionLevel.NoCompression));
        var at = IndexOf(zip, "model/data/0"u8.ToArray()); // the first occurrence is the local header's
        zip[at + 11] = (byte)'1';
        var report = Scans.Bytes(zip);
        Assert.Equal(ModelFormat.PyTorchZip, report.Format);
        Assert.Contains(new ModelFileFinding(ScanStatus.Unsafe, "zip-member", "zip member local header names it 'model/data/1'", "model/data/0"), report.Findings);
        Assert.Contains(new ModelFileFinding(ScanStatus.Unsafe, "unsafe-import", "imports os.system: os can run code, import code or reach files and processes", "model/data/0, offset 0"), report.Findings);
    }

    [Fact]
    public void A_member_hidden_from_the_central_directory_is_unsafe_and_still_scanned_by_a_streaming_reader()
    {
        var zip = Zip(("hidden.pkl", Payload, CompressionLevel.NoCompression), ("ok.txt", "fine"u8.ToArray(), CompressionLevel.NoCompression));
        var end = LastIndexOf(zip, [0x50, 0x4B, 0x05, 0x06]);
        var directory = BitConverter.ToInt32(zip, end + 16);
        var first = 46 + BitConverter.ToUInt16(zip, directory + 28) + BitConverter.ToUInt16(zip, directory + 30) + BitConverter.ToUInt16(zip, directory + 32);
        // Drop hidden.pkl's central entry: the directory now lists ok.txt alone.
        var hidden = zip[..directory].Concat(zip[(directory + first)..end]).Concat(zip[end..]).ToArray();
        var newEnd = hidden.Length - (zip.Length - end);
        BitConverter.GetBytes((ushort)1).CopyTo(hidden, newEnd + 8);
        BitConverter.GetBytes((ushort)1).CopyTo(hidden, newEnd + 10);
        BitConverter.GetBytes(BitConverter.ToInt32(zip, end + 12) - first).CopyTo(hidden, newEnd + 12);
        var report = Scans.Bytes(hidden);
        Assert.Contains(new ModelFileFinding(ScanStatus.Unsafe, "zip-member", "zip archive: a local header before 'ok.txt' is not in the central directory", ""), report.Findings);
    }

    [Fact]
    public void Encrypted_and_odd_flag_bits_are_findings()
    {
        var zip = Zip(("weights.bin", Payload, CompressionLevel.NoCompression));
        var central = LastIndexOf(zip, [0x50, 0x4B, 0x01, 0x02]);
        zip[central + 8] |= 0x01; // encrypted, in the central directory only: the headers now disagree as well
        var report = Scans.Bytes(zip);
        Assert.Contains(report.Findings, f => f.Message == "zip member is encrypted, so it cannot be scanned");
        Assert.Contains(report.Findings, f => f is { Severity: ScanStatus.Unsafe } && f.Message.StartsWith("zip member local header flags", StringComparison.Ordinal));
    }

    [Fact]
    public void A_zip_bomb_stops_at_the_ratio_limit()
    {
        var zip = Zip(("zeros.bin", new byte[20 << 20], CompressionLevel.Optimal));
        var report = Scans.Bytes(zip, ScanLimits.Default with { MaxCompressionRatio = 50 });
        Assert.Equal(ScanStatus.Suspicious, report.Status);
        Assert.Contains(report.Findings, f => f.Rule == "scan-limit" && f.Message == "zeros.bin expands more than 50:1 (a decompression bomb?)");
    }

    [Fact]
    public void The_expanded_size_limit_covers_the_whole_scan()
    {
        // A pickle holding 4 MiB of zeros in one BINBYTES: read through, so every byte is expanded.
        byte[] pickle = [.. Scans.Py(@"\x80\x02B\x00\x00\x40\x00"), .. new byte[4 << 20], (byte)'.'];
        var report = Scans.Bytes(Gzip(pickle), ScanLimits.Default with { MaxExpandedBytes = 1 << 20 });
        Assert.Contains(report.Findings, f => f.Rule == "scan-limit" && f.Message.EndsWith($"more than {1 << 20} bytes expanded in all", StringComparison.Ordinal));
    }

    [Fact]
    public void Nesting_beyond_the_depth_limit_is_a_finding_not_silence()
    {
        var content = Payload;
        for (var i = 0; i < 5; i++) content = Gzip(content);
        Assert.Equal(ScanStatus.Unsafe, Scans.Bytes(content).Status);
        var limited = Scans.Bytes(content, ScanLimits.Default with { MaxDepth = 3 });
        Assert.Equal(ScanStatus.Suspicious, limited.Status);
        Assert.Contains(limited.Findings, f => f.Message == "nested deeper than 3 containers; not scanned");
    }

    [Fact]
    public void Forward_only_zips_go_to_a_temporary_file_within_the_buffer_limit()
    {
        var zip = Zip(("a/data.pkl", Scans.Py(@"\x80\x02}q\x00."), CompressionLevel.Optimal), ("a/data/7", Payload, CompressionLevel.Optimal));
        var onDisk = Scans.ForwardOnly(zip, ScanLimits.Default with { MaxInMemoryBytes = 64 });
        Assert.Equal(ScanStatus.Unsafe, onDisk.Status);
        Assert.Equal(["os.system"], onDisk.Imports);
        var tooLarge = Scans.ForwardOnly(zip, ScanLimits.Default with { MaxBufferedBytes = 64 });
        Assert.Equal(new ModelFileFinding(ScanStatus.Suspicious, "scan-limit", "larger than 64 bytes; not buffered for reading", ""), Assert.Single(tooLarge.Findings));
    }

    [Fact]
    public void Too_many_members_is_a_finding()
    {
        var zip = Zip(("a", [1], CompressionLevel.NoCompression), ("b", [2], CompressionLevel.NoCompression), ("c", [3], CompressionLevel.NoCompression));
        var report = Scans.Bytes(zip, ScanLimits.Default with { MaxMembers = 2 });
        Assert.Contains(report.Findings, f => f.Message == "Zip could not be read: zip declares 3 members, more than the limit of 2");
    }

    [Fact]
    public void Tensor_bytes_are_never_taken_for_a_pickle()
    {
        // Members of a torch zip hold raw float32 data; none may be reported, whatever bytes it starts with.
        var random = new Random(12);
        for (var i = 0; i < 2000; i++)
        {
            var tensor = new float[1024];
            for (var j = 0; j < tensor.Length; j++) tensor[j] = (float)(random.NextDouble() * 4 - 2) * (i % 2 == 0 ? 1 : 1e-3f);
            var bytes = System.Runtime.InteropServices.MemoryMarshal.AsBytes(tensor.AsSpan()).ToArray();
            var report = Scans.Bytes(bytes);
            Assert.True(report.Findings.Count == 0, Scans.Describe(report));
        }
    }

    private static int IndexOf(byte[] haystack, byte[] needle) => haystack.AsSpan().IndexOf(needle);

    private static int LastIndexOf(byte[] haystack, byte[] needle) => haystack.AsSpan().LastIndexOf(needle);
}
