using Dcnet.Bonding;
using FsCheck.Xunit;

namespace Dcnet.Tests.Bonding;

/// <summary>
/// The fast paths of the transmit hash against their slow twin: the kernel transcription reading frame bytes
/// (<see cref="KernelTransmitHash"/>), on random flows and on randomly damaged frames.
/// </summary>
public class TransmitHashProperties
{
    private static readonly XmitHashPolicy[] Policies = Enum.GetValues<XmitHashPolicy>();

    [Property(MaxTest = 200)]
    public bool Arithmetic_keys_of_ip_flows_hash_like_the_kernel_transcription_on_their_frames(int seed)
    {
        foreach (var f in FlowSamples.Varied(seed, 40).Where(f => f.IsIp && f.Inner is null && f.Protocol != 51))
        {
            var fast = FlowKey.ForIp(f.SourceMac, f.DestinationMac, f.Vlan, f.SourceIp!, f.DestinationIp!, f.Protocol, f.SourcePort ?? 0, f.DestinationPort ?? 0, f.Fragment);
            var skb = f.ToBondFrame().Skb;
            foreach (var p in Policies)
            {
                if (TransmitHash.Compute(fast, p) != KernelTransmitHash.Compute(skb, p))
                {
                    return false;
                }
            }
        }

        return true;
    }

    [Property(MaxTest = 300)]
    public bool Pre_dissected_keys_hash_like_the_kernel_transcription_even_on_damaged_frames(int seed)
    {
        var rng = new Random(seed);
        var frames = FlowSamples.Varied(seed, 8).Select(f => f.Encode(tagInBand: rng.Next(2) == 0))
            .Concat(FlowSamples.Special().Select(s => s.Flow.Raw!).Where(_ => rng.Next(6) == 0));
        foreach (byte[] original in frames)
        {
            byte[] bytes = (byte[])original.Clone();
            for (int i = rng.Next(4); i > 0; i--)
            {
                bytes[rng.Next(12, bytes.Length)] = (byte)rng.Next(256);
            }

            if (rng.Next(3) == 0)
            {
                bytes = bytes[..rng.Next(14, bytes.Length + 1)];
            }

            ushort? tci = rng.Next(3) == 0 ? (ushort)rng.Next(65536) : null;
            var skb = rng.Next(2) == 0 ? BondSkb.FromAfPacket(bytes) : BondFrame.FromVlanDevice(bytes, tci).Skb;
            var key = FlowKey.Dissect(skb);
            foreach (var p in Policies)
            {
                if (TransmitHash.Compute(key, p) != KernelTransmitHash.Compute(skb, p))
                {
                    return false;
                }
            }
        }

        return true;
    }

    [Property(MaxTest = 2000)]
    public bool Fastmod_equals_the_remainder(uint x, uint divisor)
    {
        uint d = divisor == 0 ? 1 : divisor;
        return new FastMod(d).Of(x) == x % d && new FastMod(3).Of(x) == x % 3 && new FastMod(2).Of(x) == x % 2;
    }

    [Property(MaxTest = 100)]
    public bool The_batch_member_choice_equals_the_per_flow_choice(int seed, byte count)
    {
        int members = (count % 8) + 1;
        var keys = FlowSamples.Varied(seed, 64).Select(f => FlowKey.Dissect(f.ToBondFrame().Skb)).ToArray();
        var batch = new int[keys.Length];
        var hashes = new uint[keys.Length];
        foreach (var p in Policies)
        {
            TransmitHash.MemberBatch(keys, p, members, batch);
            TransmitHash.ComputeBatch(keys, p, hashes);
            for (int i = 0; i < keys.Length; i++)
            {
                if (batch[i] != TransmitHash.Member(keys[i], p, members) || hashes[i] != TransmitHash.Compute(keys[i], p))
                {
                    return false;
                }
            }
        }

        return true;
    }
}
