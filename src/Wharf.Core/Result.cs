using System.Diagnostics.CodeAnalysis;

namespace Wharf.Core;

/// <summary>A value or the OCI error that explains why there is none. Registry rules return these, never throw.</summary>
public readonly struct Result<T>
{
    private readonly T? _value;

    public Result(T value) { _value = value; Error = null; }
    public Result(OciError error) { _value = default; Error = error; }

    public OciError? Error { get; }

    [MemberNotNullWhen(false, nameof(Error))]
    public bool Ok => Error is null;

    public T Value => Ok ? _value! : throw new InvalidOperationException($"no value: {Error.Message}");

    public static implicit operator Result<T>(T value) => new(value);
    public static implicit operator Result<T>(OciError error) => new(error);
}
