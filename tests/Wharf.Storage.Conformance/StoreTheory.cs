using Xunit.Abstractions;
using Xunit.Sdk;

namespace Wharf.Storage.Conformance;

/// <summary>
/// A theory of the store conformance suites: like <see cref="StoreFactAttribute"/>, skipped (outside CI) when its
/// concrete test class names an environment variable with <see cref="NeedsEnvironmentAttribute"/> that is not set.
/// </summary>
[XunitTestCaseDiscoverer("Wharf.Storage.Conformance.StoreTheoryDiscoverer", "Wharf.Storage.Conformance")]
[AttributeUsage(AttributeTargets.Method, AllowMultiple = false)]
public sealed class StoreTheoryAttribute : TheoryAttribute;

public sealed class StoreTheoryDiscoverer(IMessageSink diagnosticMessageSink) : TheoryDiscoverer(diagnosticMessageSink)
{
    protected override IEnumerable<IXunitTestCase> CreateTestCasesForDataRow(ITestFrameworkDiscoveryOptions discoveryOptions, ITestMethod testMethod, IAttributeInfo theoryAttribute, object[] dataRow) =>
        SkipReason(testMethod) is { } reason
            ? [new XunitSkippedDataRowTestCase(DiagnosticMessageSink, discoveryOptions.MethodDisplayOrDefault(), discoveryOptions.MethodDisplayOptionsOrDefault(), testMethod, reason, dataRow)]
            : base.CreateTestCasesForDataRow(discoveryOptions, testMethod, theoryAttribute, dataRow);

    protected override IEnumerable<IXunitTestCase> CreateTestCasesForTheory(ITestFrameworkDiscoveryOptions discoveryOptions, ITestMethod testMethod, IAttributeInfo theoryAttribute) =>
        SkipReason(testMethod) is { } reason
            ? CreateTestCasesForSkip(discoveryOptions, testMethod, theoryAttribute, reason)
            : base.CreateTestCasesForTheory(discoveryOptions, testMethod, theoryAttribute);

    private static string? SkipReason(ITestMethod testMethod)
    {
        if (NeedsEnvironmentAttribute.IsCi) return null;
        var missing = testMethod.TestClass.Class.ToRuntimeType()
            .GetCustomAttributes(typeof(NeedsEnvironmentAttribute), inherit: true).Cast<NeedsEnvironmentAttribute>()
            .FirstOrDefault(a => a.IsMissing);
        return missing is null ? null : $"needs {missing.Variable} (not set). {missing.Hint} In CI (CI=true) this test fails instead.";
    }
}
