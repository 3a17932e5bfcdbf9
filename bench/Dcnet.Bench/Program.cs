using BenchmarkDotNet.Running;

namespace Dcnet.Bench;

/// <summary>Runs the benchmarks: <c>dotnet run -c Release --project bench/Dcnet.Bench -- --filter '*'</c>.</summary>
public static class Program
{
    public static void Main(string[] args) => BenchmarkSwitcher.FromAssembly(typeof(Program).Assembly).Run(args);
}
