using System.Diagnostics;
using Dcnet.Interop.Tests.Support;

namespace Dcnet.Interop.Tests;

/// <summary>
/// The leftover guard, proven by killing a test run halfway: the killed run leaves a namespace, a process and a
/// directory behind; the next run clears them at its start and passes.
/// </summary>
public class SandboxGuardTests
{
    private const string ReadyVariable = "DCNET_SANDBOX_CHILD_READY";

    [Fact]
    public void A_run_killed_halfway_leaves_leftovers_that_the_next_run_clears()
    {
        Peer.RequireRoot();
        string ready = Path.Combine(Path.GetTempPath(), "dcnet-ready-" + Guid.NewGuid().ToString("N"));
        using var child = Process.Start(RunOf(nameof(Child_run_that_is_killed_halfway), ready))!;
        var deadline = DateTime.UtcNow.AddSeconds(60);
        while (!File.Exists(ready) && !child.HasExited && DateTime.UtcNow < deadline)
        {
            Thread.Sleep(50);
        }

        Assert.True(File.Exists(ready), "the child run never got ready: " + (child.HasExited ? child.StandardOutput.ReadToEnd() : "timeout"));
        File.Delete(ready);
        child.Kill(entireProcessTree: false); // SIGKILL: no Dispose, no cleanup
        child.WaitForExit();

        var left = SandboxGuard.Leftovers(child.Id);
        Assert.Contains(left, l => l.StartsWith("namespace ", StringComparison.Ordinal));
        Assert.Contains(left, l => l.StartsWith("process ", StringComparison.Ordinal));
        Assert.Contains(left, l => l.StartsWith("directory ", StringComparison.Ordinal));

        using var next = Process.Start(RunOf(nameof(Next_run_after_a_killed_one), null))!;
        string output = next.StandardOutput.ReadToEnd();
        next.WaitForExit();
        Assert.True(next.ExitCode == 0, output);
        Assert.Contains("Total: 1, Errors: 0, Failed: 0", output, StringComparison.Ordinal);
        Assert.Empty(SandboxGuard.Leftovers(child.Id));
    }

    [Fact]
    public void A_run_that_leaks_fails_naming_the_leftover_and_the_test_that_created_it()
    {
        Peer.RequireRoot();
        using var child = Process.Start(RunOf(nameof(Child_run_that_leaks_a_namespace), null))!;
        string output = child.StandardOutput.ReadToEnd() + child.StandardError.ReadToEnd();
        child.WaitForExit();
        NetnsLab.RemoveLeftovers();
        Assert.NotEqual(0, child.ExitCode);
        Assert.Contains("the interop run left these behind", output, StringComparison.Ordinal);
        Assert.Matches(@"namespace dcnt-\d+-\d+-leak created by Child_run_that_leaks_a_namespace", output);
        Assert.Empty(SandboxGuard.Leftovers(child.Id));
    }

    /// <summary>Runs only inside the child above: creates a namespace and forgets to dispose its lab.</summary>
    [Fact(Explicit = true)]
    public void Child_run_that_leaks_a_namespace() => new NetnsLab(nameof(Child_run_that_leaks_a_namespace)).AddNamespace("leak");

    private static ProcessStartInfo RunOf(string test, string? ready)
    {
        var psi = new ProcessStartInfo(Path.Combine(AppContext.BaseDirectory, "Dcnet.Interop.Tests"))
        {
            UseShellExecute = false,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        };
        foreach (string a in new[] { "-noLogo", "-noColor", "-explicit", "only", "-method", typeof(SandboxGuardTests).FullName + "." + test })
        {
            psi.ArgumentList.Add(a);
        }

        if (ready is not null)
        {
            psi.Environment[ReadyVariable] = ready;
        }

        return psi;
    }

    /// <summary>Runs only inside the child process above: builds a sandbox, signals, then waits to be killed.</summary>
    [Fact(Explicit = true)]
    public void Child_run_that_is_killed_halfway()
    {
        var lab = new NetnsLab(nameof(Child_run_that_is_killed_halfway));
        string ns = lab.AddNamespace("victim");
        string dir = lab.TempDirectory("victim");
        File.WriteAllText(Path.Combine(dir, "log"), "");
        lab.Start(ns, "sleep", "300");
        var psi = new ProcessStartInfo("tail", ["-f", Path.Combine(dir, "log")]) { UseShellExecute = false };
        Process.Start(psi);
        File.WriteAllText(Environment.GetEnvironmentVariable(ReadyVariable)!, "ready");
        Thread.Sleep(TimeSpan.FromMinutes(5));
        GC.KeepAlive(lab);
    }

    /// <summary>The next run: its sandbox guard clears what the killed run left; the test itself does nothing.</summary>
    [Fact(Explicit = true)]
    public void Next_run_after_a_killed_one() => Assert.NotNull(SandboxGuard.Cleared);
}
