using Dcnet.Bonding;
using Dcnet.Checks;
using Dcnet.Design;
using Dcnet.Tests.Support;
using Dcnet.Topology;

namespace Dcnet.Tests.Bonding;

/// <summary>
/// The seed's sentence, as a test: "With layer2 hashing, 100 VMs talking to their gateway all land on one link; with
/// layer3+4 they spread about 50/50." The fixture (Fixtures/seed-100-vms.yaml) tunnels 100 VMs' north-south traffic
/// from one host to a gateway host. The golden files keep the actual figures.
/// </summary>
public class SeedExampleTests
{
    private const string Fixture = "tests/Dcnet.Tests/Bonding/Fixtures/seed-100-vms.yaml";

    private static Network Seed(string policy, string extra = "")
    {
        string yaml = Repo.Read(Fixture.Split('/'))
            .Replace("xmit-hash-policy: layer2, members: [ens1f0, ens2f0], carries: [management, vm, overlay]", $"xmit-hash-policy: {policy}, members: [ens1f0, ens2f0], carries: [management, vm, overlay]", StringComparison.Ordinal)
            .Replace("overlay: { type: geneve,", "overlay: { type: geneve," + extra, StringComparison.Ordinal);
        return Resolver.Resolve(DesignLoader.Parse(yaml, "seed-100-vms.yaml"));
    }

    private static BondLoad Worker(Network n) => BondsReport.Build(n, "worker-001").Loads.Single();

    [Fact]
    public void With_layer2_all_100_vms_talking_to_their_gateway_land_on_one_member()
    {
        var load = Worker(Seed("layer2"));
        Assert.Equal(100, load.FlowCount);
        Assert.Equal([0.0, 1.0], load.FlowShares.Order());
        Assert.Equal(2.0, load.FlowImbalance, 6);
    }

    [Fact]
    public void With_layer3_4_the_100_vms_spread_about_50_50()
    {
        var load = Worker(Seed("layer3+4"));
        Assert.Equal(100, load.FlowCount);
        Assert.All(load.FlowShares, s => Assert.InRange(s, 0.40, 0.60));
        Assert.InRange(load.FlowImbalance, 1.0, 1.2);
    }

    [Fact]
    public void Layer2_3_does_no_better_than_layer2_for_tunnelled_traffic()
    {
        // The outer addresses are the two tunnel endpoints for every VM: layer2+3 adds nothing that varies.
        var load = Worker(Seed("layer2+3"));
        Assert.Equal([0.0, 1.0], load.FlowShares.Order());
    }

    [Fact]
    public void Without_source_port_entropy_layer3_4_also_puts_every_tunnel_flow_on_one_member()
    {
        var n = Seed("layer3+4", " source-port-entropy: false,");
        Assert.Equal([0.0, 1.0], Worker(n).FlowShares.Order());
        var finding = Assert.Single(CheckRegistry.Run(n), f => f.Id == "BOND008" && f.Message.Contains("of worker-001", StringComparison.Ordinal));
        Assert.Contains("(overlay.source-port-entropy: false)", finding.Message, StringComparison.Ordinal);
        Assert.Contains("100 tunnelled flows 0 % / 100 %", finding.Message.Replace("100 % / 0 %", "0 % / 100 %", StringComparison.Ordinal), StringComparison.Ordinal);
    }

    [Fact]
    public void The_layer2_design_gets_a_warning_with_its_own_imbalance_and_the_layer3_4_alternative()
    {
        var finding = Assert.Single(CheckRegistry.Run(Seed("layer2")), f => f.Id == "BOND003");
        Assert.Equal(Severity.Warning, finding.Severity);
        Assert.Contains("worker-001/bond0 puts its 100 flows", finding.Message, StringComparison.Ordinal);
        Assert.Contains("imbalance 2.00", finding.Message, StringComparison.Ordinal);
        Assert.Contains("with layer3+4 the same flows would go", finding.Message, StringComparison.Ordinal);
        Assert.DoesNotContain(CheckRegistry.Run(Seed("layer3+4")), f => f.Id == "BOND003");
    }

    [Theory]
    [InlineData("layer2")]
    [InlineData("layer3+4")]
    public void The_figures_are_printed_by_dcnet_bonds(string policy)
    {
        var n = Seed(policy);
        Golden.Assert($"tests/Dcnet.Tests/Bonding/Golden/seed-100-vms-{policy.Replace('+', '_')}.txt", BondsReport.Build(n, "worker-001").Text());
    }
}
