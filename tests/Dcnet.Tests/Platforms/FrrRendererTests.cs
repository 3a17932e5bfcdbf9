using Dcnet.Platforms;
using Dcnet.Platforms.Frr;
using Dcnet.Tests.Support;

namespace Dcnet.Tests.Platforms;

/// <summary>The FRR renderer: golden files for each kind of device, and properties every configuration must have.</summary>
public class FrrRendererTests
{
    private static IReadOnlyList<RenderedFile> Render(string yaml) => new FrrRenderer().Render(Designs.Resolve(yaml));

    private static string Conf(IReadOnlyList<RenderedFile> files, string device) => files.Single(f => f.RelativePath == device + "/frr.conf").Content;

    [Theory]
    [InlineData("spine-01")]
    [InlineData("leaf-01")]
    [InlineData("worker-001")]
    public void Lab_small_configurations_are_golden(string device) =>
        Golden.Assert($"tests/Dcnet.Tests/Platforms/Golden/lab-small-{device}.frr.conf", Conf(new FrrRenderer().Render(Designs.Example("lab-small.yaml")), device));

    [Fact]
    public void An_unnumbered_spine_is_golden() =>
        Golden.Assert("tests/Dcnet.Tests/Platforms/Golden/unnumbered-spine-01.frr.conf", Conf(Render(Repo.Read("tests", "Dcnet.Interop.Tests", "Bgp", "Fixtures", "bgp-lab-unnumbered.yaml")), "spine-01"));

    [Fact]
    public void Every_activated_neighbour_has_a_route_map_in_and_out_so_the_traditional_profile_exchanges_routes()
    {
        var files = Render(Repo.Read("examples", "lab-small.yaml").Replace("profile: datacenter", "profile: traditional", StringComparison.Ordinal));
        foreach (var f in files.Where(f => f.RelativePath.EndsWith("frr.conf", StringComparison.Ordinal)))
        {
            Assert.Contains("frr defaults traditional\n", f.Content, StringComparison.Ordinal);
            var lines = f.Content.Split('\n');
            foreach (string activate in lines.Where(l => l.EndsWith(" activate", StringComparison.Ordinal)))
            {
                string n = activate.Trim()[..^" activate".Length];
                Assert.Contains(lines, l => l.Trim().StartsWith(n + " route-map ", StringComparison.Ordinal) && l.EndsWith(" in", StringComparison.Ordinal));
                Assert.Contains(lines, l => l.Trim().StartsWith(n + " route-map ", StringComparison.Ordinal) && l.EndsWith(" out", StringComparison.Ordinal));
            }
        }
    }

    [Fact]
    public void Speaker_timers_and_bfd_follow_the_load_balancer_settings()
    {
        var files = Render(Repo.Read("examples", "lab-small.yaml").Replace("load-balancer:\n  asn: 64512", "load-balancer:\n  asn: 64512\n  hold-time: 90s\n  keepalive-time: 30s\n  bfd: false", StringComparison.Ordinal));
        string worker = Conf(files, "worker-001");
        Assert.Contains(" neighbor 192.168.10.254 timers 30 90\n", worker, StringComparison.Ordinal);
        Assert.DoesNotContain("bfd", worker, StringComparison.Ordinal);
        Assert.Contains(" neighbor 192.168.10.11 bfd profile dcnet-300x3\n", Conf(files, "leaf-01"), StringComparison.Ordinal);
        Assert.Contains("bfdd=no", files.Single(f => f.RelativePath == "worker-001/daemons").Content, StringComparison.Ordinal);
    }

    [Fact]
    public void Per_pair_leaves_render_allowas_in_toward_the_spines_only()
    {
        string leaf = Conf(Render(Repo.Read("tests", "Dcnet.Interop.Tests", "Bgp", "Fixtures", "bgp-lab-unnumbered.yaml")), "leaf-01");
        Assert.Contains("  neighbor uplink1 allowas-in 1\n", leaf, StringComparison.Ordinal);
        Assert.DoesNotContain("198.51.100.11 allowas-in", leaf, StringComparison.Ordinal);
    }
}
