using Dcnet.Design;

namespace Dcnet.Bonding;

/// <summary>The seven Linux bonding modes (Documentation/networking/bonding.rst), by their kernel names.</summary>
public enum BondMode
{
    [Token("balance-rr"), Doc("Mode 0: round-robin over members; needs a static LAG; reorders single flows.")]
    BalanceRr = 0,

    [Token("active-backup"), Doc("Mode 1: one active member, the others standby; needs nothing from the switch.")]
    ActiveBackup = 1,

    [Token("balance-xor"), Doc("Mode 2: member = transmit hash modulo members; needs a static LAG.")]
    BalanceXor = 2,

    [Token("broadcast"), Doc("Mode 3: every frame on every member.")]
    Broadcast = 3,

    [Token("802.3ad"), Doc("Mode 4: IEEE 802.3ad/802.1AX LACP; needs LACP on one switch or an MLAG pair.")]
    Lacp = 4,

    [Token("balance-tlb"), Doc("Mode 5: adaptive transmit load balancing; receive on one member.")]
    BalanceTlb = 5,

    [Token("balance-alb"), Doc("Mode 6: tlb plus receive balancing by ARP rewriting.")]
    BalanceAlb = 6,
}

/// <summary>The bonding driver's xmit_hash_policy values.</summary>
public enum XmitHashPolicy
{
    [Token("layer2"), Doc("XOR of MAC addresses and ethertype.")]
    Layer2 = 0,

    [Token("layer3+4"), Doc("IP addresses and L4 ports.")]
    Layer34 = 1,

    [Token("layer2+3"), Doc("MAC addresses and IP addresses.")]
    Layer23 = 2,

    [Token("encap2+3"), Doc("layer2+3 on the innermost headers the flow dissector parses.")]
    Encap23 = 3,

    [Token("encap3+4"), Doc("layer3+4 on the innermost headers the flow dissector parses.")]
    Encap34 = 4,

    [Token("vlan+srcmac"), Doc("VLAN id and source MAC.")]
    VlanSrcMac = 5,
}

/// <summary>How often an 802.3ad partner is asked to send LACPDUs.</summary>
public enum LacpRate
{
    [Token("slow"), Doc("A LACPDU every 30 s; a silent partner is declared down after 90 s.")]
    Slow = 0,

    [Token("fast"), Doc("A LACPDU every 1 s; a silent partner is declared down after 3 s.")]
    Fast = 1,
}
