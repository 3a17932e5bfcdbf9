using Dcnet.Checks;
using Dcnet.Design;
using Dcnet.Tests.Topology;
using FsCheck.Xunit;

namespace Dcnet.Tests.Design;

/// <summary>dcnet init never writes a design dcnet would reject or flag as an error.</summary>
public class GeneratorProperties
{
    [Property(MaxTest = 40)]
    public bool Generated_designs_load_and_check_without_errors(byte vms, byte hosts, byte spines, byte leaves, byte groups, bool dualStack, byte platform)
    {
        var report = CheckReport.Run(DesignLoader.Parse(ResolverProperties.RandomDesign(vms, hosts, spines, leaves, groups, dualStack, platform)));
        return report.Count(Severity.Error) == 0 && report.Count(Severity.Warning) == 0;
    }

    [Fact]
    public void A_100000_vm_design_has_the_requested_shape()
    {
        var n = Dcnet.Topology.Resolver.Resolve(DesignLoader.Parse(DesignGenerator.Generate(new GeneratorOptions { Vms = 100_000, Hosts = 2000, Leaves = 64, Groups = 4000, DualStack = true })));
        Assert.Equal((100_000, 2000, 64, 4000), (n.Vms.Count, n.Hosts.Count, n.Leaves.Count, n.Groups.Count));
    }
}
