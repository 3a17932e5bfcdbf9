using System.Globalization;
using System.Text;
using Dcnet.Bonding;
using Dcnet.Design;
using Dcnet.Interop.Tests.Support;

namespace Dcnet.Interop.Tests.Bonding;

/// <summary>
/// dcnet's transmit hash against the real Linux bonding driver: a few hundred varied flows and the special frames of
/// <see cref="FlowSamples.Special"/> go through kernel-lab's bond-matrix (every xmit_hash_policy, balance-xor and
/// 802.3ad, 2 and 3 members, all in one boot), and for every flow the member the kernel transmitted on must be the
/// member dcnet predicts. The expected members come from dcnet at test time, through the same path as
/// <c>dcnet hash</c> (CSV, frame, dissection, hash, modulo).
/// </summary>
public class KernelBondHashTests
{
    private static readonly string[] Policies = ["layer2", "layer2+3", "layer3+4", "encap2+3", "encap3+4", "vlan+srcmac"];

    [Fact]
    public void Every_policy_both_modes_and_2_and_3_members_pick_the_kernels_member_for_every_flow()
    {
        KernelLab.Require();
        using var lab = new NetnsLab(nameof(Every_policy_both_modes_and_2_and_3_members_pick_the_kernels_member_for_every_flow));
        var flows = FlowSamples.Varied(seed: 20261125, count: 320).Concat(FlowSamples.Special().Select(s => s.Flow)).ToList();
        var names = Enumerable.Repeat("", 320).Concat(FlowSamples.Special().Select(s => s.Name)).ToList();
        string csv = Path.Combine(lab.TempDirectory("bond-hash"), "flows.csv");
        File.WriteAllText(csv, FlowCsv.Write(flows));

        var observed = KernelLab.BondMatrix(csv, "all", "all", "2,3");

        Assert.Equal(Policies.Length * 2 * 2 * flows.Count, observed.Count);
        AssertSame(csv, observed, names, VlanTagging.Metadata);
    }

    [Fact]
    public void In_band_tags_written_by_af_packet_hash_as_the_kernel_does()
    {
        KernelLab.Require();
        using var lab = new NetnsLab(nameof(In_band_tags_written_by_af_packet_hash_as_the_kernel_does));
        var flows = FlowSamples.Varied(seed: 4094, count: 240).Where(f => f.Vlan is not null).ToList();
        string csv = Path.Combine(lab.TempDirectory("bond-inband"), "flows.csv");
        File.WriteAllText(csv, FlowCsv.Write(flows));

        var observed = KernelLab.BondMatrix(csv, "all", "balance-xor", "3,5", vlanMode: "inband");

        Assert.Equal(Policies.Length * 2 * flows.Count, observed.Count);
        AssertSame(csv, observed, [], VlanTagging.InBand);
    }

    private static void AssertSame(string csv, IReadOnlyList<KernelLab.Observation> observed, IReadOnlyList<string> names, VlanTagging tagging)
    {
        var rows = FlowCsv.Load(csv);
        var predictions = new Dictionary<(string, int), IReadOnlyList<FlowHash>>();
        var wrong = new List<string>();
        var members = new SortedDictionary<string, int[]>(StringComparer.Ordinal);
        foreach (var o in observed)
        {
            Assert.True(Tokens.TryParse<XmitHashPolicy>(o.Policy, out var policy), o.Policy);
            if (!predictions.TryGetValue((o.Policy, o.Members), out var predicted))
            {
                predicted = HashReport.Run(rows, policy, o.Members, tagging);
                predictions[(o.Policy, o.Members)] = predicted;
            }

            string config = $"{o.Policy}/{o.Mode}/{o.Members}";
            if (!members.TryGetValue(config, out var counts))
            {
                counts = new int[o.Members];
                members[config] = counts;
            }

            counts[o.Member]++;
            if (predicted[o.Flow].Member != o.Member)
            {
                string name = o.Flow < names.Count && names[o.Flow].Length > 0 ? " " + names[o.Flow] : "";
                wrong.Add(string.Create(CultureInfo.InvariantCulture,
                    $"{config} flow {o.Flow}{name} (line {rows[o.Flow].Location.Line}): kernel member {o.Member}, dcnet {predicted[o.Flow].Member} (hash 0x{predicted[o.Flow].Hash:x8})"));
            }
        }

        // Every configuration must use more than one member, or the test could not tell a wrong hash from a right one.
        Assert.All(members, m => Assert.True(m.Value.Count(c => c > 0) > 1, m.Key + " used one member"));
        var report = new StringBuilder();
        foreach (string w in wrong.Take(60))
        {
            report.Append(w).Append('\n');
        }

        Assert.True(wrong.Count == 0, $"{wrong.Count} of {observed.Count} observations differ:\n{report}");
    }
}
