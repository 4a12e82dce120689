using System.Buffers.Binary;

namespace Wharf.Scanning.ModelFiles;

/// <summary>The stream ended before the pickle did (CPython: "pickle data was truncated").</summary>
internal sealed class PickleTruncatedException(string message) : Exception(message);

/// <summary>A stream CPython's Unpickler would reject at this point.</summary>
internal sealed class PickleMalformedException(string message) : Exception(message);

/// <summary>
/// The pickle machine's input: a forward-only stream read through one growable buffer, so a layer entry
/// that cannot seek is read once. Reads are linear exactly as CPython's C Unpickler reads them (its FRAME
/// only checks that the frame's bytes exist, then reads on); beside that, frame boundaries are tracked as the
/// pure-Python _Unframer enforces them, and every place the two disagree is reported, because a scanner and
/// a loader that split the stream differently see different programs.
/// </summary>
internal sealed class PickleInput(Stream stream, long startOffset = 0)
{
    private byte[] _buffer = new byte[64 * 1024];
    private int _start;
    private int _end;
    private bool _eof;
    private long _frameEnd = -1;

    /// <summary>Offset of the next byte, counted from the start of the file.</summary>
    public long Position { get; private set; } = startOffset;

    /// <summary>Where reads and declared frames disagreed (empty for a well-framed pickle).</summary>
    public List<(long Offset, string Message)> FrameProblems { get; } = [];

    public bool AtEnd()
    {
        Fill(1);
        return _end == _start;
    }

    public byte ReadByte() => Read(1)[0];

    /// <summary>Up to <paramref name="count"/> next bytes, not consumed: the start of what follows a STOP.</summary>
    public ReadOnlySpan<byte> Peek(int count)
    {
        Fill(count);
        return _buffer.AsSpan(_start, Math.Min(count, _end - _start));
    }

    public ReadOnlySpan<byte> Read(int count)
    {
        CheckFrame(count);
        Fill(count);
        if (_end - _start < count) throw new PickleTruncatedException($"pickle data was truncated at offset {Position + (_end - _start)}");
        var span = _buffer.AsSpan(_start, count);
        _start += count;
        Position += count;
        return span;
    }

    public uint ReadUInt32() => BinaryPrimitives.ReadUInt32LittleEndian(Read(4));

    public ulong ReadUInt64() => BinaryPrimitives.ReadUInt64LittleEndian(Read(8));

    /// <summary>A line up to and including '\n' (returned without it), as protocol 0 text opcodes read.</summary>
    public string ReadLine(int maxLength = 1 << 20)
    {
        var offset = Position;
        for (var scanned = 0; ; scanned++)
        {
            Fill(scanned + 1);
            if (_end - _start <= scanned) throw new PickleTruncatedException($"pickle data was truncated in a line at offset {offset}");
            if (_buffer[_start + scanned] == (byte)'\n')
            {
                var text = System.Text.Encoding.UTF8.GetString(Read(scanned + 1)[..^1]);
                return text;
            }
            if (scanned > maxLength) throw new PickleMalformedException($"line at offset {offset} is longer than {maxLength} bytes");
        }
    }

    /// <summary>
    /// A byte string of <paramref name="length"/> bytes, kept whole only up to <paramref name="keep"/> bytes;
    /// longer ones are read through in chunks, so a 4 GB BINBYTES8 costs a chunk, not 4 GB.
    /// </summary>
    public (byte[]? Content, byte[] Head) ReadBytes(long length, int keep)
    {
        if (length <= keep && length <= int.MaxValue) { var all = Read((int)length).ToArray(); return (all, all.Length > 256 ? all[..256] : all); }
        var head = Read((int)Math.Min(256, length)).ToArray();
        for (var left = length - head.Length; left > 0;)
        {
            var chunk = (int)Math.Min(left, 1 << 20);
            Read(chunk);
            left -= chunk;
        }
        return (null, head);
    }

    /// <summary>FRAME: CPython's C Unpickler requires the frame's bytes to be there, then reads on linearly.</summary>
    public void BeginFrame(ulong length)
    {
        if (_frameEnd >= 0 && Position != _frameEnd)
            FrameProblems.Add((Position, $"a FRAME begins {_frameEnd - Position} bytes before the end of the current frame"));
        if (length > long.MaxValue / 2) throw new PickleMalformedException($"FRAME length {length} is impossible");
        _frameEnd = Position + (long)length;
        if (length <= 64 << 20)
        {
            Fill((int)length);
            if (_end - _start < (int)length) throw new PickleTruncatedException($"FRAME at offset {Position - 9} declares {length} bytes but only {_end - _start} follow");
        }
    }

    /// <summary>At STOP: a frame that declared more bytes than the opcodes used is a disagreement too.</summary>
    public void EndPickle()
    {
        if (_frameEnd > Position) FrameProblems.Add((Position, $"STOP {_frameEnd - Position} bytes before the end of its FRAME"));
        _frameEnd = -1;
    }

    private void CheckFrame(int count)
    {
        if (_frameEnd < 0) return;
        if (Position == _frameEnd) { _frameEnd = -1; return; }
        if (Position + count > _frameEnd)
        {
            FrameProblems.Add((Position, $"an opcode reads {Position + count - _frameEnd} bytes past the end of its FRAME"));
            _frameEnd = -1;
        }
    }

    private void Fill(int count)
    {
        if (_end - _start >= count || _eof) return;
        if (_buffer.Length - _start < count)
        {
            var bigger = count > _buffer.Length ? new byte[Math.Max(count, _buffer.Length * 2)] : _buffer;
            Buffer.BlockCopy(_buffer, _start, bigger, 0, _end - _start);
            _end -= _start;
            _start = 0;
            _buffer = bigger;
        }
        while (_end - _start < count)
        {
            var read = stream.Read(_buffer, _end, _buffer.Length - _end);
            if (read == 0) { _eof = true; return; }
            _end += read;
        }
    }
}
