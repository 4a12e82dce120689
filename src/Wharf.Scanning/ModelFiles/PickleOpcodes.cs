using System.Buffers.Binary;
using System.Globalization;
using System.Numerics;

namespace Wharf.Scanning.ModelFiles;

/// <summary>One case per opcode, with the checks CPython's C Unpickler makes (and raises on) at that opcode.</summary>
internal sealed partial class PickleMachine
{
    private void Step(byte opcode, long offset)
    {
        switch (opcode)
        {
            case 0x80: // PROTO
                var protocol = _input.ReadByte();
                if (protocol > 5) throw new PickleMalformedException($"unsupported pickle protocol: {protocol}");
                _trace.Protocol = protocol;
                break;
            case 0x95: _input.BeginFrame(_input.ReadUInt64()); break; // FRAME
            case (byte)'(': _marks.Add(_stack.Count); break; // MARK
            case (byte)'0': // POP: the top item, or the last MARK when nothing is above it
                if (_stack.Count > (_marks.Count > 0 ? _marks[^1] : 0)) Pop();
                else PopMark();
                break;
            case (byte)'1': PopMark(); break; // POP_MARK
            case (byte)'2': Push(Top()); break; // DUP

            case (byte)'N': Push(PyScalar.None); break;
            case 0x88: Push(new PyScalar(true)); break; // NEWTRUE
            case 0x89: Push(new PyScalar(false)); break; // NEWFALSE
            case (byte)'I': Push(ParseInt(_input.ReadLine(), allowBool: true)); break;
            case (byte)'L': Push(ParseInt(_input.ReadLine().TrimEnd('L'), allowBool: false)); break;
            case (byte)'F': Push(double.TryParse(_input.ReadLine(), NumberStyles.Float, CultureInfo.InvariantCulture, out var f) ? new PyScalar(f) : throw new PickleMalformedException("could not convert string to float")); break;
            case (byte)'J': Push(new PyScalar(BinaryPrimitives.ReadInt32LittleEndian(_input.Read(4)))); break; // BININT
            case (byte)'K': Push(new PyScalar((int)_input.ReadByte())); break; // BININT1
            case (byte)'M': Push(new PyScalar((int)BinaryPrimitives.ReadUInt16LittleEndian(_input.Read(2)))); break; // BININT2
            case 0x8a: Push(Long(_input.ReadByte())); break; // LONG1
            case 0x8b: Push(Long(BinaryPrimitives.ReadInt32LittleEndian(_input.Read(4)))); break; // LONG4
            case (byte)'G': Push(new PyScalar(BinaryPrimitives.ReadDoubleBigEndian(_input.Read(8)))); break; // BINFLOAT

            case (byte)'S': Push(QuotedString(_input.ReadLine(), offset)); break; // STRING
            case (byte)'T': Push(Latin1(Bytes(BinaryPrimitives.ReadInt32LittleEndian(_input.Read(4)), offset))); break; // BINSTRING
            case (byte)'U': Push(Latin1(Bytes(_input.ReadByte(), offset))); break; // SHORT_BINSTRING
            case (byte)'V': Push(new PyStr(RawUnicodeEscape(_input.ReadLine()))); break; // UNICODE
            case (byte)'X': Push(Text(_input.ReadUInt32(), offset)); break; // BINUNICODE
            case 0x8c: Push(Text(_input.ReadByte(), offset)); break; // SHORT_BINUNICODE
            case 0x8d: Push(Text(Checked(_input.ReadUInt64()), offset)); break; // BINUNICODE8
            case (byte)'B': Push(Bytes(_input.ReadUInt32(), offset)); break; // BINBYTES
            case (byte)'C': Push(Bytes(_input.ReadByte(), offset)); break; // SHORT_BINBYTES
            case 0x8e: Push(Bytes(Checked(_input.ReadUInt64()), offset)); break; // BINBYTES8
            case 0x96: Push(Bytes(Checked(_input.ReadUInt64()), offset)); break; // BYTEARRAY8
            case 0x97: // NEXT_BUFFER: plain pickle.load raises without buffers=; a custom loader supplies them
                _trace.Problems.Add(new StreamProblem(StreamProblemKind.OutOfBandBuffer, "NEXT_BUFFER refers to out-of-band data", offset));
                Push(PyBuffer.Instance);
                break;
            case 0x98: Top(); break; // READONLY_BUFFER

            case (byte)')': Push(new PyTuple([])); break; // EMPTY_TUPLE
            case (byte)'t': Push(new PyTuple(PopMark())); break; // TUPLE
            case 0x85: Push(new PyTuple([Pop()])); break; // TUPLE1
            case 0x86: { var b = Pop(); var a = Pop(); Push(new PyTuple([a, b])); break; } // TUPLE2
            case 0x87: { var c = Pop(); var b = Pop(); var a = Pop(); Push(new PyTuple([a, b, c])); break; } // TUPLE3
            case (byte)']': Push(new PyContainer("list")); break; // EMPTY_LIST
            case (byte)'l': Push(Filled("list", PopMark())); break; // LIST
            case (byte)'}': Push(new PyContainer("dict")); break; // EMPTY_DICT
            case (byte)'d': // DICT
                var pairs = PopMark();
                if (pairs.Length % 2 != 0) throw new PickleMalformedException("odd number of items for DICT");
                Push(Filled("dict", pairs));
                break;
            case 0x8f: Push(new PyContainer("set")); break; // EMPTY_SET
            case 0x91: Push(Filled("frozenset", PopMark())); break; // FROZENSET
            case (byte)'a': AddTo("list", "append", [Pop()], offset); break; // APPEND
            case (byte)'e': AddTo("list", "extend", PopMark(), offset); break; // APPENDS
            case (byte)'s': { var v = Pop(); var k = Pop(); AddTo("dict", "__setitem__", [k, v], offset); break; } // SETITEM
            case (byte)'u': // SETITEMS
                var items = PopMark();
                if (items.Length % 2 != 0) throw new PickleMalformedException("odd number of items for SETITEMS");
                AddTo("dict", "__setitem__", items, offset);
                break;
            case 0x90: AddTo("set", "add", PopMark(), offset); break; // ADDITEMS

            case (byte)'p': Memoize(ParseIndex(_input.ReadLine())); break; // PUT
            case (byte)'q': Memoize(_input.ReadByte()); break; // BINPUT
            case (byte)'r': Memoize(BinaryPrimitives.ReadInt32LittleEndian(_input.Read(4))); break; // LONG_BINPUT
            case 0x94: Memoize(_memo.Count); break; // MEMOIZE
            case (byte)'g': PushMemo(ParseIndex(_input.ReadLine())); break; // GET
            case (byte)'h': PushMemo(_input.ReadByte()); break; // BINGET
            case (byte)'j': PushMemo(_input.ReadUInt32()); break; // LONG_BINGET

            case (byte)'c': { var module = _input.ReadLine(); Push(Import(module, _input.ReadLine(), offset)); break; } // GLOBAL
            case 0x93: Push(StackGlobal(offset)); break; // STACK_GLOBAL
            case 0x82: Push(Extension(_input.ReadByte(), offset)); break; // EXT1
            case 0x83: Push(Extension(BinaryPrimitives.ReadUInt16LittleEndian(_input.Read(2)), offset)); break; // EXT2
            case 0x84: Push(Extension(BinaryPrimitives.ReadInt32LittleEndian(_input.Read(4)), offset)); break; // EXT4

            case (byte)'R': { var args = Pop(); var callee = Pop(); RequireTuple(args, "REDUCE"); Push(Call("REDUCE", callee, args, offset)); break; }
            case (byte)'i': // INST: GLOBAL and a call with the items above MARK
            {
                var module = _input.ReadLine();
                var global = Import(module, _input.ReadLine(), offset);
                Push(Call("INST", global, new PyTuple(PopMark()), offset));
                break;
            }
            case (byte)'o': // OBJ: the class is the first item above MARK
            {
                var marked = PopMark();
                if (marked.Length == 0) throw new PickleMalformedException("OBJ without a class");
                Push(Call("OBJ", marked[0], new PyTuple(marked[1..]), offset));
                break;
            }
            case 0x81: { var args = Pop(); var cls = Pop(); RequireTuple(args, "NEWOBJ"); Push(Call("NEWOBJ", cls, args, offset)); break; }
            case 0x92: // NEWOBJ_EX
            {
                var kwargs = Pop(); var args = Pop(); var cls = Pop();
                RequireTuple(args, "NEWOBJ_EX");
                Push(Call("NEWOBJ_EX", cls, new PyTuple([args, kwargs]), offset));
                break;
            }
            case (byte)'b': // BUILD: __setstate__ or __dict__ update of the object under the state
            {
                var state = Pop();
                var build = new PickleBuild(Top(), state, offset);
                if (build.Target is PyObject built) built.State = state;
                _trace.Builds.Add(build);
                _afterBuild?.Invoke(build, _input, _trace);
                break;
            }
            case (byte)'P': Persistent(new PyStr(_input.ReadLine()), offset); break; // PERSID
            case (byte)'Q': Persistent(Pop(), offset); break; // BINPERSID
            default:
                throw new PickleMalformedException($"invalid load key, '\\x{opcode:x2}' at offset {offset}");
        }
    }

    private PickleValue StackGlobal(long offset)
    {
        var name = Pop();
        var module = Pop();
        if (module is PyStr m && name is PyStr n) return Import(m.Value, n.Value, offset);
        if (module is PyObject || name is PyObject)
        {
            // Only a call can make a str the machine cannot see; CPython accepts it if it is one at run time.
            _trace.Problems.Add(new StreamProblem(StreamProblemKind.DynamicName, "STACK_GLOBAL with a name computed by a call", offset));
            return new PyObject(module, "STACK_GLOBAL");
        }
        throw new PickleMalformedException("STACK_GLOBAL requires str");
    }

    private PyExtension Extension(int code, long offset)
    {
        if (code <= 0) throw new PickleMalformedException("EXT specifies code <= 0");
        _trace.Extensions.Add((code, offset));
        return new PyExtension(code);
    }

    private void Persistent(PickleValue id, long offset)
    {
        _trace.PersistentIds.Add((id, offset));
        Push(new PyPersistent(id));
    }

    /// <summary>APPEND(S)/SETITEM(S)/ADDITEMS: into a real container, or else a method call on the object.</summary>
    private void AddTo(string kind, string method, PickleValue[] items, long offset)
    {
        var target = Top();
        if (target is PyContainer c && c.Kind == kind)
        {
            foreach (var item in items) { _memory += 8; c.Items.Add(item); }
            if (_memory > _limits.MaxPickleMemory) throw new PickleLimitException($"more than {_limits.MaxPickleMemory} bytes held");
            return;
        }
        if (target is PyStr or PyBytes or PyScalar or PyTuple)
            throw new PickleMalformedException($"cannot {method} into a {target.GetType().Name}");
        _trace.Calls.Add(new PickleCall(method, target, new PyTuple(items), offset));
    }

    private static PyContainer Filled(string kind, PickleValue[] items)
    {
        var c = new PyContainer(kind);
        c.Items.AddRange(items);
        return c;
    }

    private static void RequireTuple(PickleValue args, string site)
    {
        if (args is not PyTuple and not PyObject and not PyPersistent and not PyExtension)
            throw new PickleMalformedException($"{site} expected an argument tuple");
    }

    private static long Checked(ulong length) =>
        length > long.MaxValue ? throw new PickleMalformedException("length too large") : (long)length;

    private PyScalar Long(int length)
    {
        if (length < 0) throw new PickleMalformedException("LONG pickle has negative byte count");
        var bytes = _input.Read(length);
        return new PyScalar(length <= 64 ? new BigInteger(bytes, isUnsigned: false, isBigEndian: false) : (object)length);
    }

    private static PyScalar ParseInt(string text, bool allowBool)
    {
        if (allowBool && text == "00") return new PyScalar(false);
        if (allowBool && text == "01") return new PyScalar(true);
        return BigInteger.TryParse(text.Trim(), NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var v)
            ? new PyScalar(v) : throw new PickleMalformedException($"invalid literal for int(): '{text}'");
    }

    private static long ParseIndex(string text) =>
        long.TryParse(text, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var v) && v >= 0 ? v : throw new PickleMalformedException("invalid memo index");

    private PyStr Latin1(PyBytes bytes) => new(System.Text.Encoding.Latin1.GetString(bytes.Content ?? bytes.Head));

    private PyStr QuotedString(string line, long offset)
    {
        if (line.Length < 2 || line[0] != line[^1] || (line[0] != '\'' && line[0] != '"'))
            throw new PickleMalformedException("the STRING opcode argument must be quoted");
        var text = PythonNames.UnescapeStringLiteral(line[1..^1]);
        var bytes = System.Text.Encoding.Latin1.GetBytes(text);
        NoteNested(bytes, bytes.Length > 256 ? bytes[..256] : bytes, bytes.Length, offset);
        return new PyStr(text);
    }

    private static string RawUnicodeEscape(string line) => PythonNames.UnescapeRawUnicode(line);
}
