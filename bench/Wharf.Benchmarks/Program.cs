using BenchmarkDotNet.Configs;
using BenchmarkDotNet.Running;

// dotnet run -c Release --project bench/Wharf.Benchmarks -- --filter '*'   (add --job short for a quick look)
// BenchmarkDotNet builds a copy of this project before it measures; on a busy 2-core machine that takes longer
// than its default two minutes.
var config = ManualConfig.Create(DefaultConfig.Instance).WithBuildTimeout(TimeSpan.FromMinutes(10));
BenchmarkSwitcher.FromAssembly(typeof(Program).Assembly).Run(args, config);
