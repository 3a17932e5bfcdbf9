using System.Runtime.CompilerServices;

namespace Dcnet.Bonding;

/// <summary>
/// The Linux bonding transmit hash (kernel 6.1, <c>__bond_xmit_hash()</c> in <c>drivers/net/bonding/bond_main.c</c>)
/// over a pre-dissected <see cref="FlowKey"/>, and the balance-xor/802.3ad member choice
/// <c>usable_slaves->arr[hash % count]</c> (<c>bond_xmit_3ad_xor_slave_get()</c>). Allocation-free; the batch
/// methods replace the division by a multiply (Lemire's fastmod), which a property test holds equal to <c>%</c>.
/// </summary>
/// <remarks>
/// Per policy, with E = <c>dst[5] ^ src[5] ^ EtherType</c>, A = source XOR destination address words,
/// L4 = ports or ICMP word and <c>fold(x) = x ^ x&gt;&gt;16, then ^ x&gt;&gt;8</c>:
/// layer2 = E; layer2+3 = fold(E ^ A); layer3+4 = fold(L4 ^ A) &gt;&gt; 1; encap2+3 and encap3+4 the same with the
/// flow dissector's A and L4; any frame the dissector rejects hashes as E, unfolded; vlan+srcmac = TCI ^ OUI ^ NIC
/// half of the source MAC.
/// </remarks>
public static class TransmitHash
{
    /// <summary>The 32-bit hash the bond computes for <paramref name="key"/>.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static uint Compute(in FlowKey key, XmitHashPolicy policy) => policy switch
    {
        XmitHashPolicy.Layer2 => key.EthWord,
        XmitHashPolicy.Layer23 => key.BondDissected ? Fold(key.EthWord ^ key.BondAddress) : key.EthWord,
        XmitHashPolicy.Layer34 => key.BondDissected ? Fold(key.BondL4 ^ key.BondAddress) >> 1 : key.EthWord,
        XmitHashPolicy.Encap23 => key.EncapDissected ? Fold(key.EthWord ^ key.EncapAddress) : key.EthWord,
        XmitHashPolicy.Encap34 => key.EncapDissected ? Fold(key.EncapL4 ^ key.EncapAddress) >> 1 : key.EthWord,
        XmitHashPolicy.VlanSrcMac => key.VlanTci ^ key.SourceMacWord,
        _ => throw new ArgumentOutOfRangeException(nameof(policy)),
    };

    /// <summary>The member index balance-xor and 802.3ad pick among <paramref name="usableMembers"/> (enslave order).</summary>
    public static int Member(in FlowKey key, XmitHashPolicy policy, int usableMembers)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(usableMembers);
        return (int)(Compute(key, policy) % (uint)usableMembers);
    }

    /// <summary>Hashes every key of <paramref name="keys"/> into <paramref name="hashes"/>.</summary>
    public static void ComputeBatch(ReadOnlySpan<FlowKey> keys, XmitHashPolicy policy, Span<uint> hashes)
    {
        if (hashes.Length < keys.Length)
        {
            throw new ArgumentException("hashes is shorter than keys", nameof(hashes));
        }

        // One loop per policy keeps the switch out of the loop body.
        switch (policy)
        {
            case XmitHashPolicy.Layer2:
                for (int i = 0; i < keys.Length; i++)
                {
                    hashes[i] = keys[i].EthWord;
                }

                break;
            case XmitHashPolicy.Layer23:
                for (int i = 0; i < keys.Length; i++)
                {
                    ref readonly var k = ref keys[i];
                    hashes[i] = k.BondDissected ? Fold(k.EthWord ^ k.BondAddress) : k.EthWord;
                }

                break;
            case XmitHashPolicy.Layer34:
                for (int i = 0; i < keys.Length; i++)
                {
                    ref readonly var k = ref keys[i];
                    hashes[i] = k.BondDissected ? Fold(k.BondL4 ^ k.BondAddress) >> 1 : k.EthWord;
                }

                break;
            default:
                for (int i = 0; i < keys.Length; i++)
                {
                    hashes[i] = Compute(keys[i], policy);
                }

                break;
        }
    }

    /// <summary>Member indices for every key, <c>hash % usableMembers</c>, computed without a division.</summary>
    public static void MemberBatch(ReadOnlySpan<FlowKey> keys, XmitHashPolicy policy, int usableMembers, Span<int> members)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(usableMembers);
        if (members.Length < keys.Length)
        {
            throw new ArgumentException("members is shorter than keys", nameof(members));
        }

        var mod = new FastMod((uint)usableMembers);
        for (int i = 0; i < keys.Length; i++)
        {
            members[i] = (int)mod.Of(Compute(keys[i], policy));
        }
    }

    /// <summary>The fold of <c>bond_ip_hash()</c>.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static uint Fold(uint h)
    {
        h ^= h >> 16;
        h ^= h >> 8;
        return h;
    }
}

/// <summary>
/// <c>x % d</c> for a fixed 32-bit divisor by two multiplications (D. Lemire, O. Kaser, N. Kurz, "Faster Remainder
/// by Direct Computation", 2019): exact for every 32-bit x and every d &gt; 0.
/// </summary>
public readonly struct FastMod
{
    private readonly ulong multiplier;
    private readonly uint divisor;

    public FastMod(uint divisor)
    {
        ArgumentOutOfRangeException.ThrowIfZero(divisor);
        this.divisor = divisor;
        multiplier = (ulong.MaxValue / divisor) + 1;
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public uint Of(uint x)
    {
        ulong lowbits = multiplier * x;
        return (uint)Math.BigMul(lowbits, divisor, out _);
    }
}
