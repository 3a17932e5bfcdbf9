using Dcnet.Topology;
using Dcnet.Trace;
using Dcnet.Wire;

namespace Dcnet.Bonding;

/// <summary>The trace's bond member choice: the Linux-exact transmit hash of <see cref="BondSelector"/>.</summary>
public sealed class LinuxBondMemberSelector : IBondMemberSelector
{
    public BondChoice Choose(Bond bond, Frame frame)
    {
        var pick = BondSelector.Select(bond, frame);
        var member = pick.Member ?? bond.Members[0];
        int index = pick.Index ?? 0;
        return new BondChoice(bond.Name, member.Name, index, pick.Why);
    }
}
