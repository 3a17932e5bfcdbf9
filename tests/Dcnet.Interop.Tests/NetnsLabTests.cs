using Dcnet.Interop.Tests.Support;

namespace Dcnet.Interop.Tests;

/// <summary>The sandbox itself: namespaces, a veth, traffic, and cleanup.</summary>
public class NetnsLabTests
{
    [Fact]
    public void Two_namespaces_joined_by_a_veth_can_ping_each_other()
    {
        Peer.RequireProgram("ping", "iputils-ping");
        using var lab = new NetnsLab(nameof(Two_namespaces_joined_by_a_veth_can_ping_each_other));
        string a = lab.AddNamespace("a"), b = lab.AddNamespace("b");
        lab.AddVeth(a, "eth0", b, "eth0");
        lab.AddAddress(a, "eth0", "192.0.2.1/24");
        lab.AddAddress(b, "eth0", "192.0.2.2/24");
        var ping = lab.Exec(a, "ping", "-c", "1", "-W", "2", "192.0.2.2");
        Assert.True(ping.Ok, ping.Stdout + ping.Stderr);
        Assert.Contains("1 received", ping.Stdout, StringComparison.Ordinal);
    }

    [Fact]
    public void Dispose_removes_the_namespaces_even_when_the_test_fails()
    {
        string[] created = [];
        try
        {
            using var lab = new NetnsLab(nameof(Dispose_removes_the_namespaces_even_when_the_test_fails));
            lab.AddNamespace("x");
            lab.AddNamespace("y");
            created = [.. lab.Namespaces];
            throw new InvalidOperationException("a failing test");
        }
        catch (InvalidOperationException)
        {
        }

        var list = Shell.Run("ip", "netns", "list").Stdout.Split('\n').Select(l => l.Split(' ')[0]).ToHashSet();
        Assert.Equal(2, created.Length);
        Assert.All(created, ns => Assert.DoesNotContain(ns, list));
    }

    [Fact]
    public void Leftovers_of_a_killed_run_are_removed_when_a_lab_starts()
    {
        Peer.RequireRoot();

        // A namespace named as if by a process that no longer exists (pid 2^22 + 1 is above pid_max's default).
        string stale = NetnsLab.Prefix + "4194305-1-stale";
        Shell.Run("ip", "netns", "add", stale).EnsureOk();
        using var lab = new NetnsLab(nameof(Leftovers_of_a_killed_run_are_removed_when_a_lab_starts));
        Assert.DoesNotContain(stale, Shell.Run("ip", "netns", "list").Stdout, StringComparison.Ordinal);
    }
}
