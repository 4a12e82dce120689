using System.Diagnostics.CodeAnalysis;

namespace Wharf.Ml.Formats;

/// <summary>What a header reader found, or why the header was refused. Readers never throw on bad bytes.</summary>
public readonly record struct ReadResult<T>(T? Value, string? Error) where T : class
{
    [MemberNotNullWhen(true, nameof(Value))]
    [MemberNotNullWhen(false, nameof(Error))]
    public bool Ok => Error is null && Value is not null;

    public static implicit operator ReadResult<T>(T value) => new(value, null);

    public static ReadResult<T> Fail(string error) => new(null, error);
}
