using System.Diagnostics.CodeAnalysis;

namespace Wharf.Core.Policy;

/// <summary>Why a policy request was not done: bad input (400), something absent (404), or refused by policy or a race (409).</summary>
public enum PolicyProblemKind { BadRequest, NotFound, Refused, Conflict }

public sealed record PolicyProblem(PolicyProblemKind Kind, string Message)
{
    public static PolicyProblem BadRequest(string message) => new(PolicyProblemKind.BadRequest, message);
    public static PolicyProblem NotFound(string message) => new(PolicyProblemKind.NotFound, message);
    public static PolicyProblem Refused(string message) => new(PolicyProblemKind.Refused, message);
    public static PolicyProblem Conflict(string message) => new(PolicyProblemKind.Conflict, message);
}

/// <summary>A value or the <see cref="PolicyProblem"/> that explains why there is none (the /api sibling of <see cref="Result{T}"/>).</summary>
public readonly struct PolicyResult<T>
{
    private readonly T? _value;

    public PolicyResult(T value) { _value = value; Problem = null; }
    public PolicyResult(PolicyProblem problem) { _value = default; Problem = problem; }

    public PolicyProblem? Problem { get; }

    [MemberNotNullWhen(false, nameof(Problem))]
    public bool Ok => Problem is null;

    public T Value => Ok ? _value! : throw new InvalidOperationException($"no value: {Problem.Message}");

    public static implicit operator PolicyResult<T>(T value) => new(value);
    public static implicit operator PolicyResult<T>(PolicyProblem problem) => new(problem);
}
