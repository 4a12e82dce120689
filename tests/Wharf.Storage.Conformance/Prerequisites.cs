using Xunit.Abstractions;
using Xunit.Sdk;

namespace Wharf.Storage.Conformance;

/// <summary>
/// On a test class: its tests need a service named by an environment variable (e.g. a PostgreSQL server). Locally a
/// missing variable skips them with a message; in CI (<c>CI=true</c>) they run and fail, so a broken test
/// environment cannot pass as green. Works on every <see cref="StoreFactAttribute"/> the class has, inherited ones too.
/// </summary>
[AttributeUsage(AttributeTargets.Class, AllowMultiple = true)]
public sealed class NeedsEnvironmentAttribute(string variable, string hint) : Attribute
{
    public string Variable { get; } = variable;
    public string Hint { get; } = hint;

    public bool IsMissing => string.IsNullOrWhiteSpace(Environment.GetEnvironmentVariable(Variable));

    /// <summary>The variable's value, or a failure that says how to provide it.</summary>
    public static string Require(Type testClass, string variable)
    {
        string? value = Environment.GetEnvironmentVariable(variable);
        if (!string.IsNullOrWhiteSpace(value)) return value;
        string hint = testClass.GetCustomAttributes(typeof(NeedsEnvironmentAttribute), inherit: true)
            .Cast<NeedsEnvironmentAttribute>().FirstOrDefault(a => a.Variable == variable)?.Hint ?? "";
        throw new XunitException($"{variable} is not set. {hint}" + (IsCi ? " CI=true, so this fails instead of being skipped." : ""));
    }

    public static bool IsCi
    {
        get
        {
            string? ci = Environment.GetEnvironmentVariable("CI");
            return !string.IsNullOrEmpty(ci) && !ci.Equals("false", StringComparison.OrdinalIgnoreCase) && ci != "0";
        }
    }
}

/// <summary>
/// A fact of the store conformance suites: it is skipped (outside CI) when its concrete test class names an
/// environment variable with <see cref="NeedsEnvironmentAttribute"/> that is not set.
/// </summary>
[XunitTestCaseDiscoverer("Wharf.Storage.Conformance.StoreFactDiscoverer", "Wharf.Storage.Conformance")]
[AttributeUsage(AttributeTargets.Method, AllowMultiple = false)]
public sealed class StoreFactAttribute : FactAttribute;

public sealed class StoreFactDiscoverer(IMessageSink diagnosticMessageSink) : FactDiscoverer(diagnosticMessageSink)
{
    protected override IXunitTestCase CreateTestCase(ITestFrameworkDiscoveryOptions discoveryOptions, ITestMethod testMethod, IAttributeInfo factAttribute) =>
        new StoreTestCase(DiagnosticMessageSink, discoveryOptions.MethodDisplayOrDefault(), discoveryOptions.MethodDisplayOptionsOrDefault(), testMethod);
}

public sealed class StoreTestCase : XunitTestCase
{
    [Obsolete("Called by the de-serializer; should only be called by deriving classes for de-serialization purposes")]
    public StoreTestCase()
    {
    }

    public StoreTestCase(IMessageSink diagnosticMessageSink, TestMethodDisplay defaultMethodDisplay, TestMethodDisplayOptions defaultMethodDisplayOptions, ITestMethod testMethod)
        : base(diagnosticMessageSink, defaultMethodDisplay, defaultMethodDisplayOptions, testMethod)
    {
    }

    // The concrete class decides, so one abstract suite serves backends that need a server and ones that do not.
    protected override string GetSkipReason(IAttributeInfo factAttribute)
    {
        if (base.GetSkipReason(factAttribute) is { } reason) return reason;
        if (NeedsEnvironmentAttribute.IsCi) return null!;
        var missing = TestMethod.TestClass.Class.ToRuntimeType()
            .GetCustomAttributes(typeof(NeedsEnvironmentAttribute), inherit: true).Cast<NeedsEnvironmentAttribute>()
            .FirstOrDefault(a => a.IsMissing);
        return missing is null ? null! : $"needs {missing.Variable} (not set). {missing.Hint} In CI (CI=true) this test fails instead.";
    }
}
